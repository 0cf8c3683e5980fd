import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween } from '../shared/calendar-date.js';
import {
  quoteCancellationRefund,
  type RefundQuote,
  type RefundQuoteInput,
  type RefundRule,
} from './refund-quote.js';

// Rules as the catalog would produce them from the docs/domain.md defaults and state overrides.
const DEFAULT_VSC: RefundRule = {
  freeLookDays: 60,
  method: 'pro_rata',
  adminFeeCents: 5000,
  adminFeeMaxBasisPointsOfPrice: null,
  claimsDeducted: false,
};
const CA_VSC: RefundRule = { ...DEFAULT_VSC, adminFeeCents: 2500, adminFeeMaxBasisPointsOfPrice: 1000 };
const TX_VSC: RefundRule = { ...DEFAULT_VSC, freeLookDays: 30, claimsDeducted: true };
const NV_VSC: RefundRule = { ...DEFAULT_VSC, freeLookDays: 30, adminFeeCents: 2500 };
const DEFAULT_GAP: RefundRule = { ...DEFAULT_VSC, freeLookDays: 30 };
const CA_GAP: RefundRule = { ...DEFAULT_GAP, adminFeeCents: 0 };
const NJ_GAP: RefundRule = { ...DEFAULT_GAP, adminFeeCents: 5000 };
const AR_GAP: RefundRule = { ...DEFAULT_GAP, adminFeeCents: 7500 };
const GAP_78S: RefundRule = { ...DEFAULT_GAP, method: 'rule_of_78s' };

// A 36-month / 36,000-mile VSC sold on 2026-01-15 at 30,000 miles for $1,200: expires 2029-01-15
// (1,096 days, 2028 is a leap year) or at 66,000 miles.
const PURCHASE = '2026-01-15';
function vsc(overrides: Partial<RefundQuoteInput>): RefundQuoteInput {
  return {
    priceCents: 120_000,
    purchaseDate: PURCHASE,
    expiresOn: '2029-01-15',
    termDays: 1096,
    termMonths: 36,
    odometerAtSale: 30_000,
    expiresAtMiles: 66_000,
    termMiles: 36_000,
    cancelOn: '2026-06-01',
    odometer: 31_000,
    hasClaims: false,
    claimsPaidCents: 0,
    rule: DEFAULT_VSC,
    ...overrides,
  };
}

// A 60-month GAP addendum sold on 2026-01-15 for $795: expires 2031-01-15 (1,826 days), no mileage term.
function gap(overrides: Partial<RefundQuoteInput>): RefundQuoteInput {
  return vsc({
    priceCents: 79_500,
    expiresOn: '2031-01-15',
    termDays: 1826,
    termMonths: 60,
    expiresAtMiles: null,
    termMiles: null,
    rule: DEFAULT_GAP,
    ...overrides,
  });
}

function quoted(input: RefundQuoteInput): RefundQuote {
  const result = quoteCancellationRefund(input);
  if (!result.ok) throw new Error(`expected a quote, got ${result.code}`);
  return result;
}

function linesTotal(quote: RefundQuote): number {
  return quote.lines.reduce((total, line) => total + line.amountCents, 0);
}

