// The journal's balance check once per statement instead of once per row (issue 16, lender events'
// speed). Migration 0021 checked at commit every entry and every line inserted (deferred constraint
// triggers FOR EACH ROW): a batch of 500 cancellations, five lines each, ran the check 3,000 times, each
// reading its entry's lines again. Now both tables have an AFTER INSERT trigger FOR EACH STATEMENT that
// reads the statement's new rows (a transition table) and checks each entry they touch once, when the
// statement ends: two lines or more, and debits equal to credits. So an entry and its lines are written
// by ONE statement (a data-modifying WITH: the triggers of every part fire when the whole statement
// ends, once all its rows are in): postJournalEntry and postJournalEntries, the month-end earning and the
// opening balance all do. An entry written without its lines, or a line added later to a posted entry,
// is refused by the statement that writes it; an unbalanced entry still cannot be written.
// Both engines: PGlite is PostgreSQL compiled to WebAssembly, transition tables included.
import { type Kysely, sql } from 'kysely';

/** The check both triggers run over the entries `touched` names (a select of entry ids). */
const checkEntries = (touched: string) => `
    declare
      bad record;
    begin
      select e.id as entry_id, count(l.id) as line_count, coalesce(sum(l.debit_cents), 0) as debits,
             coalesce(sum(l.credit_cents), 0) as credits
        into bad
        from (${touched}) e
        left join journal_lines l on l.entry_id = e.id
       group by e.id
      having count(l.id) < 2 or coalesce(sum(l.debit_cents), 0) <> coalesce(sum(l.credit_cents), 0)
       limit 1;
      if found then
        raise exception 'journal entry % does not balance: % lines, debits % <> credits %',
          bad.entry_id, bad.line_count, bad.debits, bad.credits
          using errcode = 'check_violation', table = 'journal_lines', constraint = 'journal_entry_balanced';
      end if;
      return null;
    end`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger journal_lines_balanced on journal_lines`.execute(db);
  await sql`drop trigger journal_entries_balanced on journal_entries`.execute(db);
  await sql`drop function journal_entry_must_balance()`.execute(db);
  await sql`
    create function journal_lines_must_balance() returns trigger language plpgsql as $$
    ${sql.raw(checkEntries('select distinct a.entry_id as id from added_lines a'))} $$`.execute(db);
  await sql`
    create function journal_entries_must_balance() returns trigger language plpgsql as $$
    ${sql.raw(checkEntries('select a.id from added_entries a'))} $$`.execute(db);
  await sql`
    create trigger journal_lines_balanced after insert on journal_lines
      referencing new table as added_lines
      for each statement execute function journal_lines_must_balance()`.execute(db);
  await sql`
    create trigger journal_entries_balanced after insert on journal_entries
      referencing new table as added_entries
      for each statement execute function journal_entries_must_balance()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger journal_lines_balanced on journal_lines`.execute(db);
  await sql`drop trigger journal_entries_balanced on journal_entries`.execute(db);
  await sql`drop function journal_lines_must_balance()`.execute(db);
  await sql`drop function journal_entries_must_balance()`.execute(db);
  // Migration 0021's deferred row triggers, as they were.
  await sql`
    create function journal_entry_must_balance() returns trigger language plpgsql as $$
    declare
      checked_entry uuid;
      line_count bigint;
      debits numeric;
      credits numeric;
    begin
      if tg_table_name = 'journal_entries' then
        checked_entry := new.id;
      else
        checked_entry := new.entry_id;
      end if;
      select count(*), coalesce(sum(debit_cents), 0), coalesce(sum(credit_cents), 0)
        into line_count, debits, credits
        from journal_lines where entry_id = checked_entry;
      if line_count < 2 or debits <> credits then
        raise exception 'journal entry % does not balance: % lines, debits % <> credits %',
          checked_entry, line_count, debits, credits
          using errcode = 'check_violation', table = 'journal_lines', constraint = 'journal_entry_balanced';
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger journal_lines_balanced after insert on journal_lines
      deferrable initially deferred for each row execute function journal_entry_must_balance()`.execute(db);
  await sql`
    create constraint trigger journal_entries_balanced after insert on journal_entries
      deferrable initially deferred for each row execute function journal_entry_must_balance()`.execute(db);
}
