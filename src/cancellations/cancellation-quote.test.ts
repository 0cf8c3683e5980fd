import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contractRow } from '../../test/support/contract-row.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { resolveTerms } from '../catalog/effective-terms.js';
import type { CancellationReason, ContractRow } from '../platform/db/schema.js';
import { addDays } from '../shared/calendar-date.js';
import { type CancellationQuote, quoteContractCancellation } from './cancellation-quote.js';
import { CANCELLATION_REASONS } from './cancellation-reasons.js';

const catalog = loadDefaultCatalog();

// A 36-month / 36,000-mile contract sold 2026-01-15 at 30,000 miles for $1,200, as the registry
// stores it: expires 2029-01-15 (1,096 days) or at 66,000 miles.
const contract = contractRow;

// A 60-month GAP addendum sold 2026-01-15 for $795: expires 2031-01-15 (1,826 days), no mileage term.
function gapContract(overrides: Partial<ContractRow> = {}): ContractRow {
  return contract({
    product: 'gap',
    plan_code: 'GAP',
    term_months: 60,
    term_miles: null,
    term_days: 1826,
    expires_on: '2031-01-15',
    expires_at_miles: null,
    price_cents: 79_500,
    deductible_cents: 0,
    ...overrides,
  });
}

function quote(
  row: ContractRow,
  request: { cancelOn: string; odometer: number; reason?: CancellationReason },
  claimsPaidCents = 0,
): CancellationQuote {
  const terms = resolveTerms(catalog, row.plan_code, row.purchase_state);
  if (!terms) throw new Error('no terms');
  const result = quoteContractCancellation(row, terms, claimsPaidCents, {
    reason: 'customer_request',
    ...request,
  });
  if (!result.ok) throw new Error(result.code);
  return result.quote;
}

describe('quoteContractCancellation with the default catalog', () => {
  it.each([
    // name, contract, request, claims paid, method, gross, fee, claims deducted, refund
    [
      'gives a full refund on day 60 in Missouri (default 60-day free look)',
      contract(),
      { cancelOn: '2026-03-16', odometer: 31_000 },
      0,
      'full',
      120_000,
      0,
      0,
      120_000,
    ],
    [
      'prorates on day 61 in Missouri with the default $50 fee',
      contract(),
      { cancelOn: '2026-03-17', odometer: 31_000 },
      0,
      'pro_rata_days',
      113_321,
      5000,
      0,
      108_321,
    ],
    [
      'limits the California fee to 10% of a $200 price',
      contract({ purchase_state: 'CA', price_cents: 20_000 }),
      { cancelOn: '2026-06-01', odometer: 31_000 },
      0,
      'pro_rata_days',
      17_500,
      2000,
      0,
      15_500,
    ],
    [
      'charges the California $25 fee when 10% of the price is more',
      contract({ purchase_state: 'CA' }),
      { cancelOn: '2026-06-01', odometer: 31_000 },
      0,
      'pro_rata_days',
      105_000,
      2500,
      0,
      102_500,
    ],
    [
      'ends the Texas free look on day 31 and deducts claims paid',
      contract({ purchase_state: 'TX' }),
      { cancelOn: '2026-02-15', odometer: 30_500 },
      30_000,
      'pro_rata_days',
      116_606,
      5000,
      30_000,
      81_606,
    ],
    [
      'gives a full refund on day 30 in Texas',
      contract({ purchase_state: 'TX' }),
      { cancelOn: '2026-02-14', odometer: 30_500 },
      0,
      'full',
      120_000,
      0,
      0,
      120_000,
    ],
    [
      'charges the Nevada $25 fee and does not deduct claims paid',
      contract({ purchase_state: 'NV', has_claims: true }),
      { cancelOn: '2026-02-15', odometer: 30_500 },
      30_000,
      'pro_rata_days',
      116_606,
      2500,
      0,
      114_106,
    ],
    [
      'prorates a GAP addendum on day 31 (its own 30-day free look)',
      gapContract(),
      { cancelOn: '2026-02-15', odometer: 30_500 },
      0,
      'pro_rata_days',
      78_150,
      5000,
      0,
      73_150,
    ],
    [
      'charges no fee on a California GAP addendum',
      gapContract({ purchase_state: 'CA' }),
      { cancelOn: '2026-02-15', odometer: 30_500 },
      0,
      'pro_rata_days',
      78_150,
      0,
      0,
      78_150,
    ],
  ] as const)('%s', (_name, row, request, claimsPaid, method, gross, fee, deducted, refund) => {
    const result = quote(row, request, claimsPaid);
    expect(result).toMatchObject({
      method,
      grossRefundCents: gross,
      feeCents: fee,
      claimsDeductedCents: deducted,
      refundCents: refund,
    });
    expect(result.lines.reduce((sum, line) => sum + line.amountCents, 0)).toBe(refund);
  });

  it('names the state rule that set the terms on every line and explains it to the holder', () => {
    const result = quote(
      contract({ purchase_state: 'TX' }),
      { cancelOn: '2026-06-01', odometer: 31_000 },
      10_000,
    );
    expect(result.ruleIds).toEqual(['TX-vsc-cancellation', 'plan:VALUE_GUARD']);
    for (const line of result.lines.filter((l) => l.amountCents !== 0)) {
      expect(line.ruleId).toContain('TX-vsc-cancellation');
    }
    expect(result.explanation).toContain(
      'In Texas, you may cancel for a full refund within 30 days if no claim was filed; after that the refund is reduced by claims paid and a $50 fee.',
    );
    expect(result.lines.map((l) => l.label)).toContain('Claims paid or authorized on this contract');
  });

  it('uses only the plan defaults where no state rule applies', () => {
    const result = quote(contract(), { cancelOn: '2026-06-01', odometer: 31_000 });
    expect(result.ruleIds).toEqual(['plan:VALUE_GUARD']);
    expect(result.explanation).toEqual([
      'The refund is paid to First Prairie Bank, your lender, because the loan is still open.',
    ]);
  });

  it.each([
    ['customer_request', 'First Prairie Bank', 'lienholder', ['signed_request', 'odometer_statement']],
    ['payoff', 'Ana Núñez', 'holder', ['payoff_letter', 'signed_request', 'odometer_statement']],
    ['total_loss', 'First Prairie Bank', 'lienholder', ['total_loss_letter']],
    ['repossession', 'First Prairie Bank', 'lienholder', ['repossession_letter']],
    ['trade_in', 'First Prairie Bank', 'lienholder', ['signed_request', 'odometer_statement']],
  ] as const)(
    'pays a financed contract cancelled for %s to %s and lists its proof',
    (reason, name, kind, proof) => {
      const result = quote(contract(), { cancelOn: '2026-06-01', odometer: 31_000, reason });
      expect(result.payee).toEqual({ kind, name });
      expect(result.requiredProof.map((p) => p.type)).toEqual(proof);
    },
  );

  it('pays the holder when no lienholder is recorded, whatever the reason', () => {
    for (const reason of CANCELLATION_REASONS) {
      const result = quote(contract({ lienholder_name: null }), {
        cancelOn: '2026-06-01',
        odometer: 31_000,
        reason,
      });
      expect(result.payee).toEqual({ kind: 'holder', name: 'Ana Núñez' });
    }
  });

  it('refuses a date before the purchase and an odometer below the sale reading', () => {
    const terms = resolveTerms(catalog, 'VALUE_GUARD', 'MO')!;
    const reason = 'customer_request' as const;
    expect(
      quoteContractCancellation(contract(), terms, 0, { cancelOn: '2026-01-14', odometer: 31_000, reason }),
    ).toEqual({ ok: false, code: 'cancel_date_before_purchase' });
    expect(
      quoteContractCancellation(contract(), terms, 0, { cancelOn: '2026-06-01', odometer: 29_999, reason }),
    ).toEqual({ ok: false, code: 'odometer_below_sale' });
  });
});

