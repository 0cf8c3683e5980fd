// Where a migration test starts: a fresh database of the engine migrated up to the version before the
// one under test, with one catalog version for contracts to reference, and the migrator to go up or
// down from there. One helper instead of the same dozen lines in every migration test.
import { type Kysely, Migrator, sql } from 'kysely';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrations } from '../../src/platform/db/migrations/index.js';
import type { TestEngine } from './engines.js';

export interface MigratedDatabase {
  /** Untyped: the tables are as they were at the version, not as the schema says today. */
  db: Kysely<unknown>;
  migrator: Migrator;
  close(): Promise<void>;
}

export async function databaseAtMigration(engine: TestEngine, version: string): Promise<MigratedDatabase> {
  const url = await engine.createDatabaseUrl();
  const handle = await openDatabase({ databaseUrl: url, dataDir: 'memory://', poolSize: 2 });
  const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateTo(version);
  if (error) throw error;
  const db = handle.db as unknown as Kysely<unknown>;
  await sql`insert into catalog_versions (version, document, published_by) values (1, '{}', 'test')
    on conflict do nothing`.execute(db);
  return {
    db,
    migrator,
    async close() {
      await handle.close();
      await engine.dropDatabase(url);
    },
  };
}

/**
 * A contract row as the migrations up to 0048 know it, for a migration test to hang its rows on: a
 * Value Guard sold in Texas unless told otherwise.
 */
export async function insertMigrationContract(
  db: Kysely<unknown>,
  contract: {
    id: string;
    contractNumber: string;
    vin: string;
    status?: string;
    firstName?: string;
    lastName?: string;
    termMonths?: number;
    termDays?: number;
    expiresOn?: string;
    priceCents?: number;
  },
): Promise<void> {
  const lastName = contract.lastName ?? 'Lee';
  await sql`insert into contracts (id, contract_number, product, plan_code, catalog_version, status,
      holder_first_name, holder_last_name, holder_last_name_key, address_line1, address_city, address_state,
      address_zip, vin, vehicle_year, vehicle_make, vehicle_model, odometer_at_sale, purchase_date,
      purchase_state, term_months, term_days, expires_on, price_cents, source)
    values (${contract.id}, ${contract.contractNumber}, 'vsc', 'VALUE_GUARD', 1, ${contract.status ?? 'active'},
      ${contract.firstName ?? 'Ann'}, ${lastName}, ${lastName.toLowerCase()}, '1 Main St', 'Austin', 'TX',
      '78701', ${contract.vin}, 2024, 'Honda', 'Accord', 1000, '2026-01-15', 'TX', ${contract.termMonths ?? 36},
      ${contract.termDays ?? 1096}, ${contract.expiresOn ?? '2029-01-15'}, ${contract.priceCents ?? 150_000},
      'api')`.execute(db);
}
