import { describe, expect, it } from 'vitest';
import type { GapPlan, VscPlan } from './catalog.schema.js';
import { validateCatalog } from './catalog.validation.js';
import { loadDefaultCatalog } from './default-catalog.js';
import document from './default-catalog.json' with { type: 'json' };

function vscPlan(code: string): VscPlan {
  const plan = loadDefaultCatalog().plans.find((candidate) => candidate.code === code);
  if (plan?.product !== 'vsc') throw new Error(`no VSC plan ${code}`);
  return plan;
}

function gapPlan(): GapPlan {
  const plan = loadDefaultCatalog().plans.find((candidate) => candidate.code === 'GAP');
  if (plan?.product !== 'gap') throw new Error('no GAP plan');
  return plan;
}

const VSC_CODES = ['BASIC_GUARD', 'VALUE_GUARD', 'MAJOR_GUARD', 'FEATURE_GUARD'];

describe('default catalog', () => {
  it('passes validation with no errors', () => {
    expect(validateCatalog(structuredClone(document))).toEqual({ ok: true, catalog: document });
  });

  it('hands out a fresh copy each time so no caller can change the default for another', () => {
    const first = loadDefaultCatalog();
    first.plans.length = 0;
    expect(loadDefaultCatalog().plans).toHaveLength(5);
  });

  it('holds the four VSC tiers and the GAP addendum', () => {
    expect(loadDefaultCatalog().plans.map((plan) => [plan.code, plan.product])).toEqual([
      ['BASIC_GUARD', 'vsc'],
      ['VALUE_GUARD', 'vsc'],
      ['MAJOR_GUARD', 'vsc'],
      ['FEATURE_GUARD', 'vsc'],
      ['GAP', 'gap'],
    ]);
  });

  it.each([
    ['BASIC_GUARD', 'stated_component', ['engine', 'transmission', 'drive_axle', 'fuel_delivery'], []],
    [
      'VALUE_GUARD',
      'stated_component',
      [
        'engine',
        'transmission',
        'drive_axle',
        'fuel_delivery',
        'heating_ac',
        'electrical',
        'steering',
        'brakes',
        'front_suspension',
      ],
      [],
    ],
    ['MAJOR_GUARD', 'exclusionary', [], ['wear_items', 'maintenance', 'glass_body_trim']],
    ['FEATURE_GUARD', 'stated_component', ['infotainment', 'sensors_cameras', 'driver_assist'], []],
  ])('%s is %s with the tier groups of docs/domain.md', (code, style, covered, excluded) => {
    const plan = vscPlan(code);
    expect(plan.style).toBe(style);
    expect(plan.coveredComponentGroups).toEqual(covered);
    expect(plan.excludedComponentGroups).toEqual(excluded);
  });

  it.each([
    ['BASIC_GUARD', false],
    ['VALUE_GUARD', true],
    ['MAJOR_GUARD', true],
    ['FEATURE_GUARD', true],
  ])('%s has rental: %s, and trip interruption everywhere', (code, hasRental) => {
    const plan = vscPlan(code);
    expect(plan.benefits.rental !== null).toBe(hasRental);
    expect(plan.benefits.tripInterruption).toEqual({
      dailyLimitCents: 10_000,
      maxDays: 3,
      minMilesFromHome: 100,
      reviewBusinessDays: 2,
    });
  });

  it.each(VSC_CODES)('%s carries the VSC defaults of docs/domain.md', (code) => {
    const plan = vscPlan(code);
    expect(plan.deductibleOptionsCents).toEqual([0, 10_000, 20_000]);
    expect(plan.disappearingDeductibleCents).toBe(10_000);
    expect(plan.deductiblePer).toBe('repair_visit');
    expect(plan.waitingPeriod).toEqual({ days: 30, miles: 1_000 });
    expect(plan.renewal).toEqual({ minMonthsRemaining: 2, minMilesRemaining: 2_000 });
    expect(plan.benefits.roadside).toEqual({
      perEventLimitCents: 7_500,
      services: ['tow', 'jump_start', 'flat_tire', 'lockout', 'fuel_delivery'],
    });
    expect(plan.claims).toEqual({
      inspectionThresholdCents: 250_000,
      laborRateCapCents: 15_000,
      repairOrderDueDays: 60,
      // Anomaly-flag windows for the staff queues (issue 10), not holder-facing rules.
      repeatClaimWindowDays: 90,
      earlyClaimDays: 30,
    });
    expect(plan.cancellation).toEqual({
      freeLookDays: 60,
      method: 'pro_rata',
      adminFeeCents: 5_000,
      adminFeeMaxBasisPointsOfPrice: null,
      claimsDeducted: false,
    });
    expect(plan.transfer).toEqual({ allowed: true, feeCents: 5_000, windowDays: 30, privateSaleOnly: true });
  });

  it('gives rental $35 a day, $175 a visit, from 2.0 labor hours or an overnight stay', () => {
    expect(vscPlan('VALUE_GUARD').benefits.rental).toEqual({
      dailyLimitCents: 3_500,
      perVisitLimitCents: 17_500,
      minLaborHours: 2,
      overnightQualifies: true,
      reviewBusinessDays: 2,
    });
  });

  it('gives GAP its docs/domain.md limits, a 30-day free look and no transfer', () => {
    const plan = gapPlan();
    expect(plan.gap).toEqual({
      deductibleCoverMaxCents: 100_000,
      ltvCapBasisPoints: 15_000,
      maxBenefitCents: 5_000_000,
      documentsDueDays: 90,
      pastDueMinDays: 60,
    });
    expect(plan.cancellation).toMatchObject({ freeLookDays: 30, method: 'pro_rata', adminFeeCents: 5_000 });
    expect(plan.transfer.allowed).toBe(false);
  });

  it('asks a theft claim for the police report and a recovered theft also for the recovery report', () => {
    const { total_loss, theft, theft_recovered } = gapPlan().requiredDocuments;
    expect(total_loss).toEqual([
      'gap_addendum',
      'retail_installment_contract',
      'payment_history_payoff',
      'insurer_valuation_report',
      'insurer_settlement',
      'insurance_declarations',
      'addon_refund_proof',
    ]);
    expect(theft).toEqual([...total_loss, 'police_report']);
    expect(theft_recovered).toEqual([...theft, 'recovery_report']);
  });

  it('words every state rule for the holder', () => {
    for (const rule of loadDefaultCatalog().stateRules) {
      expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
    }
  });
});
