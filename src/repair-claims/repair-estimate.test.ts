import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { resolveTerms, type VscTerms } from '../catalog/effective-terms.js';
import type { CoverageStatus } from '../contracts/contract-term.js';
import {
  assessEstimate,
  type DeductibleInput,
  deductibleWaived,
  type EstimateLine,
  lineCostCents,
  settleAuthorization,
} from './repair-estimate.js';

const catalog = loadDefaultCatalog();
function terms(planCode: string, state = 'MO'): VscTerms {
  const resolved = resolveTerms(catalog, planCode, state);
  if (resolved?.product !== 'vsc') throw new Error(`no VSC plan ${planCode}`);
  return resolved;
}

const IN_FORCE: CoverageStatus = { inForce: true };
// A $400 part and 2.5 labor-guide hours at $120/h = $700.
const line = (componentGroup: string, overrides: Partial<EstimateLine> = {}): EstimateLine => ({
  componentGroup,
  partsCents: 40_000,
  laborHundredths: 250,
  laborRateCents: 12_000,
  ...overrides,
});

function judge(planCode: string, componentGroup: string) {
  const result = assessEstimate({
    terms: terms(planCode),
    coverage: IN_FORCE,
    workStartedBeforeAuthorization: false,
    lines: [line(componentGroup)],
  });
  const [judged] = result.lines;
  return judged!.eligible ? 'eligible' : judged!.reasonCode;
}

describe('eligibility of a line by tier and component group (default catalog)', () => {
  it.each([
    ['BASIC_GUARD', 'engine', 'eligible'],
    ['BASIC_GUARD', 'transmission', 'eligible'],
    ['BASIC_GUARD', 'fuel_delivery', 'eligible'],
    ['BASIC_GUARD', 'brakes', 'component_not_covered'],
    ['BASIC_GUARD', 'heating_ac', 'component_not_covered'],
    ['VALUE_GUARD', 'brakes', 'eligible'],
    ['VALUE_GUARD', 'electrical', 'eligible'],
    ['VALUE_GUARD', 'high_tech', 'component_not_covered'],
    ['VALUE_GUARD', 'infotainment', 'component_not_covered'],
    ['MAJOR_GUARD', 'high_tech', 'eligible'],
    ['MAJOR_GUARD', 'safety', 'eligible'],
    ['MAJOR_GUARD', 'engine_cooling', 'eligible'],
    ['MAJOR_GUARD', 'wear_items', 'component_not_covered'],
    ['MAJOR_GUARD', 'maintenance', 'component_not_covered'],
    ['MAJOR_GUARD', 'glass_body_trim', 'component_not_covered'],
    ['FEATURE_GUARD', 'infotainment', 'eligible'],
    ['FEATURE_GUARD', 'driver_assist', 'eligible'],
    ['FEATURE_GUARD', 'engine', 'component_not_covered'],
  ])('%s judges a %s line %s', (planCode, group, expected) => {
    expect(judge(planCode, group)).toBe(expected);
  });

  it.each([
    [{ inForce: false, reasonCode: 'waiting_period' } as CoverageStatus, false, 'waiting_period'],
    [{ inForce: false, reasonCode: 'expired_by_miles' } as CoverageStatus, false, 'contract_not_in_force'],
    [{ inForce: false, reasonCode: 'cancelled' } as CoverageStatus, false, 'contract_not_in_force'],
    [{ inForce: false, reasonCode: 'expired_by_date' } as CoverageStatus, true, 'contract_not_in_force'],
    [IN_FORCE, true, 'work_started_before_authorization'],
  ])('marks every line of a contract that is %o (work started: %s) as %s', (coverage, started, code) => {
    const result = assessEstimate({
      terms: terms('MAJOR_GUARD'),
      coverage,
      workStartedBeforeAuthorization: started,
      lines: [line('engine'), line('wear_items')],
    });
    expect(result.lines.map((l) => [l.eligible, l.reasonCode, l.eligibleCents])).toEqual([
      [false, code, 0],
      [false, code, 0],
    ]);
    expect(result.eligibleCents).toBe(0);
  });

  it.each([
    // shop rate, expected allowed rate, eligible cents, reason, requested cents (2.5 h rounds half-up)
    [12_000, 12_000, 70_000, null, 70_000],
    [15_000, 15_000, 77_500, null, 77_500],
    [15_001, 15_000, 77_500, 'labor_rate_above_cap', 77_503],
    [20_000, 15_000, 77_500, 'labor_rate_above_cap', 90_000],
  ])(
    'a shop rate of %i¢/h is paid at %i¢/h (%i¢ eligible, reason %s)',
    (rate, allowed, eligible, reason, requested) => {
      const [judged] = assessEstimate({
        terms: terms('VALUE_GUARD'),
        coverage: IN_FORCE,
        workStartedBeforeAuthorization: false,
        lines: [line('brakes', { laborRateCents: rate })],
      }).lines;
      expect(judged).toMatchObject({
        eligible: true,
        allowedLaborRateCents: allowed,
        eligibleCents: eligible,
        reasonCode: reason,
      });
      expect(judged!.requestedCents).toBe(requested);
    },
  );

  it.each([
    [249_999, false],
    [250_000, false],
    [250_001, true],
  ])('needs an inspection when the eligible total is %i¢: %s', (partsCents, expected) => {
    const result = assessEstimate({
      terms: terms('VALUE_GUARD'),
      coverage: IN_FORCE,
      workStartedBeforeAuthorization: false,
      lines: [
        line('engine', { partsCents, laborHundredths: 0 }),
        line('wear_items', { partsCents: 900_000 }),
      ],
    });
    expect(result.inspectionRequired).toBe(expected);
  });

  it('refuses to judge a component group the catalog does not have (the caller validates first)', () => {
    expect(() =>
      assessEstimate({
        terms: terms('VALUE_GUARD'),
        coverage: IN_FORCE,
        workStartedBeforeAuthorization: false,
        lines: [line('flux_capacitor')],
      }),
    ).toThrow(RangeError);
  });

  it('rounds labor half-up to the cent: 1.33 h at $99.99 is $132.99 (132.9867)', () => {
    expect(lineCostCents(0, 133, 9_999)).toBe(13_299);
    expect(lineCostCents(100, 50, 1)).toBe(101);
  });
});

