import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../catalog/catalog.schema.js';
import { validateCatalog } from '../catalog/catalog.validation.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { modelYearCode, vinModelYears } from '../contracts/vin.js';
import { type RatingRequest, rateVehicle } from './rating.js';

const catalog = loadDefaultCatalog();

function request(overrides: Partial<RatingRequest> = {}, vehicle: Partial<RatingRequest['vehicle']> = {}) {
  return {
    saleDate: '2026-11-25',
    odometer: 20_000,
    purchaseState: 'MO',
    ...overrides,
    vehicle: { year: 2024, make: 'Honda', driveType: '2wd', fuel: 'gas', ...vehicle },
  } as RatingRequest;
}

function offer(
  result: ReturnType<typeof rateVehicle>,
  planCode: string,
  months: number,
  deductibleCents: number,
) {
  return result.offers.find(
    (o) => o.planCode === planCode && o.termMonths === months && o.deductibleCents === deductibleCents,
  );
}

function reason(result: ReturnType<typeof rateVehicle>, planCode: string) {
  return result.ineligible.find((i) => i.planCode === planCode)?.reasonCode;
}

describe('rating a vehicle (default catalog)', () => {
  // One row: the vehicle and sale → the Value Guard 36-month dealer cost and its lines, or a reason code.
  const costRows: [
    string,
    Partial<RatingRequest>,
    Partial<RatingRequest['vehicle']>,
    number,
    number,
    number[],
  ][] = [
    ['class A, $100 deductible: the table rate alone', {}, {}, 10_000, 89_500, [89_500, 0]],
    ['$0 deductible adds $150', {}, {}, 0, 104_500, [89_500, 15_000]],
    ['$200 deductible takes off $75', {}, {}, 20_000, 82_000, [89_500, -7_500]],
    ['4WD adds $75', {}, { driveType: '4wd' }, 10_000, 97_000, [89_500, 0, 7_500]],
    ['AWD adds $75', {}, { driveType: 'awd' }, 10_000, 97_000, [89_500, 0, 7_500]],
    ['turbo adds $100', {}, { turbo: true }, 10_000, 99_500, [89_500, 0, 10_000]],
    ['diesel adds $150', {}, { fuel: 'diesel' }, 10_000, 104_500, [89_500, 0, 15_000]],
    ['hybrid adds nothing', {}, { fuel: 'hybrid' }, 10_000, 89_500, [89_500, 0]],
    [
      'commercial use is 1.5 × the table rate',
      {},
      { commercialUse: true },
      10_000,
      134_250,
      [89_500, 0, 44_750],
    ],
    [
      'every surcharge at once, $0 deductible',
      {},
      { driveType: 'awd', turbo: true, fuel: 'diesel', commercialUse: true },
      0,
      181_750,
      [89_500, 15_000, 7_500, 10_000, 15_000, 44_750],
    ],
    ['class B (Ford)', {}, { make: 'Ford' }, 10_000, 107_500, [107_500, 0]],
    [
      'class C (Mercedes-Benz), make matched without case',
      {},
      { make: ' mercedes-benz ' },
      10_000,
      143_000,
      [143_000, 0],
    ],
    ['a 10-year-old vehicle is still rated', {}, { year: 2016 }, 10_000, 89_500, [89_500, 0]],
    ['150,000 miles is still rated', { odometer: 150_000 }, {}, 10_000, 89_500, [89_500, 0]],
  ];
  it.each(costRows)('%s', (_name, sale, vehicle, deductibleCents, costCents, lines) => {
    const result = rateVehicle(catalog, request(sale, vehicle));
    const found = offer(result, 'VALUE_GUARD', 36, deductibleCents)!;
    expect(found.dealerCostCents).toBe(costCents);
    expect(found.lines.map((l) => l.amountCents)).toEqual(lines);
    expect(found.maxRetailCents).toBe(costCents + 250_000);
  });

  const reasonRows: [
    string,
    Partial<RatingRequest>,
    Partial<RatingRequest['vehicle']>,
    string,
    string | undefined,
  ][] = [
    ['a make in no class is not rated', {}, { make: 'Lada' }, 'VALUE_GUARD', 'vehicle_not_rated'],
    ['11 years old is too old for Value Guard', {}, { year: 2015 }, 'VALUE_GUARD', 'vehicle_too_old'],
    [
      '150,001 miles is too many for Value Guard',
      { odometer: 150_001 },
      {},
      'VALUE_GUARD',
      'odometer_too_high',
    ],
    ['Major Guard: 6 years old is rated', {}, { year: 2020 }, 'MAJOR_GUARD', undefined],
    ['Major Guard: 7 years old is too old', {}, { year: 2019 }, 'MAJOR_GUARD', 'vehicle_too_old'],
    ['Major Guard: 80,000 miles is rated', { odometer: 80_000 }, {}, 'MAJOR_GUARD', undefined],
    ['Major Guard: 80,001 miles is too many', { odometer: 80_001 }, {}, 'MAJOR_GUARD', 'odometer_too_high'],
    [
      'Major Guard is not sold for commercial use',
      {},
      { commercialUse: true },
      'MAJOR_GUARD',
      'commercial_use_not_rated',
    ],
    ['next year’s model counts as new', {}, { year: 2027 }, 'MAJOR_GUARD', undefined],
    ['GAP without a loan', {}, {}, 'GAP', 'loan_details_missing'],
    [
      'GAP at exactly 150% LTV is offered',
      { loan: { amountFinancedCents: 3_750_000, msrpCents: 2_500_000, termMonths: 60 } },
      {},
      'GAP',
      undefined,
    ],
    [
      'GAP a cent above 150% LTV is not',
      { loan: { amountFinancedCents: 3_750_001, msrpCents: 2_500_000, termMonths: 60 } },
      {},
      'GAP',
      'ltv_above_cap',
    ],
    [
      'GAP for a loan term the catalog does not rate',
      { loan: { amountFinancedCents: 2_000_000, msrpCents: 2_500_000, termMonths: 66 } },
      {},
      'GAP',
      'loan_term_not_rated',
    ],
    [
      'GAP has no age limit by default',
      { loan: { amountFinancedCents: 900_000, msrpCents: 1_000_000, termMonths: 36 } },
      { year: 2005 },
      'GAP',
      undefined,
    ],
  ];
  it.each(reasonRows)('%s', (_name, sale, vehicle, planCode, expected) => {
    const result = rateVehicle(catalog, request(sale, vehicle));
    expect(reason(result, planCode)).toBe(expected);
    if (expected === undefined) expect(result.offers.some((o) => o.planCode === planCode)).toBe(true);
    else expect(result.offers.some((o) => o.planCode === planCode)).toBe(false);
  });

  it('offers every term × deductible of each rated VSC plan and the one GAP term equal to the loan', () => {
    const result = rateVehicle(
      catalog,
      request({ loan: { amountFinancedCents: 2_000_000, msrpCents: 2_500_000, termMonths: 72 } }),
    );
    expect(result.vehicleClass).toBe('A');
    expect(result.offers.filter((o) => o.product === 'vsc')).toHaveLength(4 * 4 * 3);
    const gap = result.offers.filter((o) => o.product === 'gap');
    expect(gap).toEqual([
      expect.objectContaining({ planCode: 'GAP', termMonths: 72, termMiles: null, dealerCostCents: 41_500 }),
    ]);
    expect(result.ineligible).toEqual([]);
  });

  it('caps the markup lower where a state rule says so (NY $1,500)', () => {
    const result = rateVehicle(catalog, request({ purchaseState: 'NY' }));
    const found = offer(result, 'BASIC_GUARD', 48, 10_000)!;
    expect(found.maxRetailCents - found.dealerCostCents).toBe(150_000);
  });

  it('names every plan as not rated when the catalog version has no rating tables', () => {
    const { rating: _rating, ...withoutRating } = catalog;
    const result = rateVehicle(withoutRating as Catalog, request());
    expect(result.offers).toEqual([]);
    expect(new Set(result.ineligible.map((i) => i.reasonCode))).toEqual(new Set(['plan_not_rated']));
    expect(result.ineligible).toHaveLength(catalog.plans.length);
  });
});

