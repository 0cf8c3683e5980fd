// One suite, two engines (like Kysely's test matrix): every database test runs on the embedded PGlite,
// and on the PostgreSQL server too when TEST_DATABASE_URL is set. Each test file gets a fresh database
// of its own (a throw-away in-memory PGlite, or a new database on the server), migrated to latest.
// Neither engine runs the migrations per database: a PGlite starts from a migrated data-folder image
// and a server database is a copy (CREATE DATABASE … TEMPLATE) of a migrated template database, each
// made once per set of migrations (test/support/pglite-image.ts).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { type DatabaseHandle, type Engine, openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { migratedPgliteImage, migrationsKey } from './pglite-image.js';

export interface TestEngine {
  name: Engine;
  /** A server URL for the engine's fresh, empty database, or null for PGlite. */
  createDatabaseUrl(): Promise<string | null>;
  /**
   * A server URL for a fresh database already migrated to latest (a copy of the template), or null for
   * PGlite (whose in-memory databases start from the migrated image).
   */
  createMigratedDatabaseUrl(): Promise<string | null>;
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

function databaseUrlNamed(name: string): string {
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

// The migrated template on the server: `cw_template_<digest of the migrations>`, made by the first test
// process that needs it (the others wait on an advisory lock) and copied by every test database after:
// a copy takes a fraction of running the migrations. A changed migration makes a new template, so a
// stale one is never used. Nobody connects to the template once it is made (PostgreSQL copies only a
// database without sessions).
//
// Templates of other migration sets are dropped only once they are a day old (the time each was made
// is its database comment): another checkout's suite on the same server — a second branch, CI beside a
// developer — may be copying its own template right now, and dropping it would fail that suite's next
// file ("template database does not exist"). Seen 2026-12-05: a branch's test run dropped the CI run's
// template mid-run.
const STALE_TEMPLATE_AGE_MS = 24 * 3_600_000;
let template: Promise<string> | null = null;

function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const name = `cw_template_${migrationsKey()}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query("select pg_advisory_lock(hashtext('coverwise test template'))");
      const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (found.rowCount === 0) {
        // Other sets' templates made over a day ago (or before templates carried their time), and any
        // template a test process that died left half-made (it held this lock while building, so
        // nobody is building one now).
        const stale = await admin.query<{ datname: string }>(
          `select datname from pg_database
           where datname like 'cw\\_building\\_%'
             or (datname like 'cw\\_template\\_%'
               and coalesce(nullif(substring(shobj_description(oid, 'pg_database') from '^made at ([0-9]+)$'), '')::bigint, 0)
                 < $1::bigint)`,
          [Date.now() - STALE_TEMPLATE_AGE_MS],
        );
        for (const { datname } of stale.rows)
          await admin.query(`drop database if exists ${datname} with (force)`);
        // Made under another name and renamed when complete, so a half-made template is never copied.
        const building = `cw_building_${randomBytes(6).toString('hex')}`;
        await admin.query(`create database ${building}`);
        const handle = await openDatabase({ databaseUrl: databaseUrlNamed(building), dataDir: 'memory://' });
        try {
          await migrateToLatest(handle.db);
        } finally {
          await handle.close();
        }
        await admin.query(`comment on database ${building} is 'made at ${Date.now()}'`);
        await admin.query(`alter database ${building} rename to ${name}`);
      }
      return name;
    } finally {
      await admin.query("select pg_advisory_unlock(hashtext('coverwise test template'))").catch(() => {});
      await admin.end();
    }
  })();
  template.catch(() => {
    template = null;
  });
  return template;
}

async function createServerDatabase(templateName?: string): Promise<string> {
  const name = `cw_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}${templateName ? ` template ${templateName}` : ''}`);
  return databaseUrlNamed(name);
}

export const ENGINES: TestEngine[] = [
  {
    name: 'pglite',
    createDatabaseUrl: async () => null,
    createMigratedDatabaseUrl: async () => null,
    dropDatabase: async () => {},
  },
  ...(serverUrl
    ? [
        {
          name: 'postgres' as const,
          createDatabaseUrl: () => createServerDatabase(),
          createMigratedDatabaseUrl: async () => createServerDatabase(await migratedTemplate()),
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
  const url = await engine.createMigratedDatabaseUrl();
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
