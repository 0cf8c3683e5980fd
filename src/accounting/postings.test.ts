// The posting builders, the refund allocation and the earning rule: table rows for the cases a person can
// check by hand, and seeded properties for all amounts (every posting balances; the allocation sums to the
// refund; the chargeback is markup × share rounded half-up; premium is earned exactly once).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateCatalog } from '../catalog/catalog.validation.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { resolveTerms } from '../catalog/effective-terms.js';
import { addDays, addMonths, daysBetween } from '../shared/calendar-date.js';
import { allocateRefund, dealerChargebackCents, refundDueOn } from './cancellation-allocation.js';
import { ACCOUNTS } from './chart-of-accounts.js';
import {
  cancellationLines,
  claimIncurredLines,
  claimPaidDirectLines,
  claimPaidLines,
  contractWrittenLines,
  feeReceivedLines,
  isBalanced,
  type JournalLine,
  premiumEarnedLines,
  reversalLines,
  summedLines,
} from './postings.js';
import { earnedCents, unearnedCents } from './premium-earning.js';

const cents = fc.integer({ min: 0, max: 100_000_000 });
const signedCents = fc.integer({ min: -100_000_000, max: 100_000_000 });
const dims = { contractId: 'c', planCode: 'P', state: 'TX' };

function total(lines: JournalLine[], account: string): number {
  return lines.filter((l) => l.account === account).reduce((t, l) => t + l.creditCents - l.debitCents, 0);
}

describe('postings', () => {
  it('posts a cancellation as the table says', () => {
    // $1,000 premium, $400 unearned at cancellation, refund $350 after a $50 fee, no dealer cost.
    const lines = cancellationLines(
      { unearnedReleasedCents: 40_000, refundCents: 35_000, dealerChargebackCents: 0, feeKeptCents: 5_000 },
      dims,
    );
    expect(isBalanced(lines)).toBe(true);
    expect(total(lines, ACCOUNTS.unearnedPremium)).toBe(-40_000);
    expect(total(lines, ACCOUNTS.refundsPayable)).toBe(35_000);
    expect(total(lines, ACCOUNTS.feeRevenue)).toBe(5_000);
    expect(lines.some((l) => l.account === ACCOUNTS.earnedPremium)).toBe(false);
  });

  it('every posting balances, whatever the amounts', () => {
    fc.assert(
      fc.property(
        cents.filter((n) => n > 0),
        signedCents.filter((n) => n !== 0),
        fc.boolean(),
        (amount, signed, onDealerStatement) => {
          for (const lines of [
            contractWrittenLines(amount, dims, onDealerStatement),
            claimIncurredLines(amount, dims),
            claimPaidLines(amount, dims),
            claimPaidDirectLines(amount, dims),
            feeReceivedLines(amount, dims),
            premiumEarnedLines(signed, dims),
            reversalLines(contractWrittenLines(amount, dims, onDealerStatement)),
          ]) {
            expect(isBalanced(lines)).toBe(true);
          }
        },
      ),
      { seed: 1601, numRuns: 300 },
    );
  });

  it.each([
    {
      onDealerStatement: true,
      receivable: ACCOUNTS.dealerReceivable,
      otherwise: ACCOUNTS.premiumReceivableOffStatement,
    },
    {
      onDealerStatement: false,
      receivable: ACCOUNTS.premiumReceivableOffStatement,
      otherwise: ACCOUNTS.dealerReceivable,
    },
  ])(
    'puts a written premium on $receivable when on a dealer statement is $onDealerStatement',
    ({ onDealerStatement, receivable, otherwise }) => {
      const lines = contractWrittenLines(120_000, { ...dims, dealerCode: 'D-1001' }, onDealerStatement);
      expect(total(lines, receivable)).toBe(-120_000);
      expect(total(lines, ACCOUNTS.unearnedPremium)).toBe(120_000);
      expect(lines.some((l) => l.account === otherwise)).toBe(false);
      expect(lines.every((l) => l.dealerCode === 'D-1001')).toBe(true);
    },
  );

  it('a cancellation balances for any release, refund, chargeback and fee', () => {
    fc.assert(
      fc.property(cents, cents, cents, cents, (released, refund, chargeback, fee) => {
        const lines = cancellationLines(
          {
            unearnedReleasedCents: released,
            refundCents: refund,
            dealerChargebackCents: chargeback,
            feeKeptCents: fee,
          },
          dims,
        );
        // All four zero leaves nothing to post; otherwise the lines balance.
        if (released + refund + chargeback + fee === 0) expect(lines).toEqual([]);
        else expect(isBalanced(lines)).toBe(true);
      }),
      { seed: 1602, numRuns: 500 },
    );
  });

  it('sums many cancellations into balanced summary lines with the same totals per account, plan, state and dealer', () => {
    const cancellation = fc.record({
      released: cents,
      refund: cents,
      chargeback: cents,
      fee: cents,
      contractId: fc.uuid(),
      planCode: fc.constantFrom('VALUE_GUARD', 'GAP', 'POWERTRAIN'),
      state: fc.constantFrom('MO', 'TX', 'NY'),
      dealerCode: fc.constantFrom(null, 'D-1001', 'D-2002'),
    });
    /** Net debit per account, plan, state, and dealer on the dealer accounts (what the books report on). */
    const totals = (lines: JournalLine[]) => {
      const sums = new Map<string, number>();
      for (const l of lines) {
        const dealer = l.account === ACCOUNTS.dealerChargebacks || l.account === ACCOUNTS.dealerReceivable;
        const key = [l.account, l.planCode, l.state, dealer ? l.dealerCode : null].join('|');
        sums.set(key, (sums.get(key) ?? 0) + l.debitCents - l.creditCents);
      }
      return [...sums.entries()].filter(([, net]) => net !== 0).sort(([a], [b]) => a.localeCompare(b));
    };
    fc.assert(
      fc.property(fc.array(cancellation, { maxLength: 40 }), (items) => {
        const lines = items.flatMap((c) =>
          cancellationLines(
            {
              unearnedReleasedCents: c.released,
              refundCents: c.refund,
              dealerChargebackCents: c.chargeback,
              feeKeptCents: c.fee,
            },
            { contractId: c.contractId, planCode: c.planCode, state: c.state, dealerCode: c.dealerCode },
          ),
        );
        const summed = summedLines(lines);
        if (summed.length > 0) expect(isBalanced(summed)).toBe(true);
        expect(totals(summed)).toEqual(totals(lines));
        expect(summed.every((l) => l.contractId === null)).toBe(true);
        // The dealer is kept on the dealer accounts only; one line per account, plan, state and dealer.
        expect(summed.every((l) => l.account === ACCOUNTS.dealerChargebacks || l.dealerCode === null)).toBe(
          true,
        );
        expect(
          new Set(summed.map((l) => [l.account, l.planCode, l.state, l.dealerCode].join('|'))).size,
        ).toBe(summed.length);
      }),
      { seed: 1603, numRuns: 300 },
    );
  });

  it('refuses to call one-sided or empty lines balanced', () => {
    expect(isBalanced([])).toBe(false);
    expect(isBalanced([{ account: ACCOUNTS.cash, debitCents: 1, creditCents: 0 }])).toBe(false);
    expect(
      isBalanced([
        { account: ACCOUNTS.cash, debitCents: 1, creditCents: 0 },
        { account: ACCOUNTS.feeRevenue, debitCents: 0, creditCents: 2 },
      ]),
    ).toBe(false);
  });
});

