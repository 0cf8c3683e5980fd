// The month-end report's SQL (month-end.ts adds it up): premium and claims paid per plan and state
// from the general ledger, written and earned per month (the trend), every dealer's open items as of
// the month's last day, and the lender-event refunds by their state as of that day.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { premiumByMonth } from '../accounting/journal.repository.js';
import { allDealersOpenItems } from '../dealers/dealer-statement.repository.js';
import type { Database } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import type { PremiumRow, RefundCount, RefundState } from './month-end.js';

/** The journal's event types that put premium on unearned premium (as premiumByMonth counts them). */
const WRITE_EVENTS = [
  'contract_written',
  'contracts_imported',
  'contracts_seeded',
  'opening_balance',
  'contract_voided',
];
/** The journal's event types of claims paid out. */
const CLAIM_PAID_EVENTS = [
  'repair_claim_paid',
  'rental_claim_paid',
  'trip_interruption_claim_paid',
  'roadside_request_paid',
  'gap_claim_paid',
];

/** Per plan and state: written, earned and claims paid from `from` to `to`; unearned at the end of `to`. */
export async function premiumByPlanAndState(
  db: Kysely<Database>,
  range: { from: CalendarDate; to: CalendarDate },
): Promise<PremiumRow[]> {
  const result = await sql<{
    plan_code: string;
    state: string;
    written: string | number;
    earned: string | number;
    unearned: string | number;
    claims_paid: string | number;
  }>`
    select l.plan_code, l.state,
      coalesce(sum(l.credit_cents - l.debit_cents) filter (
        where l.account_code = '2000' and e.effective_on >= ${range.from}::date
          and e.event_type in (${sql.join(WRITE_EVENTS)})
          and not (e.event_type = 'opening_balance' and l.debit_cents > 0)), 0)::bigint as written,
      coalesce(sum(l.credit_cents - l.debit_cents) filter (
        where l.account_code = '4000' and e.effective_on >= ${range.from}::date), 0)::bigint as earned,
      coalesce(sum(l.credit_cents - l.debit_cents) filter (where l.account_code = '2000'), 0)::bigint as unearned,
      coalesce(sum(l.credit_cents - l.debit_cents) filter (
        where l.account_code = '1000' and e.effective_on >= ${range.from}::date
          and e.event_type in (${sql.join(CLAIM_PAID_EVENTS)})), 0)::bigint as claims_paid
    from journal_entries e join journal_lines l on l.entry_id = e.id
    where e.effective_on <= ${range.to}::date and l.plan_code is not null and l.state is not null
    group by 1, 2`.execute(db);
  return result.rows.map((row) => ({
    planCode: row.plan_code,
    state: row.state,
    writtenCents: Number(row.written),
    earnedCents: Number(row.earned),
    unearnedCents: Number(row.unearned),
    claimsPaidCents: Number(row.claims_paid),
  }));
}

export { premiumByMonth };

/** Every dealer's open items as of `asOf` (dealer-statement.repository.ts). */
export function dealersOpenItems(db: Kysely<Database>, asOf: CalendarDate) {
  return allDealersOpenItems(db, asOf);
}

/**
 * The lender-event refunds of cancellations on or before `asOf`, as they stood at the end of that day:
 * a refund paid after `asOf` was still unpaid then (due, or overdue past its deadline).
 */
export async function refundStatesAsOf(
  db: Kysely<Database>,
  asOf: CalendarDate,
): Promise<Partial<Record<RefundState, RefundCount>>> {
  const rows = await sql<{ status: RefundState; n: number; cents: string | number }>`
    select case
        when r.paid_on is not null and r.paid_on <= ${asOf}::date and r.paid_on <= r.refund_due_on then 'paid_on_time'
        when r.paid_on is not null and r.paid_on <= ${asOf}::date then 'paid_late'
        when ${asOf}::date <= r.refund_due_on then 'due'
        else 'overdue' end as status,
      count(*)::int as n, coalesce(sum(r.refund_cents), 0)::bigint as cents
    from cancellations r join lender_events e on e.id = r.lender_event_id
    where e.event_date <= ${asOf}::date
    group by 1`.execute(db);
  return Object.fromEntries(
    rows.rows.map((row) => [row.status, { count: Number(row.n), amountCents: Number(row.cents) }]),
  );
}