const vehicleArbitrary = fc.record({
  year: fc.integer({ min: 2005, max: 2027 }),
  make: fc.constantFrom('Honda', 'Ford', 'BMW', 'Tesla', 'Lada', 'toyota'),
  driveType: fc.constantFrom('2wd', '4wd', 'awd' as const),
  fuel: fc.constantFrom('gas', 'diesel', 'hybrid', 'electric' as const),
  turbo: fc.boolean(),
  commercialUse: fc.boolean(),
});
const requestArbitrary = fc.record({
  saleDate: fc.constant('2026-11-25'),
  odometer: fc.integer({ min: 0, max: 200_000 }),
  purchaseState: fc.constantFrom('MO', 'NY', 'CA', 'KS'),
  vehicle: vehicleArbitrary,
  loan: fc.option(
    fc.record({
      amountFinancedCents: fc.integer({ min: 100_000, max: 8_000_000 }),
      msrpCents: fc.integer({ min: 100_000, max: 6_000_000 }),
      termMonths: fc.constantFrom(24, 36, 48, 60, 66, 72, 84),
    }),
    { nil: undefined },
  ),
}) as fc.Arbitrary<RatingRequest>;

describe('rating properties', () => {
  it('every offer costs exactly the sum of its lines, and retail room is the markup cap', () => {
    fc.assert(
      fc.property(requestArbitrary, (req) => {
        const cap = req.purchaseState === 'NY' ? 150_000 : 250_000;
        for (const o of rateVehicle(catalog, req).offers) {
          expect(o.dealerCostCents).toBe(o.lines.reduce((sum, l) => sum + l.amountCents, 0));
          expect(o.maxRetailCents - o.dealerCostCents).toBe(cap);
          expect(o.dealerCostCents).toBeGreaterThan(0);
        }
      }),
      { seed: 15, numRuns: 300 },
    );
  });

  it('turbo adds the same amount to every VSC offer and nothing to GAP', () => {
    fc.assert(
      fc.property(requestArbitrary, (req) => {
        const plain = rateVehicle(catalog, { ...req, vehicle: { ...req.vehicle, turbo: false } });
        const turbo = rateVehicle(catalog, { ...req, vehicle: { ...req.vehicle, turbo: true } });
        expect(turbo.offers.map((o) => [o.planCode, o.termMonths, o.deductibleCents])).toEqual(
          plain.offers.map((o) => [o.planCode, o.termMonths, o.deductibleCents]),
        );
        expect(turbo.ineligible).toEqual(plain.ineligible);
        const differences = new Set(
          turbo.offers.map((o, i) =>
            [o.product, o.dealerCostCents - plain.offers[i]!.dealerCostCents].join(':'),
          ),
        );
        for (const difference of differences) expect(['vsc:10000', 'gap:0']).toContain(difference);
      }),
      { seed: 16, numRuns: 300 },
    );
  });

  it('each plan is either offered or named with a reason, never both', () => {
    fc.assert(
      fc.property(requestArbitrary, (req) => {
        const result = rateVehicle(catalog, req);
        const offered = new Set(result.offers.map((o) => o.planCode));
        const refused = result.ineligible.map((i) => i.planCode);
        expect(refused.filter((code) => offered.has(code))).toEqual([]);
        expect(new Set([...offered, ...refused])).toEqual(new Set(catalog.plans.map((p) => p.code)));
      }),
      { seed: 17, numRuns: 200 },
    );
  });
});

