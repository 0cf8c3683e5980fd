// Stored report snapshots (issue 9): the nightly unearned-reserve report is kept per as-of date so
// finance can read what the books said on a past night without recomputing it.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('report_snapshots')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('report', 'text', (c) => c.notNull())
    .addColumn('as_of', 'date', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One snapshot per report and date: a re-run of the nightly job replaces that night's snapshot.
  await db.schema
    .createIndex('report_snapshots_report_as_of')
    .on('report_snapshots')
    .columns(['report', 'as_of'])
    .unique()
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('This migration cannot be rolled back.');
}
