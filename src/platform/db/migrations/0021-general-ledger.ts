// The administrator's double-entry general ledger (issue 16, docs/domain.md "Money of the administrator"):
// a chart of accounts and journal entries whose lines always balance.
//
// The database, not only the code, keeps the books honest:
//   - a deferred constraint trigger checks at commit that every entry touched in the transaction has at
//     least two lines and that its debits equal its credits, so no code path can write half an entry;
//   - entries and lines are append-only (the audit trail's coverwise_reject_change trigger): a
//     correction is a reversing entry;
//   - each entry names its causing event and carries a unique event key, so the same event never posts
//     twice (two racing requests: the second insert waits, then finds the key taken).
// It also creates coverwise_unearned_cents(), the earning rule in SQL (the month-end job and the opening
// entry use it; src/accounting/premium-earning.ts is the same rule in TypeScript), and posts an opening
// entry for the contracts already on the books when the ledger starts.
import { type Kysely, sql } from 'kysely';

const ACCOUNTS: [code: string, name: string, type: string, normal: 'debit' | 'credit'][] = [
  ['1000', 'Cash', 'asset', 'debit'],
  ['1100', 'Dealer receivable', 'asset', 'debit'],
  ['1150', 'Dealer chargebacks receivable', 'asset', 'debit'],
  ['2000', 'Unearned premium', 'liability', 'credit'],
  ['2100', 'Claims payable', 'liability', 'credit'],
  ['2200', 'Refunds payable', 'liability', 'credit'],
  ['4000', 'Earned premium', 'revenue', 'credit'],
  ['4100', 'Fee revenue', 'revenue', 'credit'],
  ['5000', 'Claims expense', 'expense', 'debit'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('gl_accounts')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) =>
      c.notNull().check(sql`type in ('asset', 'liability', 'equity', 'revenue', 'expense')`),
    )
    .addColumn('normal_balance', 'text', (c) => c.notNull().check(sql`normal_balance in ('debit', 'credit')`))
    .execute();
  await db
    .insertInto('gl_accounts' as never)
    .values(
      ACCOUNTS.map(([code, name, type, normal]) => ({ code, name, type, normal_balance: normal })) as never,
    )
    .execute();

  await db.schema
    .createTable('journal_entries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('entry_number', 'bigint', (c) => c.notNull().unique().generatedAlwaysAsIdentity())
    .addColumn('effective_on', 'date', (c) => c.notNull())
    .addColumn('posted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_key', 'text', (c) => c.notNull().unique())
    .addColumn('contract_id', 'uuid', (c) => c.references('contracts.id'))
    .addColumn('reverses_entry_id', 'uuid', (c) => c.references('journal_entries.id'))
    .addColumn('memo', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .execute();
  await sql`create index journal_entries_effective_idx on journal_entries (effective_on, entry_number)`.execute(
    db,
  );
  await sql`create index journal_entries_event_idx on journal_entries (event_type, event_id)`.execute(db);
  await sql`create index journal_entries_contract_idx on journal_entries (contract_id) where contract_id is not null`.execute(
    db,
  );

  await db.schema
    .createTable('journal_lines')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('entry_id', 'uuid', (c) => c.notNull().references('journal_entries.id'))
    .addColumn('line_number', 'integer', (c) => c.notNull())
    .addColumn('account_code', 'text', (c) => c.notNull().references('gl_accounts.code'))
    .addColumn('debit_cents', 'bigint', (c) => c.notNull().check(sql`debit_cents >= 0`))
    .addColumn('credit_cents', 'bigint', (c) => c.notNull().check(sql`credit_cents >= 0`))
    .addColumn('contract_id', 'uuid')
    .addColumn('plan_code', 'text')
    .addColumn('state', 'text')
    .addColumn('dealer_code', 'text')
    .addCheckConstraint('journal_lines_one_side', sql`(debit_cents = 0) <> (credit_cents = 0)`)
    .addUniqueConstraint('journal_lines_entry_line', ['entry_id', 'line_number'])
    .execute();
  await sql`create index journal_lines_account_idx on journal_lines (account_code, entry_id)`.execute(db);

  // Checked at commit (deferred), once per line inserted: the entry the line belongs to must balance and
  // have two lines or more. An entry with no lines at all is caught by the same check on the entry row.
  await sql`
    create function journal_entry_must_balance() returns trigger language plpgsql as $$
    declare
      checked_entry uuid;
      line_count bigint;
      debits numeric;
      credits numeric;
    begin
      -- Each branch reads only its own table's row (PL/pgSQL resolves a field when it runs).
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

  for (const table of ['gl_accounts', 'journal_entries', 'journal_lines']) {
    await sql`
      create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function coverwise_reject_change()`.execute(db);
    await sql`
      create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function coverwise_reject_change()`.execute(db);
  }

  // The premium still unearned on `as_of` (the start of that day): premium × remaining share, rounded
  // half up to the cent, the share being days remaining of the term (pro rata, as the refund quote's
  // days share) or r(r+1)/n(n+1) with r whole months remaining of n (rule of 78s). Inlined by the
  // planner (one SQL expression), so the month-end job stays one set-based statement.
  await sql`
    create function coverwise_whole_months(from_date date, to_date date) returns integer
    language sql immutable parallel safe as $$
      select (((extract(year from to_date) - extract(year from from_date)) * 12
               + extract(month from to_date) - extract(month from from_date))::integer
             - case when (from_date + make_interval(months => ((extract(year from to_date) - extract(year from from_date)) * 12
                      + extract(month from to_date) - extract(month from from_date))::integer))::date > to_date
                    then 1 else 0 end)
    $$`.execute(db);
  await sql`
    create function coverwise_unearned_cents(premium bigint, expires_on date, term_days integer,
      term_months integer, as_of date, method text) returns bigint
    language sql immutable parallel safe as $$
      select case
        when method = 'rule_of_78s' then
          (premium * 2 * least(term_months, greatest(0, coverwise_whole_months(as_of, expires_on)))::bigint
             * (least(term_months, greatest(0, coverwise_whole_months(as_of, expires_on))) + 1)
           + term_months::bigint * (term_months + 1))
          / (2 * term_months::bigint * (term_months + 1))
        else
          (premium * 2 * least(term_days, greatest(0, expires_on - as_of))::bigint + term_days)
          / (2 * term_days::bigint)
      end
    $$`.execute(db);

  // The opening entry: contracts already written when the books begin put their premium on the dealer
  // receivable and the unearned premium; those already cancelled also release what the earning rule
  // (pro rata by days) had not earned by the cancellation date, against the refund, the fee and the
  // premium kept. One entry, lines by plan and state; nothing when the database is new.
  await sql`
    with contract_premium as (
      select c.id, c.plan_code, c.purchase_state as state, c.price_cents::bigint as premium, x.cancel_on,
             x.refund_cents, least(x.fee_cents, x.gross_refund_cents) as fee_kept,
             case when x.id is null then 0
                  else coverwise_unearned_cents(c.price_cents, c.expires_on, c.term_days, c.term_months, x.cancel_on, 'pro_rata')
             end as released
        from contracts c left join cancellations x on x.contract_id = c.id
       where c.status <> 'void'
    ),
    amounts as (
      select plan_code, state, '1100' as account, sum(premium) as debit, 0::numeric as credit from contract_premium group by 1, 2
      union all select plan_code, state, '2000', 0, sum(premium) from contract_premium group by 1, 2
      union all select plan_code, state, '2000', sum(released), 0 from contract_premium where cancel_on is not null group by 1, 2
      union all select plan_code, state, '2200', 0, sum(refund_cents) from contract_premium where cancel_on is not null group by 1, 2
      union all select plan_code, state, '4100', 0, sum(fee_kept) from contract_premium where cancel_on is not null group by 1, 2
      union all select plan_code, state, '4000',
          greatest(0, sum(refund_cents + fee_kept - released)), greatest(0, sum(released - refund_cents - fee_kept))
        from contract_premium where cancel_on is not null group by 1, 2
    ),
    lines as (
      select row_number() over (order by plan_code, state, account, debit) as line_number, *
        from amounts where debit <> 0 or credit <> 0
    ),
    entry as (
      insert into journal_entries (effective_on, event_type, event_id, event_key, memo, created_by)
      select current_date, 'opening_balance', 'opening', 'opening_balance',
             'Opening balance: premium of the contracts on file when the general ledger began', 'system'
       where exists (select 1 from lines)
      returning id
    )
    insert into journal_lines (entry_id, line_number, account_code, debit_cents, credit_cents, plan_code, state)
    select entry.id, lines.line_number, lines.account,
           greatest(0, lines.debit - lines.credit), greatest(0, lines.credit - lines.debit), lines.plan_code, lines.state
      from entry cross join lines
     where lines.debit <> lines.credit`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The general ledger cannot be rolled back: its entries are the books.');
}
