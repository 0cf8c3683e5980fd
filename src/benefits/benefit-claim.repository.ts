// The SQL of benefit claims: rental reimbursement and trip interruption rows.
import type { Insertable, Kysely } from 'kysely';
import type { Database, RentalClaimsTable, TripInterruptionClaimsTable } from '../platform/db/schema.js';

/** A rental claim already filed for this repair visit, if any. */
export function findRentalClaimForRepair(db: Kysely<Database>, repairClaimId: string) {
  return db
    .selectFrom('rental_claims')
    .select('id')
    .where('repair_claim_id', '=', repairClaimId)
    .executeTakeFirst();
}

export function insertRentalClaim(trx: Kysely<Database>, row: Insertable<RentalClaimsTable>) {
  return trx.insertInto('rental_claims').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The contract's trip interruption claim for a breakdown on that day, if one was filed. */
export function findTripClaimForBreakdown(db: Kysely<Database>, contractId: string, breakdownOn: string) {
  return db
    .selectFrom('trip_interruption_claims')
    .select(['id', 'created_at'])
    .where('contract_id', '=', contractId)
    .where('breakdown_on', '=', breakdownOn)
    .executeTakeFirst();
}

export function insertTripInterruptionClaim(
  trx: Kysely<Database>,
  row: Insertable<TripInterruptionClaimsTable>,
) {
  return trx.insertInto('trip_interruption_claims').values(row).returningAll().executeTakeFirstOrThrow();
}

/** A contract's rental and trip-interruption claims, oldest first (`limit` of each at the most). */
export async function benefitClaimsOfContract(db: Kysely<Database>, contractId: string, limit: number) {
  const [rentals, trips] = await Promise.all([
    db
      .selectFrom('rental_claims')
      .selectAll()
      .where('contract_id', '=', contractId)
      .orderBy('created_at')
      .limit(limit)
      .execute(),
    db
      .selectFrom('trip_interruption_claims')
      .selectAll()
      .where('contract_id', '=', contractId)
      .orderBy('created_at')
      .limit(limit)
      .execute(),
  ]);
  return { rentals, trips };
}

/** The contract and status of a rental or trip-interruption claim (undefined: no such claim). */
export function findBenefitClaimContract(
  db: Kysely<Database>,
  ownerType: 'rental_claim' | 'trip_interruption_claim',
  claimId: string,
) {
  const table = ownerType === 'rental_claim' ? 'rental_claims' : 'trip_interruption_claims';
  return db
    .selectFrom(table)
    .select(['id', 'contract_id', 'status'])
    .where('id', '=', claimId)
    .executeTakeFirst();
}

/** One rental claim by id (undefined: no such claim). */
export function findRentalClaim(db: Kysely<Database>, claimId: string) {
  return db.selectFrom('rental_claims').selectAll().where('id', '=', claimId).executeTakeFirst();
}

/** One trip-interruption claim by id (undefined: no such claim). */
export function findTripInterruptionClaim(db: Kysely<Database>, claimId: string) {
  return db.selectFrom('trip_interruption_claims').selectAll().where('id', '=', claimId).executeTakeFirst();
}

/**
 * Open (submitted) rental or trip-interruption claims in work-queue order — review due date, filing
 * instant, id — after a position of that order (all when null), `limit` at most.
 */
export function listOpenBenefitClaimsAfter(
  db: Kysely<Database>,
  table: 'rental_claims' | 'trip_interruption_claims',
  after: { dueOn: string; filedAt: Date; id: string; inclusiveOfTies: boolean } | null,
  limit: number,
) {
  // Both tables have every column read here; Kysely types one of them so the builder has one shape.
  let query = db
    .selectFrom(`${table as 'rental_claims'} as claim`)
    .innerJoin('contracts', 'contracts.id', 'claim.contract_id')
    .select([
      'claim.id',
      'claim.review_due_on',
      'claim.created_at',
      'claim.payable_cents',
      'contracts.id as contract_id',
      'contracts.contract_number',
      'contracts.holder_first_name',
      'contracts.holder_last_name',
    ])
    .where('claim.status', '=', 'submitted')
    .orderBy('claim.review_due_on')
    .orderBy('claim.created_at')
    .orderBy('claim.id')
    .limit(limit);
  if (after) {
    const { dueOn, filedAt, id, inclusiveOfTies } = after;
    query = query.where((eb) =>
      eb.or([
        eb('claim.review_due_on', '>', dueOn),
        eb.and([eb('claim.review_due_on', '=', dueOn), eb('claim.created_at', '>', filedAt)]),
        eb.and([
          eb('claim.review_due_on', '=', dueOn),
          eb('claim.created_at', '=', filedAt),
          inclusiveOfTies ? eb.val(true) : eb('claim.id', '>', id),
        ]),
      ]),
    );
  }
  return query.execute();
}

const TABLE_OF = {
  rental_claim: 'rental_claims',
  trip_interruption_claim: 'trip_interruption_claims',
} as const;

/** A rental or trip-interruption claim, locked for its decision (undefined: no such claim). */
export function lockBenefitClaim(
  trx: Kysely<Database>,
  kind: 'rental_claim' | 'trip_interruption_claim',
  claimId: string,
) {
  // Both tables have every column read here; Kysely types one of them so the builder has one shape.
  return trx
    .selectFrom(TABLE_OF[kind] as 'rental_claims')
    .select(['id', 'contract_id', 'status', 'payable_cents'])
    .where('id', '=', claimId)
    .forUpdate()
    .executeTakeFirst();
}

/** Records a claim's decision: its status, who and when, and a denial's reason. */
export async function recordBenefitDecision(
  trx: Kysely<Database>,
  kind: 'rental_claim' | 'trip_interruption_claim',
  claimId: string,
  decision: {
    status: 'approved' | 'denied';
    decidedBy: string;
    decidedAt: Date;
    reasonCode: string | null;
    reason: string | null;
  },
): Promise<void> {
  await trx
    .updateTable(TABLE_OF[kind] as 'rental_claims')
    .set({
      status: decision.status,
      decided_by: decision.decidedBy,
      decided_at: decision.decidedAt,
      decision_reason_code: decision.reasonCode,
      decision_reason: decision.reason,
    })
    .where('id', '=', claimId)
    .execute();
}

export interface BenefitReceiptRow {
  id: string;
  owner_id: string;
  sha256: string;
  size_bytes: number | string;
  content_type: string;
  original_name: string | null;
  received_at: Date;
}

/** The receipts attached to these claims, oldest first. */
export function receiptsOfBenefitClaims(
  db: Kysely<Database>,
  kind: 'rental_claim' | 'trip_interruption_claim',
  claimIds: readonly string[],
): Promise<BenefitReceiptRow[]> {
  if (claimIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('documents')
    .select(['id', 'owner_id', 'sha256', 'size_bytes', 'content_type', 'original_name', 'received_at'])
    .where('owner_type', '=', kind)
    .where('owner_id', 'in', [...claimIds])
    .orderBy('received_at')
    .orderBy('id')
    .execute();
}