describe('quoteContractCancellation properties', () => {
  const states = ['MO', 'CA', 'TX', 'NV', 'NJ', 'AR', 'KS'];
  const arbitraryCase = fc.record({
    state: fc.constantFrom(...states),
    gap: fc.boolean(),
    priceCents: fc.integer({ min: 0, max: 1_000_000 }),
    day: fc.integer({ min: 0, max: 2_000 }),
    miles: fc.integer({ min: 0, max: 80_000 }),
    claimsPaidCents: fc.integer({ min: 0, max: 2_000_000 }),
    hasClaims: fc.boolean(),
  });

  it('never refunds less than zero or more than the price, whatever the state rules', () => {
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const base = c.gap ? gapContract() : contract();
        const row = { ...base, purchase_state: c.state, price_cents: c.priceCents, has_claims: c.hasClaims };
        const result = quote(
          row,
          { cancelOn: addDays('2026-01-15', c.day), odometer: 30_000 + c.miles },
          c.claimsPaidCents,
        );
        expect(result.refundCents).toBeGreaterThanOrEqual(0);
        expect(result.refundCents).toBeLessThanOrEqual(c.priceCents);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('never refunds more for a later date or a higher odometer', () => {
    fc.assert(
      fc.property(
        arbitraryCase,
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 20_000 }),
        (c, moreDays, moreMiles) => {
          const row = {
            ...contract(),
            purchase_state: c.state,
            price_cents: c.priceCents,
            has_claims: c.hasClaims,
          };
          const earlier = quote(
            row,
            { cancelOn: addDays('2026-01-15', c.day), odometer: 30_000 + c.miles },
            c.claimsPaidCents,
          );
          const later = quote(
            row,
            { cancelOn: addDays('2026-01-15', c.day + moreDays), odometer: 30_000 + c.miles + moreMiles },
            c.claimsPaidCents,
          );
          expect(later.refundCents).toBeLessThanOrEqual(earlier.refundCents);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});
