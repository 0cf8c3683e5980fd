// One suite, two engines (like Kysely's test matrix): every database test runs on the embedded PGlite,
// and on the PostgreSQL server too when TEST_DATABASE_URL is set. Each test file gets a fresh database
// of its own (a throw-away in-memory PGlite, or a new database on the server), migrated to latest.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { type DatabaseHandle, type Engine, openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { migratedPgliteImage } from './pglite-image.js';

export interface TestEngine {
  name: Engine;
  /** A server URL for the engine's fresh database, or null for PGlite. */
  createDatabaseUrl(): Promise<string | null>;
  dropDatabase(url: string | null): Promise<void>;
}

const serverUrl = process.env.TEST_DATABASE_URL;

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export const ENGINES: TestEngine[] = [
  { name: 'pglite', createDatabaseUrl: async () => null, dropDatabase: async () => {} },
  ...(serverUrl
    ? [
        {
          name: 'postgres' as const,
          async createDatabaseUrl() {
            const name = `cw_test_${randomBytes(6).toString('hex')}`;
            await adminQuery(`create database ${name}`);
            const url = new URL(serverUrl);
            url.pathname = `/${name}`;
            return url.toString();
          },
          async dropDatabase(url: string | null) {
            if (!url) return;
            const name = new URL(url).pathname.slice(1);
            await adminQuery(`drop database if exists ${name} with (force)`);
          },
        },
      ]
    : []),
];

/** Opens a fresh, migrated database on the engine; close() also drops a server database. */
export async function openTestDatabase(engine: TestEngine): Promise<DatabaseHandle & { url: string | null }> {
  const url = await engine.createDatabaseUrl();
  const handle = await openDatabase({
    databaseUrl: url,
    dataDir: 'memory://',
    poolSize: 4,
    ...(url === null ? { pgliteImage: await migratedPgliteImage() } : {}),
  });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    url,
    async close() {
      await handle.close();
      await engine.dropDatabase(url);
    },
  };
}

/** describe() once per engine, named after it. */
export function describeEachEngine(name: string, body: (engine: TestEngine) => void): void {
  for (const engine of ENGINES) describe(`${name} [${engine.name}]`, () => body(engine));
}
