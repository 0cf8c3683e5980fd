import { ApiError, apiBasePath, apiErrorFromProblem, csrfHeader } from '../api.js';
import { formatCalendarDate } from '../format.js';

// What the GAP claim pages share: the claim's shape as the API answers it, the document upload (XHR,
// for its progress events) and the words for document states.

export type DocumentState = 'missing' | 'pending_review' | 'accepted' | 'rejected';

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

export interface ClaimDocument {
  id: string;
  type: string;
  typeName: string;
  status: string;
  contentType: string;
  originalName: string | null;
  receivedAt: string;
  reviewDueOn: string | null;
  overdue: boolean;
  escalated: boolean;
  reviewReason: string | null;
  ownerId: string;
  sha256: string;
  sizeBytes: number;
}

export interface GapClaim {
  id: string;
  claimNumber: string;
  contractNumber: string;
  holderName: string;
  status: string;
  statusWords: string;
  lossType: string;
  dateOfLoss: string;
  openedAt: string;
  requiredDocuments: ChecklistItem[];
  documents: ClaimDocument[];
  benefit: { benefitCents: number; lines: { label: string; amountCents: number }[] } | null;
  decisionReason: string | null;
  payment: { amountCents: number; payee: { kind: string; name: string }; paidAt: string } | null;
  paymentProposal?: {
    amountCents: number;
    proposedBy: string;
    proposedByUserId: string;
    proposedAt: string;
  } | null;
  lienholderName: string | null;
  timeline: { at: string; action: string; words: string }[];
}

export const lossTypeWords: Record<string, string> = {
  total_loss: 'Total loss',
  theft: 'Theft',
  theft_recovered: 'Theft, vehicle recovered',
};

export function documentStateWords(item: Pick<ChecklistItem, 'status' | 'reviewDueOn' | 'overdue'>): string {
  switch (item.status) {
    case 'missing':
      return 'Not received yet';
    case 'pending_review':
      return item.reviewDueOn
        ? `Received; review due by ${formatCalendarDate(item.reviewDueOn)}${item.overdue ? ' (overdue)' : ''}`
        : 'Received; waiting for review';
    case 'accepted':
      return 'Accepted';
    case 'rejected':
      return 'Not accepted: please upload it again';
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
    request.onerror = () =>
      reject(
        new ApiError(
          0,
          'network_error',
          'Coverwise could not be reached. Check your connection and try again.',
        ),
      );
    const form = new FormData();
    form.append('type', type);
    form.append('file', file);
    request.send(form);
  });
}

export function problemMessage(error: unknown, fallback: string): string {
  return error instanceof ApiError ? error.detail : fallback;
}
