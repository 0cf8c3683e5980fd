// The VSC contract term per docs/domain.md "Products and tiers" and "Cancellations": months and miles from
// the purchase date and odometer, ending at whichever comes first, extended by any waiting period.
import type { CalendarDate } from '../shared/calendar-date.js';
import {
  addDays,
  addMonths,
  compareDates,
  daysBetween,
  isCalendarDate,
  wholeMonthsBetween,
} from '../shared/calendar-date.js';

export interface WaitingPeriod {
  days: number;
  miles: number;
}

export interface ContractTermInput {
  /** Start of the term: the purchase date, or the in-service date for wrap/CPO forms. */
  purchaseDate: CalendarDate;
  termMonths: number;
  /** Odometer at the start of the term (0 for wrap/CPO forms that count from the in-service date). */
  odometerAtSale: number;
  termMiles: number;
  /** The caller decides whether a waiting period applies (sold after the vehicle, out of warranty). */
  waitingPeriod: WaitingPeriod | null;
}

export interface ContractTerm {
  /** Last day covered (inclusive), including any waiting-period extension. */
  expiresOn: CalendarDate;
  /** Days of the base term (purchaseDate → purchaseDate + termMonths), the denominator of pro-rata refunds. */
  termDays: number;
  /** Highest odometer reading covered (inclusive), including any waiting-period extension. */
  expiresAtMiles: number;
  /** First day out of the waiting period, or null when none applies. */
  waitingPeriodEndsOn: CalendarDate | null;
  /** First odometer reading out of the waiting period, or null when none applies. */
  waitingPeriodEndsAtMiles: number | null;
}

/** `claimed`: a GAP addendum whose benefit was paid; it ends there (DOMAIN.md "After a GAP benefit is paid"). */
export type ContractStatus = 'active' | 'cancelled' | 'expired' | 'void' | 'claimed';

export type CoverageReasonCode =
  | 'expired_by_date'
  | 'expired_by_miles'
  | 'cancelled'
  | 'void'
  | 'waiting_period'
  | 'claimed';

export type CoverageStatus = { inForce: true } | { inForce: false; reasonCode: CoverageReasonCode };

export interface RenewalRule {
  minMonthsRemaining: number;
  minMilesRemaining: number;
}

function assertWholeNumber(value: number, label: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${label} must be a whole number ≥ 0`);
}

/**
 * Computes when a contract ends. When a waiting period applies, docs/domain.md says it is "added to expiry":
 * its days extend `expiresOn` and its miles extend `expiresAtMiles`, so the holder still gets the whole
 * term of real coverage. `termDays` deliberately stays the base term (without the extension) because
 * the default pro-rata refund is defined on "days from purchaseDate to purchaseDate + termMonths".
 */
export function computeContractTerm(input: ContractTermInput): ContractTerm {
  const { purchaseDate, termMonths, odometerAtSale, termMiles, waitingPeriod } = input;
  if (!isCalendarDate(purchaseDate))
    throw new RangeError(`purchaseDate is not a calendar date: ${purchaseDate}`);
  if (!Number.isSafeInteger(termMonths) || termMonths <= 0)
    throw new RangeError('termMonths must be a whole number > 0');
  assertWholeNumber(odometerAtSale, 'odometerAtSale');
  assertWholeNumber(termMiles, 'termMiles');

  const baseExpiresOn = addMonths(purchaseDate, termMonths);
  const termDays = daysBetween(purchaseDate, baseExpiresOn);
  const baseExpiresAtMiles = odometerAtSale + termMiles;
  if (waitingPeriod === null) {
    return {
      expiresOn: baseExpiresOn,
      termDays,
      expiresAtMiles: baseExpiresAtMiles,
      waitingPeriodEndsOn: null,
      waitingPeriodEndsAtMiles: null,
    };
  }
  assertWholeNumber(waitingPeriod.days, 'waitingPeriod.days');
  assertWholeNumber(waitingPeriod.miles, 'waitingPeriod.miles');
  return {
    expiresOn: addDays(baseExpiresOn, waitingPeriod.days),
    termDays,
    expiresAtMiles: baseExpiresAtMiles + waitingPeriod.miles,
    // The waiting period ends at whichever limit is reached first; coverageStatusOn applies that.
    waitingPeriodEndsOn: addDays(purchaseDate, waitingPeriod.days),
    waitingPeriodEndsAtMiles: odometerAtSale + waitingPeriod.miles,
  };
}

/**
 * Whether the contract covers a repair on `onDate` at `odometer`. A cancelled, void or claimed (a GAP
 * addendum whose benefit was paid) contract never does; then expiry by date (covered through
 * `expiresOn` inclusive), then by miles (covered while odometer ≤ `expiresAtMiles`); a stored status of
 * 'expired' without either reason counts as expired by date; last the waiting period, which lasts while
 * both its date and its miles are still ahead.
 * The caller only asks about dates on or after the start of the term.
 */
export function coverageStatusOn(
  term: ContractTerm,
  at: { onDate: CalendarDate; odometer: number; status: ContractStatus },
): CoverageStatus {
  if (at.status === 'cancelled') return { inForce: false, reasonCode: 'cancelled' };
  if (at.status === 'void') return { inForce: false, reasonCode: 'void' };
  if (at.status === 'claimed') return { inForce: false, reasonCode: 'claimed' };
  if (compareDates(at.onDate, term.expiresOn) > 0) return { inForce: false, reasonCode: 'expired_by_date' };
  if (at.odometer > term.expiresAtMiles) return { inForce: false, reasonCode: 'expired_by_miles' };
  if (at.status === 'expired') return { inForce: false, reasonCode: 'expired_by_date' };
  if (
    term.waitingPeriodEndsOn !== null &&
    term.waitingPeriodEndsAtMiles !== null &&
    compareDates(at.onDate, term.waitingPeriodEndsOn) < 0 &&
    at.odometer < term.waitingPeriodEndsAtMiles
  ) {
    return { inForce: false, reasonCode: 'waiting_period' };
  }
  return { inForce: true };
}

/**
 * Renewal is allowed while at least `minMonthsRemaining` whole calendar months and `minMilesRemaining`
 * miles remain before expiry (both limits inclusive), per docs/domain.md "Products and tiers".
 */
export function canRenew(
  term: ContractTerm,
  at: { onDate: CalendarDate; odometer: number },
  rule: RenewalRule,
): boolean {
  const monthsRemaining = wholeMonthsBetween(at.onDate, term.expiresOn);
  const milesRemaining = term.expiresAtMiles - at.odometer;
  return monthsRemaining >= rule.minMonthsRemaining && milesRemaining >= rule.minMilesRemaining;
}
