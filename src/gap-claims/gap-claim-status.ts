// The GAP claim status machine (issue "GAP Claims Center"): awaiting_documents → under_review (first
// upload) → ready_for_calculation (every required document accepted) → approved | denied → paid.
// A claim under review may also be denied (an adjuster can decline before every document is in).
import type { GapClaimStatus } from '../platform/db/schema.js';

export const GAP_CLAIM_STATUSES: readonly GapClaimStatus[] = [
  'awaiting_documents',
  'under_review',
  'ready_for_calculation',
  'approved',
  'denied',
  'paid',
];

const ALLOWED: Readonly<Record<GapClaimStatus, readonly GapClaimStatus[]>> = {
  awaiting_documents: ['under_review'],
  under_review: ['ready_for_calculation', 'denied'],
  ready_for_calculation: ['approved', 'denied'],
  approved: ['paid'],
  denied: [],
  paid: [],
};

export type TransitionOutcome = { ok: true } | { ok: false; code: 'invalid_status_transition' };

export function checkTransition(from: GapClaimStatus, to: GapClaimStatus): TransitionOutcome {
  return ALLOWED[from].includes(to) ? { ok: true } : { ok: false, code: 'invalid_status_transition' };
}

/** A claim is open (one per contract) until it is denied or paid. */
export function isOpen(status: GapClaimStatus): boolean {
  return status !== 'denied' && status !== 'paid';
}

/** Documents may be added while the claim still gathers or reviews them. */
export function acceptsDocuments(status: GapClaimStatus): boolean {
  return status === 'awaiting_documents' || status === 'under_review';
}

/**
 * Why the benefit cannot be calculated in a status, in words for the adjuster (409), or null where it
 * can: only a claim ready for calculation takes one. An approved or paid claim says so, rather than
 * that its documents are awaited.
 */
const NO_BENEFIT_CALCULATION: Readonly<Record<GapClaimStatus, string | null>> = {
  awaiting_documents:
    'The benefit is calculated once every document is accepted; this claim is still waiting for documents.',
  under_review:
    "The benefit is calculated once every document is accepted; this claim's documents are still under review.",
  ready_for_calculation: null,
  approved:
    'This claim is already approved, with its benefit; the next payment run pays it, so the benefit can no longer be recalculated.',
  denied: 'This claim is denied: there is no benefit to calculate.',
  paid: 'This claim is already paid: its benefit can no longer be recalculated.',
};

export function whyNoBenefitCalculation(status: GapClaimStatus): string | null {
  return NO_BENEFIT_CALCULATION[status];
}

export type DocumentState = 'missing' | 'pending_review' | 'accepted' | 'rejected';

/** Each required type's state, from the claim's current (not superseded) documents. */
export function checklistOf(
  requiredTypes: readonly string[],
  currentDocuments: readonly { documentType: string; status: string }[],
): { type: string; status: DocumentState }[] {
  return requiredTypes.map((type) => {
    const document = currentDocuments.find(
      (candidate) => candidate.documentType === type && candidate.status !== 'superseded',
    );
    const status = document?.status;
    return {
      type,
      status:
        status === 'accepted' || status === 'rejected' || status === 'pending_review' ? status : 'missing',
    };
  });
}

/** Where the claim goes after a document review: ready once every required document is accepted. */
export function statusAfterReview(
  current: GapClaimStatus,
  checklist: readonly { status: DocumentState }[],
): GapClaimStatus {
  if (current === 'under_review' && checklist.every((item) => item.status === 'accepted')) {
    return 'ready_for_calculation';
  }
  return current;
}

/** The status in plain words for the holder's timeline. */
export const STATUS_WORDS: Readonly<Record<GapClaimStatus, string>> = {
  awaiting_documents: 'Waiting for your documents',
  under_review: 'Your documents are being reviewed',
  ready_for_calculation: 'All documents accepted; the benefit is being calculated',
  approved: 'Claim approved',
  denied: 'Claim denied',
  paid: 'Benefit paid to your lender',
};

/**
 * The reasons the system itself gives a status change (not a person's words), by a stable code: the
 * holder's timeline and emails say them in the holder's language (docs/languages.md).
 */
export const SYSTEM_REASONS = {
  first_document_received: 'The first document was received.',
  all_documents_accepted: 'Every required document was accepted.',
} as const;
export type SystemReasonCode = keyof typeof SYSTEM_REASONS;

/** A system reason's code from its sentence (undefined for a person's reason). */
export function systemReasonCode(reason: string | null | undefined): SystemReasonCode | undefined {
  if (!reason) return undefined;
  return (Object.keys(SYSTEM_REASONS) as SystemReasonCode[]).find((code) => SYSTEM_REASONS[code] === reason);
}
