// The few reads the demo history needs to pick its actors and contracts; every write goes through the
// services (demo-history.ts).
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';

/** Whether the demo history was already written (it leaves this audit row last, in its own step). */
export async function demoHistoryWritten(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('audit_events')
    .select('id')
    .where('action', '=', 'demo.history_written')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export function findDemoUsers(db: Kysely<Database>, emails: readonly string[]) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'role', 'display_name'])
    .where('email', 'in', [...emails])
    .execute();
}

export function firstRepairFacility(db: Kysely<Database>) {
  return db.selectFrom('repair_facilities').select(['id']).orderBy('name').limit(1).executeTakeFirstOrThrow();
}

/** The demo's own active service contracts, in contract-number order (deterministic). */
export function demoServiceContracts(db: Kysely<Database>) {
  return db
    .selectFrom('contracts')
    .select([
      'id',
      'contract_number',
      'plan_code',
      'vin',
      'odometer_at_sale',
      'purchase_date',
      'expires_on',
      'expires_at_miles',
      'waiting_period_ends_on',
      'holder_last_name',
      'holder_first_name',
      'address_line1',
      'address_city',
      'address_state',
      'address_zip',
      'vehicle_year',
      'vehicle_make',
      'vehicle_model',
      'purchase_state',
      'lienholder_name',
    ])
    .where('source', '=', 'demo')
    .where('product', '=', 'vsc')
    .where('status', '=', 'active')
    .orderBy('contract_number')
    .execute();
}
