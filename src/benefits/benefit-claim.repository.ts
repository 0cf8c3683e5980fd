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

/** The contract of a rental or trip-interruption claim (undefined: no such claim). */
export function findBenefitClaimContract(
  db: Kysely<Database>,
  ownerType: 'rental_claim' | 'trip_interruption_claim',
  claimId: string,
) {
  const table = ownerType === 'rental_claim' ? 'rental_claims' : 'trip_interruption_claims';
  return db.selectFrom(table).select(['id', 'contract_id']).where('id', '=', claimId).executeTakeFirst();
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
