// Claims staff decide a rental or trip-interruption claim before a payment run pays it (DOMAIN.md
// "Benefits"): approve it as filed (its payable lines were computed from the catalog's limits when it was
// filed), or deny it with a reason code. Trip interruption is paid against receipts, so it is approved only
// with at least one attached. Pure: the service loads the claim and its receipt count, and records the
// outcome with its audit row and, for a denial, the reversal of what the claim had put on the books.
// Receipts are what a decision is made on, so a claim takes them only while it waits for one.
import type { BenefitClaimStatus } from '../platform/db/schema.js';

export const BENEFIT_DENIAL_REASONS = [
  'receipts_missing',
  'receipts_do_not_match',
  'breakdown_not_covered',
  'expenses_not_eligible',
  'duplicate_claim',
  'other',
] as const;
export type BenefitDenialReason = (typeof BENEFIT_DENIAL_REASONS)[number];

export type BenefitClaimKind = 'rental_claim' | 'trip_interruption_claim';

export interface BenefitDecisionInput {
  decision: 'approve' | 'deny';
  /** Required with deny, refused with approve. */
  reasonCode?: BenefitDenialReason | undefined;
  reason?: string | undefined;
}

export type BenefitDecisionOutcome =
  | { ok: true; status: 'approved' | 'denied'; reasonCode: BenefitDenialReason | null; reason: string | null }
  | {
      ok: false;
      code: 'benefit_claim_decided' | 'receipts_required' | 'validation_failed';
      detail: string;
      param?: string;
    };

const STATUS_WORDS: Record<BenefitClaimStatus, string> = {
  submitted: 'waiting for a decision',
  approved: 'approved',
  denied: 'denied',
  paid: 'paid',
};

export function decideBenefitClaim(
  claim: { kind: BenefitClaimKind; status: BenefitClaimStatus; receipts: number },
  input: BenefitDecisionInput,
): BenefitDecisionOutcome {
  if (claim.status !== 'submitted')
    return {
      ok: false,
      code: 'benefit_claim_decided',
      detail: `The claim is already ${STATUS_WORDS[claim.status]}; a claim is decided once.`,
    };
  const reason = input.reason?.trim() ? input.reason.trim() : null;
  if (input.decision === 'deny') {
    if (input.reasonCode === undefined)
      return {
        ok: false,
        code: 'validation_failed',
        detail: `Say why the claim is denied: reasonCode is one of ${BENEFIT_DENIAL_REASONS.join(', ')}.`,
        param: 'reasonCode',
      };
    if (input.reasonCode === 'other' && reason === null)
      return {
        ok: false,
        code: 'validation_failed',
        detail: 'Say why the claim is denied: the reason "other" needs its words.',
        param: 'reason',
      };
    return { ok: true, status: 'denied', reasonCode: input.reasonCode, reason };
  }
  if (input.reasonCode !== undefined)
    return {
      ok: false,
      code: 'validation_failed',
      detail: 'A reason code says why a claim is denied; an approval has none.',
      param: 'reasonCode',
    };
  if (claim.kind === 'trip_interruption_claim' && claim.receipts === 0)
    return {
      ok: false,
      code: 'receipts_required',
      detail:
        'Trip interruption is paid against receipts, and this claim has none attached: ask the holder for them, or deny it (receipts_missing).',
      param: 'receipts',
    };
  return { ok: true, status: 'approved', reasonCode: null, reason };
}

/**
 * Whether a claim takes another receipt: only while it waits for a decision. Once approved, denied or
 * paid, a receipt would change nothing that was decided, so it is refused, naming the claim's status.
 */
export function receiptRefusal(
  status: BenefitClaimStatus,
): { code: 'benefit_claim_decided'; detail: string } | null {
  if (status === 'submitted') return null;
  return {
    code: 'benefit_claim_decided',
    detail: `The claim is already ${STATUS_WORDS[status]}: receipts are taken only while a claim waits for a decision.`,
  };
}
