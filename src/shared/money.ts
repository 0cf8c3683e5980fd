// Money in Coverwise is integer cents. Every proration and percentage goes through this module so
// that rounding is explicit and the same everywhere: half-up to the cent (0.5 cent rounds away from
// zero for positive amounts), computed exactly with BigInt so no binary fraction can tip a result.

/** Throws unless the value is a whole number of cents within the safe-integer range. */
export function assertCents(value: number, label = 'amount'): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${label} must be a whole number of cents`);
  return value;
}

/** amountCents × numerator / denominator, rounded half-up to the cent. Inputs must be integers ≥ 0 (denominator > 0). */
export function prorateHalfUp(amountCents: number, numerator: number, denominator: number): number {
  assertCents(amountCents);
  if (
    !Number.isSafeInteger(numerator) ||
    !Number.isSafeInteger(denominator) ||
    denominator <= 0 ||
    numerator < 0
  ) {
    throw new RangeError('proration needs a whole numerator ≥ 0 and a whole denominator > 0');
  }
  if (amountCents < 0) return -prorateHalfUp(-amountCents, numerator, denominator);
  const product = BigInt(amountCents) * BigInt(numerator);
  const d = BigInt(denominator);
  const quotient = product / d;
  const remainder = product % d;
  // A result beyond the safe-integer range would silently lose cents when turned into a number.
  return assertCents(Number(remainder * 2n >= d ? quotient + 1n : quotient), 'prorated amount');
}

/** A percentage given in basis points (1% = 100 bps) of an amount, rounded half-up to the cent. */
export function basisPointsOf(amountCents: number, basisPoints: number): number {
  return prorateHalfUp(amountCents, basisPoints, 10_000);
}

/** Formats cents as US dollars for people ("$1,234.50"); never used for arithmetic. */
export function formatUsd(amountCents: number): string {
  // A fractional amount would print as "$0.1.5"; it can only come from a programmer error.
  assertCents(amountCents);
  const sign = amountCents < 0 ? '-' : '';
  const abs = Math.abs(amountCents);
  const dollars = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}$${dollars}.${String(abs % 100).padStart(2, '0')}`;
}

export function sumCents(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += assertCents(value);
  return assertCents(total, 'total');
}
