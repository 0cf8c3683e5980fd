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

/**
 * What claims staff promised the holder on each of these contracts and no run has paid yet: rental and
 * trip-interruption reimbursements approved, and completed tows with a reimbursement not settled by a
 * payment run (as the payment runs' payables read them). Like a repair authorization, a promise to pay:
 * where the state deducts claims, it is deducted as a paid claim is. Absent → 0.
 */
export async function approvedUnpaidBenefitsCentsByContract(
  db: Kysely<Database>,
  contractIds: readonly string[],
): Promise<Map<string, number>> {
  const owed = new Map<string, number>();
  if (contractIds.length === 0) return owed;
  const ids = sql.join([...new Set(contractIds)]);
  const result = await sql<{ contract_id: string; cents: string }>`
    select contract_id, sum(cents)::bigint::text as cents from (
      select contract_id, payable_cents::bigint as cents from rental_claims
       where status = 'approved' and contract_id in (${ids})
      union all
      select contract_id, payable_cents::bigint from trip_interruption_claims
       where status = 'approved' and contract_id in (${ids})
      union all
      select s.contract_id, s.payable_cents::bigint from roadside_requests s
       where s.status = 'completed' and s.payable_cents > 0 and s.contract_id in (${ids})
         and not exists (select 1 from payment_settlements p
                          where p.source_type = 'roadside_request' and p.source_id = s.id)
    ) promised
    group by contract_id`.execute(db);
  for (const row of result.rows) owed.set(row.contract_id, Number(row.cents));
  return owed;
}

/** Many cancellation records with one insert (a batch of lender events). */
export async function insertCancellations(
  trx: Kysely<Database>,
  rows: readonly CancellationRecord[],
): Promise<void> {
  await insertJsonRows(trx, 'cancellations', rows);
}
