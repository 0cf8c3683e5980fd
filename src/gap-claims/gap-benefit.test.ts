import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeGapBenefit,
  type GapBenefit,
  type GapBenefitInput,
  type GapBenefitRule,
} from './gap-benefit.js';

// docs/domain.md defaults: $1,000 deductible cover, LTV cap 150% of MSRP, $50,000 maximum benefit.
const DEFAULT_RULE: GapBenefitRule = {
  deductibleCoverMaxCents: 100_000,
  ltvCapBasisPoints: 15_000,
  maxBenefitCents: 5_000_000,
};

function claim(overrides: Partial<GapBenefitInput>): GapBenefitInput {
  return {
    payoffCents: 2_500_000,
    acvCents: 2_100_000,
    primaryDeductibleCents: 100_000,
    pastDueCents: 0,
    lateFeesCents: 0,
    addOnRefundsCents: 0,
    amountFinancedCents: 2_400_000,
    msrpCents: 2_800_000,
    rule: DEFAULT_RULE,
    ...overrides,
  };
}

function linesTotal(benefit: GapBenefit): number {
  return benefit.lines.reduce((total, line) => total + line.amountCents, 0);
}

describe('computeGapBenefit', () => {
  it.each([
    // name, input, adjusted payoff, LTV capped, benefit
    [
      'waives $5,000 in the worked example (owed $25,000, ACV $21,000, deductible $1,000)',
      claim({}),
      2_500_000,
      false,
      500_000,
    ],
    [
      'covers a $500 deductible in full',
      claim({ primaryDeductibleCents: 50_000 }),
      2_500_000,
      false,
      450_000,
    ],
    [
      'covers only $1,000 of a $2,500 deductible',
      claim({ primaryDeductibleCents: 250_000 }),
      2_500_000,
      false,
      500_000,
    ],
    [
      'removes past-due payments, late fees, add-on refunds and interest after the loss',
      claim({
        pastDueCents: 60_000,
        lateFeesCents: 5000,
        addOnRefundsCents: 120_000,
        interestAfterLossCents: 8000,
        primaryDeductibleCents: 50_000,
      }),
      2_307_000,
      false,
      257_000,
    ],
    [
      'scales the payoff by cap / amount financed when the loan is above 150% of MSRP',
      claim({
        payoffCents: 3_300_000,
        acvCents: 1_800_000,
        amountFinancedCents: 3_600_000,
        msrpCents: 2_000_000,
      }),
      2_750_000,
      true,
      1_050_000,
    ],
    [
      'rounds the scaled payoff half-up to the cent',
      claim({
        payoffCents: 3_300_001,
        acvCents: 1_800_000,
        amountFinancedCents: 3_600_000,
        msrpCents: 2_000_000,
      }),
      2_750_001,
      true,
      1_050_001,
    ],
    [
      'does not scale a loan exactly at 150% of MSRP',
      claim({
        payoffCents: 2_900_000,
        acvCents: 1_800_000,
        amountFinancedCents: 3_000_000,
        msrpCents: 2_000_000,
      }),
      2_900_000,
      false,
      1_200_000,
    ],
    [
      'caps the benefit at the $50,000 maximum',
      claim({
        payoffCents: 9_000_000,
        acvCents: 3_000_000,
        amountFinancedCents: 9_000_000,
        msrpCents: 8_000_000,
      }),
      9_000_000,
      false,
      5_000_000,
    ],
    [
      'pays nothing when the ACV is above the payoff by more than the deductible',
      claim({ payoffCents: 1_500_000, acvCents: 2_000_000 }),
      1_500_000,
      false,
      0,
    ],
    [
      'pays the covered deductible less the excess when the ACV is slightly above the payoff',
      claim({ payoffCents: 2_000_000, acvCents: 2_050_000 }),
      2_000_000,
      false,
      50_000,
    ],
  ] as const)('%s', (_name, input, adjustedPayoff, ltvCapped, benefit) => {
    const result = computeGapBenefit(input);
    expect(result).toMatchObject({ adjustedPayoffCents: adjustedPayoff, ltvCapped, benefitCents: benefit });
    expect(linesTotal(result)).toBe(benefit);
  });

  it('explains the worked example line by line', () => {
    expect(computeGapBenefit(claim({})).lines).toEqual([
      {
        label: 'Loan payoff on the date of loss',
        code: 'payoff',
        params: { payoffCents: 2_500_000 },
        amountCents: 2_500_000,
      },
      {
        label: 'Insurance settlement: actual cash value of the vehicle',
        code: 'acv',
        params: { acvCents: 2_100_000 },
        amountCents: -2_100_000,
      },
      {
        label: 'Your insurance deductible',
        code: 'deductible',
        params: { deductibleCoveredCents: 100_000 },
        amountCents: 100_000,
      },
    ]);
  });

  it('names the LTV limit and the maximum when they apply', () => {
    const capped = computeGapBenefit(
      claim({
        payoffCents: 3_300_000,
        acvCents: 1_800_000,
        amountFinancedCents: 3_600_000,
        msrpCents: 2_000_000,
      }),
    );
    expect(capped.lines).toContainEqual({
      label:
        'Balance above the loan-to-value limit removed: $36,000.00 financed is more than 150% of the $20,000.00 vehicle value ($30,000.00)',
      code: 'ltv_cap',
      params: {
        amountFinancedCents: 3_600_000,
        ltvCapBasisPoints: 15_000,
        msrpCents: 2_000_000,
        capCents: 3_000_000,
      },
      amountCents: -550_000,
    });
    const maximum = computeGapBenefit(
      claim({
        payoffCents: 9_000_000,
        acvCents: 3_000_000,
        amountFinancedCents: 9_000_000,
        msrpCents: 8_000_000,
      }),
    );
    expect(maximum.lines.at(-1)).toEqual({
      label: 'Capped at the $50,000.00 maximum GAP benefit',
      code: 'max_benefit_cap',
      params: { maxBenefitCents: 5_000_000 },
      amountCents: -1_100_000,
    });
  });
});

