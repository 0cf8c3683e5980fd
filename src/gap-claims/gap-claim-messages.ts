// The emails a GAP claim sends its holder (docs/domain.md "GAP claims": the holder is told when a document
// is received, accepted or rejected with the reason, and when the claim's status changes). Plain
// functions over plain data; the service queues what they return through the outbox.
import type { GapClaimStatus } from '../platform/db/schema.js';
import { MONTH_NAMES } from '../shared/calendar-date.js';
import { formatUsd } from '../shared/money.js';
import { STATUS_WORDS } from './gap-claim-status.js';

export interface ClaimMessage {
  subject: string;
  text: string;
}

/** '2026-11-30' → 'November 30, 2026', split from its parts (never parsed as a UTC midnight). */
export function wordsForDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${MONTH_NAMES[Number(month) - 1] ?? month} ${Number(day)}, ${year}`;
}

function signature(claimNumber: string): string {
  return `\n\nYour claim number is ${claimNumber}. You can follow your claim in the GAP Claims Center.\n\nCoverwise Claims`;
}

export function claimOpenedMessage(claim: { claimNumber: string; requiredNames: string[] }): ClaimMessage {
  return {
    subject: `GAP claim ${claim.claimNumber}: we have started your claim`,
    text:
      `We have started your GAP claim. Please send us these documents:\n\n${claim.requiredNames.map((name) => `- ${name}`).join('\n')}` +
      signature(claim.claimNumber),
  };
}

export function documentReceivedMessage(input: {
  claimNumber: string;
  typeName: string;
  reviewDueOn: string;
}): ClaimMessage {
  return {
    subject: `GAP claim ${input.claimNumber}: we received your ${input.typeName}`,
    text:
      `We received your ${input.typeName}. We will review it by the end of ${wordsForDate(input.reviewDueOn)}.` +
      signature(input.claimNumber),
  };
}

export function documentReviewedMessage(input: {
  claimNumber: string;
  typeName: string;
  accepted: boolean;
  reason: string | null;
}): ClaimMessage {
  if (input.accepted) {
    return {
      subject: `GAP claim ${input.claimNumber}: your ${input.typeName} was accepted`,
      text: `We reviewed and accepted your ${input.typeName}.${input.reason ? ` ${input.reason}` : ''}${signature(input.claimNumber)}`,
    };
  }
  return {
    subject: `GAP claim ${input.claimNumber}: please send your ${input.typeName} again`,
    text:
      `We could not accept your ${input.typeName}. The reason: ${input.reason ?? 'not given'}\n\n` +
      `Please upload a new copy in the GAP Claims Center.${signature(input.claimNumber)}`,
  };
}

export function statusChangedMessage(input: {
  claimNumber: string;
  status: GapClaimStatus;
  reason: string | null;
  amountCents?: number | null;
  payeeName?: string | null;
}): ClaimMessage {
  const paid =
    input.status === 'paid' && input.amountCents != null
      ? ` We paid ${formatUsd(input.amountCents)} to ${input.payeeName ?? 'your lender'}.`
      : '';
  return {
    subject: `GAP claim ${input.claimNumber}: ${STATUS_WORDS[input.status].toLowerCase()}`,
    text: `${STATUS_WORDS[input.status]}.${paid}${input.reason ? `\n\n${input.reason}` : ''}${signature(input.claimNumber)}`,
  };
}
