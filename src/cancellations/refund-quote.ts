// Cancellation refund quote for a VSC or GAP addendum: free look, pro rata on days or miles remaining
// (whichever is less) or Rule of 78s, minus the admin fee and, where the state allows, claims paid
// (docs/domain.md "Cancellations", "The default computation"; fees and days come from the catalog rule).

import {
  type CalendarDate,
  daysBetween,
  isCalendarDate,
  wholeMonthsBetween,
} from '../shared/calendar-date.js';
import { assertCents, basisPointsOf, formatUsd, prorateHalfUp } from '../shared/money.js';

/** The refund terms of one contract form in one state, exactly as the catalog produces them. */
export type RefundRule = {
  freeLookDays: number;
  method: 'pro_rata' | 'rule_of_78s';
  adminFeeCents: number;
  /** The fee may not exceed this share of the price (CA: 10% = 1000); null when no percentage cap applies. */
  adminFeeMaxBasisPointsOfPrice: number | null;
  claimsDeducted: boolean;
};

export interface RefundQuoteInput {
  priceCents: number;
  purchaseDate: CalendarDate;
  expiresOn: CalendarDate;
  termDays: number;
  /** Needed only when the rule's method is rule_of_78s. */
  termMonths?: number;
  odometerAtSale: number;
  /** Null when the term has no mileage limit (GAP addenda); then only the time share applies. */
  expiresAtMiles: number | null;
  termMiles: number | null;
  cancelOn: CalendarDate;
  odometer: number;
  /** Whether any claim was ever filed, paid or not; a filed claim ends the free look. */
  hasClaims: boolean;
  claimsPaidCents: number;
  rule: RefundRule;
  /** Catalog rule ids behind `rule`, echoed onto the share, fee and claims lines for audit. */
  ruleIds?: string[];
}

/** The stable codes of the quote's lines: a page says a line in its reader's language from these. */
export type CalculationLineCode =
  | 'full_refund_free_look'
  | 'share_days'
  | 'share_miles'
  | 'share_rule_of_78s'
  | 'admin_fee'
  | 'admin_fee_limited'
  | 'claims_deducted'
  | 'claims_not_deducted'
  | 'no_refund_due';

export interface CalculationLine {
  /** The line in English (kept for every client that shows it as written). */
  label: string;
  /** What the line says, as a stable code; with `params`, what a client translates. */
  code: CalculationLineCode;
  /** The numbers in the line (cents, counts, basis points), by name. */
  params: Record<string, number>;
  /** Signed cents: deductions are negative; the lines add up to the result amount. */
  amountCents: number;
  ruleId?: string;
}

export type RefundMethod = 'full' | 'pro_rata_days' | 'pro_rata_miles' | 'rule_of_78s';

export interface RefundQuote {
  ok: true;
  method: RefundMethod;
  /** The refund share as an exact fraction (not reduced): days, miles or r(r+1) over n(n+1). */
  shareNumerator: number;
  shareDenominator: number;
  grossRefundCents: number;
  feeCents: number;
  claimsDeductedCents: number;
  refundCents: number;
  lines: CalculationLine[];
}

export type RefundQuoteRefusalCode = 'cancel_date_before_purchase' | 'odometer_below_sale';

export interface RefundQuoteRefusal {
  ok: false;
  code: RefundQuoteRefusalCode;
}

interface Share {
  method: Exclude<RefundMethod, 'full'>;
  numerator: number;
  denominator: number;
  label: string;
  code: 'share_days' | 'share_miles' | 'share_rule_of_78s';
  params: Record<string, number>;
}

