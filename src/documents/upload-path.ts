// The one upload path of every document: receive (multipart, at the HTTP edge) → sniff the type →
// scan with clamd when COVERWISE_CLAMD_URL is set → store staged under a temporary name → record its
// row (document-records.ts) and promote the file to its content-addressed name as the last step of
// that transaction. GAP claim documents, transfer records and benefit receipts all come through here,
// so every upload is throttled, size-capped, sniffed and (when configured) scanned the same way.
import type { FastifyRequest } from 'fastify';
import { type ReceivedUpload, withUpload } from '../platform/http/uploads.js';
import type { DocumentContentType, DocumentStore } from '../platform/storage/document-store.js';
import { type ClamdAddress, scanningDocumentStore } from './clamd.js';
import type { UploadThrottle } from './upload-throttle.js';

export interface UploadPath {
  /** The store uploads are streamed into: scanning first when clamd is configured. */
  store: DocumentStore;
  maxBytes: number;
  /** Counts each upload per owner (claim, transfer) and per client address (429 when over). */
  throttle?: UploadThrottle | undefined;
}

export function createUploadPath(deps: {
  store: DocumentStore;
  maxBytes: number;
  /** clamd's address; null: uploads are not scanned. */
  clamd: ClamdAddress | null;
  /** Where files wait on disk while clamd scans them. */
  scanSpoolDir: string;
  throttle?: UploadThrottle | undefined;
}): UploadPath {
  return {
    store: deps.clamd ? scanningDocumentStore(deps.store, deps.clamd, deps.scanSpoolDir) : deps.store,
    maxBytes: deps.maxBytes,
    throttle: deps.throttle,
  };
}

/**
 * At the HTTP edge: counts the upload against its owner and the client's address, then receives the
 * request's multipart body (text fields, then one `file`) into the upload path's store and runs
 * `record` with it. `record` must promote the file as the last step of the transaction that records
 * its row; whatever else happens (a refusal, a rollback, an idempotent replay) the staged file goes.
 */
export async function receiveDocumentUpload<T>(
  request: FastifyRequest,
  path: UploadPath,
  options: { ownerId: string; allowedTypes?: readonly DocumentContentType[] },
  record: (upload: ReceivedUpload) => Promise<T>,
): Promise<T> {
  await path.throttle?.(options.ownerId, request.ip);
  return withUpload(
    request,
    path.store,
    { maxBytes: path.maxBytes, ...(options.allowedTypes ? { allowedTypes: options.allowedTypes } : {}) },
    record,
  );
}
