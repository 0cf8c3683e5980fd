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