describe('VIN model year (10th character)', () => {
  it.each([
    ['A', 2026, [1980, 2010]],
    ['R', 2026, [1994, 2024]],
    ['T', 2026, [1996, 2026]],
    ['V', 2026, [1997]],
    ['V', 2027, [1997, 2027]],
    ['1', 2026, [2001]],
    ['9', 2026, [2009]],
    ['Y', 2026, [2000]],
    ['U', 2026, []],
    ['0', 2026, []],
  ])('%s with latest year %i stands for %j', (code, latest, years) => {
    expect(vinModelYears(`1HGCM8260${code}A004352`, latest)).toEqual(years);
  });

  it('codes every year from 1980 so that decoding finds it again', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1980, max: 2039 }), (year) => {
        expect(vinModelYears(`1HGCM8260${modelYearCode(year)}A004352`, 2039)).toContain(year);
      }),
    );
  });
});

describe('rating validation on publish', () => {
  function withRating(edit: (rating: NonNullable<Catalog['rating']>) => void) {
    const copy = structuredClone(catalog);
    edit(copy.rating!);
    const result = validateCatalog(copy);
    return result.ok ? [] : result.errors;
  }

  it('accepts the default catalog', () => {
    expect(withRating(() => {})).toEqual([]);
  });

  it.each([
    [
      'a rate of an unknown plan',
      (r: NonNullable<Catalog['rating']>) => {
        r.vscRates[0]!.planCode = 'GOLD_GUARD';
      },
      '/rating/vscRates/0/planCode',
    ],
    [
      'a rate for a term the plan does not sell',
      (r: NonNullable<Catalog['rating']>) => {
        r.vscRates[0]!.termMonths = 24;
      },
      '/rating/vscRates/0/termMonths',
    ],
    [
      'a rate of an unknown class',
      (r: NonNullable<Catalog['rating']>) => {
        r.vscRates[0]!.vehicleClass = 'Z';
      },
      '/rating/vscRates/0/vehicleClass',
    ],
    [
      'a make in two classes',
      (r: NonNullable<Catalog['rating']>) => {
        r.vehicleClasses[1]!.makes.push('HONDA');
      },
      '/rating/vehicleClasses/1/makes/9',
    ],
    [
      'a deductible offered without an adjustment',
      (r: NonNullable<Catalog['rating']>) => {
        r.deductibleAdjustments.pop();
      },
      '/rating/deductibleAdjustments',
    ],
    [
      'a surcharge with both an amount and a share',
      (r: NonNullable<Catalog['rating']>) => {
        r.surcharges[0]!.tableRateBasisPoints = 100;
      },
      '/rating/surcharges/0',
    ],
    [
      'a rated plan without eligibility',
      (r: NonNullable<Catalog['rating']>) => {
        r.eligibility.shift();
      },
      '/rating/eligibility',
    ],
    [
      'a GAP rate naming a VSC plan',
      (r: NonNullable<Catalog['rating']>) => {
        r.gapRates[0]!.planCode = 'VALUE_GUARD';
      },
      '/rating/gapRates/0/planCode',
    ],
    [
      'a state cap above the catalog cap',
      (r: NonNullable<Catalog['rating']>) => {
        r.stateMarkupCaps[0]!.maxMarkupCents = 300_000;
      },
      '/rating/stateMarkupCaps/0/maxMarkupCents',
    ],
    [
      'a duplicated rate row',
      (r: NonNullable<Catalog['rating']>) => {
        r.vscRates.push({ ...r.vscRates[0]! });
      },
      '/rating/vscRates/48',
    ],
  ])('refuses %s', (_name, edit, path) => {
    expect(withRating(edit).map((e) => e.path)).toContain(path);
  });
});
