// The month-end earning run's SQL: one set-based read computes, per plan and state, the premium
// earned by the end of the month over every contract written (void contracts left out; a cancelled
// contract stops earning on its cancellation date, where its cancellation released the rest), less
// what earning entries already posted for that plan and state; one set-based write posts one entry per
// plan/state/month moving the difference from unearned to earned premium. The event key names the month, plan and state,
// so a month runs once; a late change (a void, a backdated cancellation) is caught up by the next month.
//
// A GAP addendum whose benefit was paid (status `claimed`) has spent its coverage: the first run whose
// month ends after the payment (the day it was paid in the business time zone) earns its whole premium.
//
// A contract earns from the month its premium went on the books, not from its purchase date: a contract
// bought in October but imported (or booked) in November has no unearned premium at October's end, so
// October's run leaves it out and November's earns its October and November at once. Earning it in
// October's run put a debit balance on unearned premium at October's end (seen after the demo seed).
import { type Kysely, sql } from 'kysely';
import type { Actor } from '../platform/audit/audit.repository.js';
import type { Database } from '../platform/db/schema.js';
import { addDays, addMonths, type CalendarDate } from '../shared/calendar-date.js';
import { PREMIUM_SQL } from './journal.repository.js';
import type { EarningMethod } from './premium-earning.js';

/** A plan's earning method, for a catalog version and (null: every state without its own) a state. */
export interface EarningMethodRow {
  catalogVersion: number;
  planCode: string;
  state: string | null;
  method: EarningMethod;
}

export interface EarningRunResult {
  month: string;
  entriesPosted: number;
  earnedCents: number;
}

export const PREMIUM_EARNING_EVENT = 'premium_earning';

/**
 * Waits for any other earning run to end (a transaction-scoped advisory lock): one run at a time, as two
 * would each wait on the other's event keys, then skip them anyway.
 */
