// Request bodies of the dealer channel shared by its tests.
import type { Kysely } from 'kysely';
import { withCheckDigit } from '../../src/contracts/vin.js';
import { DEMO_DEALERS } from '../../src/demo/demo-seed.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import type { Database } from '../../src/platform/db/schema.js';
import { seedMigratedPgliteFolder } from './pglite-image.js';

/** A 2024 Honda (model-year code R in the 10th character) with a valid check digit. */
export const VIN_2024 = withCheckDigit('1HGCM8260RA104352');

export function rateBody(overrides: Record<string, unknown> = {}, vehicle: Record<string, unknown> = {}) {
  return {
    vin: VIN_2024,
    odometer: 12_000,
    saleDate: '2026-11-25',
    purchaseState: 'MO',
    ...overrides,
    vehicle: { year: 2024, make: 'Honda', model: 'Accord', ...vehicle },
  };
}

export function bookingBody(
  rateId: string,
  retailPriceCents: number,
  overrides: Record<string, unknown> = {},
) {
  return {
    rateId,
    retailPriceCents,
    holder: {
      firstName: 'Rosa',
      lastName: 'Delgado',
      email: 'rosa@example.com',
      address: { line1: '4 Oak St', city: 'Kansas City', state: 'MO', zip: '64111' },
    },
    lienholder: { name: 'Heartland Credit Union' },
    dealNumber: 'DEAL-77',
    ...overrides,
  };
}

/**
 * The demo dealers (D-1001 Plaza Honda, D-2002 Sunflower Ford, D-3003 Bay City Toyota) on a database
 * that has none yet: the dealers a dealer file (e.g. samples/contracts-sample.csv) names must be on file.
 */
export async function seedDemoDealers(db: Kysely<Database>): Promise<Record<string, string>> {
  await db
    .insertInto('dealers')
    .values(DEMO_DEALERS.map((dealer) => ({ ...dealer })))
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const rows = await db.selectFrom('dealers').select(['id', 'code']).execute();
  return Object.fromEntries(rows.map((row) => [row.code, row.id]));
}

/** seedDemoDealers on an embedded database folder no process holds (before a CLI runs on it). */
export async function seedDemoDealersIn(dataDir: string): Promise<void> {
  // The data folder starts from the suite's migrated image (instead of initdb and every migration);
  // the migrations below then find nothing to do, as they would on a folder a server had used.
  await seedMigratedPgliteFolder(dataDir);
  const database = await openDatabase({ databaseUrl: null, dataDir, pgliteCacheMb: 64 });
  try {
    await migrateToLatest(database.db);
    await seedDemoDealers(database.db);
  } finally {
    await database.close();
  }
}
