// Rate-limit counters are a throttle's short memory (windows of minutes), not a record: on a
// PostgreSQL server the table is UNLOGGED, so counting a sign-in attempt writes no WAL and its commit
// does not wait for a disk flush. After a server crash the counters start again from zero, which only
// gives a guesser the allowance of one fresh window. Unlogged tables are not copied to replicas: every
// attempt is counted on the primary, where all writes go.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rate_limits set unlogged`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rate_limits set logged`.execute(db);
}
