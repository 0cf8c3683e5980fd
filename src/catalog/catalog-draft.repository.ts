// The catalog editor's one shared draft (migration 0030).
import { type Kysely, sql } from 'kysely';
import type { Database } from '../platform/db/schema.js';

export interface CatalogDraftRow {
  baseVersion: number;
  document: unknown;
  revision: number;
  updatedBy: string;
  updatedAt: string;
}

export async function findCatalogDraft(
  db: Kysely<Database>,
  forUpdate = false,
): Promise<CatalogDraftRow | undefined> {
  let query = db.selectFrom('catalog_drafts').selectAll().where('id', '=', 1);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return (
    row && {
      baseVersion: row.base_version,
      document: row.document,
      revision: row.revision,
      updatedBy: row.updated_by,
      updatedAt: row.updated_at.toISOString(),
    }
  );
}

/** Writes the draft (a first save creates it); the caller has checked the revision under a lock. */
export async function writeCatalogDraft(
  db: Kysely<Database>,
  values: { baseVersion: number; document: unknown; revision: number; updatedBy: string; updatedAt: Date },
): Promise<void> {
  const row = {
    id: 1,
    base_version: values.baseVersion,
    document: JSON.stringify(values.document),
    revision: values.revision,
    updated_by: values.updatedBy,
    updated_at: values.updatedAt,
  };
  await db
    .insertInto('catalog_drafts')
    .values(row)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        base_version: row.base_version,
        document: row.document,
        revision: row.revision,
        updated_by: row.updated_by,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

export async function deleteCatalogDraft(db: Kysely<Database>): Promise<boolean> {
  const result = await db.deleteFrom('catalog_drafts').where('id', '=', 1).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Serializes writers of the one draft (a transaction-scoped advisory lock: a first save has no row to lock yet). */
export async function lockCatalogDraft(trx: Kysely<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended('coverwise.catalog_draft', 0))`.execute(trx);
}
