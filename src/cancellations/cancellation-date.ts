// Which day a cancellation is dated (docs/domain.md "Cancellations": the free look and the refund are
// counted to the cancellation date, and the proof by reason shows the date). A holder's own request,
// quote or cancellation, is dated today in the business time zone: the holder cannot show proof online,
// and a date in the past would buy back the days already covered (or reach back into the free look).
// Staff may date a cancellation back, and then say what proves the earlier date (kept in the audit
// trail). Lender events are dated by the lender's event and do not come through here. Whoever dates
// it, a cancellation follows the last repair the administrator authorized or paid on the contract
// (claimBeforeCancellation). Pure: the service passes in who asks, today, the request and that claim.

import { addDays, type CalendarDate, compareDates, isCalendarDate } from '../shared/calendar-date.js';

export interface CancellationDateRequest {
  /** Who asks: the holder (signed in as the holder) or staff. */
  by: 'holder' | 'staff';
  /** Whether the cancellation is being executed (a quote changes nothing). */
  executing: boolean;
  /** The date asked for; absent means today. */
  cancelOn: string | undefined;
  /** Staff's note of what proves an earlier date (blank counts as absent). */
  evidence: string | undefined;
  today: CalendarDate;
}

export type CancellationDateRefusal =
  | { code: 'invalid_date'; param: 'cancelOn'; detail: string }
  | { code: 'cancel_date_not_today'; param: 'cancelOn'; detail: string }
  | { code: 'backdate_evidence_required'; param: 'evidence'; detail: string };

export type CancellationDateDecision =
  | {
      ok: true;
      cancelOn: CalendarDate;
      /** Dated before today (by staff); the evidence then says why. */
      backdated: boolean;
      evidence: string | null;
    }
  | ({ ok: false } & CancellationDateRefusal);

/** The day the cancellation is dated, or why that date is refused. */
export function decideCancellationDate(request: CancellationDateRequest): CancellationDateDecision {
  const cancelOn = request.cancelOn ?? request.today;
  if (!isCalendarDate(cancelOn)) {
    return {
      ok: false,
      code: 'invalid_date',
      param: 'cancelOn',
      detail: `"${cancelOn}" is not a calendar date (YYYY-MM-DD).`,
    };
  }
  const againstToday = compareDates(cancelOn, request.today);
  if (request.by === 'holder' && againstToday !== 0) {
    return {
      ok: false,
      code: 'cancel_date_not_today',
      param: 'cancelOn',
      detail: `A cancellation you ask for online is dated today (${request.today}). To cancel as of an earlier date, call customer service with proof of that date (for example the lender's payoff letter or an odometer statement): our staff can date it back.`,
    };
  }
  if (request.executing && againstToday > 0) {
    return {
      ok: false,
      code: 'invalid_date',
      param: 'cancelOn',
      detail: 'A cancellation cannot be dated after today; ask for a quote instead.',
    };
  }
  const evidence = request.evidence?.trim() || null;
  const backdated = againstToday < 0;
  if (backdated && request.executing && evidence === null) {
    return {
      ok: false,
      code: 'backdate_evidence_required',
      param: 'evidence',
      detail: `The cancellation is dated ${cancelOn}, before today (${request.today}): say what proves that date (for example "payoff letter dated ${cancelOn}"); it is kept in the contract's audit trail.`,
    };
  }
  return { ok: true, cancelOn, backdated, evidence };
}

/** A repair claim the administrator authorized or paid, with the business day it was submitted on. */
export interface PayableClaimOnDate {
  claimNumber: string;
  status: 'authorized' | 'paid';
  claimDate: CalendarDate;
}

export interface ClaimBeforeCancellation {
  code: 'cancel_date_before_claim';
  param: 'cancelOn';
  detail: string;
}

/**
 * A cancellation is dated after the day of the last repair claim authorized or paid on the contract:
 * the shop was promised (or paid) its money for a repair while the contract was in force, and a
 * cancellation as of that day or before would refund those days as well, and leave a claim its contract
 * no longer covers (repair-claims/claim-in-force.ts). A claim still undecided does not hold a
 * cancellation back: one dated on or after the cancellation can then no longer be approved. Null when
 * the date may stand.
 */
export function claimBeforeCancellation(
  cancelOn: CalendarDate,
  claim: PayableClaimOnDate | undefined,
): ClaimBeforeCancellation | null {
  if (!claim || compareDates(cancelOn, claim.claimDate) > 0) return null;
  return {
    code: 'cancel_date_before_claim',
    param: 'cancelOn',
    detail: `Repair claim ${claim.claimNumber} of ${claim.claimDate} was ${claim.status} while the contract was in force, so the cancellation can be dated ${addDays(claim.claimDate, 1)} at the earliest.`,
  };
}

/** A repair claim still waiting for the administrator's decision, with the business day it was submitted on. */
export interface UndecidedClaimOnDate {
  claimNumber: string;
  claimDate: CalendarDate;
}

export interface UndecidedClaimRefusal {
  code: 'repair_claim_undecided';
  detail: string;
}

/**
 * Where the state's rule deducts claims from the refund, a cancellation waits for a repair claim still
 * being decided whose day is on or before the cancellation's: the claim may yet be authorized (its
 * contract was in force on its day), and the refund worked out now would not deduct it, paying both the
 * refund and the repair. A claim dated after the cancellation can no longer be approved
 * (repair-claims/claim-in-force.ts), and where claims are not deducted the refund does not depend on it:
 * neither holds the cancellation back. Null when the cancellation may go ahead.
 */
export function undecidedClaimHoldsCancellation(
  cancelOn: CalendarDate,
  claimsDeducted: boolean,
  claim: UndecidedClaimOnDate | undefined,
): UndecidedClaimRefusal | null {
  if (!claimsDeducted || !claim || compareDates(claim.claimDate, cancelOn) > 0) return null;
  return {
    code: 'repair_claim_undecided',
    detail: `Repair claim ${claim.claimNumber} of ${claim.claimDate} is still being decided, and this contract's refund deducts the claims paid on it: the refund can be worked out once the claim is authorized or denied.`,
  };
}
