// Demo repair facilities: an independent shop that the demo service advisor works for, and the service
// department of the demo dealer Plaza Honda (D-1001), where the disappearing deductible on contracts
// Plaza Honda sold is waived.
import type { Kysely } from 'kysely';
import { recordAudit, SYSTEM_ACTOR } from '../platform/audit/audit.repository.js';
import type { Database } from '../platform/db/schema.js';
import { findUserRowByEmail } from '../users/user.repository.js';
import { assignUserToFacility, insertRepairFacility } from './repair-facility.repository.js';

export const DEMO_FACILITIES = [
  {
    name: "Sam's Auto Repair",
    address_line1: '400 Grand Boulevard',
    city: 'Kansas City',
    region: 'MO',
    postal_code: '64106',
    country: 'US' as const,
    phone: '555-0140',
    labor_rate_cents: 13_500,
    dealer_code: null,
  },
  {
    name: 'Plaza Honda Service',
    address_line1: '4700 Broadway',
    city: 'Kansas City',
    region: 'MO',
    postal_code: '64112',
    country: 'US' as const,
    phone: '555-0141',
    labor_rate_cents: 16_500,
    dealer_code: 'D-1001',
  },
];

/** Inserts the demo facilities and gives the demo shop user the first; pass the demo seed's transaction. */
export async function seedDemoFacilities(db: Kysely<Database>, shopUserEmail: string): Promise<void> {
  const ids: string[] = [];
  for (const facility of DEMO_FACILITIES) {
    const row = await insertRepairFacility(db, facility);
    ids.push(row.id);
    await recordAudit(db, {
      actor: SYSTEM_ACTOR,
      action: 'repair_facility.created',
      entityType: 'repair_facility',
      entityId: row.id,
      reason: 'demo data (COVERWISE_DEMO)',
      data: { name: row.name, dealerCode: row.dealer_code },
    });
  }
  const shop = await findUserRowByEmail(db, shopUserEmail);
  if (shop && ids[0]) await assignUserToFacility(db, shop.id, ids[0]);
}
