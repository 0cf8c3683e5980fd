// What other records say about a contract's life, read for the rules that judge a later record against
// it: the date its cancellation is dated. (The SQL reads the cancellations table: contracts own the
// question "in force on a day"; repair claims and others ask it through here.)
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';

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