const PLAZA: DeductibleInput = {
  contractDeductibleCents: 10_000,
  disappearingDeductibleCents: 10_000,
  deductiblePer: 'repair_visit',
  facilityDealerCode: 'D-1001',
  sellingDealerCode: 'D-1001',
};

describe('deductible per repair visit', () => {
  it.each([
    ['waives the $100 disappearing deductible at the selling dealer', PLAZA, true],
    [
      'matches dealer codes without regard to case or spaces',
      { ...PLAZA, facilityDealerCode: ' d-1001 ' },
      true,
    ],
    ['charges it at another dealer', { ...PLAZA, facilityDealerCode: 'D-2002' }, false],
    ['charges it at an independent shop', { ...PLAZA, facilityDealerCode: null }, false],
    ['charges it when the contract names no selling dealer', { ...PLAZA, sellingDealerCode: null }, false],
    [
      'does not waive a $200 deductible at the selling dealer',
      { ...PLAZA, contractDeductibleCents: 20_000 },
      false,
    ],
    [
      'does not waive when the plan has no disappearing deductible',
      { ...PLAZA, disappearingDeductibleCents: null },
      false,
    ],
  ])('%s', (_name, input, expected) => {
    expect(deductibleWaived(input)).toBe(expected);
  });

  const lines = [
    { requestedCents: 70_000, eligibleCents: 70_000, laborHundredths: 250, approved: true },
    { requestedCents: 30_000, eligibleCents: 25_000, laborHundredths: 100, approved: true },
    { requestedCents: 20_000, eligibleCents: 0, laborHundredths: 50, approved: false },
  ];

  it.each([
    // name, deductible input, authorized, deductible, payable, holder owes
    [
      'standard $100 at an independent shop',
      { ...PLAZA, facilityDealerCode: null },
      95_000,
      10_000,
      85_000,
      35_000,
    ],
    ['disappearing at the selling dealer', PLAZA, 95_000, 0, 95_000, 25_000],
    ['$200 deductible', { ...PLAZA, contractDeductibleCents: 20_000 }, 95_000, 20_000, 75_000, 45_000],
    [
      '$0 deductible',
      { ...PLAZA, contractDeductibleCents: 0, facilityDealerCode: null },
      95_000,
      0,
      95_000,
      25_000,
    ],
    [
      'per approved line when the plan says so',
      { ...PLAZA, facilityDealerCode: null, deductiblePer: 'repair_line' as const },
      95_000,
      20_000,
      75_000,
      45_000,
    ],
  ])('settles %s', (_name, deductible, authorized, deductibleCents, payable, owes) => {
    expect(settleAuthorization({ lines, deductible })).toMatchObject({
      authorizedCents: authorized,
      deductibleCents,
      payableToFacilityCents: payable,
      holderOwesCents: owes,
      approvedLaborHundredths: 350,
    });
  });

  it('takes no deductible and pays nothing when every line is denied', () => {
    const denied = lines.map((l) => ({ ...l, approved: false }));
    expect(
      settleAuthorization({ lines: denied, deductible: { ...PLAZA, facilityDealerCode: null } }),
    ).toMatchObject({
      authorizedCents: 0,
      deductibleCents: 0,
      deductibleWaived: false,
      payableToFacilityCents: 0,
      holderOwesCents: 120_000,
    });
  });

  it('floors the payable at zero when the deductible is larger than the authorized amount', () => {
    const small = [{ requestedCents: 6_000, eligibleCents: 6_000, laborHundredths: 50, approved: true }];
    expect(
      settleAuthorization({ lines: small, deductible: { ...PLAZA, contractDeductibleCents: 20_000 } }),
    ).toMatchObject({
      authorizedCents: 6_000,
      deductibleCents: 6_000,
      payableToFacilityCents: 0,
      holderOwesCents: 6_000,
    });
  });

  it('keeps payable + holder share = requested and payable within [0, authorized] (property)', () => {
    const lineArbitrary = fc
      .record({
        eligible: fc.integer({ min: 0, max: 1_000_000 }),
        extra: fc.integer({ min: 0, max: 100_000 }),
        laborHundredths: fc.integer({ min: 0, max: 2_000 }),
        approved: fc.boolean(),
      })
      .map((l) => ({
        requestedCents: l.eligible + l.extra,
        eligibleCents: l.eligible,
        laborHundredths: l.laborHundredths,
        approved: l.approved,
      }));
    fc.assert(
      fc.property(
        fc.array(lineArbitrary, { minLength: 1, maxLength: 10 }),
        fc.constantFrom(0, 10_000, 20_000, 50_000),
        fc.constantFrom('D-1001', 'D-2002', null),
        fc.constantFrom<'repair_visit' | 'repair_line'>('repair_visit', 'repair_line'),
        (claimLines, deductibleCents, dealer, per) => {
          const deductible = {
            ...PLAZA,
            contractDeductibleCents: deductibleCents,
            facilityDealerCode: dealer,
            deductiblePer: per,
          };
          const settled = settleAuthorization({ lines: claimLines, deductible });
          const requested = claimLines.reduce((t, l) => t + l.requestedCents, 0);
          const authorized = claimLines.filter((l) => l.approved).reduce((t, l) => t + l.eligibleCents, 0);
          expect(settled.authorizedCents).toBe(authorized);
          expect(settled.payableToFacilityCents).toBeGreaterThanOrEqual(0);
          expect(settled.payableToFacilityCents).toBeLessThanOrEqual(authorized);
          expect(settled.payableToFacilityCents + settled.holderOwesCents).toBe(requested);
          expect(settled.payableToFacilityCents + settled.deductibleCents).toBe(authorized);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});
