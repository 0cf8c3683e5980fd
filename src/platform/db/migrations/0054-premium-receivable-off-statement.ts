// Account 1110, premium receivable not on a dealer statement (src/accounting/postings.ts
// premiumReceivableAccount). The dealer receivable (1100) used to take every written premium, also of
// contracts that put no line on any dealer statement (written by staff without a dealer account, the demo,
// an import row without a dealer cost), so the books' dealer receivable could not be tied to the dealer
// statements. From now on those contracts' premium is written to 1110, and 1100 + 1150 are, dealer by
// dealer, what the statements say each dealer owes (GET /api/v1/accounting/dealer-reconciliation).
//
// The books already hold such premium on 1100. The backfill moves it with reclassification entries, never
// an edit (entries are append-only): one entry per day the premium went on the books (a contract's own
// entry, its import's first batch, the demo seed or the opening balance, as the earning run dates it),
// dated that day, so the dealer receivable ties to the statements at every date, not only after today.
// Its lines keep the plan, state and dealer each premium was written with (none for the opening balance,
// whose lines named no dealer). A contract voided since is left out: its void took its premium off 1100.
// Going down is refused once account 1110 has lines (the books are append-only); without lines it
// changes nothing: the chart of accounts is append-only too, so the account stays (unused), and going up
// again finds it there.
import { type Kysely, sql } from 'kysely';

export const RECLASSIFICATION_EVENT = 'reclassification_premium_receivable';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`insert into gl_accounts (code, name, type, normal_balance)
    values ('1110', 'Premium receivable (not on a dealer statement)', 'asset', 'debit')
    on conflict (code) do nothing`.execute(db);
  await sql`
    with booked as (
      select event_type, event_id, min(effective_on) as booked_on
        from journal_entries
       where event_type in ('contract_written', 'contracts_imported', 'contracts_seeded', 'opening_balance')
       group by 1, 2
    ),
    off_statement as (
      select coalesce(own.booked_on, batch.booked_on, seed.booked_on, opening.booked_on) as booked_on,
             c.plan_code, c.purchase_state as state,
             case when coalesce(own.booked_on, batch.booked_on, seed.booked_on) is null then null
                  else c.selling_dealer_code end as dealer_code,
             sum(coalesce(c.dealer_cost_cents, c.price_cents))::bigint as premium
        from contracts c
        left join booked own on own.event_type = 'contract_written' and own.event_id = c.id::text
        left join booked batch on batch.event_type = 'contracts_imported' and batch.event_id = c.import_id::text
        left join booked seed on seed.event_type = 'contracts_seeded' and seed.event_id = 'demo' and c.source = 'demo'
        left join booked opening on opening.event_type = 'opening_balance'
       where c.status <> 'void' and not (c.dealer_id is not null and c.dealer_cost_cents is not null)
       group by 1, 2, 3, 4
      having sum(coalesce(c.dealer_cost_cents, c.price_cents)) <> 0
    ),
    dated as (
      select booked_on, plan_code, state, dealer_code, premium from off_statement where booked_on is not null
    ),
    entries as (
      insert into journal_entries (effective_on, event_type, event_id, event_key, memo, created_by)
      select booked_on, ${RECLASSIFICATION_EVENT}, '0054-premium-receivable-off-statement',
             ${RECLASSIFICATION_EVENT} || ':' || to_char(booked_on, 'YYYY-MM-DD'),
             'Reclassification: premium of contracts not on a dealer statement, from the dealer receivable (1100) to 1110',
             'system'
        from (select distinct booked_on from dated) days
      returning id, effective_on
    ),
    lines as (
      select e.id as entry_id, d.plan_code, d.state, d.dealer_code, d.premium,
             row_number() over (partition by e.id order by d.plan_code, d.state, d.dealer_code) as n
        from entries e join dated d on d.booked_on = e.effective_on
    )
    insert into journal_lines (entry_id, line_number, account_code, debit_cents, credit_cents, plan_code, state, dealer_code)
    select entry_id, 2 * n - 1, '1110', greatest(premium, 0), greatest(-premium, 0), plan_code, state, dealer_code from lines
    union all
    select entry_id, 2 * n, '1100', greatest(-premium, 0), greatest(premium, 0), plan_code, state, dealer_code from lines`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const posted = await sql<{ n: number }>`
    select count(*)::int as n from journal_lines where account_code = '1110'`.execute(db);
  if ((posted.rows[0]?.n ?? 0) > 0)
    throw new Error(
      'Migration 0054 cannot be rolled back: account 1110 has journal lines, and the books are append-only.',
    );
}
