// Rating in the what-if (issue 15: "visible in the what-if"): what a draft catalog's rating tables do to
// dealer prices, shown on a few sample vehicles rated under the current catalog and under the draft.
// The samples come from the catalogs themselves: per vehicle class (its first make) a year-old 2WD
// gasoline car with a loan (so GAP is rated) and an older 4WD turbo diesel; and the year-old car of the
// first class again in every state with a markup cap of its own. An offer (plan × term × deductible) is
// listed when its dealer cost or maximum retail differs, or when one catalog offers it and the other not.
// Pure: the two catalogs and the day in, the differences out.
import type { Catalog, Rating } from '../catalog/catalog.schema.js';
import { US_STATES } from '../catalog/regions.js';
import { type Offer, type RatingRequest, rateVehicle } from '../rating/rating.js';
import type { CalendarDate } from '../shared/calendar-date.js';

/** What the sample vehicles look like (illustrations for the comparison, not business figures). */
const SAMPLE = {
  newer: { ageYears: 1, odometer: 15_000 },
  older: { ageYears: 5, odometer: 60_000 },
  loan: { msrpCents: 3_000_000, amountFinancedCents: 2_700_000, termMonths: 60 },
} as const;

/** At most this many changes are listed (the rest are counted). */
export const MAX_RATING_CHANGES = 300;

export interface SampleVehicle {
  label: string;
  request: RatingRequest;
}

export interface RatingChange {
  vehicle: string;
  planCode: string;
  termMonths: number;
  termMiles: number | null;
  deductibleCents: number;
  /** null: not offered under that catalog; the reason code says why (`offer_not_rated`: the plan is
   * offered, but not with this term or deductible). */
  currentDealerCostCents: number | null;
  draftDealerCostCents: number | null;
  currentMaxRetailCents: number | null;
  draftMaxRetailCents: number | null;
  currentReasonCode: string | null;
  draftReasonCode: string | null;
}

export interface RatingComparison {
  vehicles: string[];
  offersCompared: number;
  offersChanged: number;
  changes: RatingChange[];
}

function classesOf(current: Rating | undefined, draft: Rating | undefined) {
  const classes = new Map<string, string>();
  // The makes dealers sell under the current catalog first: a make the draft drops shows as not rated.
  for (const rating of [current, draft])
    for (const vehicleClass of rating?.vehicleClasses ?? [])
      if (!classes.has(vehicleClass.code) && vehicleClass.makes[0])
        classes.set(vehicleClass.code, vehicleClass.makes[0]);
  return classes;
}

/** The sample vehicles for comparing two catalogs' rating on `saleDate`. */
export function sampleVehicles(current: Catalog, draft: Catalog, saleDate: CalendarDate): SampleVehicle[] {
  const saleYear = Number(saleDate.slice(0, 4));
  const capStates = new Set(
    [...(current.rating?.stateMarkupCaps ?? []), ...(draft.rating?.stateMarkupCaps ?? [])].map(
      (c) => c.state,
    ),
  );
  // A state where only the catalog-wide markup cap applies.
  const plainState = US_STATES.find((state) => !capStates.has(state)) ?? US_STATES[0];
  const gapTerm =
    draft.rating?.gapRates[0]?.termMonths ??
    current.rating?.gapRates[0]?.termMonths ??
    SAMPLE.loan.termMonths;
  const newer = (make: string, state: string): SampleVehicle => ({
    label: `${saleYear - SAMPLE.newer.ageYears} ${make}, 2WD gasoline, ${SAMPLE.newer.odometer.toLocaleString('en-US')} miles, ${gapTerm}-month loan, ${state}`,
    request: {
      saleDate,
      odometer: SAMPLE.newer.odometer,
      purchaseState: state,
      vehicle: { year: saleYear - SAMPLE.newer.ageYears, make, driveType: '2wd', fuel: 'gas' },
      loan: { ...SAMPLE.loan, termMonths: gapTerm },
    },
  });
  const samples: SampleVehicle[] = [];
  const classes = classesOf(current.rating, draft.rating);
  for (const make of classes.values()) {
    samples.push(newer(make, plainState));
    samples.push({
      label: `${saleYear - SAMPLE.older.ageYears} ${make}, 4WD turbo diesel, ${SAMPLE.older.odometer.toLocaleString('en-US')} miles, ${plainState}`,
      request: {
        saleDate,
        odometer: SAMPLE.older.odometer,
        purchaseState: plainState,
        vehicle: {
          year: saleYear - SAMPLE.older.ageYears,
          make,
          driveType: '4wd',
          fuel: 'diesel',
          turbo: true,
        },
      },
    });
  }
  const firstMake = classes.values().next().value;
  if (firstMake !== undefined)
    for (const state of [...capStates].sort()) samples.push(newer(firstMake, state));
  return samples;
}

const offerKey = (o: Pick<Offer, 'planCode' | 'termMonths' | 'termMiles' | 'deductibleCents'>) =>
  `${o.planCode}|${o.termMonths}|${o.termMiles ?? ''}|${o.deductibleCents}`;

/** Every sample vehicle rated under both catalogs, and the offers whose price or availability differ. */
export function compareRating(current: Catalog, draft: Catalog, saleDate: CalendarDate): RatingComparison {
  const samples = sampleVehicles(current, draft, saleDate);
  const changes: RatingChange[] = [];
  let offersCompared = 0;
  let offersChanged = 0;
  for (const sample of samples) {
    const before = rateVehicle(current, sample.request);
    const after = rateVehicle(draft, sample.request);
    const beforeOffers = new Map(before.offers.map((o) => [offerKey(o), o]));
    const afterOffers = new Map(after.offers.map((o) => [offerKey(o), o]));
    const reasonBefore = new Map(before.ineligible.map((i) => [i.planCode, i.reasonCode]));
    const reasonAfter = new Map(after.ineligible.map((i) => [i.planCode, i.reasonCode]));
    const keys = [...new Set([...beforeOffers.keys(), ...afterOffers.keys()])];
    for (const key of keys) {
      offersCompared++;
      const b = beforeOffers.get(key);
      const a = afterOffers.get(key);
      if (b && a && b.dealerCostCents === a.dealerCostCents && b.maxRetailCents === a.maxRetailCents)
        continue;
      offersChanged++;
      if (changes.length >= MAX_RATING_CHANGES) continue;
      const offer = (a ?? b)!;
      changes.push({
        vehicle: sample.label,
        planCode: offer.planCode,
        termMonths: offer.termMonths,
        termMiles: offer.termMiles,
        deductibleCents: offer.deductibleCents,
        currentDealerCostCents: b?.dealerCostCents ?? null,
        draftDealerCostCents: a?.dealerCostCents ?? null,
        currentMaxRetailCents: b?.maxRetailCents ?? null,
        draftMaxRetailCents: a?.maxRetailCents ?? null,
        currentReasonCode: b ? null : (reasonBefore.get(offer.planCode) ?? 'offer_not_rated'),
        draftReasonCode: a ? null : (reasonAfter.get(offer.planCode) ?? 'offer_not_rated'),
      });
    }
  }
  return { vehicles: samples.map((s) => s.label), offersCompared, offersChanged, changes };
}
