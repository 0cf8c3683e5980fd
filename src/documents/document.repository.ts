// The SQL of the documents table. Only the documents module writes it: every kind of upload (GAP
// claim documents, transfer records, benefit receipts) is recorded through document-records.ts.
import { type Insertable, type Kysely, sql } from 'kysely';
import type { Database, DocumentRow, DocumentsTable } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';

/** Which of these SHA-256 keys at least one documents row names (one indexed query). */
export async function referencedSha256s(
  db: Kysely<Database>,
  sha256s: readonly string[],
): Promise<ReadonlySet<string>> {
  if (sha256s.length === 0) return new Set();
  const rows = await db
    .selectFrom('documents')
    .select('sha256')
    .distinct()
    .where('sha256', 'in', [...sha256s])
    .execute();
  return new Set(rows.map((row) => row.sha256));
}

export function insertDocument(trx: Kysely<Database>, row: Insertable<DocumentsTable>): Promise<DocumentRow> {
  return trx.insertInto('documents').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findDocument(
  db: Kysely<Database>,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<DocumentRow | undefined> {
  let query = db.selectFrom('documents').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** An owner's documents: newest first (then by id) or in the order they were received. */
export function documentsOfOwner(
  db: Kysely<Database>,
  owner: { ownerType: string; ownerId: string },
  options: { order: 'newest_first' | 'oldest_first'; limit: number },
): Promise<DocumentRow[]> {
  const query = db
    .selectFrom('documents')
    .selectAll()
    .where('owner_type', '=', owner.ownerType)
    .where('owner_id', '=', owner.ownerId);
  const ordered =
    options.order === 'newest_first'
      ? query.orderBy('received_at', 'desc').orderBy('id')
      : query.orderBy('received_at');
  return ordered.limit(options.limit).execute();
}

/** The owner's current (not superseded) document of a type, locked until the transaction ends. */
export function findCurrentDocumentOfType(
  trx: Kysely<Database>,
  owner: { ownerType: string; ownerId: string },
  documentType: string,
): Promise<DocumentRow | undefined> {
  return trx
    .selectFrom('documents')
    .selectAll()
    .where('owner_type', '=', owner.ownerType)
    .where('owner_id', '=', owner.ownerId)
    .where('document_type', '=', documentType)
    .where('status', '!=', 'superseded')
    .forUpdate()
    .executeTakeFirst();
}

export async function markDocumentSuperseded(trx: Kysely<Database>, id: string): Promise<void> {
  await trx
    .updateTable('documents')
    .set({ status: 'superseded', row_version: sql`row_version + 1` })
    .where('id', '=', id)
    .execute();
}

export function markDocumentReviewed(
  trx: Kysely<Database>,
  id: string,
  review: { status: 'accepted' | 'rejected'; at: Date; by: string; reason: string | null },
): Promise<DocumentRow> {
  return trx
    .updateTable('documents')
    .set({
      status: review.status,
      reviewed_at: review.at,
      reviewed_by: review.by,
      review_reason: review.reason,
      row_version: sql`row_version + 1`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * SQL over a `documents` row: the document awaits a review. Pending, and not a document of a GAP claim
 * that was decided (denied or paid) while it waited: nobody is to review it then, so it is neither in the
 * queue nor escalated nor counted as overdue. The one definition the queue, the escalation, the metrics
 * and the dashboard use.
 */
export const AWAITS_REVIEW = sql<boolean>`(documents.status = 'pending_review' and not exists (
    select 1 from gap_claims decided
     where documents.owner_type = 'gap_claim' and decided.id = documents.owner_id
       and decided.status in ('denied', 'paid')))`;

/**
 * Marks every pending review past its due date as escalated and audits each once, in one statement
 * (set-based, so a large backlog is one round trip); answers how many were escalated.
 */
export async function escalateOverdueReviews(
  db: Kysely<Database>,
  now: Date,
  today: CalendarDate,
): Promise<number> {
  const result = await sql<{ id: string }>`
      with escalated as (
        update documents set escalated_at = ${now}, row_version = row_version + 1
        where ${AWAITS_REVIEW} and escalated_at is null and review_due_on < ${today}::date
        returning id, owner_type, owner_id, document_type, review_due_on
      )
      insert into audit_events (actor_kind, actor_id, actor_label, action, entity_type, entity_id, reason, data)
      select 'system', null, 'system', 'document.review_escalated', 'document', id::text,
        'The review passed its due date', jsonb_build_object('ownerType', owner_type, 'ownerId', owner_id,
          'documentType', document_type, 'reviewDueOn', review_due_on)
      from escalated
      returning entity_id as id`.execute(db);
  return result.rows.length;
}