export function quoteCancellationRefund(input: RefundQuoteInput): RefundQuote | RefundQuoteRefusal {
  assertInput(input);
  const { rule, priceCents } = input;
  const ruleId = input.ruleIds && input.ruleIds.length > 0 ? input.ruleIds.join(', ') : undefined;
  const withRule = (line: CalculationLine): CalculationLine => (ruleId ? { ...line, ruleId } : line);

  const daysSincePurchase = daysBetween(input.purchaseDate, input.cancelOn);
  if (daysSincePurchase < 0) return { ok: false, code: 'cancel_date_before_purchase' };
  if (input.odometer < input.odometerAtSale) return { ok: false, code: 'odometer_below_sale' };

  if (daysSincePurchase <= rule.freeLookDays && !input.hasClaims) {
    return {
      ok: true,
      method: 'full',
      shareNumerator: 1,
      shareDenominator: 1,
      grossRefundCents: priceCents,
      feeCents: 0,
      claimsDeductedCents: 0,
      refundCents: priceCents,
      lines: [
        withRule({
          label: `Full refund: cancelled within the ${rule.freeLookDays}-day free look with no claims filed`,
          code: 'full_refund_free_look',
          params: { freeLookDays: rule.freeLookDays },
          amountCents: priceCents,
        }),
      ],
    };
  }

  const share = chooseShare(input);
  const grossRefundCents = prorateHalfUp(priceCents, share.numerator, share.denominator);
  const feeCents =
    rule.adminFeeMaxBasisPointsOfPrice === null
      ? rule.adminFeeCents
      : Math.min(rule.adminFeeCents, basisPointsOf(priceCents, rule.adminFeeMaxBasisPointsOfPrice));
  const claimsDeductedCents = rule.claimsDeducted ? input.claimsPaidCents : 0;
  const refundCents = Math.max(0, grossRefundCents - feeCents - claimsDeductedCents);

  const lines: CalculationLine[] = [
    withRule({
      label: `${share.label} of the ${formatUsd(priceCents)} price`,
      code: share.code,
      params: { ...share.params, priceCents },
      amountCents: grossRefundCents,
    }),
  ];
  if (feeCents > 0) {
    const limitedByPercent = feeCents < rule.adminFeeCents;
    lines.push(
      withRule({
        label: limitedByPercent
          ? `Administrative fee (limited to ${formatBasisPoints(rule.adminFeeMaxBasisPointsOfPrice ?? 0)} of the price)`
          : 'Administrative fee',
        code: limitedByPercent ? 'admin_fee_limited' : 'admin_fee',
        params: limitedByPercent ? { maxBasisPoints: rule.adminFeeMaxBasisPointsOfPrice ?? 0 } : {},
        amountCents: -feeCents,
      }),
    );
  }
  if (claimsDeductedCents > 0) {
    lines.push(
      withRule({
        label: 'Claims paid or authorized on this contract',
        code: 'claims_deducted',
        params: {},
        amountCents: -claimsDeductedCents,
      }),
    );
  } else if (input.claimsPaidCents > 0) {
    // Shown so the holder sees that paid claims were considered and, by the state rule, not deducted.
    lines.push(
      withRule({
        label: 'Claims paid or authorized are not deducted under this contract’s rules',
        code: 'claims_not_deducted',
        params: {},
        amountCents: 0,
      }),
    );
  }
  const shortfallCents = refundCents - (grossRefundCents - feeCents - claimsDeductedCents);
  if (shortfallCents > 0) {
    lines.push({
      label: 'No refund is due: the deductions exceed the refund share',
      code: 'no_refund_due',
      params: {},
      amountCents: shortfallCents,
    });
  }

  return {
    ok: true,
    method: share.method,
    shareNumerator: share.numerator,
    shareDenominator: share.denominator,
    grossRefundCents,
    feeCents,
    claimsDeductedCents,
    refundCents,
    lines,
  };
}

/**
 * The time share (days, or Rule of 78s months) against the miles share; the smaller wins and a tie
 * goes to the time share. Fractions are compared by cross-multiplying, never as floats.
 */
function chooseShare(input: RefundQuoteInput): Share {
  const timeShare = input.rule.method === 'rule_of_78s' ? ruleOf78sShare(input) : daysShare(input);
  const milesShare = milesShareOf(input);
  if (!milesShare) return timeShare;
  const milesIsSmaller =
    BigInt(milesShare.numerator) * BigInt(timeShare.denominator) <
    BigInt(timeShare.numerator) * BigInt(milesShare.denominator);
  return milesIsSmaller ? milesShare : timeShare;
}

function daysShare(input: RefundQuoteInput): Share {
  // Clamped to the term so a share can never exceed the whole price, whatever the inputs.
  const daysRemaining = Math.min(input.termDays, Math.max(0, daysBetween(input.cancelOn, input.expiresOn)));
  return {
    method: 'pro_rata_days',
    numerator: daysRemaining,
    denominator: input.termDays,
    label: `Refund share: ${formatCount(daysRemaining)} of ${formatCount(input.termDays)} days remain (${formatPercent(daysRemaining, input.termDays)})`,
    code: 'share_days',
    params: {
      remaining: daysRemaining,
      total: input.termDays,
      shareBasisPoints: percentBasisPoints(daysRemaining, input.termDays),
    },
  };
}

