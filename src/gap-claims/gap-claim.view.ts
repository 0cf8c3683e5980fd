// A GAP claim as the API shows it: the checklist of required documents with each one's state and due
// date, the documents themselves, the benefit calculation and payment, and a timeline in plain words.
import type { DocumentView } from '../documents/document.view.js';
import type { ContractRow, GapClaimRow, LedgerEntryRow } from '../platform/db/schema.js';
import { formatUsd } from '../shared/money.js';
import { wordsForDate } from './gap-claim-messages.js';
import { type DocumentState, STATUS_WORDS, systemReasonCode } from './gap-claim-status.js';

export interface ChecklistItem {
  type: string;
  name: string;
  status: DocumentState;
  documentId: string | null;
  receivedAt: string | null;
  reviewDueOn: string | null;
  overdue: boolean;
  reason: string | null;
}

export interface TimelineEvent {
  at: string;
  action: string;
  /** The event in English words; the codes below let a page say it in the holder's language. */
  words: string;
  /** status_changed: the new status. */
  status?: string;
  /** document events: the document type's code. */
  documentType?: string;
  /** document.received: the review's due date. */
  reviewDueOn?: string;
  /** The reason as written (a person's words, or a system sentence with its reasonCode). */
  reason?: string;
  /** A reason the system wrote, by its stable code (gap-claim-status.ts SYSTEM_REASONS). */
  reasonCode?: string;
}

/** The codes of an event a page needs to say it in another language than English. */
function timelineCodes(event: AuditLike): Omit<TimelineEvent, 'at' | 'action' | 'words'> {
  const data = event.data ?? {};
  const codes: Omit<TimelineEvent, 'at' | 'action' | 'words'> = {};
  if (event.action === 'gap_claim.status_changed' && typeof data.to === 'string') codes.status = data.to;
  if (typeof data.documentType === 'string') codes.documentType = data.documentType;
  if (typeof data.reviewDueOn === 'string') codes.reviewDueOn = data.reviewDueOn;
  if (event.reason && event.action !== 'gap_claim.opened') {
    codes.reason = event.reason;
    const code = systemReasonCode(event.reason);
    if (code) codes.reasonCode = code;
  }
  return codes;
}

export interface GapClaimView {
  id: string;
  claimNumber: string;
  contractId: string;
  contractNumber: string;
  holderName: string;
  status: GapClaimRow['status'];
  statusWords: string;
  lossType: GapClaimRow['loss_type'];
  dateOfLoss: string;
  openedAt: string;
  requiredDocuments: ChecklistItem[];
  documents: DocumentView[];
  benefit: {
    benefitCents: number;
    lines: GapLineView[];
    calculatedAt: string | null;
  } | null;
  decisionReason: string | null;
  payment: { amountCents: number; payee: { kind: string; name: string }; paidAt: string } | null;
  /** Staff only: a payment above the proposer's limit, waiting for a second adjuster. */
  paymentProposal: {
    amountCents: number;
    proposedBy: string;
    proposedByUserId: string;
    proposedAt: string;
  } | null;
  lienholderName: string | null;
  timeline: TimelineEvent[];
}

/** A line of the benefit calculation: the English label, and its code and numbers when it has them. */
export interface GapLineView {
  label: string;
  amountCents: number;
  code?: string;
  params?: Record<string, number>;
}

/**
 * A stored calculation line as the API shows it. Lines calculated before the codes (stored without
 * `code`) keep only their English label.
 */
export function gapLineView(line: {
  label: string;
  amountCents: number;
  code?: string;
  params?: Record<string, number>;
}): GapLineView {
  return line.code
    ? { label: line.label, amountCents: line.amountCents, code: line.code, params: line.params ?? {} }
    : { label: line.label, amountCents: line.amountCents };
}

interface AuditLike {
  occurred_at: Date;
  action: string;
  reason: string | null;
  data: Record<string, unknown> | null;
}

// Events only staff see: internal escalations and working calculations before a decision.
const STAFF_ONLY_ACTIONS = new Set([
  'document.review_escalated',
  'gap_claim.benefit_calculated',
  'gap_claim.payment_proposed',
]);

