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
