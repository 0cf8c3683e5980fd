// Recording an upload: every kind of document (a GAP claim's, a transfer's maintenance record, a
// benefit claim's receipt) gets its documents row here, in the owner's transaction. The file itself
// was received, type-sniffed, scanned (when clamd is configured) and staged by the upload path
// (upload-path.ts); the caller promotes it as the last step of the same transaction.
import type { Kysely } from 'kysely';
import type { Database, DocumentRow, DocumentStatus } from '../platform/db/schema.js';
import type { StoredFile } from '../platform/storage/document-store.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import { insertDocument } from './document.repository.js';

export interface ReceivedFile {
  file: StoredFile;
  originalName: string | null;
}

export interface DocumentRecord {
  contractId: string;
  ownerType: string;
  ownerId: string;
  documentType: string;
  status: DocumentStatus;
  upload: ReceivedFile;
  receivedAt: Date;
  uploadedBy: string;
  /** Documents waiting for review: the day the review is due. */
  reviewDueOn?: CalendarDate | null;
  /** The rejected document this one replaces. */
  supersedesId?: string | null;
}

/** Writes the documents row of a received file (the file is promoted by the caller, last). */
export function recordDocument(trx: Kysely<Database>, record: DocumentRecord): Promise<DocumentRow> {
  return insertDocument(trx, {
    contract_id: record.contractId,
    owner_type: record.ownerType,
    owner_id: record.ownerId,
    document_type: record.documentType,
    status: record.status,
    sha256: record.upload.file.sha256,
    size_bytes: record.upload.file.sizeBytes,
    content_type: record.upload.file.contentType,
    original_name: record.upload.originalName,
    received_at: record.receivedAt,
    uploaded_by: record.uploadedBy,
    ...(record.reviewDueOn !== undefined ? { review_due_on: record.reviewDueOn } : {}),
    ...(record.supersedesId !== undefined ? { supersedes_id: record.supersedesId } : {}),
  });
}