export async function lockEarningRuns(trx: Kysely<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('coverwise.premium_earning'))`.execute(trx);
}

/** The last day through which premium has been earned (the latest earning entry's), or null before any. */
export async function earnedThrough(db: Kysely<Database>): Promise<CalendarDate | null> {
  const result = await sql<{ through: CalendarDate | null }>`
    select max(effective_on)::text as through from journal_entries
     where event_type = ${PREMIUM_EARNING_EVENT}`.execute(db);
  return result.rows[0]?.through ?? null;
}

/** `month` is YYYY-MM; the run earns through its last day (as of the first day of the next month). */
export async function postMonthlyEarning(
  db: Kysely<Database>,
  input: {
    month: string;
    methods: EarningMethodRow[];
    /** The business time zone: the day a GAP benefit was paid is taken there. */
    timeZone: string;
    actor: Actor;
    requestId?: string | null;
  },
): Promise<EarningRunResult> {
  const firstDay: CalendarDate = `${input.month}-01`;
  const asOf = addMonths(firstDay, 1);
  const lastDay = addDays(asOf, -1);
  const premium = PREMIUM_SQL;
  const defaults = input.methods.filter((row) => row.state === null);
  const byState = input.methods.filter((row) => row.state !== null);
  // Empty VALUES lists are not valid SQL: a row that matches nothing stands in.
  const methodValues = (rows: EarningMethodRow[]) =>
    rows.length === 0
      ? sql`values (0, '', '', 'pro_rata')`
      : sql`values ${sql.join(rows.map((row) => sql`(${row.catalogVersion}::integer, ${row.planCode}, ${row.state ?? ''}, ${row.method})`))}`;
  // Step 1, a read (which PostgreSQL may run with parallel workers): each plan and state's amount to post.
  const amounts = await sql<{ plan_code: string; state: string; amount: number }>`
    with plan_methods (catalog_version, plan_code, state, method) as (${methodValues(defaults)}),
    state_methods (catalog_version, plan_code, state, method) as (${methodValues(byState)}),
    -- The day each contract's premium went on the books: its own entry (one written through the API),
    -- its import's first batch, the demo seed, or the opening balance for contracts older than the ledger.
    booked as (
      select event_type, event_id, min(effective_on) as booked_on
        from journal_entries
       where event_type in ('contract_written', 'contracts_imported', 'contracts_seeded', 'opening_balance')
       group by 1, 2
    ),
    -- The day each GAP addendum's benefit was paid (one paid claim per addendum: it is spent then).
    spent as (
      select contract_id, min((paid_at at time zone ${input.timeZone})::date) as paid_on
        from gap_claims
       where status = 'paid'
       group by 1
    ),
    target as (
      select c.plan_code, c.purchase_state as state,
             sum(case when g.paid_on < ${asOf}::date then ${premium}
                      else ${premium} - coverwise_unearned_cents(${premium}, c.expires_on, c.term_days, c.term_months,
                             least(${asOf}::date, coalesce(x.cancel_on, ${asOf}::date)),
                             coalesce(sm.method, pm.method, 'pro_rata'))
                 end)::bigint as earned
        from contracts c
        left join cancellations x on x.contract_id = c.id
        left join spent g on g.contract_id = c.id
        left join booked own on own.event_type = 'contract_written' and own.event_id = c.id::text
        left join booked batch on batch.event_type = 'contracts_imported' and batch.event_id = c.import_id::text
        left join booked seed on seed.event_type = 'contracts_seeded' and seed.event_id = 'demo' and c.source = 'demo'
        left join booked opening on opening.event_type = 'opening_balance'
        left join plan_methods pm on pm.catalog_version = c.catalog_version and pm.plan_code = c.plan_code
        left join state_methods sm on sm.catalog_version = c.catalog_version and sm.plan_code = c.plan_code
             and sm.state = c.purchase_state
       where c.status <> 'void' and c.purchase_date < ${asOf}::date
         and coalesce(own.booked_on, batch.booked_on, seed.booked_on, opening.booked_on) <= ${lastDay}::date
       group by 1, 2
    ),
    posted as (
      select l.plan_code, l.state, sum(l.credit_cents - l.debit_cents)::bigint as earned
        from journal_entries e join journal_lines l on l.entry_id = e.id and l.account_code = '4000'
       where e.event_type = ${PREMIUM_EARNING_EVENT}
       group by 1, 2
    )
    select coalesce(t.plan_code, p.plan_code) as plan_code, coalesce(t.state, p.state) as state,
           (coalesce(t.earned, 0) - coalesce(p.earned, 0))::bigint as amount
      from target t full join posted p on p.plan_code = t.plan_code and p.state = t.state
     where coalesce(t.earned, 0) <> coalesce(p.earned, 0)`.execute(db);
  const groups = amounts.rows.map((row) => ({ ...row, amount: Number(row.amount) }));
  if (groups.length === 0) return { month: input.month, entriesPosted: 0, earnedCents: 0 };

  // Step 2, one write: an entry per plan and state (skipped when the month's key is taken) and its lines.
  const result = await sql<{ entries: number; earned: number }>`
    with amounts as (
      select * from unnest(${groups.map((g) => g.plan_code)}::text[], ${groups.map((g) => g.state)}::text[],
                           ${groups.map((g) => g.amount)}::bigint[]) as a (plan_code, state, amount)
    ),
    entries as (
      insert into journal_entries (effective_on, event_type, event_id, event_key, memo, created_by, request_id)
      select ${lastDay}::date, ${PREMIUM_EARNING_EVENT}, ${input.month},
             ${PREMIUM_EARNING_EVENT} || ':' || ${input.month} || ':' || plan_code || ':' || state,
             'Premium earned in ' || ${input.month} || ', ' || plan_code || ' sold in ' || state,
             ${input.actor.label}, ${input.requestId ?? null}
        from amounts
      on conflict (event_key) do nothing
      returning id, event_key
    ),
    lines as (
      insert into journal_lines (entry_id, line_number, account_code, debit_cents, credit_cents, plan_code, state)
      select e.id, side.line_number, side.account_code,
             case when side.account_code = '2000' then greatest(a.amount, 0) else greatest(-a.amount, 0) end,
             case when side.account_code = '4000' then greatest(a.amount, 0) else greatest(-a.amount, 0) end,
             a.plan_code, a.state
        from entries e
        join amounts a on e.event_key = ${PREMIUM_EARNING_EVENT} || ':' || ${input.month} || ':' || a.plan_code || ':' || a.state
        cross join (values (1, '2000'), (2, '4000')) as side (line_number, account_code)
      returning credit_cents, account_code
    )
    select (select count(*) from entries)::integer as entries,
           coalesce((select sum(credit_cents) from lines where account_code = '4000'), 0)
             - coalesce((select sum(credit_cents) from lines where account_code = '2000'), 0) as earned`.execute(
    db,
  );
  const row = result.rows[0]!;
  return { month: input.month, entriesPosted: Number(row.entries), earnedCents: Number(row.earned) };
}
