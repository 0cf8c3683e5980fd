// A lender-event run sent as CSV keeps its header as the file wrote it (`event_date`, `eventDate`, `Date`),
// by column, so that a row rejected when the run is applied (later, maybe by the background job) names
// its column the way the sender wrote it, as a funding upload's rejected row does. Null for a JSON run
// (its rows name the JSON field) and for runs received before this migration (they name the canonical
// column, as before).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table lender_event_runs add column csv_columns jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table lender_event_runs drop column csv_columns`.execute(db);
}
