// The SQL of the rule what-if: the plan-and-state pairs whose terms a draft changes arrive as one bound
// jsonb parameter, and each question (contracts whose terms change, refunds, rental claims re-capped)
// is one set-based query over the live tables, answered per plan. Rows are mapped to numbers here.
import { type Kysely, sql } from 'kysely';
import { PREMIUM_LEDGER_KINDS } from '../ledger/ledger-kinds.js';
import type { Database } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import type { PairTerms, PlanClaimTotals, PlanContractCount, PlanRefundTotals } from './what-if.js';

/** The pairs as a SQL relation `t` (jsonb_to_recordset over one bound parameter). */
function pairsRelation(pairs: PairTerms[]) {
  return sql`jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as t(
    plan text, state text, terms_changed boolean, cancellation_changed boolean, rental_changed boolean,
    cur_free_look int, cur_method text, cur_fee bigint, cur_fee_bp bigint, cur_claims_deducted boolean,
    new_free_look int, new_method text, new_fee bigint, new_fee_bp bigint, new_claims_deducted boolean,
    cur_rental_daily bigint, cur_rental_visit bigint, new_rental_daily bigint, new_rental_visit bigint)`;
}

/**
 * A refund as SQL over contract `c`, claims paid `paid`, and the rule columns with `prefix`
 * (cur_ or new_). Integer arithmetic: floor((2·p·a + b) / 2b) is p·a/b rounded half-up, the same as
 * prorateHalfUp in src/shared/money.ts.
 */
function refundSql(prefix: 'cur' | 'new', today: CalendarDate) {
  const col = (name: string) => sql.ref(`t.${prefix}_${name}`);
  const remainingDays = sql`greatest(c.expires_on - ${today}::date, 0)::bigint`;
  // Whole months from today to the expiry, as wholeMonthsBetween counts them: the calendar-month
  // difference, less one when adding it to today (clamped to the month's end) passes the expiry.
  const monthSpan = sql`((extract(year from c.expires_on) - extract(year from ${today}::date)) * 12
    + extract(month from c.expires_on) - extract(month from ${today}::date))::int`;
  const monthsLeft = sql`greatest(${monthSpan}
    - case when (${today}::date + make_interval(months => ${monthSpan}))::date > c.expires_on then 1 else 0 end,
    0)::bigint`;
  const n78 = sql`(c.term_months::bigint * (c.term_months + 1))`;
  const gross = sql`case when ${col('method')} = 'rule_of_78s'
      then (2 * c.price_cents::bigint * ${monthsLeft} * (${monthsLeft} + 1) + ${n78}) / (2 * ${n78})
      else (2 * c.price_cents::bigint * ${remainingDays} + greatest(c.term_days, 1))
           / (2 * greatest(c.term_days, 1)::bigint) end`;
  const fee = sql`case when ${col('fee_bp')} is null then ${col('fee')}
      else least(${col('fee')}, (2 * c.price_cents::bigint * ${col('fee_bp')} + 10000) / 20000) end`;
  const claims = sql`case when ${col('claims_deducted')} then coalesce(paid.cents, 0) else 0 end`;
  return sql`case
      when (${today}::date - c.purchase_date) <= ${col('free_look')} and not c.has_claims
        then c.price_cents::bigint
      else greatest(0, ${gross} - ${fee} - ${claims}) end`;
}

const n = (value: string | number | null | undefined): number => Number(value ?? 0);

/** Per plan, the active contracts (not expired on `today`) of a pair whose terms change. */
export async function countContractsOnChangedTerms(
  db: Kysely<Database>,
  pairs: PairTerms[],
  today: CalendarDate,
): Promise<PlanContractCount[]> {
  const result = await sql<{ plan: string; contracts: string }>`
    select c.plan_code as plan, count(*) as contracts
    from contracts c join ${pairsRelation(pairs)} on t.plan = c.plan_code and t.state = c.purchase_state
    where c.status = 'active' and c.expires_on >= ${today}::date
    group by 1 order by 1`.execute(db);
  return result.rows.map((r) => ({ plan: r.plan, contracts: n(r.contracts) }));
}

/**
 * Per plan, the refunds of every active contract of a pair whose cancellation terms change, cancelled
 * on `today`, under the current and the draft terms, and how many contracts' refunds differ.
 */
export async function refundTotalsOnChangedTerms(
  db: Kysely<Database>,
  pairs: PairTerms[],
  today: CalendarDate,
): Promise<PlanRefundTotals[]> {
  const premiumKinds = sql.join(PREMIUM_LEDGER_KINDS.map((kind) => sql.lit(kind)));
  const result = await sql<{ plan: string; contracts: string; cur: string; new: string }>`
    with per_contract as (
      select c.plan_code as plan, ${refundSql('cur', today)} as cur, ${refundSql('new', today)} as new
      from contracts c
      join ${pairsRelation(pairs)} on t.plan = c.plan_code and t.state = c.purchase_state and t.cancellation_changed
      left join lateral (
        select sum(case when l.direction = 'payout' then l.amount_cents else -l.amount_cents end) as cents
        from ledger_entries l
        where l.contract_id = c.id and l.kind not in (${premiumKinds})
          and (t.cur_claims_deducted or t.new_claims_deducted)
      ) paid on true
      where c.status = 'active' and c.expires_on >= ${today}::date and c.purchase_date <= ${today}::date
    )
    select plan, count(*) filter (where cur <> new) as contracts, sum(cur) as cur, sum(new) as new
    from per_contract group by plan order by plan`.execute(db);
  return result.rows.map((r) => ({
    plan: r.plan,
    contracts: n(r.contracts),
    currentCents: n(r.cur),
    draftCents: n(r.new),
  }));
}

/**
 * Per plan, the rental claims opened since `since` on a pair whose rental terms change, paid under the
 * current and the draft limits: per claim and expense date the requested total, capped per day, then
 * per visit.
 */
export async function rentalTotalsOnChangedTerms(
  db: Kysely<Database>,
  pairs: PairTerms[],
  since: CalendarDate,
): Promise<PlanClaimTotals[]> {
  const result = await sql<{ plan: string; claims: string; cur: string; new: string }>`
    with days as (
      select r.id, c.plan_code as plan, t.cur_rental_daily, t.cur_rental_visit,
        t.new_rental_daily, t.new_rental_visit,
        sum((line->>'requestedCents')::bigint) as requested
      from rental_claims r
      join contracts c on c.id = r.contract_id
      join ${pairsRelation(pairs)} on t.plan = c.plan_code and t.state = c.purchase_state and t.rental_changed
      cross join lateral jsonb_array_elements(r.lines) as line
      where r.created_at >= ${since}::date
      group by r.id, c.plan_code, t.cur_rental_daily, t.cur_rental_visit, t.new_rental_daily,
        t.new_rental_visit, line->>'date'
    ), per_claim as (
      select id, plan,
        -- least() skips nulls in SQL, so a rule that is not there (no rental) must pay 0 explicitly.
        case when min(cur_rental_daily) is null then 0
          else least(min(cur_rental_visit), sum(least(requested, cur_rental_daily))) end as cur,
        case when min(new_rental_daily) is null then 0
          else least(min(new_rental_visit), sum(least(requested, new_rental_daily))) end as new
      from days group by id, plan
    )
    select plan, count(*) filter (where cur <> new) as claims, sum(cur) as cur, sum(new) as new
    from per_claim group by plan order by plan`.execute(db);
  return result.rows.map((r) => ({
    plan: r.plan,
    claims: n(r.claims),
    currentCents: n(r.cur),
    draftCents: n(r.new),
  }));
}