describe('quoteCancellationRefund', () => {
  it.each([
    // name, input, method, share, gross, fee, claims deducted, refund
    [
      'gives a full refund on day 60 of a 60-day free look',
      vsc({ cancelOn: '2026-03-16' }),
      'full',
      [1, 1],
      120_000,
      0,
      0,
      120_000,
    ],
    [
      'prorates on day 61, one day after the free look',
      vsc({ cancelOn: '2026-03-17' }),
      'pro_rata_days',
      [1035, 1096],
      113_321,
      5000,
      0,
      108_321,
    ],
    [
      'prorates inside the free look once a claim was filed',
      vsc({ cancelOn: '2026-01-25', odometer: 30_100, hasClaims: true, claimsPaidCents: 40_000 }),
      'pro_rata_days',
      [1086, 1096],
      118_905,
      5000,
      0,
      113_905,
    ],
    [
      'uses the miles share when fewer miles than days remain',
      vsc({ cancelOn: '2027-01-15', odometer: 50_000 }),
      'pro_rata_miles',
      [16_000, 36_000],
      53_333,
      5000,
      0,
      48_333,
    ],
    [
      'uses the days share when fewer days than miles remain',
      vsc({ cancelOn: '2028-01-15', odometer: 40_000 }),
      'pro_rata_days',
      [366, 1096],
      40_073,
      5000,
      0,
      35_073,
    ],
    [
      'uses the days share when both shares are equal',
      vsc({ cancelOn: '2027-07-17', odometer: 48_000 }),
      'pro_rata_days',
      [548, 1096],
      60_000,
      5000,
      0,
      55_000,
    ],
    [
      'refunds nothing once the odometer is past the mileage limit',
      vsc({ cancelOn: '2027-01-15', odometer: 70_000 }),
      'pro_rata_miles',
      [0, 36_000],
      0,
      5000,
      0,
      0,
    ],
    [
      'floors the refund at zero when the fee exceeds the gross refund',
      vsc({ cancelOn: '2029-01-05', odometer: 40_000 }),
      'pro_rata_days',
      [10, 1096],
      1095,
      5000,
      0,
      0,
    ],
    [
      'limits the CA fee to 10% of a $200 price',
      vsc({ priceCents: 20_000, cancelOn: '2027-01-15', odometer: 40_000, rule: CA_VSC }),
      'pro_rata_days',
      [731, 1096],
      13_339,
      2000,
      0,
      11_339,
    ],
    [
      'charges the CA $25 fee when 10% of the price is more',
      vsc({ cancelOn: '2027-01-15', odometer: 40_000, rule: CA_VSC }),
      'pro_rata_days',
      [731, 1096],
      80_036,
      2500,
      0,
      77_536,
    ],
    [
      'gives a full refund with no fee on day 30 of the TX free look',
      vsc({ cancelOn: '2026-02-14', rule: TX_VSC }),
      'full',
      [1, 1],
      120_000,
      0,
      0,
      120_000,
    ],
    [
      'deducts the fee and claims paid in TX on day 31',
      vsc({ cancelOn: '2026-02-15', hasClaims: true, claimsPaidCents: 30_000, rule: TX_VSC }),
      'pro_rata_days',
      [1065, 1096],
      116_606,
      5000,
      30_000,
      81_606,
    ],
    [
      'charges the NV $25 fee and keeps claims paid in the refund on day 31',
      vsc({ cancelOn: '2026-02-15', hasClaims: true, claimsPaidCents: 30_000, rule: NV_VSC }),
      'pro_rata_days',
      [1065, 1096],
      116_606,
      2500,
      0,
      114_106,
    ],
    [
      'does not deduct claims paid under the default rule',
      vsc({ cancelOn: '2026-02-15', hasClaims: true, claimsPaidCents: 30_000 }),
      'pro_rata_days',
      [1065, 1096],
      116_606,
      5000,
      0,
      111_606,
    ],
    [
      'gives a full GAP refund on day 30 of its free look',
      gap({ cancelOn: '2026-02-14' }),
      'full',
      [1, 1],
      79_500,
      0,
      0,
      79_500,
    ],
    [
      'prorates a GAP addendum on days alone with no CA fee on day 31',
      gap({ cancelOn: '2026-02-15', rule: CA_GAP }),
      'pro_rata_days',
      [1795, 1826],
      78_150,
      0,
      0,
      78_150,
    ],
    [
      'charges the NJ $50 GAP fee',
      gap({ cancelOn: '2026-02-15', rule: NJ_GAP }),
      'pro_rata_days',
      [1795, 1826],
      78_150,
      5000,
      0,
      73_150,
    ],
    [
      'charges the AR $75 GAP fee',
      gap({ cancelOn: '2026-02-15', rule: AR_GAP }),
      'pro_rata_days',
      [1795, 1826],
      78_150,
      7500,
      0,
      70_650,
    ],
    [
      'applies the Rule of 78s with 31 of 60 months remaining (27.10%)',
      gap({ cancelOn: '2028-06-15', rule: GAP_78S }),
      'rule_of_78s',
      [31 * 32, 60 * 61],
      21_548,
      5000,
      0,
      16_548,
    ],
  ] as const)('%s', (_name, input, method, share, gross, fee, claims, refund) => {
    const quote = quoted(input);
    expect(quote).toMatchObject({
      method,
      shareNumerator: share[0],
      shareDenominator: share[1],
      grossRefundCents: gross,
      feeCents: fee,
      claimsDeductedCents: claims,
      refundCents: refund,
    });
    expect(linesTotal(quote)).toBe(refund);
  });

  it.each([
    [
      'refuses a cancellation dated before the purchase',
      vsc({ cancelOn: '2026-01-14' }),
      'cancel_date_before_purchase',
    ],
    ['refuses an odometer reading below the one at sale', vsc({ odometer: 29_999 }), 'odometer_below_sale'],
  ] as const)('%s', (_name, input, code) => {
    expect(quoteCancellationRefund(input)).toEqual({ ok: false, code });
  });

  it('explains the share, fee and claims in words, with the catalog rule ids', () => {
    const quote = quoted(
      vsc({
        cancelOn: '2026-02-15',
        hasClaims: true,
        claimsPaidCents: 30_000,
        rule: TX_VSC,
        ruleIds: ['vsc-default', 'vsc-tx'],
      }),
    );
    expect(quote.lines).toEqual([
      {
        label: 'Refund share: 1,065 of 1,096 days remain (97.17%) of the $1,200.00 price',
        code: 'share_days',
        params: { remaining: 1065, total: 1096, shareBasisPoints: 9717, priceCents: 120_000 },
        amountCents: 116_606,
        ruleId: 'vsc-default, vsc-tx',
      },
      {
        label: 'Administrative fee',
        code: 'admin_fee',
        params: {},
        amountCents: -5000,
        ruleId: 'vsc-default, vsc-tx',
      },
      {
        label: 'Claims paid or authorized on this contract',
        code: 'claims_deducted',
        params: {},
        amountCents: -30_000,
        ruleId: 'vsc-default, vsc-tx',
      },
    ]);
  });

  it('names the Rule of 78s share as 27.10%', () => {
    const quote = quoted(gap({ cancelOn: '2028-06-15', rule: GAP_78S }));
    expect(quote.lines[0]?.label).toContain('31 of 60 whole months remain');
    expect(quote.lines[0]?.label).toContain('(27.10%)');
  });

  it('says when the CA fee is limited by the percentage of the price', () => {
    const quote = quoted(vsc({ priceCents: 20_000, cancelOn: '2027-01-15', odometer: 40_000, rule: CA_VSC }));
    expect(quote.lines[1]).toEqual({
      label: 'Administrative fee (limited to 10% of the price)',
      code: 'admin_fee_limited',
      params: { maxBasisPoints: 1000 },
      amountCents: -2000,
    });
  });

  it('shows the deductions that exceed the gross refund as a balancing line', () => {
    const quote = quoted(vsc({ cancelOn: '2029-01-05', odometer: 40_000 }));
    expect(quote.lines.map((line) => line.amountCents)).toEqual([1095, -5000, 3905]);
  });

  it('throws when a Rule of 78s rule has no term in months', () => {
    expect(() =>
      quoteCancellationRefund(gap({ termMonths: undefined, rule: GAP_78S, cancelOn: '2027-01-15' })),
    ).toThrow(RangeError);
  });
});

