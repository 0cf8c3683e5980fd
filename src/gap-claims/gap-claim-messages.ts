// The emails a GAP claim sends its holder (docs/domain.md "GAP claims": the holder is told when a document
// is received, accepted or rejected with the reason, and when the claim's status changes), in the
// holder's language (docs/languages.md; the words are in src/notifications/locales). Plain functions over
// plain data; the service queues what they return through the outbox.
import { dateWords, emailWords, nameInSentence } from '../notifications/email-i18n.js';
import type { GapClaimStatus } from '../platform/db/schema.js';
import type { HolderLanguage } from '../shared/language.js';
import { formatUsd } from '../shared/money.js';
import { systemReasonCode } from './gap-claim-status.js';

export interface ClaimMessage {
  subject: string;
  text: string;
}

/** '2026-11-30' → 'November 30, 2026', split from its parts (never parsed as a UTC midnight). */
export function wordsForDate(date: string): string {
  return dateWords(date, 'en');
}

/** Every email ends with the claim's number and the link to the GAP Claims Center (COVERWISE_PUBLIC_URL). */
function signature(claimNumber: string, language: HolderLanguage, centerUrl: string): string {
  return emailWords(language)('gapClaim.signature', { claimNumber, centerUrl });
}

/** What every message builder is given besides its own facts. */
interface MessageContext {
  /** The GAP Claims Center's address, `<COVERWISE_PUBLIC_URL>/gap-claims`. */
  centerUrl: string;
  language?: HolderLanguage;
}

/** A reason the system wrote (a fixed sentence) in the holder's language; a person's reason as written. */
function reasonWords(reason: string, language: HolderLanguage): string {
  const code = systemReasonCode(reason);
  return code ? emailWords(language)(`gapClaim.systemReason.${code}`, { defaultValue: reason }) : reason;
}

/** `requiredNames` and `typeName` are already in the holder's language (email-i18n.ts documentName). */
export function claimOpenedMessage(
  claim: {
    claimNumber: string;
    requiredNames: string[];
  } & MessageContext,
): ClaimMessage {
  const language = claim.language ?? 'en';
  const t = emailWords(language);
  return {
    subject: t('gapClaim.opened.subject', { claimNumber: claim.claimNumber }),
    text:
      t('gapClaim.opened.text', { list: claim.requiredNames.map((name) => `- ${name}`).join('\n') }) +
      signature(claim.claimNumber, language, claim.centerUrl),
  };
}

export function documentReceivedMessage(
  input: {
    claimNumber: string;
    typeName: string;
    reviewDueOn: string;
  } & MessageContext,
): ClaimMessage {
  const language = input.language ?? 'en';
  const t = emailWords(language);
  const document = nameInSentence(input.typeName, language);
  return {
    subject: t('gapClaim.received.subject', { claimNumber: input.claimNumber, document }),
    text:
      t('gapClaim.received.text', { document, date: dateWords(input.reviewDueOn, language) }) +
      signature(input.claimNumber, language, input.centerUrl),
  };
}

export function documentReviewedMessage(
  input: {
    claimNumber: string;
    typeName: string;
    accepted: boolean;
    reason: string | null;
  } & MessageContext,
): ClaimMessage {
  const language = input.language ?? 'en';
  const t = emailWords(language);
  const document = nameInSentence(input.typeName, language);
  if (input.accepted) {
    return {
      subject: t('gapClaim.accepted.subject', { claimNumber: input.claimNumber, document }),
      text: `${t('gapClaim.accepted.text', { document })}${input.reason ? ` ${input.reason}` : ''}${signature(input.claimNumber, language, input.centerUrl)}`,
    };
  }
  return {
    subject: t('gapClaim.rejected.subject', { claimNumber: input.claimNumber, document }),
    text:
      t('gapClaim.rejected.text', { document, reason: input.reason ?? t('gapClaim.noReason') }) +
      signature(input.claimNumber, language, input.centerUrl),
  };
}

export function statusChangedMessage(
  input: {
    claimNumber: string;
    status: GapClaimStatus;
    reason: string | null;
    amountCents?: number | null;
    payeeName?: string | null;
  } & MessageContext,
): ClaimMessage {
  const language = input.language ?? 'en';
  const t = emailWords(language);
  const words = t(`status.${input.status}`);
  const paid =
    input.status === 'paid' && input.amountCents != null
      ? t('gapClaim.paid', {
          amount: formatUsd(input.amountCents),
          payee: input.payeeName ?? t('gapClaim.yourLender'),
        })
      : '';
  return {
    subject: t('gapClaim.statusSubject', {
      claimNumber: input.claimNumber,
      status: words.toLocaleLowerCase(language === 'es' ? 'es-US' : 'en-US'),
    }),
    text: `${words}.${paid}${input.reason ? `\n\n${reasonWords(input.reason, language)}` : ''}${signature(input.claimNumber, language, input.centerUrl)}`,
  };
}
