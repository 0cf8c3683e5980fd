// A document record as the API shows it, to staff and to the holder of its contract.
import type { DocumentRow } from '../platform/db/schema.js';
import { type CalendarDate, compareDates } from '../shared/calendar-date.js';

export interface DocumentView {
  id: string;
  ownerType: string;
  ownerId: string;
  contractId: string;
  type: string;
  typeName: string;
  status: DocumentRow['status'];
  sha256: string;
  sizeBytes: number;
  contentType: string;
  originalName: string | null;
  receivedAt: string;
  reviewDueOn: string | null;
  overdue: boolean;
  escalated: boolean;
  reviewedAt: string | null;
  reviewReason: string | null;
  supersedesId: string | null;
}

/** A pending review is overdue once today (business time zone) is past its due date. */
export function isOverdue(status: string, reviewDueOn: string | null, today: CalendarDate): boolean {
  return status === 'pending_review' && reviewDueOn !== null && compareDates(today, reviewDueOn) > 0;
}

export function documentView(
  row: DocumentRow,
  today: CalendarDate,
  typeNames: Record<string, string> = {},
): DocumentView {
  return {
    id: row.id,
    ownerType: row.owner_type,
    ownerId: row.owner_id,
    contractId: row.contract_id,
    type: row.document_type,
    typeName: typeNames[row.document_type] ?? row.document_type,
    status: row.status,
    sha256: row.sha256,
    sizeBytes: row.size_bytes,
    contentType: row.content_type,
    originalName: row.original_name,
    receivedAt: row.received_at.toISOString(),
    reviewDueOn: row.review_due_on,
    overdue: isOverdue(row.status, row.review_due_on, today),
    escalated: row.escalated_at !== null,
    reviewedAt: row.reviewed_at?.toISOString() ?? null,
    reviewReason: row.review_reason,
    supersedesId: row.supersedes_id,
  };
}
