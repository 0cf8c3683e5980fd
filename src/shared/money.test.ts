import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertCents, basisPointsOf, formatUsd, prorateHalfUp, sumCents } from './money.js';

describe('prorateHalfUp', () => {
  it.each([
    // amountCents, numerator, denominator, expected
    [1, 1, 2, 1], // exactly half a cent rounds up
    [3, 1, 2, 2], // 1.5 → 2
    [5, 1, 3, 2], // 1.67 → 2
    [1, 1, 3, 0], // 0.33 → 0
    [2, 1, 3, 1], // 0.67 → 1
    [100, 0, 7, 0],
    [0, 5, 7, 0],
    [12_345, 7, 7, 12_345],
    [150_000, 365, 1_096, 49_954], // 49,954.38 → 49,954: a 36-month contract with a year left
    [150_000, 548, 1_096, 75_000], // exactly half of the term
    [99_999, 1, 2, 50_000], // 49,999.5 → 50,000
    [-1, 1, 2, -1], // negative amounts round half away from zero, mirroring positives
    [-5, 1, 3, -2],
    [Number.MAX_SAFE_INTEGER, 1, 1, Number.MAX_SAFE_INTEGER], // exact with BigInt
    [Number.MAX_SAFE_INTEGER, 999_999, 1_000_000, 9_007_190_247_541_736], // …736.259009 → …736
    [Number.MAX_SAFE_INTEGER, 1, 2, 4_503_599_627_370_496], // …495.5 → …496: a tie at the top of the range
  ])('%i × %i / %i = %i', (amountCents, numerator, denominator, expected) => {
    expect(prorateHalfUp(amountCents, numerator, denominator)).toBe(expected);
  });

  it.each([
    ['a fractional amount', 10.5, 1, 2],
    ['a zero denominator', 100, 1, 0],
    ['a negative denominator', 100, 1, -2],
    ['a negative numerator', 100, -1, 2],
    ['a fractional numerator', 100, 0.5, 2],
    ['an unsafe amount', 2 ** 53, 1, 2],
    ['a result past the safe-integer range', Number.MAX_SAFE_INTEGER, 2, 1],
  ])('throws for %s', (_case, amountCents, numerator, denominator) => {
    expect(() => prorateHalfUp(amountCents, numerator, denominator)).toThrow(RangeError);
  });

  const amount = fc.integer({ min: 0, max: 1_000_000 });
  // A share of at most one: numerator ≤ denominator, denominator > 0.
  const ratio = fc
    .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }))
    .map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b) + 1]);

  it('matches Math.round of the exact quotient where floating point is exact enough', () => {
    // With these bounds amount × numerator stays below 2^53 and a quotient ending in .5 is exact,
    // so Math.round (which rounds .5 up) is a trustworthy reference model.
    fc.assert(
      fc.property(
        amount,
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        (a, n, d) => {
          expect(prorateHalfUp(a, n, d)).toBe(Math.round((a * n) / d));
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });

  it('never gives more than the amount when the share is at most one', () => {
    fc.assert(
      fc.property(amount, ratio, (a, [n, d]) => {
        const result = prorateHalfUp(a, n, d);
        expect(result).toBeGreaterThanOrEqual(0);
        expect(result).toBeLessThanOrEqual(a);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('grows with the numerator', () => {
    fc.assert(
      fc.property(
        amount,
        fc.integer({ min: 0, max: 9_999 }),
        fc.integer({ min: 1, max: 10_000 }),
        (a, n, d) => {
          expect(prorateHalfUp(a, n + 1, d)).toBeGreaterThanOrEqual(prorateHalfUp(a, n, d));
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });

  it('is within half a cent of the exact value, even for large amounts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (a, n, d) => {
          fc.pre(BigInt(a) * BigInt(n) <= BigInt(Number.MAX_SAFE_INTEGER) * BigInt(d));
          const result = BigInt(prorateHalfUp(a, n, d));
          // |result − a·n/d| ≤ 1/2, with ties going up: −d < 2·(result·d − a·n) ≤ d.
          const twiceError = 2n * (result * BigInt(d) - BigInt(a) * BigInt(n));
          expect(twiceError > -BigInt(d) && twiceError <= BigInt(d)).toBe(true);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('basisPointsOf', () => {
  it.each([
    [10_000, 250, 250], // 2.5% of $100.00
    [1_999, 1_000, 200], // 10% of $19.99 = 199.9 → 200
    [5, 1_000, 1], // 0.5 → 1
    [4, 1_000, 0], // 0.4 → 0
    [12_345, 10_000, 12_345], // 100%
    [12_345, 0, 0],
    [250_000, 1_000, 25_000], // CA: 10% of a $2,500 price
  ])('%i cents × %i bps = %i cents', (amountCents, basisPoints, expected) => {
    expect(basisPointsOf(amountCents, basisPoints)).toBe(expected);
  });
});

describe('formatUsd', () => {
  it.each([
    [0, '$0.00'],
    [5, '$0.05'],
    [99, '$0.99'],
    [100, '$1.00'],
    [123_450, '$1,234.50'],
    [100_000_000, '$1,000,000.00'],
    [-5, '-$0.05'],
    [-123_456_789, '-$1,234,567.89'],
  ])('formats %i cents as %s', (amountCents, expected) => {
    expect(formatUsd(amountCents)).toBe(expected);
  });

  it('throws for a fractional amount rather than printing nonsense', () => {
    expect(() => formatUsd(1.5)).toThrow(RangeError);
  });
});

describe('assertCents and sumCents', () => {
  it.each([0, 1, -1, Number.MAX_SAFE_INTEGER])('accepts %i cents', (value) => {
    expect(assertCents(value)).toBe(value);
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses %d as cents', (value) => {
    expect(() => assertCents(value)).toThrow(RangeError);
  });

  it.each([
    [[], 0],
    [[1, 2, 3], 6],
    [[10_000, -2_500], 7_500],
  ])('sums %j to %i', (values, expected) => {
    expect(sumCents(values)).toBe(expected);
  });

  it('throws for a fractional entry or a total past the safe-integer range', () => {
    expect(() => sumCents([1, 0.5])).toThrow(RangeError);
    expect(() => sumCents([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
  });
});
