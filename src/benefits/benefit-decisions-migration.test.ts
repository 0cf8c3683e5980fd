// Migration 0049: rental and trip-interruption claims take `approved` and `denied`, with who decided and
// when (the database refuses a decision that names no one, and a denial without its reason code). Claims
// filed before stay as they were: `submitted` ones wait for a decision, `paid` ones stay paid. Going down
// refuses while a denied claim exists (it has no status before 0049) and turns approved claims back into
// submitted ones.
import type { Kysely, Migrator } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import {
  databaseAtMigration,
  insertMigrationContract,
  type MigratedDatabase,
} from '../../test/support/migrated-database.js';

const BEFORE = '0048-contract-import-failure';
const AFTER = '0049-benefit-claim-decisions';
const CONTRACT = 'c1c1c1c1-0000-4000-8000-000000000049';
const [WAITING, PAID] = ['d1d1d1d1-0000-4000-8000-000000000001', 'd1d1d1d1-0000-4000-8000-000000000002'];

describeEachEngine('migration 0049 (benefit claim decisions)', (engine) => {
  let database: MigratedDatabase;
  let migrator: Migrator;
  let db: Kysely<unknown>;

  const statuses = async () =>
    (
      await sql<{
        id: string;
        status: string;
      }>`select id, status from trip_interruption_claims order by id`.execute(db)
    ).rows.map((row) => [row.id, row.status]);

  beforeAll(async () => {
    database = await databaseAtMigration(engine, BEFORE);
    ({ migrator, db } = database);
    await insertMigrationContract(db, { id: CONTRACT, contractNumber: 'MIG-49', vin: '1HGCM82633A004490' });
    for (const [id, status, day] of [
      [WAITING, 'submitted', '2026-11-01'],
      [PAID, 'paid', '2026-10-01'],
    ] as const)
      await sql`insert into trip_interruption_claims (id, contract_id, status, breakdown_on, miles_from_home,
          requested_cents, payable_cents, lines, created_by, created_at, review_due_on)
        values (${id}, ${CONTRACT}, ${status}, ${day}, 300, 9000, 9000, '[]', 'test', ${`${day}T15:00:00Z`},
          ${day})`.execute(db);
    expect((await migrator.migrateTo(AFTER)).error).toBeUndefined();
  });
  afterAll(() => database?.close());

  it('keeps the claims filed before as they were', async () => {
    expect(await statuses()).toEqual([
      [WAITING, 'submitted'],
      [PAID, 'paid'],
    ]);
  });

  it.each([
    ['an approval that names no one', `status = 'approved'`],
    ['a denial without its reason code', `status = 'denied', decided_by = 'a', decided_at = now()`],
    ['a status that does not exist', `status = 'rejected'`],
  ])('refuses %s', async (_name, set) => {
    await expect(
      sql`update trip_interruption_claims set ${sql.raw(set)} where id = ${WAITING}`.execute(db),
    ).rejects.toThrow(/check constraint/);
  });

  it('goes down only without denied claims, turning approved ones back into submitted ones', async () => {
    await sql`update trip_interruption_claims set status = 'denied', decided_by = 'a', decided_at = now(),
      decision_reason_code = 'receipts_missing' where id = ${WAITING}`.execute(db);
    expect(((await migrator.migrateTo(BEFORE)).error as Error | undefined)?.message).toMatch(/denied claims/);
    await sql`update trip_interruption_claims set status = 'approved', decision_reason_code = null
      where id = ${WAITING}`.execute(db);
    expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
    expect(await statuses()).toEqual([
      [WAITING, 'submitted'],
      [PAID, 'paid'],
    ]);
    expect((await migrator.migrateTo(AFTER)).error).toBeUndefined();
  });
});
