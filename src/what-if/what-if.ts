// Rule what-if (issue 10): the effect of a draft catalog on the portfolio and on last year's claims
// before it is published, as if the draft replaced the current catalog for every contract. The terms
// of each plan and state are resolved under both catalogs (a few hundred pairs); only the pairs that
// differ go to the database (what-if.repository.ts), which computes every contract's and claim's amounts
// set-based and answers totals per plan. Pure: this file compares catalogs and sums the totals.
//
// What is compared (draft minus current; positive = more paid out):
// - cancellation refunds of every active contract cancelled today (docs/domain.md "The default computation"),
//   with no odometer reading known: the days share decides, as it does whenever miles are not the lesser;
// - rental claims opened in the last 365 days, re-capped by the draft's daily and per-visit limits
//   (expenses per day up to the daily limit, the visit up to the per-visit limit);
// - contracts whose effective terms (any benefit limit, fee or day count) change at all;
// - dealer prices: sample vehicles rated under both catalogs (rating-changes.ts, pure as well), whether
//   or not any contract's terms change.
import type { Catalog } from '../catalog/catalog.schema.js';
import { type EffectiveTerms, resolveTerms } from '../catalog/effective-terms.js';
import { CA_PROVINCES, US_STATES } from '../catalog/regions.js';
import { addDays, type CalendarDate } from '../shared/calendar-date.js';
import type { RatingComparison } from './rating-changes.js';

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

export interface PairTerms {
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

/** One plan's count of active contracts whose terms change. */
export interface PlanContractCount {
  plan: string;
  contracts: number;
}

/** One plan's refunds under the current and the draft terms, and how many contracts' refunds differ. */
export interface PlanRefundTotals {
  plan: string;
  contracts: number;
  currentCents: number;
  draftCents: number;
}

/** One plan's rental claims paid under the current and the draft limits, and how many differ. */
export interface PlanClaimTotals {
  plan: string;
  claims: number;
  currentCents: number;
  draftCents: number;
}

/** The first day whose claims count as "last year's claims" on `today`. */
export function claimsLookbackStart(today: CalendarDate): CalendarDate {
  return addDays(today, -CLAIMS_LOOKBACK_DAYS);
}

/** The answer when the draft changes no terms at all. */
export function noDifference(
  asOf: CalendarDate,
  changedTerms: WhatIfResult['changedTerms'],
  rating: RatingComparison,
): WhatIfResult {
  return {
    asOf,
    contractsAffected: 0,
    claimsAffected: 0,
    moneyDifferenceCents: 0,
    changedTerms,
    details: [],
    rating,
  };
}

/** The per-plan totals read from the portfolio, as details and their sums (draft minus current). */
export function whatIfResult(
  asOf: CalendarDate,
  changedTerms: WhatIfResult['changedTerms'],
  totals: { terms: PlanContractCount[]; refunds: PlanRefundTotals[]; rentals: PlanClaimTotals[] },
  rating: RatingComparison,
): WhatIfResult {
  const details: WhatIfDetail[] = [];
  for (const r of totals.terms) {
    details.push({
      area: 'contract_terms',
      planCode: r.plan,
      description: 'Active contracts whose terms the draft changes',
      contractsAffected: r.contracts,
      claimsAffected: 0,
      currentCents: 0,
      draftCents: 0,
      differenceCents: 0,
    });
  }
  for (const r of totals.refunds) {
    details.push({
      area: 'cancellation_refunds',
      planCode: r.plan,
      description: `Refunds if every active contract were cancelled on ${asOf}`,
      contractsAffected: r.contracts,
      claimsAffected: 0,
      currentCents: r.currentCents,
      draftCents: r.draftCents,
      differenceCents: r.draftCents - r.currentCents,
    });
  }
  for (const r of totals.rentals) {
    details.push({
      area: 'rental_claims',
      planCode: r.plan,
      description: `Rental claims of the last ${CLAIMS_LOOKBACK_DAYS} days re-capped`,
      contractsAffected: 0,
      claimsAffected: r.claims,
      currentCents: r.currentCents,
      draftCents: r.draftCents,
      differenceCents: r.draftCents - r.currentCents,
    });
  }
  const sum = (pick: (d: WhatIfDetail) => number) => details.reduce((total, d) => total + pick(d), 0);
  return {
    asOf,
    contractsAffected: sum((d) => (d.area === 'contract_terms' ? d.contractsAffected : 0)),
    claimsAffected: sum((d) => d.claimsAffected),
    moneyDifferenceCents: sum((d) => d.differenceCents),
    changedTerms,
    details,
    rating,
  };
}

/** The changed fields per plan and state, for the admin to read what the draft really changes. */
export function groupChangedTerms(
  current: Catalog,
  draft: Catalog,
  pairs: PairTerms[],
): WhatIfResult['changedTerms'] {
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
