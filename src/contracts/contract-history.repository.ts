// What other records say about a contract's life, read for the rules that judge a later record against
// it: the date its cancellation is dated, and the odometer readings its records kept. (The SQL reads the
// cancellations, repair claims and transfers tables: contracts own the questions "in force on a day" and
// "the last reading"; repair claims, cancellations, transfers and the anomaly flags ask them here.)
import { type Kysely, sql } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import type { OdometerReading, OdometerReadingSource } from './odometer-readings.js';

/** The date the contract's cancellation is dated (cancelOn), or null when it has none. */
export async function cancellationDateOf(
  db: Kysely<Database>,
  contractId: string,
): Promise<CalendarDate | null> {
  const row = await db
    .selectFrom('cancellations')
    .select('cancel_on')
    .where('contract_id', '=', contractId)
    .executeTakeFirst();
  return row?.cancel_on ?? null;
}

/**
 * Every odometer reading a record on a contract kept, as rows (contract_id, odometer, read_on,
 * recorded_at, source, reference): repair claims (read on the business day they were submitted),
 * transfers but rejected ones (read at the ownership change) and cancellations (read on the day they are
 * dated). The reading at sale is not among them: a reading below it is refused as odometer_below_sale.
 */
export function recordedReadings(timeZone: string) {
  return sql`(
    select contract_id, odometer, (submitted_at at time zone ${timeZone})::date as read_on,
           submitted_at as recorded_at, 'repair_claim' as source, claim_number as reference
      from repair_claims
    union all
    select contract_id, odometer, ownership_transferred_on, created_at, 'transfer', null
      from transfers where status <> 'rejected'
    union all
    select contract_id, odometer, cancel_on, created_at, 'cancellation', null
      from cancellations
  )`;
}

/** A row of recordedReadings. */
export interface RecordedReadingRow {
  contract_id: string;
  odometer: number;
  read_on: CalendarDate;
  recorded_at: Date;
  source: OdometerReadingSource;
  reference: string | null;
}

/** The reading of a row. */
export function readingOf(row: Omit<RecordedReadingRow, 'contract_id' | 'recorded_at'>): OdometerReading {
  return {
    odometer: Number(row.odometer),
    readOn: row.read_on,
    source: row.source,
    reference: row.reference,
  };
}

/**
 * The highest reading recorded on each of these contracts (the latest recorded among equals), taken on
 * `onOrBefore` or earlier, in one statement; a contract with none is absent. A reading taken after that
 * day is no measure for one dated that day (a cancellation or transfer staff date back).
 */
export async function lastOdometerReadings(
  db: Kysely<Database>,
  contractIds: readonly string[],
  options: { timeZone: string; onOrBefore: CalendarDate },
): Promise<Map<string, OdometerReading>> {
  const last = new Map<string, OdometerReading>();
  if (contractIds.length === 0) return last;
  const result = await sql<RecordedReadingRow>`
    select distinct on (r.contract_id) r.*
      from ${recordedReadings(options.timeZone)} r
     where r.contract_id in (${sql.join([...new Set(contractIds)])})
       and r.read_on <= ${options.onOrBefore}::date
     order by r.contract_id, r.odometer desc, r.recorded_at desc`.execute(db);
  for (const row of result.rows) last.set(row.contract_id, readingOf(row));
  return last;
}
