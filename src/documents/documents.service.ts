// Document reviews: a reviewer or adjuster accepts or rejects an uploaded document with a reason the
// holder reads; the document's owner (a GAP claim, later others) reacts to the decision in the same
// transaction. Also serves a document's file to staff and to the holder of its contract, and
// escalates reviews that passed their due date (the recurring job).
import type { Kysely, Transaction } from 'kysely';
import { holderMayTouch } from '../contracts/contract-access.js';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database, DocumentRow } from '../platform/db/schema.js';
import { asUseCase } from '../platform/db/transaction.js';
import type { DocumentStore } from '../platform/storage/document-store.js';
import { type CalendarDate, calendarDateInZone } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import { emitEvent } from '../webhooks/webhook-events.js';
import { escalateOverdueReviews, findDocument, markDocumentReviewed } from './document.repository.js';
import { type DocumentView, documentView } from './document.view.js';

/** What an owner of documents (owner_type) does when one of its documents is reviewed. */
export interface DocumentOwner {
  /** Names of the document types, for views (from the catalog version of the owner's contract). */
  typeNames(db: Kysely<Database>, document: DocumentRow): Promise<Record<string, string>>;
  afterReview(
    trx: Transaction<Database>,
    document: DocumentRow,
    context: { actor: Actor; requestId: string },
  ): Promise<void>;
}

export interface ReviewInput {
  decision: 'accept' | 'reject';
  reason?: string | undefined;
}

const NOT_FOUND = 'No document with that id.';

export function createDocumentsService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  timeZone: string;
  store: DocumentStore;
  owners: Record<string, DocumentOwner>;
}) {
  const { db, clock, owners } = deps;
  const today = (): CalendarDate => calendarDateInZone(clock.now(), deps.timeZone);

  async function view(row: DocumentRow, executor: Kysely<Database> = db): Promise<DocumentView> {
    const owner = owners[row.owner_type];
    return documentView(row, today(), owner ? await owner.typeNames(executor, row) : {});
  }

  async function review(
    trx: Transaction<Database>,
    id: string,
    input: ReviewInput,
    actor: Actor,
    requestId: string,
  ): Promise<DocumentView> {
    const reason = input.reason?.trim() || null;
    if (input.decision === 'reject' && !reason) {
      throw new AppError('validation_failed', 'Say why the document is rejected; the holder reads it.', {
        param: 'reason',
      });
    }
    // The row lock makes two reviewers deciding at once take turns: the second sees the decision.
    const row = await findDocument(trx, id, { forUpdate: true });
    if (!row) throw new AppError('not_found', NOT_FOUND);
    if (row.status !== 'pending_review') {
      throw new AppError(
        'invalid_status_transition',
        `This document is ${row.status.replace('_', ' ')}; only a document pending review can be reviewed.`,
      );
    }
    const status = input.decision === 'accept' ? 'accepted' : 'rejected';
    const updated = await markDocumentReviewed(trx, id, {
      status,
      at: clock.now(),
      by: actor.label,
      reason,
    });
    await emitEvent(trx, 'document.reviewed', {
      documentId: id,
      status,
      ownerType: row.owner_type,
      ownerId: row.owner_id,
      documentType: row.document_type,
    });
    await recordAudit(trx, {
      actor,
      action: `document.${status}`,
      entityType: 'document',
      entityId: id,
      reason,
      data: { ownerType: row.owner_type, ownerId: row.owner_id, documentType: row.document_type },
      requestId,
    });
    await owners[row.owner_type]?.afterReview(trx, updated, { actor, requestId });
    return view(updated, trx);
  }

  /** The document's record, for staff or the holder of its contract (anyone else: 404). */
  async function findFor(id: string, principal: Principal): Promise<DocumentRow> {
    const row = await findDocument(db, id);
    if (!row) throw new AppError('not_found', NOT_FOUND);
    if (!holderMayTouch(principal, row.contract_id)) throw new AppError('not_found', NOT_FOUND);
    return row;
  }

  async function get(id: string, principal: Principal): Promise<DocumentView> {
    return view(await findFor(id, principal));
  }

  async function file(id: string, principal: Principal) {
    const row = await findFor(id, principal);
    const stream = await deps.store.open(row.sha256);
    if (!stream) throw new AppError('not_found', 'The file is missing.');
    return { row, stream };
  }

  /** Marks every pending review past its due date as escalated (audited); answers how many. */
  async function escalateOverdue(): Promise<number> {
    return escalateOverdueReviews(db, clock.now(), today());
  }

  return { review: asUseCase(review), get, file, escalateOverdue, view, today };
}

export type DocumentsService = ReturnType<typeof createDocumentsService>;
