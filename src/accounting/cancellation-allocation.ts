// Who pays a cancellation refund (docs/domain.md "Money of the administrator", "Cancellation allocation"):
// with `share` the fraction that set the gross refund (1 for a full refund), the dealer is charged back
// (retail − dealer cost) × share, rounded half-up to the cent, and the administrator pays the rest of the
// refund (the fee is the administrator's). A contract with no dealer cost recorded charges no dealer back.
// The chargeback never exceeds the refund itself (a fee or deducted claims may leave less to pay than the
// dealer's markup share), so the two parts always sum to the refund.
import { addDays, type CalendarDate } from '../shared/calendar-date.js';
import { assertCents, prorateHalfUp } from '../shared/money.js';

export interface AllocationInput {
  refundCents: number;
  retailCents: number;
  /** Null when no dealer cost was recorded for the contract. */
  dealerCostCents: number | null;
  shareNumerator: number;
  shareDenominator: number;
}

export type AllocationPart = { party: 'administrator' | 'dealer'; amountCents: number };

/** The dealer's chargeback before it is capped by the refund: markup × share, half-up. */
export function dealerChargebackCents(input: Omit<AllocationInput, 'refundCents'>): number {
  if (input.dealerCostCents === null) return 0;
  const markup = Math.max(0, assertCents(input.retailCents) - assertCents(input.dealerCostCents));
  return prorateHalfUp(markup, input.shareNumerator, input.shareDenominator);
}

export function allocateRefund(input: AllocationInput): AllocationPart[] {
  assertCents(input.refundCents, 'refundCents');
  if (input.refundCents < 0) throw new RangeError('refundCents must not be negative');
  const dealer = Math.min(input.refundCents, dealerChargebackCents(input));
  return [
    { party: 'administrator', amountCents: input.refundCents - dealer },
    { party: 'dealer', amountCents: dealer },
  ];
}

/** Refunds are due this many days after the cancellation date unless the state's rule says otherwise. */
export const DEFAULT_REFUND_DUE_DAYS = 30;

/** The day the refund must be paid by: the cancellation (or lender event) date plus the state's deadline. */
export function refundDueOn(cancelOn: CalendarDate, refundDueDays: number | undefined): CalendarDate {
  return addDays(cancelOn, refundDueDays ?? DEFAULT_REFUND_DUE_DAYS);
}
