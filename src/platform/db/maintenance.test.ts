import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine, openTestDatabase } from '../../../test/support/engines.js';
import {
  AUTOVACUUM_DEFAULTS,
  maintainDatabase,
  type TableActivity,
  tablesToMaintain,
} from './maintenance.js';
import { readTableActivity } from './maintenance.repository.js';

const table = (counts: Partial<TableActivity>): TableActivity => ({
  schema: 'public',
  table: 't',
  rows: 0,
  deadRows: 0,
  changedSinceAnalyze: 0,
  insertedSinceVacuum: 0,
  ...counts,
});

describe("autovacuum's rules", () => {
  it.each([
    // rows, dead, changed, inserted → vacuum, analyze
    ['nothing happened', 0, 0, 0, 0, false, false],
    ['50 changes on an empty table: not more than the threshold', 0, 0, 50, 0, false, false],
    ['51 changes on an empty table', 0, 0, 51, 0, false, true],
    ['a never-analyzed table (rows -1) counts as empty', -1, 0, 51, 0, false, true],
    ['150 changes of 1,000 rows: 50 + 10% = 150, not more', 1000, 0, 150, 0, false, false],
    ['151 changes of 1,000 rows', 1000, 0, 151, 0, false, true],
    ['250 dead of 1,000 rows: 50 + 20% = 250, not more', 1000, 250, 0, 0, false, false],
    ['251 dead of 1,000 rows', 1000, 251, 0, 0, true, false],
    [
      '1,200 inserted into 1,000 rows since the last vacuum: 1,000 + 20%, not more',
      1000,
      0,
      0,
      1200,
      false,
      false,
    ],
    ['1,201 inserted since the last vacuum', 1000, 0, 0, 1201, true, false],
    ['dead rows and changes both over', 100, 80, 70, 0, true, true],
    ['a million rows, 100k changes: under 50 + 100k', 1_000_000, 0, 100_000, 0, false, false],
  ])('%s', (_, rows, deadRows, changedSinceAnalyze, insertedSinceVacuum, vacuum, analyze) => {
    const due = tablesToMaintain([table({ rows, deadRows, changedSinceAnalyze, insertedSinceVacuum })]);
    expect(due).toEqual(vacuum || analyze ? [{ schema: 'public', table: 't', vacuum, analyze }] : []);
  });

  it('takes other thresholds', () => {
    const strict = { ...AUTOVACUUM_DEFAULTS, analyzeThreshold: 0, analyzeScaleFactor: 0 };
    expect(tablesToMaintain([table({ changedSinceAnalyze: 1 })], strict)).toEqual([
      { schema: 'public', table: 't', vacuum: false, analyze: true },
    ]);
  });
});

describeEachEngine('maintaining the database by those rules', (engine) => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(() => database.close());

  /** The table's counts, once its writer's counts have reached the statistics (flushed on one connection). */
  async function written(statements: ReturnType<typeof sql>[]) {
    await database.db.connection().execute(async (connection) => {
      for (const statement of statements) await statement.execute(connection);
      await sql`select pg_stat_force_next_flush()`.execute(connection);
      await sql`select 1`.execute(connection);
    });
  }
  const activityOf = async (name: string) =>
    (await readTableActivity(database.db)).find((t) => t.schema === 'public' && t.table === name)!;

  it('analyzes a table whose rows changed past the threshold and vacuums its dead rows away', async () => {
    await written([
      // A server's own autovacuum (where it is on) must not get to the table first.
      sql`create table maintenance_probe (id integer primary key, note text) with (autovacuum_enabled = false)`,
      sql`insert into maintenance_probe select g, 'new' from generate_series(1, 2000) g`,
      sql`update maintenance_probe set note = 'changed' where id <= 1000`,
    ]);
    const before = await activityOf('maintenance_probe');
    expect(before).toMatchObject({ deadRows: 1000, changedSinceAnalyze: 3000, insertedSinceVacuum: 2000 });

    const done = await maintainDatabase(database.db);
    expect(done.vacuumed).toContain('public.maintenance_probe');
    expect(done.analyzed).toContain('public.maintenance_probe');
    await written([]);
    const after = await activityOf('maintenance_probe');
    expect(after).toMatchObject({ rows: 2000, deadRows: 0, changedSinceAnalyze: 0, insertedSinceVacuum: 0 });
    // Nothing is due any more: a second pass leaves the table alone.
    const again = await maintainDatabase(database.db);
    expect(again.vacuumed).not.toContain('public.maintenance_probe');
    expect(again.analyzed).not.toContain('public.maintenance_probe');
  });
});
