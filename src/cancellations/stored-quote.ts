// What a cancellation record keeps of the quote it was executed on. The record's own columns already hold
// the date, odometer, reason, method, gross refund, fee, claims deducted, refund and payee; the stored
// quote adds only the figures they do not (the price and share the refund came from, the claims paid,
// the rules and catalog version, the allocation and the refund deadline). The words of the quote — its
// calculation lines, explanation sentences and required proof — are re-derived from the contract and its
// catalog terms when asked (explainStoredQuote), as a rate quote's labels are (rating/rates.service.ts):
// the full quote was about 1.7 KB a cancellation, 8.6 MB for a 5,000-event lender file.
import type { AllocationPart } from '../accounting/cancellation-allocation.js';
import type { EffectiveTerms } from '../catalog/effective-terms.js';
import type { CancellationReason, ContractRow } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import { type CancellationQuote, quoteContractCancellation } from './cancellation-quote.js';
import type { Payee } from './cancellation-reasons.js';

/** The quote as a cancellation record stores it (beside the record's own columns). */
export interface StoredCancellationQuote {
  priceCents: number;
  shareNumerator: number;
  shareDenominator: number;
  claimsPaidCents: number;
  ruleIds: string[];
  catalogVersion: number;
  allocation: AllocationPart[];
  refundDueOn: CalendarDate;
}

/** An executed quote (what the caller was answered) as the record stores it. */
export function storedQuote(
  quoted: CancellationQuote & { allocation: AllocationPart[]; refundDueOn: CalendarDate },
): StoredCancellationQuote {
  return {
    priceCents: quoted.priceCents,
    shareNumerator: quoted.shareNumerator,
    shareDenominator: quoted.shareDenominator,
    claimsPaidCents: quoted.claimsPaidCents,
    ruleIds: quoted.ruleIds,
    catalogVersion: quoted.catalogVersion,
    allocation: quoted.allocation,
    refundDueOn: quoted.refundDueOn,
  };
}

/** A cancellation record's columns the quote is rebuilt from. */
export interface CancellationRecord {
  cancelOn: CalendarDate;
  odometer: number;
  reason: CancellationReason;
  method: string;
  grossRefundCents: number;
  feeCents: number;
  claimsDeductedCents: number;
  refundCents: number;
  payee: Payee;
  quote: StoredCancellationQuote;
}

/**
 * The full quote a cancellation was executed on, rebuilt from its record, its contract and the terms of
 * the contract's catalog version: the same rule is run again and must give every figure the record holds
 * (null when it does not: the record is then read as stored, without the words).
 */
export function explainStoredQuote(
  record: CancellationRecord,
  contract: ContractRow,
  terms: EffectiveTerms,
): (CancellationQuote & { allocation: AllocationPart[]; refundDueOn: CalendarDate }) | null {
  const result = quoteContractCancellation(contract, terms, record.quote.claimsPaidCents, {
    cancelOn: record.cancelOn,
    odometer: record.odometer,
    reason: record.reason,
  });
  if (!result.ok) return null;
  const q = result.quote;
  const same =
    q.method === record.method &&
    q.grossRefundCents === record.grossRefundCents &&
    q.feeCents === record.feeCents &&
    q.claimsDeductedCents === record.claimsDeductedCents &&
    q.refundCents === record.refundCents &&
    q.payee.kind === record.payee.kind &&
    q.payee.name === record.payee.name &&
    q.priceCents === record.quote.priceCents &&
    q.shareNumerator === record.quote.shareNumerator &&
    q.shareDenominator === record.quote.shareDenominator &&
    q.catalogVersion === record.quote.catalogVersion &&
    q.ruleIds.join('|') === record.quote.ruleIds.join('|');
  if (!same) return null;
  return { ...q, allocation: record.quote.allocation, refundDueOn: record.quote.refundDueOn };
}