const claimArbitrary = fc.record({
  acvCents: fc.integer({ min: 0, max: 15_000_000 }),
  primaryDeductibleCents: fc.integer({ min: 0, max: 500_000 }),
  pastDueCents: fc.integer({ min: 0, max: 500_000 }),
  lateFeesCents: fc.integer({ min: 0, max: 50_000 }),
  addOnRefundsCents: fc.integer({ min: 0, max: 500_000 }),
  interestAfterLossCents: fc.integer({ min: 0, max: 100_000 }),
  amountFinancedCents: fc.integer({ min: 1, max: 15_000_000 }),
  msrpCents: fc.integer({ min: 0, max: 10_000_000 }),
  rule: fc.record({
    deductibleCoverMaxCents: fc.integer({ min: 0, max: 200_000 }),
    ltvCapBasisPoints: fc.integer({ min: 0, max: 30_000 }),
    maxBenefitCents: fc.integer({ min: 0, max: 10_000_000 }),
  }),
});
const payoffArbitrary = fc.integer({ min: 0, max: 15_000_000 });
const options = { seed: 42, numRuns: 500 };

describe('computeGapBenefit properties', () => {
  it('pays between zero and the maximum benefit, and its lines add up to the benefit', () => {
    fc.assert(
      fc.property(claimArbitrary, payoffArbitrary, (rest, payoffCents) => {
        const result = computeGapBenefit({ ...rest, payoffCents });
        expect(result.benefitCents).toBeGreaterThanOrEqual(0);
        expect(result.benefitCents).toBeLessThanOrEqual(rest.rule.maxBenefitCents);
        expect(linesTotal(result)).toBe(result.benefitCents);
      }),
      options,
    );
  });

  it('never pays less when the payoff is higher', () => {
    fc.assert(
      fc.property(claimArbitrary, payoffArbitrary, payoffArbitrary, (rest, a, b) => {
        const lower = computeGapBenefit({ ...rest, payoffCents: Math.min(a, b) });
        const higher = computeGapBenefit({ ...rest, payoffCents: Math.max(a, b) });
        expect(higher.benefitCents).toBeGreaterThanOrEqual(lower.benefitCents);
      }),
      options,
    );
  });

  it('matches the docs/domain.md formula when the loan is within the LTV cap', () => {
    fc.assert(
      fc.property(claimArbitrary, payoffArbitrary, (rest, payoffCents) => {
        fc.pre(rest.amountFinancedCents * 10_000 <= rest.msrpCents * rest.rule.ltvCapBasisPoints);
        const result = computeGapBenefit({ ...rest, payoffCents });
        const adjusted =
          payoffCents -
          rest.pastDueCents -
          rest.lateFeesCents -
          rest.addOnRefundsCents -
          rest.interestAfterLossCents;
        const raw =
          adjusted - rest.acvCents + Math.min(rest.primaryDeductibleCents, rest.rule.deductibleCoverMaxCents);
        expect(result.benefitCents).toBe(Math.min(rest.rule.maxBenefitCents, Math.max(0, raw)));
      }),
      options,
    );
  });
});
