import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween } from '../shared/calendar-date.js';
import type { ContractStatus, ContractTerm } from './contract-term.js';
import { canRenew, computeContractTerm, coverageStatusOn } from './contract-term.js';

// docs/domain.md defaults, passed in as data the way the catalog will.
const WAITING_PERIOD = { days: 30, miles: 1_000 };
const RENEWAL_RULE = { minMonthsRemaining: 2, minMilesRemaining: 2_000 };

const isoDate = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('computeContractTerm', () => {
  it.each([
    // purchaseDate, termMonths, expiresOn, termDays
    ['2026-01-31', 1, '2026-02-28', 28], // clamps to the end of a short February
    ['2024-01-31', 1, '2024-02-29', 29], // leap year
    ['2024-02-29', 12, '2025-02-28', 365], // leap day + 1 year clamps
    ['2024-02-29', 48, '2028-02-29', 1461], // leap day lands on a leap day again
    ['2026-03-15', 36, '2029-03-15', 1096], // 2028 is a leap year
    ['2026-03-15', 48, '2030-03-15', 1461],
    ['2026-03-15', 60, '2031-03-15', 1826],
    ['2025-08-31', 6, '2026-02-28', 181],
    ['2026-12-31', 2, '2027-02-28', 59],
  ])(
    'a contract bought %s for %i months expires %s after %i days',
    (purchaseDate, termMonths, expiresOn, termDays) => {
      const term = computeContractTerm({
        purchaseDate,
        termMonths,
        odometerAtSale: 0,
        termMiles: 36_000,
        waitingPeriod: null,
      });
      expect(term).toEqual({
        expiresOn,
        termDays,
        expiresAtMiles: 36_000,
        waitingPeriodEndsOn: null,
        waitingPeriodEndsAtMiles: null,
      });
    },
  );

  it.each([
    [12_345, 36_000, 48_345],
    [0, 100_000, 100_000],
    [98_000, 0, 98_000],
  ])(
    'a contract sold at %i miles for %i miles ends at %i miles',
    (odometerAtSale, termMiles, expiresAtMiles) => {
      const term = computeContractTerm({
        purchaseDate: '2026-05-01',
        termMonths: 36,
        odometerAtSale,
        termMiles,
        waitingPeriod: null,
      });
      expect(term.expiresAtMiles).toBe(expiresAtMiles);
    },
  );

  it('adds a waiting period to expiry but keeps termDays on the base term', () => {
    const term = computeContractTerm({
      purchaseDate: '2026-01-31',
      termMonths: 36,
      odometerAtSale: 42_000,
      termMiles: 36_000,
      waitingPeriod: WAITING_PERIOD,
    });
    expect(term).toEqual({
      expiresOn: '2029-03-02', // 2029-01-31 + 30 days
      termDays: 1096, // 2026-01-31 → 2029-01-31
      expiresAtMiles: 79_000,
      waitingPeriodEndsOn: '2026-03-02',
      waitingPeriodEndsAtMiles: 43_000,
    });
  });

  it.each([
    ['a non-date purchase date', { purchaseDate: '2026-02-30' }],
    ['zero months', { termMonths: 0 }],
    ['fractional months', { termMonths: 1.5 }],
    ['negative miles', { termMiles: -1 }],
    ['a fractional odometer', { odometerAtSale: 10.5 }],
    ['negative waiting days', { waitingPeriod: { days: -1, miles: 1_000 } }],
  ])('throws for a programmer passing %s', (_case, override) => {
    const input = {
      purchaseDate: '2026-01-01',
      termMonths: 36,
      odometerAtSale: 0,
      termMiles: 36_000,
      waitingPeriod: null,
    };
    expect(() => computeContractTerm({ ...input, ...override })).toThrow(RangeError);
  });

  it('always expires on purchaseDate + termMonths (+ waiting days), termDays days later', () => {
    fc.assert(
      fc.property(
        isoDate,
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 300_000 }),
        fc.integer({ min: 0, max: 150_000 }),
        fc.option(
          fc.record({ days: fc.integer({ min: 0, max: 90 }), miles: fc.integer({ min: 0, max: 5_000 }) }),
        ),
        (purchaseDate, termMonths, odometerAtSale, termMiles, waitingPeriod) => {
          const term = computeContractTerm({
            purchaseDate,
            termMonths,
            odometerAtSale,
            termMiles,
            waitingPeriod,
          });
          const baseExpiresOn = addMonths(purchaseDate, termMonths);
          expect(daysBetween(purchaseDate, baseExpiresOn)).toBe(term.termDays);
          // A month is 28–31 days, so the base term is within those bounds.
          expect(term.termDays).toBeGreaterThanOrEqual(28 * termMonths);
          expect(term.termDays).toBeLessThanOrEqual(31 * termMonths);
          expect(term.expiresOn).toBe(addDays(baseExpiresOn, waitingPeriod?.days ?? 0));
          expect(term.expiresAtMiles).toBe(odometerAtSale + termMiles + (waitingPeriod?.miles ?? 0));
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('coverageStatusOn', () => {
  // Bought 2026-01-15 at 20,000 miles for 36 months / 36,000 miles, sold out of warranty so the
  // waiting period applies: waiting until 2026-02-14 or 21,000 miles; expires 2029-02-14 / 57,000.
  const term = computeContractTerm({
    purchaseDate: '2026-01-15',
    termMonths: 36,
    odometerAtSale: 20_000,
    termMiles: 36_000,
    waitingPeriod: WAITING_PERIOD,
  });

  it('has the dates and miles these rows rely on', () => {
    expect(term).toMatchObject({
      expiresOn: '2029-02-14',
      expiresAtMiles: 57_000,
      waitingPeriodEndsOn: '2026-02-14',
      waitingPeriodEndsAtMiles: 21_000,
    });
  });

  it.each<[string, string, number, ContractStatus, ReturnType<typeof coverageStatusOn>]>([
    ['covers a mid-term repair', '2027-06-01', 40_000, 'active', { inForce: true }],
    ['covers on the expiry day itself', '2029-02-14', 40_000, 'active', { inForce: true }],
    [
      'stops covering the day after expiry',
      '2029-02-15',
      40_000,
      'active',
      { inForce: false, reasonCode: 'expired_by_date' },
    ],
    ['covers at exactly the mileage limit', '2027-06-01', 57_000, 'active', { inForce: true }],
    [
      'stops covering one mile past the limit',
      '2027-06-01',
      57_001,
      'active',
      { inForce: false, reasonCode: 'expired_by_miles' },
    ],
    [
      'names the date first when both limits have passed',
      '2029-03-01',
      60_000,
      'active',
      { inForce: false, reasonCode: 'expired_by_date' },
    ],
    [
      'refuses a cancelled contract even mid-term',
      '2027-06-01',
      40_000,
      'cancelled',
      { inForce: false, reasonCode: 'cancelled' },
    ],
    [
      'refuses a void contract even mid-term',
      '2027-06-01',
      40_000,
      'void',
      { inForce: false, reasonCode: 'void' },
    ],
    [
      'says cancelled before expired',
      '2030-01-01',
      90_000,
      'cancelled',
      { inForce: false, reasonCode: 'cancelled' },
    ],
    ['says void before expired', '2030-01-01', 90_000, 'void', { inForce: false, reasonCode: 'void' }],
    [
      'reads a stored expired status alone as expired by date',
      '2027-06-01',
      40_000,
      'expired',
      { inForce: false, reasonCode: 'expired_by_date' },
    ],
    [
      'gives the mileage reason for a stored expired status past the miles',
      '2027-06-01',
      58_000,
      'expired',
      { inForce: false, reasonCode: 'expired_by_miles' },
    ],
    [
      'gives the date reason for a stored expired status past the date',
      '2029-02-15',
      40_000,
      'expired',
      { inForce: false, reasonCode: 'expired_by_date' },
    ],
    [
      'refuses during the waiting period',
      '2026-02-01',
      20_500,
      'active',
      { inForce: false, reasonCode: 'waiting_period' },
    ],
    [
      'refuses on the last waiting day below its miles',
      '2026-02-13',
      20_999,
      'active',
      { inForce: false, reasonCode: 'waiting_period' },
    ],
    ['covers once the waiting days are over', '2026-02-14', 20_100, 'active', { inForce: true }],
    [
      'covers once the waiting miles are reached, even before its days end',
      '2026-01-20',
      21_000,
      'active',
      { inForce: true },
    ],
  ])('%s (%s at %i miles, status %s)', (_behaviour, onDate, odometer, status, expected) => {
    expect(coverageStatusOn(term, { onDate, odometer, status })).toEqual(expected);
  });

  it('never has a waiting period when none applies', () => {
    const noWait = computeContractTerm({
      purchaseDate: '2026-01-15',
      termMonths: 36,
      odometerAtSale: 20_000,
      termMiles: 36_000,
      waitingPeriod: null,
    });
    expect(coverageStatusOn(noWait, { onDate: '2026-01-15', odometer: 20_000, status: 'active' })).toEqual({
      inForce: true,
    });
  });

  it('agrees with a plain reference model on any date and odometer', () => {
    fc.assert(
      fc.property(
        // Days and miles around the term's edges, so every branch of the model is visited.
        fc.integer({ min: 0, max: 1_200 }),
        fc.integer({ min: 20_000, max: 60_000 }),
        fc.constantFrom<ContractStatus>('active', 'cancelled', 'expired', 'void', 'claimed'),
        (daysAfterPurchase, odometer, status) => {
          const onDate = addDays('2026-01-15', daysAfterPurchase);
          const result = coverageStatusOn(term, { onDate, odometer, status });
          const pastDate = onDate > '2029-02-14';
          const pastMiles = odometer > 57_000;
          const waiting = onDate < '2026-02-14' && odometer < 21_000;
          const expected =
            status === 'cancelled' || status === 'void' || status === 'claimed'
              ? status
              : pastDate
                ? 'expired_by_date'
                : pastMiles
                  ? 'expired_by_miles'
                  : status === 'expired'
                    ? 'expired_by_date'
                    : waiting
                      ? 'waiting_period'
                      : null;
          expect(result).toEqual(
            expected === null ? { inForce: true } : { inForce: false, reasonCode: expected },
          );
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('canRenew', () => {
  // Expires 2029-03-15 at 56,000 miles.
  const term: ContractTerm = computeContractTerm({
    purchaseDate: '2026-03-15',
    termMonths: 36,
    odometerAtSale: 20_000,
    termMiles: 36_000,
    waitingPeriod: null,
  });

  it.each([
    ['allows renewal with plenty of term left', '2028-01-10', 40_000, true],
    ['allows renewal with exactly 2 months left', '2029-01-15', 40_000, true],
    ['refuses renewal one day short of 2 months', '2029-01-16', 40_000, false],
    ['allows renewal with exactly 2,000 miles left', '2028-01-10', 54_000, true],
    ['refuses renewal with 1,999 miles left', '2028-01-10', 54_001, false],
    ['refuses renewal after expiry', '2029-04-01', 40_000, false],
    ['refuses renewal past the mileage limit', '2028-01-10', 60_000, false],
  ])('%s (%s at %i miles)', (_behaviour, onDate, odometer, expected) => {
    expect(canRenew(term, { onDate, odometer }, RENEWAL_RULE)).toBe(expected);
  });

  it('counts months with end-of-month clamping (Dec 31 → Feb 28 is two months)', () => {
    const endOfMonth = computeContractTerm({
      purchaseDate: '2024-02-28',
      termMonths: 36,
      odometerAtSale: 0,
      termMiles: 36_000,
      waitingPeriod: null,
    });
    expect(endOfMonth.expiresOn).toBe('2027-02-28');
    expect(canRenew(endOfMonth, { onDate: '2026-12-31', odometer: 0 }, RENEWAL_RULE)).toBe(true);
    expect(canRenew(endOfMonth, { onDate: '2027-01-01', odometer: 0 }, RENEWAL_RULE)).toBe(false);
  });

  it('takes its limits from the rule, not from code', () => {
    expect(
      canRenew(
        term,
        { onDate: '2029-01-16', odometer: 40_000 },
        { minMonthsRemaining: 1, minMilesRemaining: 2_000 },
      ),
    ).toBe(true);
    expect(
      canRenew(
        term,
        { onDate: '2028-01-10', odometer: 54_001 },
        { minMonthsRemaining: 2, minMilesRemaining: 500 },
      ),
    ).toBe(true);
  });
});