describe('cancellation allocation', () => {
  // retail, dealer cost, share, refund → dealer part
  const ROWS: [string, number, number | null, [number, number], number, number][] = [
    ['no dealer cost recorded: no chargeback', 150_000, null, [1, 2], 70_000, 0],
    ['full refund: the whole markup', 150_000, 100_000, [1, 1], 150_000, 50_000],
    ['half the term left: half the markup', 150_000, 100_000, [1, 2], 70_000, 25_000],
    ['a third of a cent rounds down', 100_001, 100_000, [1, 3], 50_000, 0],
    ['half a cent rounds up', 100_001, 100_000, [1, 2], 50_000, 1],
    ['the chargeback never exceeds the refund', 150_000, 100_000, [1, 2], 10_000, 10_000],
    ['retail at cost: no markup', 100_000, 100_000, [3, 4], 70_000, 0],
  ];
  it.each(ROWS)('%s', (_name, retail, cost, [num, den], refund, dealer) => {
    const parts = allocateRefund({
      refundCents: refund,
      retailCents: retail,
      dealerCostCents: cost,
      shareNumerator: num,
      shareDenominator: den,
    });
    expect(parts).toEqual([
      { party: 'administrator', amountCents: refund - dealer },
      { party: 'dealer', amountCents: dealer },
    ]);
  });

  it('always sums to the refund, and the dealer part is markup × share half-up (capped by the refund)', () => {
    fc.assert(
      fc.property(
        cents,
        cents,
        fc.option(cents, { nil: null }),
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 0, max: 200_000 }),
        (refund, retail, cost, den, numRaw) => {
          const num = numRaw % (den + 1);
          const parts = allocateRefund({
            refundCents: refund,
            retailCents: retail,
            dealerCostCents: cost,
            shareNumerator: num,
            shareDenominator: den,
          });
          expect(parts.reduce((t, p) => t + p.amountCents, 0)).toBe(refund);
          expect(parts.every((p) => p.amountCents >= 0)).toBe(true);
          // Reference model: exact rational arithmetic, half-up.
          const markup = cost === null ? 0n : BigInt(Math.max(0, retail - cost));
          const product = markup * BigInt(num);
          const q = product / BigInt(den);
          const expected = Number((product % BigInt(den)) * 2n >= BigInt(den) ? q + 1n : q);
          const chargeback = dealerChargebackCents({
            retailCents: retail,
            dealerCostCents: cost,
            shareNumerator: num,
            shareDenominator: den,
          });
          expect(chargeback).toBe(expected);
          expect(parts[1]!.amountCents).toBe(Math.min(refund, expected));
        },
      ),
      { seed: 1603, numRuns: 1000 },
    );
  });

  it('sets the refund due date from the state deadline, 30 days by default', () => {
    expect(refundDueOn('2026-11-20', undefined)).toBe('2026-12-20');
    expect(refundDueOn('2026-11-20', 15)).toBe('2026-12-05');
  });

  it('takes a state deadline from the catalog as data: a state rule overrides the plan', () => {
    const document = structuredClone(loadDefaultCatalog()) as unknown as {
      stateRules: Record<string, unknown>[];
    };
    document.stateRules.push({
      id: 'NY-refund-deadline',
      state: 'NY',
      products: ['vsc'],
      sentence: 'In New York, a refund is paid within 15 days of the cancellation.',
      overrides: { cancellation: { refundDueDays: 15 } },
    });
    const validated = validateCatalog(document);
    expect(validated.ok).toBe(true);
    if (!validated.ok) return;
    const ny = resolveTerms(validated.catalog, 'VALUE_GUARD', 'NY')!;
    const mo = resolveTerms(validated.catalog, 'VALUE_GUARD', 'MO')!;
    expect(refundDueOn('2026-11-20', ny.cancellation.refundDueDays)).toBe('2026-12-05');
    expect(refundDueOn('2026-11-20', mo.cancellation.refundDueDays)).toBe('2026-12-20');
  });
});

