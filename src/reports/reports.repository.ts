// SQL of the reports: the unearned-reserve figures over the whole portfolio and the stored snapshots.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import type { UnearnedReserveRow } from './unearned-reserve.js';

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
 * The plan-and-state rows of the report as of `asOf`. Per contract sold on or before the date (void contracts never were in
 * force and are left out):
 * - cancelled on or before the date → refunded = its refund, earned = price − refund, unearned = 0;
 * - a GAP addendum whose benefit was paid on or before the date (in `timeZone`) has spent its coverage:
 *   earned = price, unearned = 0;
 * - otherwise unearned = price × remainingDays / termDays rounded half-up to the cent (remaining days
 *   = termDays − days elapsed, never below 0, so an expired contract is fully earned) and
 *   earned = price − unearned.
 * Per-contract rounding happens in SQL with integer arithmetic: floor((2·p·r + d) / 2d) is p·r/d rounded
 * half-up for non-negative values, the same as prorateHalfUp in src/shared/money.ts.
 */
export async function unearnedReserveRows(
  db: Kysely<Database>,
  asOf: CalendarDate,
  timeZone: string,
): Promise<UnearnedReserveRow[]> {
  const result = await sql<RawRow>`
    with spent as (
      select contract_id from gap_claims
       where status = 'paid' and (paid_at at time zone ${timeZone})::date <= ${asOf}::date
    ),
    per_contract as (
      select c.plan_code, c.purchase_state as state, c.price_cents::bigint as price,
        x.refund_cents::bigint as refund,
        case when x.contract_id is not null or c.id in (select contract_id from spent) then 0::bigint
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

  return result.rows.map(
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
}

/** Stores (or replaces) the snapshot of `report` as of `asOf`. */
export async function upsertReportSnapshot(
  db: Kysely<Database>,
  report: string,
  asOf: CalendarDate,
  data: unknown,
): Promise<void> {
  await db
    .insertInto('report_snapshots')
    .values({ report, as_of: asOf, data: JSON.stringify(data) })
    .onConflict((oc) =>
      oc
        .columns(['report', 'as_of'])
        .doUpdateSet({ data: (eb) => eb.ref('excluded.data'), created_at: sql`now()` }),
    )
    .execute();
}

export function findReportSnapshot(db: Kysely<Database>, report: string, asOf: CalendarDate) {
  return db
    .selectFrom('report_snapshots')
    .select(['as_of', 'data', 'created_at'])
    .where('report', '=', report)
    .where('as_of', '=', asOf)
    .executeTakeFirst();
}
