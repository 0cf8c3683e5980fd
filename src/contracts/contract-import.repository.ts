// The SQL of dealer-file import runs (`contract_imports`): a run's row is written when its header is
// read, its counters after every batch (in the batch's transaction), and its status when it ends.
import type { Kysely, Selectable } from 'kysely';
import { type AuditEntry, auditRow } from '../platform/audit/audit.repository.js';
import type { ContractImportsTable, Database } from '../platform/db/schema.js';

export type ContractImportRow = Selectable<ContractImportsTable>;

export async function insertImportRun(
  db: Kysely<Database>,
  values: { id: string; fileName: string | null; startedBy: string; now: Date },
): Promise<void> {
  await db
    .insertInto('contract_imports')
    .values({
      id: values.id,
      file_name: values.fileName,
      status: 'running',
      started_by: values.startedBy,
      started_at: values.now,
      updated_at: values.now,
    })
    .execute();
}

/**
 * The run's counters after a batch, and its end when the batch was the last, with the batch's audit
 * event (when it has one) written by the same statement: one round trip where two were.
 */
export async function updateImportProgress(
  trx: Kysely<Database>,
  id: string,
  values: {
    rowsRead: number;
    accepted: number;
    duplicates: number;
    rejected: number;
    finalStatus: 'finished' | 'failed' | null;
    /** Why the run failed, when finalStatus is 'failed'. */
    failure?: string | null;
    now: Date;
  },
  audit: AuditEntry | null = null,
): Promise<void> {
  const update = (db: Pick<Kysely<Database>, 'updateTable'>) =>
    db
      .updateTable('contract_imports')
      .set({
        rows_read: values.rowsRead,
        accepted: values.accepted,
        duplicates: values.duplicates,
        rejected: values.rejected,
        updated_at: values.now,
        ...(values.finalStatus ? { status: values.finalStatus, finished_at: values.now } : {}),
        ...(values.finalStatus === 'failed' ? { failure: values.failure ?? null } : {}),
      })
      .where('id', '=', id);
  if (!audit) {
    await update(trx).execute();
    return;
  }
  await update(
    trx.with('batch_audit', (db) => db.insertInto('audit_events').values(auditRow(audit))),
  ).execute();
}

export async function markImportFailed(
  db: Kysely<Database>,
  id: string,
  now: Date,
  failure: string,
): Promise<void> {
  await db
    .updateTable('contract_imports')
    .set({ status: 'failed', finished_at: now, updated_at: now, failure })
    .where('id', '=', id)
    .execute();
}

/** Marks running imports silent since `silentSince` failed; answers what they had done. */
export function failSilentImports(trx: Kysely<Database>, silentSince: Date, now: Date, failure: string) {
  return trx
    .updateTable('contract_imports')
    .set({ status: 'failed', finished_at: now, updated_at: now, failure })
    .where('status', '=', 'running')
    .where('updated_at', '<=', silentSince)
    .returning(['id', 'accepted', 'rows_read'])
    .execute();
}

/**
 * Import runs, newest first, `limit + 1` rows (the extra one tells whether there are more), after the
 * run `startingAfter`; undefined when that run does not exist.
 */
export async function listImportRunRows(
  db: Kysely<Database>,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<ContractImportRow[] | undefined> {
  let query = db
    .selectFrom('contract_imports')
    .selectAll()
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.startingAfter) {
    const cursor = await db
      .selectFrom('contract_imports')
      .select(['started_at', 'id'])
      .where('id', '=', page.startingAfter)
      .executeTakeFirst();
    if (!cursor) return undefined;
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple('started_at', 'id'), '<', tuple(cursor.started_at, cursor.id)),
    );
  }
  return query.execute();
}

export function findImportRunRow(db: Kysely<Database>, id: string): Promise<ContractImportRow | undefined> {
  return db.selectFrom('contract_imports').selectAll().where('id', '=', id).executeTakeFirst();
}
