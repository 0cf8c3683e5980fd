// Unearned-premium reserve (issue 9, docs/domain.md "Cancellations", the pro-rata-days rule): as of a date,
// each contract sold by then has earned its price in proportion to the days of its term that have
// passed; the rest is unearned. One SQL statement over the whole portfolio, grouped per plan and state.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';

export interface UnearnedReserveRow {
  planCode: string;
  /** The purchase state: the state whose rules govern the contract. */
  state: string;
  contracts: number;
  /** Contracts cancelled on or before the as-of date. */
  cancelledContracts: number;
  writtenPremiumCents: number;
  earnedCents: number;
  unearnedCents: number;
  /** Refunds of contracts cancelled on or before the as-of date (not part of the reserve). */
  refundedCents: number;
}

export interface UnearnedReserveReport {
  asOf: CalendarDate;
  rows: UnearnedReserveRow[];
  totals: Omit<UnearnedReserveRow, 'planCode' | 'state'>;
}

interface RawRow {
  plan_code: string;
  state: string;
  contracts: string | number;
  cancelled_contracts: string | number;
  written_cents: string | number;
  earned_cents: string | number;
  unearned_cents: string | number;
  refunded_cents: string | number;
}

/**
 * The report as of `asOf`. Per contract sold on or before the date (void contracts never were in
 * force and are left out):
 * - cancelled on or before the date → refunded = its refund, earned = price − refund, unearned = 0;
 * - otherwise unearned = price × remainingDays / termDays rounded half-up to the cent (remaining days
 *   = termDays − days elapsed, never below 0, so an expired contract is fully earned) and
 *   earned = price − unearned.
 * Per-contract rounding happens in SQL with integer arithmetic: floor((2·p·r + d) / 2d) is p·r/d rounded
 * half-up for non-negative values, the same as prorateHalfUp in src/shared/money.ts.
 */
export async function unearnedReserve(
  db: Kysely<Database>,
  asOf: CalendarDate,
): Promise<UnearnedReserveReport> {
  const result = await sql<RawRow>`
    with per_contract as (
      select c.plan_code, c.purchase_state as state, c.price_cents::bigint as price,
        x.refund_cents::bigint as refund,
        case when x.contract_id is not null then 0::bigint
          else (2 * c.price_cents::bigint
                  * greatest(c.term_days - (${asOf}::date - c.purchase_date), 0)
                + greatest(c.term_days, 1))
               / (2 * greatest(c.term_days, 1)::bigint)
        end as unearned
      from contracts c
      left join cancellations x on x.contract_id = c.id and x.cancel_on <= ${asOf}::date
      where c.purchase_date <= ${asOf}::date and c.status <> 'void'
    )
    select plan_code, state,
      count(*) as contracts,
      count(refund) as cancelled_contracts,
      sum(price) as written_cents,
      sum(price - coalesce(refund, 0) - unearned) as earned_cents,
      sum(unearned) as unearned_cents,
      coalesce(sum(refund), 0) as refunded_cents
    from per_contract
    group by plan_code, state
    order by plan_code, state`.execute(db);

  const rows = result.rows.map(
    (r): UnearnedReserveRow => ({
      planCode: r.plan_code,
      state: r.state,
      contracts: Number(r.contracts),
      cancelledContracts: Number(r.cancelled_contracts),
      writtenPremiumCents: Number(r.written_cents),
      earnedCents: Number(r.earned_cents),
      unearnedCents: Number(r.unearned_cents),
      refundedCents: Number(r.refunded_cents),
    }),
  );
  const totals = {
    contracts: 0,
    cancelledContracts: 0,
    writtenPremiumCents: 0,
    earnedCents: 0,
    unearnedCents: 0,
    refundedCents: 0,
  };
  for (const row of rows) {
    totals.contracts += row.contracts;
    totals.cancelledContracts += row.cancelledContracts;
    totals.writtenPremiumCents += row.writtenPremiumCents;
    totals.earnedCents += row.earnedCents;
    totals.unearnedCents += row.unearnedCents;
    totals.refundedCents += row.refundedCents;
  }
  return { asOf, rows, totals };
}

const CSV_COLUMNS = [
  'plan_code',
  'state',
  'contracts',
  'cancelled_contracts',
  'written_premium_cents',
  'earned_cents',
  'unearned_cents',
  'refunded_cents',
] as const;

/** The report as CSV: a header, one line per plan and state, amounts in cents. */
export function unearnedReserveCsv(report: UnearnedReserveReport): string {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  for (const r of report.rows) {
    lines.push(
      [
        r.planCode,
        r.state,
        r.contracts,
        r.cancelledContracts,
        r.writtenPremiumCents,
        r.earnedCents,
        r.unearnedCents,
        r.refundedCents,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
