// A contract's cancellation quote: the refund rule of its catalog version and state of purchase
// (docs/domain.md "Cancellations") applied to its stored term, with the payee, the proof its reason needs
// and the state rules that shaped it. Pure: the service passes in the contract, terms and claims paid.

import type { EffectiveTerms } from '../catalog/effective-terms.js';
import type { CancellationReason, ContractRow } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import {
  type Payee,
  type Proof,
  payeeSentence,
  payeeSentenceItem,
  refundPayee,
  requiredProof,
} from './cancellation-reasons.js';
import {
  type CalculationLine,
  quoteCancellationRefund,
  type RefundMethod,
  type RefundQuoteRefusalCode,
} from './refund-quote.js';

export interface CancellationRequest {
  cancelOn: CalendarDate;
  odometer: number;
  reason: CancellationReason;
}

export interface CancellationQuote {
  contractId: string;
  cancelOn: CalendarDate;
  odometer: number;
  reason: CancellationReason;
  method: RefundMethod;
  priceCents: number;
  shareNumerator: number;
  shareDenominator: number;
  grossRefundCents: number;
  feeCents: number;
  claimsPaidCents: number;
  claimsDeductedCents: number;
  refundCents: number;
  payee: Payee;
  /** The lines that make up the refund, in words a holder understands; they add up to refundCents. */
  lines: CalculationLine[];
  /** Further sentences: who is paid, the state rules that apply. */
  explanation: string[];
  /** `explanation` as codes with parameters, in the same order (docs/languages.md). */
  explanationItems: { code: string; params: Record<string, string | number> }[];
  requiredProof: Proof[];
  /** The catalog rules that set the refund terms (state rule ids, or plan:<CODE> for a plan default). */
  ruleIds: string[];
  catalogVersion: number;
}

export type CancellationQuoteResult =
  | { ok: true; quote: CancellationQuote }
  | { ok: false; code: RefundQuoteRefusalCode };

/** Rule ids per terms object: the catalog service hands out one object per version, plan and state. */
const ruleIdsOfTerms = new WeakMap<EffectiveTerms, readonly string[]>();

/** The distinct rules behind the cancellation terms, state rules first. */
export function cancellationRuleIds(terms: EffectiveTerms): string[] {
  let ids = ruleIdsOfTerms.get(terms);
  if (!ids) {
    const found = new Set<string>();
    for (const [key, source] of Object.entries(terms.ruleSources)) {
      if (key.startsWith('cancellation.')) found.add(source);
    }
    ids = [...found].sort((a, b) => Number(a.startsWith('plan:')) - Number(b.startsWith('plan:')));
    ruleIdsOfTerms.set(terms, ids);
  }
  // A copy: the caller's quote owns its list.
  return [...ids];
}

export function quoteContractCancellation(
  contract: ContractRow,
  terms: EffectiveTerms,
  claimsPaidCents: number,
  request: CancellationRequest,
): CancellationQuoteResult {
  const ruleIds = cancellationRuleIds(terms);
  const result = quoteCancellationRefund({
    priceCents: contract.price_cents,
    purchaseDate: contract.purchase_date,
    expiresOn: contract.expires_on,
    termDays: contract.term_days,
    termMonths: contract.term_months,
    odometerAtSale: contract.odometer_at_sale,
    expiresAtMiles: contract.expires_at_miles,
    termMiles: contract.expires_at_miles === null ? null : contract.term_miles,
    cancelOn: request.cancelOn,
    odometer: request.odometer,
    hasClaims: contract.has_claims,
    claimsPaidCents,
    rule: terms.cancellation,
    ruleIds,
  });
  if (!result.ok) return result;

  const payee = refundPayee(
    {
      holderName: `${contract.holder_first_name} ${contract.holder_last_name}`,
      lienholderName: contract.lienholder_name,
    },
    request.reason,
  );
  const stateRuleIds = new Set(ruleIds.filter((id) => !id.startsWith('plan:')));
  const ruleNotes = terms.notes.filter((note) => stateRuleIds.has(note.ruleId));
  const explanation = [payeeSentence(payee, request.reason), ...ruleNotes.map((note) => note.sentence)];
  // The same sentences as codes: a state rule's is `state_rule` with its id among the parameters.
  const explanationItems = [
    payeeSentenceItem(payee, request.reason),
    ...ruleNotes.map((note) => ({ code: 'state_rule', params: { ...note.params, ruleId: note.ruleId } })),
  ];
  return {
    ok: true,
    quote: {
      contractId: contract.id,
      cancelOn: request.cancelOn,
      odometer: request.odometer,
      reason: request.reason,
      method: result.method,
      priceCents: contract.price_cents,
      shareNumerator: result.shareNumerator,
      shareDenominator: result.shareDenominator,
      grossRefundCents: result.grossRefundCents,
      feeCents: result.feeCents,
      claimsPaidCents,
      claimsDeductedCents: result.claimsDeductedCents,
      refundCents: result.refundCents,
      payee,
      lines: result.lines,
      explanation,
      explanationItems,
      requiredProof: requiredProof(request.reason),
      ruleIds,
      catalogVersion: contract.catalog_version,
    },
  };
}
