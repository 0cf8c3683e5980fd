// Rating a vehicle for the dealer's F&I menu (docs/domain.md "Selling through dealers"): for each plan the
// catalog rates, either the priced offers (every term × deductible, or the GAP term equal to the loan's)
// or the reason it is not offered. Dealer cost = table rate + deductible adjustment + surcharges, each
// a line of the offer; maximum retail = dealer cost + the markup cap (a state may set a lower one).
// Pure: the catalog and the request in, offers out.
import type { Catalog, GapPlan, Rating, VscPlan } from '../catalog/catalog.schema.js';
import { basisPointsOf, formatUsd, sumCents } from '../shared/money.js';

export const DRIVE_TYPES = ['2wd', '4wd', 'awd'] as const;
export type DriveType = (typeof DRIVE_TYPES)[number];
export const FUELS = ['gas', 'diesel', 'hybrid', 'electric'] as const;
export type Fuel = (typeof FUELS)[number];

export interface RatingRequest {
  saleDate: string;
  odometer: number;
  purchaseState: string;
  vehicle: {
    year: number;
    make: string;
    driveType?: DriveType | undefined;
    fuel?: Fuel | undefined;
    turbo?: boolean | undefined;
    commercialUse?: boolean | undefined;
  };
  /** GAP is rated from the loan; without it GAP is not offered. */
  loan?: { amountFinancedCents: number; msrpCents: number; termMonths: number } | undefined;
}

export interface OfferLine {
  label: string;
  amountCents: number;
}

export interface Offer {
  product: 'vsc' | 'gap';
  planCode: string;
  termMonths: number;
  termMiles: number | null;
  deductibleCents: number;
  dealerCostCents: number;
  maxRetailCents: number;
  lines: OfferLine[];
}

/** Why a plan is not offered for a vehicle: the reason codes a rate answer names (rates.schemas.ts). */
export const INELIGIBLE_REASONS = [
  'plan_not_rated',
  'vehicle_not_rated',
  'vehicle_too_old',
  'odometer_too_high',
  'commercial_use_not_rated',
  'loan_details_missing',
  'ltv_above_cap',
  'loan_term_not_rated',
] as const;

export type IneligibleReason = (typeof INELIGIBLE_REASONS)[number];

export interface Ineligible {
  planCode: string;
  reasonCode: IneligibleReason;
  detail: string;
}

export interface RatingResult {
  vehicleClass: string | null;
  offers: Offer[];
  ineligible: Ineligible[];
}

/** The vehicle class of a make (matched without regard to case or surrounding spaces), or null. */
export function vehicleClassOf(rating: Rating, make: string): string | null {
  const key = make.trim().toLowerCase();
  for (const vehicleClass of rating.vehicleClasses)
    if (vehicleClass.makes.some((m) => m.trim().toLowerCase() === key)) return vehicleClass.code;
  return null;
}

/** The markup cap in the state of sale: the catalog's, or a state's lower one. */
export function maxMarkupCents(rating: Rating, state: string): number {
  const cap = rating.stateMarkupCaps.find((c) => c.state === state.toUpperCase());
  return cap ? Math.min(cap.maxMarkupCents, rating.maxMarkupCents) : rating.maxMarkupCents;
}

function surchargeApplies(
  condition: Rating['surcharges'][number]['condition'],
  request: RatingRequest,
): boolean {
  const { vehicle } = request;
  switch (condition) {
    case 'four_wheel_drive':
      return vehicle.driveType === '4wd' || vehicle.driveType === 'awd';
    case 'turbo':
      return vehicle.turbo === true;
    case 'diesel':
      return vehicle.fuel === 'diesel';
    case 'commercial_use':
      return vehicle.commercialUse === true;
  }
}

function offerOf(
  plan: { code: string; product: 'vsc' | 'gap' },
  term: { months: number; miles: number | null },
  deductibleCents: number,
  lines: OfferLine[],
  markupCents: number,
): Offer {
  const dealerCostCents = sumCents(lines.map((line) => line.amountCents));
  return {
    product: plan.product,
    planCode: plan.code,
    termMonths: term.months,
    termMiles: term.miles,
    deductibleCents,
    dealerCostCents,
    maxRetailCents: dealerCostCents + markupCents,
    lines,
  };
}

