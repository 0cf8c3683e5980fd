// Repair facilities: licensed shops in the U.S. or Canada that open repair claims and are paid
// directly. A facility linked to a dealer code is that dealer's service department, which is what
// waives the disappearing deductible on contracts the dealer sold.
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, RepairFacilitiesTable } from '../platform/db/schema.js';

export type RepairFacilityRow = Selectable<RepairFacilitiesTable>;

export interface RepairFacility {
  id: string;
  name: string;
  address: { line1: string; city: string; region: string; postalCode: string; country: 'US' | 'CA' };
  phone: string | null;
  laborRateCents: number;
  dealerCode: string | null;
}

export function toRepairFacility(row: RepairFacilityRow): RepairFacility {
  return {
    id: row.id,
    name: row.name,
    address: {
      line1: row.address_line1,
      city: row.city,
      region: row.region,
      postalCode: row.postal_code,
      country: row.country,
    },
    phone: row.phone,
    laborRateCents: row.labor_rate_cents,
    dealerCode: row.dealer_code,
  };
}

export function findRepairFacility(db: Kysely<Database>, id: string): Promise<RepairFacilityRow | undefined> {
  return db.selectFrom('repair_facilities').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertRepairFacility(
  db: Kysely<Database>,
  row: Insertable<RepairFacilitiesTable>,
): Promise<RepairFacilityRow> {
  return db.insertInto('repair_facilities').values(row).returningAll().executeTakeFirstOrThrow();
}

export function listRepairFacilities(db: Kysely<Database>, limit: number): Promise<RepairFacilityRow[]> {
  return db.selectFrom('repair_facilities').selectAll().orderBy('name').orderBy('id').limit(limit).execute();
}

/** Attaches a user to a facility (a repair_facility user belongs to exactly one). */
export async function assignUserToFacility(
  db: Kysely<Database>,
  userId: string,
  facilityId: string,
): Promise<void> {
  await db.updateTable('users').set({ facility_id: facilityId }).where('id', '=', userId).execute();
}
