// Why a contract import stopped part-way, in words for the administrator who finds it later in the list of
// imports (the one who sent it saw the answer; a colleague, or the same person after a closed tab, did
// not): the file stopped being CSV at a line, the file was cut at the size limit, the database went away,
// or the process running it stopped. Null for a run that finished or is running (and for runs that failed
// before this migration: their reason was never kept).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table contract_imports add column failure text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table contract_imports drop column failure`.execute(db);
}
