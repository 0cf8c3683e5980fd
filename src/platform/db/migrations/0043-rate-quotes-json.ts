// A rate quote's vehicle and offers are stored as `json` (the text, checked to be JSON), not `jsonb`: no
// statement looks inside them but booking, which picks one offer of one quote by position (`->` works on
// either type), so jsonb's decomposition into a binary tree bought nothing and cost the server ~0.1–0.2 ms
// of CPU on each rating call (the quote's ~3 KB of offers, measured 2026-12-05). Quotes stored before
// keep their content: the column's type changes, its text stays the same JSON.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rate_quotes drop constraint rate_quotes_offers_check`.execute(db);
  await sql`alter table rate_quotes
    alter column vehicle type json using vehicle::json,
    alter column offers type json using offers::json`.execute(db);
  await sql`alter table rate_quotes
    add constraint rate_quotes_offers_check check (json_typeof(offers) = 'array')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rate_quotes drop constraint rate_quotes_offers_check`.execute(db);
  await sql`alter table rate_quotes
    alter column vehicle type jsonb using vehicle::jsonb,
    alter column offers type jsonb using offers::jsonb`.execute(db);
  await sql`alter table rate_quotes
    add constraint rate_quotes_offers_check check (jsonb_typeof(offers) = 'array')`.execute(db);
}
