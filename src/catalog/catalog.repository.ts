import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';

export interface CatalogVersionRow {
  version: number;
  document: unknown;
  publishedAt: string;
  publishedBy: string;
  note: string | null;
}

/** The number of the latest version only: a process that has it parsed need not read the document. */
export async function findLatestCatalogVersionNumber(db: Kysely<Database>): Promise<number | undefined> {
  const row = await db
    .selectFrom('catalog_versions')
    .select('version')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.version;
}

/** Every published version number, oldest first. */
export async function listCatalogVersionNumbers(db: Kysely<Database>): Promise<number[]> {
  const rows = await db.selectFrom('catalog_versions').select('version').orderBy('version').execute();
  return rows.map((row) => row.version);
}

export async function findCatalogVersion(
  db: Kysely<Database>,
  version: number,
): Promise<CatalogVersionRow | undefined> {
  const row = await db
    .selectFrom('catalog_versions')
    .selectAll()
    .where('version', '=', version)
    .executeTakeFirst();
  return row && toRow(row);
}

export async function insertCatalogVersion(
  db: Kysely<Database>,
  values: { version: number; document: unknown; publishedBy: string; note: string | null },
): Promise<void> {
  await db
    .insertInto('catalog_versions')
    .values({
      version: values.version,
      document: JSON.stringify(values.document),
      published_by: values.publishedBy,
      note: values.note,
    })
    .execute();
}

function toRow(row: {
  version: number;
  document: unknown;
  published_at: Date;
  published_by: string;
  note: string | null;
}): CatalogVersionRow {
  return {
    version: row.version,
    document: row.document,
    publishedAt: row.published_at.toISOString(),
    publishedBy: row.published_by,
    note: row.note,
  };
}
