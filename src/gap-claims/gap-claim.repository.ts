// The SQL of GAP claims: the claim rows, their numbering, the staff list, the claim's timeline (its
// audit events and its documents'), and the two lookups a decision needs (approval limit, payment).
import { type Insertable, type Kysely, sql, type Updateable } from 'kysely';
import { AWAITS_REVIEW } from '../documents/document.repository.js';
import type {
  Database,
  GapClaimRow,
  GapClaimStatus,
  GapClaimsTable,
  LedgerEntryRow,
} from '../platform/db/schema.js';
import type { WorkQueueCursor } from '../work-queue/work-queue.js';

const OWNER_TYPE = 'gap_claim';

export function findGapClaim(
  db: Kysely<Database>,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<GapClaimRow | undefined> {
  let query = db.selectFrom('gap_claims').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The contract's claim that is neither denied nor paid (one open claim per contract). */
export function findOpenGapClaim(db: Kysely<Database>, contractId: string): Promise<GapClaimRow | undefined> {
  return db
    .selectFrom('gap_claims')
    .selectAll()
    .where('contract_id', '=', contractId)
    .where('status', 'not in', ['denied', 'paid'])
    .executeTakeFirst();
}

/**
 * The claim that holds each of these GAP addenda, by contract id: its open claim (neither denied nor
 * paid: the addendum is being claimed) or its paid one (the addendum is spent). Either way the addendum
 * cannot be cancelled for a refund; a denied claim holds nothing.
 */
export async function gapClaimsHoldingAddenda(
  db: Kysely<Database>,
  contractIds: readonly string[],
): Promise<Map<string, { claimNumber: string; paid: boolean }>> {
  if (contractIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('gap_claims')
    .select(['contract_id', 'claim_number', 'status'])
    .where('contract_id', 'in', contractIds)
    .where('status', '!=', 'denied')
    .orderBy('opened_at')
    .execute();
  return new Map(
    rows.map((row) => [row.contract_id, { claimNumber: row.claim_number, paid: row.status === 'paid' }]),
  );
}

/** The contract's paid claim, if its one benefit was paid already. */
export function findPaidGapClaim(db: Kysely<Database>, contractId: string) {
  return db
    .selectFrom('gap_claims')
    .select(['claim_number'])
    .where('contract_id', '=', contractId)
    .where('status', '=', 'paid')
    .executeTakeFirst();
}

/** The next claim number of the year: GAP-CL-<year>-<six digits>. */
export async function nextGapClaimNumber(db: Kysely<Database>, year: string): Promise<string> {
  const number = await sql<{ n: number }>`select nextval('gap_claim_number_seq') as n`.execute(db);
  return `GAP-CL-${year}-${String(number.rows[0]!.n).padStart(6, '0')}`;
}

export function insertGapClaim(trx: Kysely<Database>, row: Insertable<GapClaimsTable>): Promise<GapClaimRow> {
  return trx.insertInto('gap_claims').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Changes the claim (its row_version goes up by one) and answers the updated row. */
export function updateGapClaim(
  trx: Kysely<Database>,
  id: string,
  values: Omit<Updateable<GapClaimsTable>, 'row_version'>,
): Promise<GapClaimRow> {
  return trx
    .updateTable('gap_claims')
    .set({ ...values, row_version: sql`row_version + 1` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The claim's own audit events and its documents', oldest first. */
export function gapClaimTimeline(db: Kysely<Database>, claimId: string, limit: number) {
  return db
    .selectFrom('audit_events')
    .select(['occurred_at', 'action', 'reason', 'data', 'entity_id', 'entity_type'])
    .where((eb) =>
      eb.or([
        eb.and([eb('entity_type', '=', OWNER_TYPE), eb('entity_id', '=', claimId)]),
        eb.and([eb('entity_type', '=', 'document'), sql<boolean>`data->>'ownerId' = ${claimId}`]),
      ]),
    )
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
}

export function findLedgerEntry(db: Kysely<Database>, id: string): Promise<LedgerEntryRow | undefined> {
  return db.selectFrom('ledger_entries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The user's own approval limit (null: none of their own; undefined: no such user). */
export async function userApprovalLimit(
  db: Kysely<Database>,
  userId: string,
): Promise<number | null | undefined> {
  const user = await db
    .selectFrom('users')
    .select('approval_limit_cents')
    .where('id', '=', userId)
    .executeTakeFirst();
  return user === undefined ? undefined : user.approval_limit_cents;
}

export interface GapClaimListFilter {
  /** A holder's contracts (undefined: staff, every contract). */
  contractIds?: string[] | undefined;
  status?: GapClaimStatus | 'open' | undefined;
}

/**
 * Claims newest first with their contract's number and holder, `limit` + 1 rows (the extra one says
 * there is more); `startingAfter` continues after that claim, undefined when it names no claim.
 */
export async function listGapClaims(
  db: Kysely<Database>,
  filter: GapClaimListFilter,
  page: { limit: number; startingAfter?: string | undefined },
) {
  let query = db
    .selectFrom('gap_claims')
    .innerJoin('contracts', 'contracts.id', 'gap_claims.contract_id')
    .select([
      'gap_claims.id',
      'gap_claims.claim_number',
      'gap_claims.status',
      'gap_claims.loss_type',
      'gap_claims.date_of_loss',
      'gap_claims.opened_at',
      'gap_claims.benefit_cents',
      'contracts.contract_number',
      'contracts.holder_first_name',
      'contracts.holder_last_name',
    ])
    .orderBy('gap_claims.opened_at', 'desc')
    .orderBy('gap_claims.id', 'desc')
    .limit(page.limit + 1);
  if (filter.contractIds) query = query.where('gap_claims.contract_id', 'in', filter.contractIds);
  if (filter.status === 'open') query = query.where('gap_claims.status', 'not in', ['paid', 'denied']);
  else if (filter.status) query = query.where('gap_claims.status', '=', filter.status);
  if (page.startingAfter) {
    const after = await db
      .selectFrom('gap_claims')
      .select(['opened_at', 'id'])
      .where('id', '=', page.startingAfter)
      .executeTakeFirst();
    if (!after) return undefined;
    query = query.where(
      sql<boolean>`(gap_claims.opened_at, gap_claims.id) < (${after.opened_at}, ${after.id}::uuid)`,
    );
  }
  return query.execute();
}

/**
 * GAP claim documents waiting for review, in the work queue's order (review due date, received, kind,
 * id) after `after`, `limit` at the most; `kind` is this queue's name for them, which the order counts.
 */
export function listGapDocumentsAwaitingReview(
  db: Kysely<Database>,
  page: { after: WorkQueueCursor | null; limit: number; kind: string },
) {
  let query = db
    .selectFrom('documents')
    .innerJoin('gap_claims', 'gap_claims.id', 'documents.owner_id')
    .innerJoin('contracts', 'contracts.id', 'documents.contract_id')
    .select([
      'documents.id',
      'documents.document_type',
      'documents.review_due_on',
      'documents.received_at',
      'documents.escalated_at',
      'documents.content_type',
      'gap_claims.id as claim_id',
      'gap_claims.claim_number',
      'contracts.catalog_version',
      'contracts.holder_first_name',
      'contracts.holder_last_name',
    ])
    .where('documents.owner_type', '=', OWNER_TYPE)
    .where(AWAITS_REVIEW)
    .orderBy('documents.review_due_on')
    .orderBy('documents.received_at')
    .orderBy('documents.id')
    .limit(page.limit);
  const after = page.after;
  if (after) {
    query = query.where(
      sql<boolean>`(documents.review_due_on, documents.received_at, ${page.kind}::text, documents.id::text)
        > (${after.dueOn}::date, ${after.receivedAt}::timestamptz, ${after.kind}::text, ${after.id}::text)`,
    );
  }
  return query.execute();
}