// A random contract: term, price, rule and the claims history; the cancellation date and odometer
// are drawn separately so the monotonicity properties can vary one while holding the other.
const contractArbitrary = fc
  .record({
    purchaseOffsetDays: fc.integer({ min: 0, max: 3650 }),
    termMonths: fc.integer({ min: 1, max: 96 }),
    hasMiles: fc.boolean(),
    termMiles: fc.integer({ min: 1, max: 150_000 }),
    odometerAtSale: fc.integer({ min: 0, max: 200_000 }),
    priceCents: fc.integer({ min: 0, max: 2_000_000 }),
    hasClaims: fc.boolean(),
    claimsPaidCents: fc.integer({ min: 0, max: 1_000_000 }),
    rule: fc.record({
      freeLookDays: fc.integer({ min: 0, max: 90 }),
      method: fc.constantFrom('pro_rata' as const, 'rule_of_78s' as const),
      adminFeeCents: fc.integer({ min: 0, max: 10_000 }),
      adminFeeMaxBasisPointsOfPrice: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: null }),
      claimsDeducted: fc.boolean(),
    }),
  })
  .map((c) => {
    const purchaseDate = addDays('2020-01-01', c.purchaseOffsetDays);
    const expiresOn = addMonths(purchaseDate, c.termMonths);
    return (cancelOffsetDays: number, milesDriven: number): RefundQuoteInput => ({
      priceCents: c.priceCents,
      purchaseDate,
      expiresOn,
      termDays: daysBetween(purchaseDate, expiresOn),
      termMonths: c.termMonths,
      odometerAtSale: c.odometerAtSale,
      expiresAtMiles: c.hasMiles ? c.odometerAtSale + c.termMiles : null,
      termMiles: c.hasMiles ? c.termMiles : null,
      cancelOn: addDays(purchaseDate, cancelOffsetDays),
      odometer: c.odometerAtSale + milesDriven,
      hasClaims: c.hasClaims,
      claimsPaidCents: c.claimsPaidCents,
      rule: c.rule,
    });
  });
