// Every counted attempt (a holder's or staff sign-in, a dealer key's use) updates its bucket's row in
// rate_limits, and every back-off attempt moves `window_started_at`. That column had an index (for the
// daily purge), so no such update could be HOT: each one added entries to both indexes and left dead
// ones for vacuum. The purge runs once a day over a table of live buckets (a day of addresses and
// keys): a sequential scan serves it. Without the index, and with room left on each page
// (fillfactor 50: a row is ~80 bytes, a page holds about 50 of them plus their next versions), an
// update writes its new version on the same page and touches no index.
// (The table stays UNLOGGED on a PostgreSQL server, migration 0011: see there and README "Running
// several processes".)
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('rate_limits_window_idx').ifExists().execute();
  await sql`alter table rate_limits set (fillfactor = 50)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rate_limits reset (fillfactor)`.execute(db);
  await db.schema
    .createIndex('rate_limits_window_idx')
    .on('rate_limits')
    .column('window_started_at')
    .execute();
}
