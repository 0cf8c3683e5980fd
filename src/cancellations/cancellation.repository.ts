// The SQL of cancellations: the claims paid on a contract (deducted from some refunds) and the
// cancellation record itself.
import { type Insertable, type Kysely, sql } from 'kysely';
import { insertJsonRows } from '../platform/db/json-rows.repository.js';
import type { CancellationsTable, Database } from '../platform/db/schema.js';

/** The ledger sources that are claim payments (repair, GAP and benefit claims, roadside). */
export const CLAIM_SOURCE_TYPES = [
  'repair_claim',
  'gap_claim',
  'rental_claim',
  'trip_interruption_claim',
  'roadside_request',
] as const;

/** Claims paid on the contract: net payouts (reversals included) of every claim source in the ledger. */
export async function claimsPaidCents(db: Kysely<Database>, contractId: string): Promise<number> {
  const result = await db
    .selectFrom('ledger_entries')
    .select(
      sql<number>`coalesce(sum(case when direction = 'payout' then amount_cents else -amount_cents end), 0)::bigint`.as(
        'net',
      ),
    )
    .where('contract_id', '=', contractId)
    .where('source_type', 'in', [...CLAIM_SOURCE_TYPES])
    .executeTakeFirstOrThrow();
  return Math.max(0, Number(result.net));
}

/** A cancellation record to insert: its quote is the quote itself (stored as jsonb), not its JSON text. */
export type CancellationRecord = Omit<Insertable<CancellationsTable>, 'quote'> & { quote: object };

export async function insertCancellation(trx: Kysely<Database>, row: CancellationRecord): Promise<void> {
  await trx
    .insertInto('cancellations')
    .values({ ...row, quote: JSON.stringify(row.quote) })
    .execute();
}

/** Claims paid on each of these contracts (as claimsPaidCents, in one statement); absent → 0. */
export async function claimsPaidByContract(
  db: Kysely<Database>,
  contractIds: readonly string[],
): Promise<Map<string, number>> {
  const paid = new Map<string, number>();
  if (contractIds.length === 0) return paid;
  const rows = await db
    .selectFrom('ledger_entries')
    .select([
      'contract_id',
      sql<number>`coalesce(sum(case when direction = 'payout' then amount_cents else -amount_cents end), 0)::bigint`.as(
        'net',
      ),
    ])
    .where('contract_id', 'in', [...new Set(contractIds)])
    .where('source_type', 'in', [...CLAIM_SOURCE_TYPES])
    .groupBy('contract_id')
    .execute();
  for (const row of rows) paid.set(row.contract_id, Math.max(0, Number(row.net)));
  return paid;
}

/** Many cancellation records with one insert (a batch of lender events). */
export async function insertCancellations(
  trx: Kysely<Database>,
  rows: readonly CancellationRecord[],
): Promise<void> {
  await insertJsonRows(trx, 'cancellations', rows);
}
