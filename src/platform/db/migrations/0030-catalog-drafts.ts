// The catalog editor's draft (issue 19, "Catalog editor"): administrators edit one shared draft of the
// next catalog version with forms, see its diff against the current version and its what-if, and
// publish it with a note. The draft lives in the database, not in a browser, so nothing typed is lost
// on a refresh or another machine and two administrators see the same draft; `revision` lets a save
// that was based on an older copy be refused instead of silently overwriting a colleague's change.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('catalog_drafts')
    .addColumn('id', 'smallint', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('base_version', 'integer', (c) => c.notNull().references('catalog_versions.version'))
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('catalog_drafts').execute();
}
