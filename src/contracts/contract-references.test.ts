// A contract's catalog version and import run must exist (migration 0012 checks them per statement
// instead of per row): every way of writing a contract is refused when one of them does not, the two
// never change, and the import runs they name cannot go away.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syntheticRows } from '../../bench/portfolio.js';
import { describeEachEngine, openTestDatabase } from '../../test/support/engines.js';
import { createCatalogService } from '../catalog/catalog.service.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import type { NewContractRow } from '../platform/db/schema.js';
import { CONTRACTS_COPY_SQL, contractCopyLine } from './contract.repository.js';

const catalog = loadDefaultCatalog();
let next = 0;
function contractRow(overrides: Partial<NewContractRow> = {}): NewContractRow {
  const [row] = [...syntheticRows(1, catalog, 1, 7_000_000 + next++)];
  return { ...row!, ...overrides };
}

describeEachEngine('contract references', (engine) => {
  let database: DatabaseHandle;
  let importId: string;
  const count = async () =>
    Number((await sql<{ n: string }>`select count(*) as n from contracts`.execute(database.db)).rows[0]!.n);

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await createCatalogService({ db: database.db }).ensureDefault();
    const run = await database.db
      .insertInto('contract_imports')
      .values({ file_name: 'refs.csv', status: 'finished', started_by: 'test' })
      .returning('id')
      .executeTakeFirstOrThrow();
    importId = run.id;
  });
  afterAll(() => database.close());

  it('takes contracts whose catalog version and import run exist, by INSERT and by COPY', async () => {
    const before = await count();
    await database.db
      .insertInto('contracts')
      .values([contractRow(), contractRow({ import_id: importId })])
      .execute();
    await database.transactionWithCopy((_trx, copyIn) =>
      copyIn(CONTRACTS_COPY_SQL, `${contractCopyLine(contractRow({ import_id: importId }))}\n`),
    );
    expect(await count()).toBe(before + 3);
  });

  it.each([
    {
      name: 'a catalog version that does not exist',
      bad: () => ({ catalog_version: 999 }),
      column: 'catalog version 999',
    },
    {
      name: 'an import run that does not exist',
      bad: () => ({ import_id: randomUUID() }),
      column: 'import run',
    },
  ])('refuses the whole statement when one row names $name', async ({ bad, column }) => {
    const before = await count();
    const insert = database.db
      .insertInto('contracts')
      .values([contractRow(), contractRow(bad()), contractRow()])
      .execute();
    await expect(insert).rejects.toMatchObject({ code: '23503', message: expect.stringContaining(column) });
    const copy = database.transactionWithCopy((_trx, copyIn) =>
      copyIn(
        CONTRACTS_COPY_SQL,
        `${contractCopyLine(contractRow())}\n${contractCopyLine(contractRow(bad()))}\n`,
      ),
    );
    await expect(copy).rejects.toMatchObject({ code: '23503' });
    expect(await count()).toBe(before);
  });

  let secondVersion: number | null = null;
  /** A second catalog version that exists, so that the change itself is what is refused. */
  async function anotherVersion(): Promise<number> {
    if (secondVersion === null) {
      await database.db
        .insertInto('catalog_versions')
        .values({ version: 2, document: JSON.stringify(catalog), published_by: 'test', note: null })
        .execute();
      secondVersion = 2;
    }
    return secondVersion;
  }

  it.each([
    { name: 'catalog version', change: async () => ({ catalog_version: await anotherVersion() }) },
    { name: 'import run', change: async () => ({ import_id: null }) },
  ])('refuses to change a contract’s $name, and takes other changes', async ({ change }) => {
    const row = contractRow({ import_id: importId, catalog_version: 1 });
    const { id } = await database.db
      .insertInto('contracts')
      .values(row)
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      database.db
        .updateTable('contracts')
        .set(await change())
        .where('id', '=', id)
        .execute(),
    ).rejects.toMatchObject({ code: '23000' });
    await database.db.updateTable('contracts').set({ status: 'cancelled' }).where('id', '=', id).execute();
    // Setting the same value is not a change.
    await database.db.updateTable('contracts').set({ import_id: importId }).where('id', '=', id).execute();
  });

  it.each([
    { name: 'deleted', statement: () => sql`delete from contract_imports where id = ${importId}` },
    { name: 'truncated', statement: () => sql`truncate contract_imports cascade` },
    {
      name: 'renumbered',
      statement: () => sql`update contract_imports set id = ${randomUUID()} where id = ${importId}`,
    },
  ])('keeps the import runs contracts name: one cannot be $name', async ({ statement }) => {
    await expect(statement().execute(database.db)).rejects.toMatchObject({ code: '23000' });
    const run = await database.db
      .selectFrom('contract_imports')
      .select('id')
      .where('id', '=', importId)
      .executeTakeFirst();
    expect(run?.id).toBe(importId);
  });

  it('still lets a run’s status and counters change', async () => {
    await database.db
      .updateTable('contract_imports')
      .set({ status: 'failed', accepted: 3 })
      .where('id', '=', importId)
      .execute();
  });
});
