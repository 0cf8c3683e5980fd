// Repair claims and their estimate lines as stored; the service maps them to what the API shows.
import { type Insertable, type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type {
  Database,
  RepairClaimLinesTable,
  RepairClaimStatus,
  RepairClaimsTable,
} from '../platform/db/schema.js';

export type RepairClaimRow = Selectable<RepairClaimsTable>;
export type RepairClaimLineRow = Selectable<RepairClaimLinesTable>;

export async function nextNumber(
  db: Kysely<Database>,
  sequence: 'repair_claim_number_seq' | 'authorization_number_seq',
): Promise<number> {
  const result = await sql<{ n: string | number }>`select nextval(${sequence}::regclass) as n`.execute(db);
  return Number(result.rows[0]!.n);
}

export function insertRepairClaim(
  db: Kysely<Database>,
  row: Insertable<RepairClaimsTable>,
): Promise<RepairClaimRow> {
  return db.insertInto('repair_claims').values(row).returningAll().executeTakeFirstOrThrow();
}

export function insertRepairClaimLines(
  db: Kysely<Database>,
  rows: Insertable<RepairClaimLinesTable>[],
): Promise<RepairClaimLineRow[]> {
  return db.insertInto('repair_claim_lines').values(rows).returningAll().execute();
}

export function findRepairClaim(db: Kysely<Database>, id: string): Promise<RepairClaimRow | undefined> {
  return db.selectFrom('repair_claims').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The claim row locked for the rest of the transaction: two adjusters deciding at once take turns. */
export function lockRepairClaim(db: Kysely<Database>, id: string): Promise<RepairClaimRow | undefined> {
  return db.selectFrom('repair_claims').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function findRepairClaimLines(db: Kysely<Database>, claimId: string): Promise<RepairClaimLineRow[]> {
  return db
    .selectFrom('repair_claim_lines')
    .selectAll()
    .where('claim_id', '=', claimId)
    .orderBy('line_number')
    .execute();
}

export interface RepairClaimFilter {
  status?: RepairClaimStatus | undefined;
  facilityId?: string | undefined;
  contractId?: string | undefined;
}

/** Claims oldest first (the adjuster queue's order), keyset-paginated on (submitted_at, id). */
export async function listRepairClaims(
  db: Kysely<Database>,
  filter: RepairClaimFilter,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<RepairClaimRow[]> {
  let query = db
    .selectFrom('repair_claims')
    .selectAll()
    .orderBy('submitted_at')
    .orderBy('id')
    .limit(page.limit + 1);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.facilityId) query = query.where('facility_id', '=', filter.facilityId);
  if (filter.contractId) query = query.where('contract_id', '=', filter.contractId);
  if (page.startingAfter) {
    const after = await findRepairClaim(db, page.startingAfter);
    if (!after) return [];
    query = query.where((eb) =>
      eb.or([
        eb('submitted_at', '>', after.submitted_at),
        eb.and([eb('submitted_at', '=', after.submitted_at), eb('id', '>', after.id)]),
      ]),
    );
  }
  return query.execute();
}

/** The contract's repair claim, locked for the rest of the transaction (undefined: not on that contract). */
export function lockRepairClaimOfContract(
  db: Kysely<Database>,
  id: string,
  contractId: string,
): Promise<RepairClaimRow | undefined> {
  return db
    .selectFrom('repair_claims')
    .selectAll()
    .where('id', '=', id)
    .where('contract_id', '=', contractId)
    .forUpdate()
    .executeTakeFirst();
}

/** Changes the claim; its row_version goes up by one. */
export async function updateRepairClaim(
  trx: Kysely<Database>,
  id: string,
  values: Omit<Updateable<RepairClaimsTable>, 'row_version'>,
): Promise<void> {
  await trx
    .updateTable('repair_claims')
    .set((eb) => ({ ...values, row_version: eb('row_version', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/** A line's assessment worked out again (its claim's odometer corrected before a decision). */
export async function reassessRepairClaimLine(
  trx: Kysely<Database>,
  lineId: string,
  values: Pick<
    Updateable<RepairClaimLinesTable>,
    'eligible' | 'reason_code' | 'allowed_labor_rate_cents' | 'eligible_cents'
  >,
): Promise<void> {
  await trx.updateTable('repair_claim_lines').set(values).where('id', '=', lineId).execute();
}

/** The adjuster's decision on one estimate line. */
export async function decideRepairClaimLine(
  trx: Kysely<Database>,
  lineId: string,
  values: Pick<
    Updateable<RepairClaimLinesTable>,
    'approved' | 'decision_reason_code' | 'decision_note' | 'approved_cents'
  >,
): Promise<void> {
  await trx.updateTable('repair_claim_lines').set(values).where('id', '=', lineId).execute();
}

/**
 * Submitted claims (waiting for a decision) with their shop's name, in arrival order after the claim
 * `after` (from the first when null), `limit` at the most.
 */
export function listSubmittedClaimsAfter(
  db: Kysely<Database>,
  after: { submittedAt: Date; id: string } | null,
  limit: number,
) {
  let query = db
    .selectFrom('repair_claims')
    .innerJoin('repair_facilities', 'repair_facilities.id', 'repair_claims.facility_id')
    .select([
      'repair_claims.id',
      'repair_claims.claim_number',
      'repair_claims.submitted_at',
      'repair_claims.inspection_required',
      'repair_claims.inspected_at',
      'repair_facilities.name as facility_name',
    ])
    .where('repair_claims.status', '=', 'submitted')
    .orderBy('repair_claims.submitted_at')
    .orderBy('repair_claims.id')
    .limit(limit);
  if (after) {
    const { submittedAt, id } = after;
    query = query.where((eb) =>
      eb.or([
        eb('repair_claims.submitted_at', '>', submittedAt),
        eb.and([eb('repair_claims.submitted_at', '=', submittedAt), eb('repair_claims.id', '>', id)]),
      ]),
    );
  }
  return query.execute();
}

/** A repair claim the administrator promised (authorized) or paid: what a cancellation's date must follow. */
export interface PayableClaim {
  contractId: string;
  claimNumber: string;
  status: 'authorized' | 'paid';
  submittedAt: Date;
}

/** Each contract's most recently submitted claim that was authorized or paid (absent: none). */
export async function latestPayableClaims(
  db: Kysely<Database>,
  contractIds: readonly string[],
): Promise<Map<string, PayableClaim>> {
  const latest = new Map<string, PayableClaim>();
  if (contractIds.length === 0) return latest;
  const rows = await db
    .selectFrom('repair_claims')
    .distinctOn('contract_id')
    .select(['contract_id', 'claim_number', 'status', 'submitted_at'])
    .where('contract_id', 'in', [...new Set(contractIds)])
    .where('status', 'in', ['authorized', 'paid'])
    .orderBy('contract_id')
    .orderBy('submitted_at', 'desc')
    .execute();
  for (const row of rows)
    latest.set(row.contract_id, {
      contractId: row.contract_id,
      claimNumber: row.claim_number,
      status: row.status as PayableClaim['status'],
      submittedAt: row.submitted_at,
    });
  return latest;
}

/**
 * The earliest repair claim on each contract still waiting for a decision (submitted, or information
 * requested), with its number and when it was submitted; a contract with none is absent.
 */
export async function earliestUndecidedClaims(
  db: Kysely<Database>,
  contractIds: readonly string[],
): Promise<Map<string, { claimNumber: string; submittedAt: Date }>> {
  const earliest = new Map<string, { claimNumber: string; submittedAt: Date }>();
  if (contractIds.length === 0) return earliest;
  const rows = await db
    .selectFrom('repair_claims')
    .distinctOn('contract_id')
    .select(['contract_id', 'claim_number', 'submitted_at'])
    .where('contract_id', 'in', [...new Set(contractIds)])
    .where('status', 'in', ['submitted', 'information_requested'])
    .orderBy('contract_id')
    .orderBy('submitted_at')
    .execute();
  for (const row of rows)
    earliest.set(row.contract_id, { claimNumber: row.claim_number, submittedAt: row.submitted_at });
  return earliest;
}

/** What each contract's repair authorizations not yet paid promise the shops (absent: nothing). */
export async function authorizedUnpaidCentsByContract(
  db: Kysely<Database>,
  contractIds: readonly string[],
): Promise<Map<string, number>> {
  const owed = new Map<string, number>();
  if (contractIds.length === 0) return owed;
  const rows = await db
    .selectFrom('repair_claims')
    .select(['contract_id', sql<string>`coalesce(sum(payable_cents), 0)::bigint`.as('cents')])
    .where('contract_id', 'in', [...new Set(contractIds)])
    .where('status', '=', 'authorized')
    .groupBy('contract_id')
    .execute();
  for (const row of rows) owed.set(row.contract_id, Number(row.cents));
  return owed;
}