function milesShareOf(input: RefundQuoteInput): Share | null {
  if (input.expiresAtMiles === null || input.termMiles === null) return null;
  const milesRemaining = Math.min(input.termMiles, Math.max(0, input.expiresAtMiles - input.odometer));
  return {
    method: 'pro_rata_miles',
    numerator: milesRemaining,
    denominator: input.termMiles,
    label: `Refund share: ${formatCount(milesRemaining)} of ${formatCount(input.termMiles)} miles remain (${formatPercent(milesRemaining, input.termMiles)})`,
    code: 'share_miles',
    params: {
      remaining: milesRemaining,
      total: input.termMiles,
      shareBasisPoints: percentBasisPoints(milesRemaining, input.termMiles),
    },
  };
}

function ruleOf78sShare(input: RefundQuoteInput): Share {
  const termMonths = input.termMonths;
  if (termMonths === undefined) throw new RangeError('termMonths is required for a Rule of 78s refund');
  const monthsRemaining = Math.min(
    termMonths,
    Math.max(0, wholeMonthsBetween(input.cancelOn, input.expiresOn)),
  );
  const numerator = monthsRemaining * (monthsRemaining + 1);
  const denominator = termMonths * (termMonths + 1);
  return {
    method: 'rule_of_78s',
    numerator,
    denominator,
    label: `Refund share (Rule of 78s): ${monthsRemaining} of ${termMonths} whole months remain, ${monthsRemaining}×${monthsRemaining + 1} ÷ ${termMonths}×${termMonths + 1} (${formatPercent(numerator, denominator)})`,
    code: 'share_rule_of_78s',
    params: {
      remaining: monthsRemaining,
      total: termMonths,
      shareBasisPoints: percentBasisPoints(numerator, denominator),
    },
  };
}

function assertInput(input: RefundQuoteInput): void {
  assertCents(input.priceCents, 'priceCents');
  assertCents(input.claimsPaidCents, 'claimsPaidCents');
  assertCents(input.rule.adminFeeCents, 'adminFeeCents');
  if (input.priceCents < 0 || input.claimsPaidCents < 0 || input.rule.adminFeeCents < 0) {
    throw new RangeError('price, claims paid and admin fee must not be negative');
  }
  for (const date of [input.purchaseDate, input.expiresOn, input.cancelOn]) {
    if (!isCalendarDate(date)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  }
  assertWhole(input.termDays, 'termDays', 1);
  assertWhole(input.rule.freeLookDays, 'freeLookDays', 0);
  assertWhole(input.odometerAtSale, 'odometerAtSale', 0);
  assertWhole(input.odometer, 'odometer', 0);
  if ((input.termMiles === null) !== (input.expiresAtMiles === null)) {
    throw new RangeError('termMiles and expiresAtMiles are both given or both null');
  }
  if (input.termMiles !== null) assertWhole(input.termMiles, 'termMiles', 1);
  if (input.expiresAtMiles !== null) assertWhole(input.expiresAtMiles, 'expiresAtMiles', 0);
  if (input.termMonths !== undefined) assertWhole(input.termMonths, 'termMonths', 1);
  const bps = input.rule.adminFeeMaxBasisPointsOfPrice;
  if (bps !== null) assertWhole(bps, 'adminFeeMaxBasisPointsOfPrice', 0);
}

function assertWhole(value: number, label: string, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`${label} must be a whole number ≥ ${minimum}`);
  }
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** A fraction in basis points, rounded half-up exactly (no floats). */
function percentBasisPoints(numerator: number, denominator: number): number {
  return prorateHalfUp(10_000, numerator, denominator);
}

/** A fraction as a percentage with two decimals ("28.47%"), rounded half-up exactly (no floats). */
function formatPercent(numerator: number, denominator: number): string {
  const basisPoints = percentBasisPoints(numerator, denominator);
  return `${Math.floor(basisPoints / 100)}.${String(basisPoints % 100).padStart(2, '0')}%`;
}

/** Basis points as a percentage without trailing zeros ("10%", "12.5%"). */
function formatBasisPoints(basisPoints: number): string {
  const whole = Math.floor(basisPoints / 100);
  const fraction = basisPoints % 100;
  if (fraction === 0) return `${whole}%`;
  return `${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}%`;
}
