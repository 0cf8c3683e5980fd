// Rule what-if (issue 10): the effect of a draft catalog on the portfolio and on last year's claims
// before it is published, as if the draft replaced the current catalog for every contract. The terms
// of each plan and state are resolved in JS under both catalogs (a few hundred pairs); only the pairs
// that differ go to SQL, which computes every contract's and claim's amounts set-based.
//
// What is compared (draft minus current; positive = more paid out):
// - cancellation refunds of every active contract cancelled today (docs/domain.md "The default computation"),
//   with no odometer reading known: the days share decides, as it does whenever miles are not the lesser;
// - rental claims opened in the last 365 days, re-capped by the draft's daily and per-visit limits
//   (expenses per day up to the daily limit, the visit up to the per-visit limit);
// - contracts whose effective terms (any benefit limit, fee or day count) change at all;
// - dealer prices: sample vehicles rated under both catalogs (rating-changes.ts), whether or not any
//   contract's terms change.
import { type Kysely, sql } from 'kysely';
import type { Catalog } from '../catalog/catalog.schema.js';
import { type EffectiveTerms, resolveTerms } from '../catalog/effective-terms.js';
import { CA_PROVINCES, US_STATES } from '../catalog/regions.js';
import { PREMIUM_LEDGER_KINDS } from '../ledger/ledger-kinds.js';
import type { Database } from '../platform/db/schema.js';
import { addDays, type CalendarDate } from '../shared/calendar-date.js';
import { compareRating, type RatingComparison } from './rating-changes.js';

export interface WhatIfDetail {
  area: 'contract_terms' | 'cancellation_refunds' | 'rental_claims';
  planCode: string;
  description: string;
  contractsAffected: number;
  claimsAffected: number;
  currentCents: number;
  draftCents: number;
  differenceCents: number;
}

export interface WhatIfResult {
  asOf: CalendarDate;
  contractsAffected: number;
  claimsAffected: number;
  moneyDifferenceCents: number;
  /** The plan-and-state terms that differ, with the fields that changed. */
  changedTerms: { planCode: string; state: string; fields: string[] }[];
  details: WhatIfDetail[];
  /** Dealer prices of sample vehicles under the current catalog and the draft (rating-changes.ts). */
  rating: RatingComparison;
}

/** Days back from today that count as "last year's claims". */
export const CLAIMS_LOOKBACK_DAYS = 365;

interface PairTerms {
  plan: string;
  state: string;
  terms_changed: boolean;
  cancellation_changed: boolean;
  rental_changed: boolean;
  cur_free_look: number;
  cur_method: string;
  cur_fee: number;
  cur_fee_bp: number | null;
  cur_claims_deducted: boolean;
  new_free_look: number;
  new_method: string;
  new_fee: number;
  new_fee_bp: number | null;
  new_claims_deducted: boolean;
  cur_rental_daily: number | null;
  cur_rental_visit: number | null;
  new_rental_daily: number | null;
  new_rental_visit: number | null;
}

/** JSON with object keys sorted: a catalog read back from jsonb has its keys in another order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The parts of the terms a contract is held to (the holder notes and rule ids are not terms). */
function comparable(terms: EffectiveTerms): Record<string, unknown> {
  const { notes: _notes, ruleSources: _sources, planName: _name, ...rest } = terms;
  return rest;
}

function changedFields(a: Record<string, unknown>, b: Record<string, unknown>, prefix = ''): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const fields: string[] = [];
  for (const key of keys) {
    const x = a[key];
    const y = b[key];
    if (canonical(x) === canonical(y)) continue;
    const bothObjects =
      typeof x === 'object' && x !== null && !Array.isArray(x) && typeof y === 'object' && y !== null;
    if (bothObjects && !Array.isArray(y))
      fields.push(
        ...changedFields(x as Record<string, unknown>, y as Record<string, unknown>, `${prefix}${key}.`),
      );
    else fields.push(`${prefix}${key}`);
  }
  return fields;
}

/** Every plan-and-state pair of the current catalog whose terms the draft changes. */
export function changedPairs(current: Catalog, draft: Catalog): PairTerms[] {
  const regions = [...US_STATES, ...CA_PROVINCES];
  const pairs: PairTerms[] = [];
  for (const plan of current.plans) {
    for (const state of regions) {
      const before = resolveTerms(current, plan.code, state);
      const after = resolveTerms(draft, plan.code, state);
      if (!before) continue;
      const beforeComparable = comparable(before);
      // A plan the draft drops leaves its contracts on the terms they were sold with: nothing to compare.
      if (!after) continue;
      const afterComparable = comparable(after);
      if (canonical(beforeComparable) === canonical(afterComparable)) continue;
      const rentalOf = (t: EffectiveTerms) => (t.product === 'vsc' ? t.benefits.rental : null);
      pairs.push({
        plan: plan.code,
        state,
        terms_changed: true,
        cancellation_changed: canonical(before.cancellation) !== canonical(after.cancellation),
        rental_changed: canonical(rentalOf(before)) !== canonical(rentalOf(after)),
        cur_free_look: before.cancellation.freeLookDays,
        cur_method: before.cancellation.method,
        cur_fee: before.cancellation.adminFeeCents,
        cur_fee_bp: before.cancellation.adminFeeMaxBasisPointsOfPrice,
        cur_claims_deducted: before.cancellation.claimsDeducted,
        new_free_look: after.cancellation.freeLookDays,
        new_method: after.cancellation.method,
        new_fee: after.cancellation.adminFeeCents,
        new_fee_bp: after.cancellation.adminFeeMaxBasisPointsOfPrice,
        new_claims_deducted: after.cancellation.claimsDeducted,
        cur_rental_daily: rentalOf(before)?.dailyLimitCents ?? null,
        cur_rental_visit: rentalOf(before)?.perVisitLimitCents ?? null,
        new_rental_daily: rentalOf(after)?.dailyLimitCents ?? null,
        new_rental_visit: rentalOf(after)?.perVisitLimitCents ?? null,
      });
    }
  }
  return pairs;
}

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

