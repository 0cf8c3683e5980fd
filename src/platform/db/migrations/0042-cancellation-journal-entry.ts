// Each cancellation names the journal entry that posted it: its own entry when it was asked for by hand,
// the batch's summary entry when a lender-event run made it (one entry per batch, summed by account,
// plan, state and dealer, with no contract on it). The journal browser's contract filter follows this
// link, so a contract's lender-event cancellation is found in the journal too. Cancellations made
// before this migration by hand get their entry back from its event id; lender-event cancellations of
// the few runs between the summary entries (2026-12-05) and this migration stay without one.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cancellations add column journal_entry_id uuid references journal_entries (id)`.execute(
    db,
  );
  await sql`update cancellations c set journal_entry_id = e.id
    from journal_entries e
    where e.event_type = 'cancellation' and e.event_id = c.id::text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cancellations drop column journal_entry_id`.execute(db);
}
