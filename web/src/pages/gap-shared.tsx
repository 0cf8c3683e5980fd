import { ApiError, type ApiSchema, apiBasePath, apiErrorFromProblem, csrfHeader } from '../api.js';
import { formatCalendarDate } from '../format.js';
import { t } from '../i18n.js';

// What the GAP claim pages share: the claim's shape as the API answers it, the document upload (XHR,
// for its progress events, which fetch cannot report; CSRF header and errors as web/src/api.ts
// makes them) and the words for document states.

/** A GAP claim as the API answers it (GET /gap-claims/{id}). */
export type GapClaim = ApiSchema<'GapClaim'>;
export type ChecklistItem = GapClaim['requiredDocuments'][number];
export type DocumentState = ChecklistItem['status'];
export type ClaimDocument = ApiSchema<'Document'>;

const lossTypes = new Set(['total_loss', 'theft', 'theft_recovered']);

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
    form.append('file', file);
    request.send(form);
  });
}

export function problemMessage(error: unknown, fallback: string): string {
  return error instanceof ApiError ? error.detail : fallback;
}
