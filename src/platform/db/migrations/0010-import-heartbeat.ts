// A dealer-file import run records when it last made progress, so that a run whose process died (a
// crash, a kill, a lost machine) can be told from one still going and is marked failed, not left
// "running" for ever.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('contract_imports')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`update contract_imports set updated_at = coalesce(finished_at, started_at)`.execute(db);
  // Only running runs are ever swept: a partial index keeps the sweep off the finished ones.
  await sql`create index contract_imports_running_idx on contract_imports (updated_at) where status = 'running'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index contract_imports_running_idx`.execute(db);
  await db.schema.alterTable('contract_imports').dropColumn('updated_at').execute();
}