export async function runWhatIf(
  db: Kysely<Database>,
  input: { current: Catalog; draft: Catalog; today: CalendarDate },
): Promise<WhatIfResult> {
  const { today } = input;
  const pairs = changedPairs(input.current, input.draft);
  const changedTerms = groupChangedTerms(input.current, input.draft, pairs);
  const rating = compareRating(input.current, input.draft, today);
  if (pairs.length === 0) {
    return {
      asOf: today,
      contractsAffected: 0,
      claimsAffected: 0,
      moneyDifferenceCents: 0,
      changedTerms,
      details: [],
      rating,
    };
  }
  const t = pairsRelation(pairs);
  const premiumKinds = sql.join(PREMIUM_LEDGER_KINDS.map((kind) => sql.lit(kind)));

  const terms = await sql<{ plan: string; contracts: string }>`
    select c.plan_code as plan, count(*) as contracts
    from contracts c join ${t} on t.plan = c.plan_code and t.state = c.purchase_state
    where c.status = 'active' and c.expires_on >= ${today}::date
    group by 1 order by 1`.execute(db);

  const refunds = await sql<{ plan: string; contracts: string; cur: string; new: string }>`
    with per_contract as (
      select c.plan_code as plan, ${refundSql('cur', today)} as cur, ${refundSql('new', today)} as new
      from contracts c
      join ${t} on t.plan = c.plan_code and t.state = c.purchase_state and t.cancellation_changed
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

  // Rental: per claim and expense date the requested total, capped per day, then per visit.
  const rentals = await sql<{ plan: string; claims: string; cur: string; new: string }>`
    with days as (
      select r.id, c.plan_code as plan, t.cur_rental_daily, t.cur_rental_visit,
        t.new_rental_daily, t.new_rental_visit,
        sum((line->>'requestedCents')::bigint) as requested
      from rental_claims r
      join contracts c on c.id = r.contract_id
      join ${t} on t.plan = c.plan_code and t.state = c.purchase_state and t.rental_changed
      cross join lateral jsonb_array_elements(r.lines) as line
      where r.created_at >= ${addDays(today, -CLAIMS_LOOKBACK_DAYS)}::date
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

  const details: WhatIfDetail[] = [];
  for (const r of terms.rows) {
    details.push({
      area: 'contract_terms',
      planCode: r.plan,
      description: 'Active contracts whose terms the draft changes',
      contractsAffected: n(r.contracts),
      claimsAffected: 0,
      currentCents: 0,
      draftCents: 0,
      differenceCents: 0,
    });
  }
  for (const r of refunds.rows) {
    details.push({
      area: 'cancellation_refunds',
      planCode: r.plan,
      description: `Refunds if every active contract were cancelled on ${today}`,
      contractsAffected: n(r.contracts),
      claimsAffected: 0,
      currentCents: n(r.cur),
      draftCents: n(r.new),
      differenceCents: n(r.new) - n(r.cur),
    });
  }
  for (const r of rentals.rows) {
    details.push({
      area: 'rental_claims',
      planCode: r.plan,
      description: `Rental claims of the last ${CLAIMS_LOOKBACK_DAYS} days re-capped`,
      contractsAffected: 0,
      claimsAffected: n(r.claims),
      currentCents: n(r.cur),
      draftCents: n(r.new),
      differenceCents: n(r.new) - n(r.cur),
    });
  }
  const sum = (pick: (d: WhatIfDetail) => number) => details.reduce((total, d) => total + pick(d), 0);
  return {
    asOf: today,
    contractsAffected: sum((d) => (d.area === 'contract_terms' ? d.contractsAffected : 0)),
    claimsAffected: sum((d) => d.claimsAffected),
    moneyDifferenceCents: sum((d) => d.differenceCents),
    changedTerms,
    details,
    rating,
  };
}

/** The changed fields per plan and state, for the admin to read what the draft really changes. */
function groupChangedTerms(current: Catalog, draft: Catalog, pairs: PairTerms[]) {
  const MAX_LISTED = 200;
  return pairs.slice(0, MAX_LISTED).map((pair) => {
    const before = resolveTerms(current, pair.plan, pair.state);
    const after = resolveTerms(draft, pair.plan, pair.state);
    return {
      planCode: pair.plan,
      state: pair.state,
      fields: before && after ? changedFields(comparable(before), comparable(after)) : [],
    };
  });
}