const dayArbitrary = fc.integer({ min: 0, max: 3200 });
const milesArbitrary = fc.integer({ min: 0, max: 200_000 });
const options = { seed: 42, numRuns: 500 };

describe('quoteCancellationRefund properties', () => {
  it('never refunds less than zero or more than the price, and its lines add up to the refund', () => {
    fc.assert(
      fc.property(contractArbitrary, dayArbitrary, milesArbitrary, (contract, day, miles) => {
        const input = contract(day, miles);
        const quote = quoted(input);
        expect(quote.refundCents).toBeGreaterThanOrEqual(0);
        expect(quote.refundCents).toBeLessThanOrEqual(input.priceCents);
        expect(quote.grossRefundCents).toBeLessThanOrEqual(input.priceCents);
        expect(linesTotal(quote)).toBe(quote.refundCents);
      }),
      options,
    );
  });

  it('never refunds more for a later cancellation at the same odometer', () => {
    fc.assert(
      fc.property(contractArbitrary, dayArbitrary, dayArbitrary, milesArbitrary, (contract, a, b, miles) => {
        const earlier = quoted(contract(Math.min(a, b), miles));
        const later = quoted(contract(Math.max(a, b), miles));
        expect(later.refundCents).toBeLessThanOrEqual(earlier.refundCents);
      }),
      options,
    );
  });

  it('never refunds more for a higher odometer on the same date', () => {
    fc.assert(
      fc.property(contractArbitrary, dayArbitrary, milesArbitrary, milesArbitrary, (contract, day, a, b) => {
        const lower = quoted(contract(day, Math.min(a, b)));
        const higher = quoted(contract(day, Math.max(a, b)));
        expect(higher.refundCents).toBeLessThanOrEqual(lower.refundCents);
      }),
      options,
    );
  });

  it('matches a reference model: price × the smaller share, half-up, less fee and deducted claims', () => {
    fc.assert(
      fc.property(contractArbitrary, dayArbitrary, milesArbitrary, (contract, day, miles) => {
        const input = contract(day, miles);
        const quote = quoted(input);
        if (quote.method === 'full') return;
        // The reference works on exact rationals via BigInt: share = min(time, miles) share.
        const price = BigInt(input.priceCents);
        const num = BigInt(quote.shareNumerator);
        const den = BigInt(quote.shareDenominator);
        const expectedGross = Number((price * num * 2n + den) / (2n * den));
        expect(quote.grossRefundCents).toBe(expectedGross);
        if (input.termMiles !== null && input.expiresAtMiles !== null) {
          const milesLeft = BigInt(
            Math.min(input.termMiles, Math.max(0, input.expiresAtMiles - input.odometer)),
          );
          // The chosen share is never larger than the miles share.
          expect(num * BigInt(input.termMiles) <= milesLeft * den).toBe(true);
        }
        const fee =
          input.rule.adminFeeMaxBasisPointsOfPrice === null
            ? input.rule.adminFeeCents
            : Math.min(
                input.rule.adminFeeCents,
                Number((price * BigInt(input.rule.adminFeeMaxBasisPointsOfPrice) * 2n + 10_000n) / 20_000n),
              );
        const claims = input.rule.claimsDeducted ? input.claimsPaidCents : 0;
        expect(quote.refundCents).toBe(Math.max(0, expectedGross - fee - claims));
      }),
      options,
    );
  });
});