function timelineWords(event: AuditLike, typeNames: Record<string, string>): string {
  const data = event.data ?? {};
  const typeName =
    typeof data.documentType === 'string' ? (typeNames[data.documentType] ?? data.documentType) : 'document';
  switch (event.action) {
    case 'gap_claim.opened':
      return 'Claim started';
    case 'gap_claim.status_changed': {
      const to = data.to as keyof typeof STATUS_WORDS;
      const words = STATUS_WORDS[to] ?? String(to);
      return event.reason ? `${words}: ${event.reason}` : words;
    }
    case 'document.received':
      return typeof data.reviewDueOn === 'string'
        ? `${typeName} received; review due by ${wordsForDate(data.reviewDueOn)}`
        : `${typeName} received`;
    case 'document.accepted':
      return `${typeName} accepted`;
    case 'document.rejected':
      return `${typeName} not accepted: ${event.reason ?? 'no reason given'}`;
    case 'gap_claim.payment_proposed':
      return `Payment of ${typeof data.amountCents === 'number' ? formatUsd(data.amountCents) : 'the benefit'} proposed by ${typeof data.proposedBy === 'string' ? data.proposedBy : 'an adjuster'}; a second adjuster must approve it`;
    case 'document.review_escalated':
      return `Review of the ${typeName} passed its due date and was escalated`;
    case 'gap_claim.benefit_calculated':
      return 'Benefit calculated';
    default:
      return event.action;
  }
}

export function gapClaimView(input: {
  claim: GapClaimRow;
  contract: ContractRow;
  documents: DocumentView[];
  typeNames: Record<string, string>;
  checklist: { type: string; status: DocumentState }[];
  events: AuditLike[];
  payment: LedgerEntryRow | null;
  forStaff: boolean;
}): GapClaimView {
  const { claim, contract, documents, typeNames } = input;
  const calculation = claim.calculation as { lines?: Parameters<typeof gapLineView>[0][] } | null;
  return {
    id: claim.id,
    claimNumber: claim.claim_number,
    contractId: claim.contract_id,
    contractNumber: contract.contract_number,
    holderName: `${contract.holder_first_name} ${contract.holder_last_name}`,
    status: claim.status,
    statusWords: STATUS_WORDS[claim.status],
    lossType: claim.loss_type,
    dateOfLoss: claim.date_of_loss,
    openedAt: claim.opened_at.toISOString(),
    requiredDocuments: input.checklist.map((item) => {
      const document = documents.find(
        (candidate) => candidate.type === item.type && candidate.status !== 'superseded',
      );
      return {
        type: item.type,
        name: typeNames[item.type] ?? item.type,
        status: item.status,
        documentId: document?.id ?? null,
        receivedAt: document?.receivedAt ?? null,
        reviewDueOn: document?.reviewDueOn ?? null,
        overdue: document?.overdue ?? false,
        reason: document?.reviewReason ?? null,
      };
    }),
    documents,
    // The holder sees the amount once it is decided; staff see the working calculation.
    benefit:
      claim.benefit_cents !== null &&
      (input.forStaff || claim.status === 'paid' || claim.status === 'approved')
        ? {
            benefitCents: claim.benefit_cents,
            lines: calculation?.lines?.map(gapLineView) ?? [],
            calculatedAt: claim.calculated_at?.toISOString() ?? null,
          }
        : null,
    decisionReason: claim.decision_reason,
    payment: input.payment
      ? {
          amountCents: input.payment.amount_cents,
          payee: { kind: input.payment.payee_kind, name: input.payment.payee_name },
          paidAt: input.payment.occurred_at.toISOString(),
        }
      : null,
    paymentProposal:
      input.forStaff &&
      claim.payment_proposed_at &&
      claim.payment_proposed_by_user_id &&
      claim.payment_proposed_cents !== null
        ? {
            amountCents: claim.payment_proposed_cents,
            proposedBy: claim.payment_proposed_by ?? '',
            proposedByUserId: claim.payment_proposed_by_user_id,
            proposedAt: claim.payment_proposed_at.toISOString(),
          }
        : null,
    lienholderName: contract.lienholder_name,
    timeline: input.events
      .filter((event) => input.forStaff || !STAFF_ONLY_ACTIONS.has(event.action))
      .map((event) => ({
        at: event.occurred_at.toISOString(),
        action: event.action,
        words: timelineWords(event, typeNames),
        ...timelineCodes(event),
      })),
  };
}
