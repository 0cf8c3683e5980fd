import { ApiError, type ApiSchema, apiBasePath, apiErrorFromProblem, csrfHeader } from '../api.js';
import { formatCalendarDate } from '../format.js';
import { type Sentence, say } from '../holder-messages.js';
import { catalogWords, holderLanguage, t } from '../i18n.js';

// What the GAP claim pages share: the claim's shape as the API answers it, the document upload (XHR,
// for its progress events, which fetch cannot report; CSRF header and errors as web/src/api.ts
// makes them) and the words for document states.

/** A GAP claim as the API answers it (GET /gap-claims/{id}). */
export type GapClaim = ApiSchema<'GapClaim'>;
export type ChecklistItem = GapClaim['requiredDocuments'][number];
export type DocumentState = ChecklistItem['status'];
export type ClaimDocument = ApiSchema<'Document'>;
/** A timeline event: English `words`, and the codes that say it in the reader's language. */
export type TimelineEvent = GapClaim['timeline'][number];

const lossTypes = new Set(['total_loss', 'theft', 'theft_recovered']);
const statuses = new Set([
  'awaiting_documents',
  'under_review',
  'ready_for_calculation',
  'approved',
  'denied',
  'paid',
]);

/** The claim's status in the reader's language, by its code (the API's English words otherwise). */
export function gapStatusWords(claim: { status: string; statusWords: string }): string {
  return statuses.has(claim.status) ? t(`gap.status.${claim.status}`) : claim.statusWords;
}

/** A document type's name in the reader's language (catalogWords: the catalog's own unless translated). */
export function documentTypeName(type: string, name: string): string {
  return catalogWords(`gap.docType.${type}`, name);
}

/** A reason the system wrote, in the reader's language; a person's reason as they wrote it. */
function reasonWords(event: TimelineEvent): string | null {
  if (!event.reason) return null;
  return event.reasonCode
    ? t(`gap.systemReason.${event.reasonCode}`, { defaultValue: event.reason })
    : event.reason;
}

/**
 * A timeline event in the reader's language, from its codes; an event the holder pages do not know
 * (staff-only ones) keeps the API's English words. `names` maps document type codes to the API's names.
 */
export function timelineWords(event: TimelineEvent, names: ReadonlyMap<string, string>): string {
  const document = event.documentType
    ? documentTypeName(event.documentType, names.get(event.documentType) ?? event.documentType)
    : t('gap.timeline.document');
  const reason = reasonWords(event);
  switch (event.action) {
    case 'gap_claim.opened':
      return t('gap.timeline.opened');
    case 'gap_claim.status_changed': {
      if (!event.status || !statuses.has(event.status)) return event.words;
      const words = t(`gap.status.${event.status}`);
      return reason ? t('gap.timeline.withReason', { words, reason }) : words;
    }
    case 'document.received':
      return event.reviewDueOn
        ? t('gap.timeline.receivedDue', { document, date: formatCalendarDate(event.reviewDueOn) })
        : t('gap.timeline.received', { document });
    case 'document.accepted':
      return t('gap.timeline.accepted', { document });
    case 'document.rejected':
      return t('gap.timeline.rejected', { document, reason: reason ?? t('gap.timeline.noReason') });
    default:
      return event.words;
  }
}

/** 'theft' → 'Theft' in the reader's language; an unknown type is shown as sent. */
export function lossTypeWords(lossType: string): string {
  return lossTypes.has(lossType) ? t(`gap.loss.${lossType}`) : lossType;
}

export function documentStateWords(item: Pick<ChecklistItem, 'status' | 'reviewDueOn' | 'overdue'>): string {
  switch (item.status) {
    case 'missing':
      return t('gap.doc.missing');
    case 'pending_review':
      return item.reviewDueOn
        ? t(item.overdue ? 'gap.doc.dueByOverdue' : 'gap.doc.dueBy', {
            date: formatCalendarDate(item.reviewDueOn),
          })
        : t('gap.doc.waiting');
    case 'accepted':
      return t('gap.doc.accepted');
    case 'rejected':
      return t('gap.doc.rejected');
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sends one document as multipart (the type field first, then the file), reporting upload progress. */
export function uploadClaimDocument(
  claimId: string,
  type: string,
  file: File,
  onProgress: (percent: number | null) => void,
): Promise<ClaimDocument> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `${apiBasePath}/gap-claims/${encodeURIComponent(claimId)}/documents`);
    request.setRequestHeader('accept', 'application/json, application/problem+json');
    for (const [name, value] of Object.entries(csrfHeader())) request.setRequestHeader(name, value);
    // Listeners go on before send(), or the browser may not report upload progress.
    request.upload.onprogress = (event) =>
      onProgress(event.lengthComputable ? Math.round((event.loaded / event.total) * 100) : null);
    request.onload = () => {
      const body = parseJson(request.responseText);
      if (request.status >= 200 && request.status < 300 && body !== undefined) resolve(body as ClaimDocument);
      else reject(apiErrorFromProblem(request.status, body));
    };
    request.onerror = () => reject(new ApiError(0, 'network_error', t('errors.network_error')));
    const form = new FormData();
    form.append('type', type);
    form.append('language', holderLanguage());
    form.append('file', file);
    request.send(form);
  });
}

/** What the last action said: a success as a status, a failure as an alert. */
/** A result to show; its text is said in the page's language at each render (see holder-messages.ts). */
export function ResultNotice({ message }: { message: { error: boolean; text: Sentence } | null }) {
  if (!message) return null;
  return (
    <div
      className={`notice ${message.error ? 'notice--error' : 'notice--success'}`}
      role={message.error ? 'alert' : 'status'}
    >
      {say(message.text)}
    </div>
  );
}

export function problemMessage(error: unknown, fallback: string): string {
  return error instanceof ApiError ? error.detail : fallback;
}