function rateVsc(
  plan: VscPlan,
  rating: Rating,
  request: RatingRequest,
  vehicleClass: string | null,
  markupCents: number,
): Offer[] | Ineligible {
  const refuse = (reasonCode: IneligibleReason, detail: string): Ineligible => ({
    planCode: plan.code,
    reasonCode,
    detail,
  });
  const rates = rating.vscRates.filter((r) => r.planCode === plan.code);
  const eligibility = rating.eligibility.find((e) => e.planCode === plan.code);
  if (rates.length === 0 || !eligibility)
    return refuse('plan_not_rated', `${plan.name} is not rated in this catalog.`);
  if (vehicleClass === null)
    return refuse('vehicle_not_rated', `${request.vehicle.make} is not in the catalog's vehicle classes.`);
  const ageYears = Math.max(0, Number(request.saleDate.slice(0, 4)) - request.vehicle.year);
  if (ageYears > eligibility.maxVehicleAgeYears)
    return refuse(
      'vehicle_too_old',
      `${plan.name} is sold for vehicles at most ${eligibility.maxVehicleAgeYears} years old; this one is ${ageYears}.`,
    );
  if (request.odometer > eligibility.maxOdometer)
    return refuse(
      'odometer_too_high',
      `${plan.name} is sold up to ${eligibility.maxOdometer.toLocaleString('en-US')} miles at sale.`,
    );
  if (request.vehicle.commercialUse === true && !eligibility.commercialUse)
    return refuse('commercial_use_not_rated', `${plan.name} is not sold for vehicles in commercial use.`);

  // Each deductible's adjustment and label, and each term's label, are worked out once per plan and
  // term, not once per offer (a term × deductible grid prices dozens of offers).
  const deductibles: { cents: number; line: OfferLine }[] = [];
  for (const deductibleCents of plan.deductibleOptionsCents) {
    const adjustment = rating.deductibleAdjustments.find((a) => a.deductibleCents === deductibleCents);
    if (adjustment)
      deductibles.push({
        cents: deductibleCents,
        line: { label: `${formatUsd(deductibleCents)} deductible`, amountCents: adjustment.amountCents },
      });
  }
  const surcharges = rating.surcharges.filter((s) => surchargeApplies(s.condition, request));
  const offers: Offer[] = [];
  for (const term of plan.termOptions) {
    const rate = rates.find(
      (r) => r.vehicleClass === vehicleClass && r.termMonths === term.months && r.termMiles === term.miles,
    );
    if (!rate) continue;
    const tableLine: OfferLine = {
      label: `${plan.name}, class ${vehicleClass}, ${term.months} months/${term.miles.toLocaleString('en-US')} miles`,
      amountCents: rate.dealerCostCents,
    };
    const surchargeLines = surcharges.map((s) => ({
      label: s.label,
      amountCents:
        s.amountCents !== undefined
          ? s.amountCents
          : basisPointsOf(rate.dealerCostCents, s.tableRateBasisPoints ?? 0),
    }));
    for (const deductible of deductibles) {
      // Each offer has lines of its own (line objects are shared: nothing changes one after pricing).
      const lines: OfferLine[] = [tableLine, deductible.line, ...surchargeLines];
      offers.push(offerOf(plan, term, deductible.cents, lines, markupCents));
    }
  }
  if (offers.length === 0)
    return refuse('vehicle_not_rated', `${plan.name} has no rate for class ${vehicleClass}.`);
  return offers;
}

function rateGap(
  plan: GapPlan,
  rating: Rating,
  request: RatingRequest,
  markupCents: number,
): Offer[] | Ineligible {
  const refuse = (reasonCode: IneligibleReason, detail: string): Ineligible => ({
    planCode: plan.code,
    reasonCode,
    detail,
  });
  const rates = rating.gapRates.filter((r) => r.planCode === plan.code);
  if (rates.length === 0) return refuse('plan_not_rated', `${plan.name} is not rated in this catalog.`);
  const { loan } = request;
  if (!loan || loan.msrpCents <= 0)
    return refuse(
      'loan_details_missing',
      'GAP is rated from the loan: send amountFinancedCents, msrpCents and termMonths.',
    );
  // Above the cap the benefit is scaled down and may never pay in full: GAP is not sold there.
  if (loan.amountFinancedCents * 10_000 > loan.msrpCents * plan.gap.ltvCapBasisPoints)
    return refuse(
      'ltv_above_cap',
      `The amount financed is above ${plan.gap.ltvCapBasisPoints / 100}% of MSRP / retail book value.`,
    );
  const eligibility = rating.eligibility.find((e) => e.planCode === plan.code);
  if (eligibility) {
    const ageYears = Math.max(0, Number(request.saleDate.slice(0, 4)) - request.vehicle.year);
    if (ageYears > eligibility.maxVehicleAgeYears)
      return refuse(
        'vehicle_too_old',
        `${plan.name} is sold for vehicles at most ${eligibility.maxVehicleAgeYears} years old.`,
      );
    if (request.odometer > eligibility.maxOdometer)
      return refuse(
        'odometer_too_high',
        `${plan.name} is sold up to ${eligibility.maxOdometer} miles at sale.`,
      );
  }
  // The addendum runs for the loan's term: another term could leave the loan uncovered or outlive it.
  const rate = rates.find((r) => r.termMonths === loan.termMonths);
  if (!rate)
    return refuse('loan_term_not_rated', `${plan.name} is not rated for a ${loan.termMonths}-month loan.`);
  const lines = [{ label: `${plan.name}, ${loan.termMonths}-month loan`, amountCents: rate.dealerCostCents }];
  return [offerOf(plan, { months: loan.termMonths, miles: null }, 0, lines, markupCents)];
}

export function rateVehicle(catalog: Catalog, request: RatingRequest): RatingResult {
  const { rating } = catalog;
  if (!rating)
    return {
      vehicleClass: null,
      offers: [],
      ineligible: catalog.plans.map((plan) => ({
        planCode: plan.code,
        reasonCode: 'plan_not_rated',
        detail: 'This catalog version has no rating tables.',
      })),
    };
  const vehicleClass = vehicleClassOf(rating, request.vehicle.make);
  const markupCents = maxMarkupCents(rating, request.purchaseState);
  const offers: Offer[] = [];
  const ineligible: Ineligible[] = [];
  for (const plan of catalog.plans) {
    const outcome =
      plan.product === 'vsc'
        ? rateVsc(plan, rating, request, vehicleClass, markupCents)
        : rateGap(plan, rating, request, markupCents);
    if (Array.isArray(outcome)) offers.push(...outcome);
    else ineligible.push(outcome);
  }
  return { vehicleClass, offers, ineligible };
}
