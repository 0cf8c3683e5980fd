// Statements marked prepared() go out named, on both engines, and answer as unnamed ones do.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine, openTestDatabase } from '../../../test/support/engines.js';
import {
  isResultTypeChanged,
  namePreparedStatements,
  PREPARED_MARK,
  prepared,
  statementName,
} from './prepared.js';
import { isDatabaseUnavailable } from './unavailable.js';

describe('prepared statements: naming', () => {
  it('names a text the same every time, differently from another text, within 63 characters', () => {
    const a = statementName(`${PREPARED_MARK}select 1`);
    expect(statementName(`${PREPARED_MARK}select 1`)).toBe(a);
    expect(statementName(`${PREPARED_MARK}select 2`)).not.toBe(a);
    expect(a.length).toBeLessThanOrEqual(63);
  });

  it('sends marked statements with their name and everything else as it came', () => {
    const calls: unknown[][] = [];
    const client = { query: (...args: unknown[]) => calls.push(args) };
    namePreparedStatements(client as never);
    const marked = `${PREPARED_MARK}select $1::int`;
    client.query(marked, [1]);
    client.query('select $1::int', [2]);
    client.query({ text: 'select 3' });
    expect(calls).toEqual([
      [{ name: statementName(marked), text: marked, values: [1] }],
      ['select $1::int', [2]],
      [{ text: 'select 3' }],
    ]);
  });
});

describeEachEngine('prepared statements', (engine) => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(() => database.close());

  it('answers a marked statement with its values each time, on every connection, in and out of transactions', async () => {
    const twice = (n: number) => prepared(sql<{ twice: number }>`select ${n}::integer * 2 as twice`);
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => twice(n).execute(database.db)));
    expect(answers.map((a) => a.rows[0]!.twice)).toEqual([2, 4, 6, 8, 10, 12]);
    const inTransaction = await database.db.transaction().execute(async (trx) => {
      const first = await twice(7).execute(trx);
      const second = await twice(8).execute(trx);
      return [first.rows[0]!.twice, second.rows[0]!.twice];
    });
    expect(inTransaction).toEqual([14, 16]);
  });

  it('runs a marked statement (raw or compiled) under its name, and an unmarked one unnamed', async () => {
    const compiled = (n: number) =>
      sql<{ doubled: number }>`select ${n}::int * 2 as doubled, 'compiled-probe' as probe`.compile(
        database.db,
      );
    // One transaction: the statements below share its connection (a statement is named per connection).
    await database.db.transaction().execute(async (trx) => {
      const first = await trx.executeQuery(prepared(compiled(2)));
      const second = await trx.executeQuery(prepared(compiled(21)));
      expect([first.rows[0]?.doubled, second.rows[0]?.doubled]).toEqual([4, 42]);
      await prepared(sql`select 'raw-probe' as probe`).execute(trx);
      await sql`select 'unnamed-probe' as probe`.execute(trx);
      const named = await sql<{ name: string; statement: string }>`
        select name, statement from pg_prepared_statements where statement like '%-probe%'
        and statement not like '%pg_prepared_statements%' order by statement`.execute(trx);
      expect(named.rows).toEqual([
        { name: statementName(prepared(compiled(0)).sql), statement: prepared(compiled(0)).sql },
        {
          name: expect.stringMatching(/^cw_[0-9a-f]{32}$/),
          statement: `${PREPARED_MARK}select 'raw-probe' as probe`,
        },
      ]);
    });
  });

  it('reports a failing marked statement and keeps the connection usable', async () => {
    const failing = prepared(sql`select 1 / ${0}::integer`);
    await expect(failing.execute(database.db)).rejects.toThrow(/division by zero/);
    await expect(failing.execute(database.db)).rejects.toThrow(/division by zero/);
    expect((await prepared(sql<{ one: number }>`select 1 as one`).execute(database.db)).rows).toEqual([
      { one: 1 },
    ]);
  });

  it('renames a statement whose result type a migration changed, so the retry of the refused request succeeds', async () => {
    await database.db.connection().execute(async (connection) => {
      await sql`create temporary table deploy_probe (amount integer)`.execute(connection);
      await sql`insert into deploy_probe values (7)`.execute(connection);
      const read = () =>
        prepared(sql<{ amount: unknown }>`select amount from deploy_probe`).execute(connection);
      expect((await read()).rows).toEqual([{ amount: 7 }]);
      // What a newer release's migration does while this process still runs.
      await sql`alter table deploy_probe alter column amount type bigint`.execute(connection);
      const refused = await read().then(
        () => null,
        (error: unknown) => error,
      );
      expect(isResultTypeChanged(refused)).toBe(true);
      expect(isDatabaseUnavailable(refused)).toBe(true);
      expect((await read()).rows).toEqual([{ amount: 7 }]);
      expect((await read()).rows).toEqual([{ amount: 7 }]);
    });
  });
});