describe('premium earning', () => {
  const contract = { premiumCents: 36_500, expiresOn: '2027-01-01', termDays: 365, termMonths: 12 };
  it.each([
    ['pro rata: nothing earned on the purchase date', '2026-01-01', 'pro_rata', 0],
    ['pro rata: 31 of 365 days', '2026-02-01', 'pro_rata', 3_100],
    ['pro rata: all earned at expiry and after', '2027-06-01', 'pro_rata', 36_500],
    ['rule of 78s: one month of twelve earns 12/78', '2026-02-01', 'rule_of_78s', 36_500 - 30_885],
    ['rule of 78s: nothing on the purchase date', '2026-01-01', 'rule_of_78s', 0],
    ['rule of 78s: 12/78 once fewer than twelve whole months remain', '2026-01-02', 'rule_of_78s', 5_615],
  ] as const)('%s', (_name, asOf, method, earned) => {
    expect(earnedCents(contract, asOf, method)).toBe(earned);
  });

  it('earns the premium exactly once over the term, month by month, never backwards', () => {
    fc.assert(
      fc.property(
        cents,
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 1, max: 120 }),
        fc.constantFrom('pro_rata' as const, 'rule_of_78s' as const),
        (premium, day, termMonths, method) => {
          const purchaseDate = addDays('2019-01-01', day);
          const expiresOn = addMonths(purchaseDate, termMonths);
          const c = {
            premiumCents: premium,
            expiresOn,
            termDays: daysBetween(purchaseDate, expiresOn),
            termMonths,
          };
          let previous = earnedCents(c, purchaseDate, method);
          expect(previous).toBe(0);
          let month = `${purchaseDate.slice(0, 7)}-01`;
          while (month <= expiresOn) {
            month = addMonths(month, 1);
            const earned = earnedCents(c, month, method);
            expect(earned).toBeGreaterThanOrEqual(previous);
            previous = earned;
          }
          expect(previous).toBe(premium);
          expect(unearnedCents(c, month, method)).toBe(0);
        },
      ),
      { seed: 1604, numRuns: 200 },
    );
  });
});
