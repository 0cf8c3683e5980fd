// transactionWithCopy: COPY inside a transaction, on both engines: what it loads commits and rolls
// back with the transaction's other statements, and a failed COPY under a savepoint leaves the
// transaction usable.
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachEngine, openTestDatabase } from '../../../test/support/engines.js';
import type { DatabaseHandle } from './database.js';

const COPY_SQL = 'COPY copy_probe (key, note) FROM STDIN WITH (FORMAT csv)';

describeEachEngine('transactionWithCopy', (engine) => {
  let database: DatabaseHandle;
  const keys = async () =>
    (await sql<{ key: string }>`select key from copy_probe order by key`.execute(database.db)).rows.map(
      (row) => row.key,
    );

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await sql`create table copy_probe (key text primary key, note text)`.execute(database.db);
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await sql`delete from copy_probe`.execute(database.db);
  });

  it('commits the copied rows with the statements around them and counts them', async () => {
    const copied = await database.transactionWithCopy(async (trx, copyIn) => {
      await sql`insert into copy_probe values ('a', 'insert')`.execute(trx);
      const count = await copyIn(COPY_SQL, 'b,"with, comma"\nc,\n');
      // The transaction's own statements see the copied rows before the commit.
      const seen = await sql<{ n: number }>`select count(*)::int as n from copy_probe`.execute(trx);
      expect(seen.rows[0]!.n).toBe(3);
      return count;
    });
    expect(copied).toBe(2);
    expect(await keys()).toEqual(['a', 'b', 'c']);
    const notes = await sql<{ note: string | null }>`select note from copy_probe order by key`.execute(
      database.db,
    );
    expect(notes.rows.map((row) => row.note)).toEqual(['insert', 'with, comma', null]);
  });

  it('rolls the copied rows back when the work fails after the COPY', async () => {
    await expect(
      database.transactionWithCopy(async (trx, copyIn) => {
        await copyIn(COPY_SQL, 'x,1\ny,2\n');
        await sql`insert into copy_probe values ('z', null)`.execute(trx);
        throw new Error('after the copy');
      }),
    ).rejects.toThrow('after the copy');
    expect(await keys()).toEqual([]);
  });

  it('keeps the transaction usable after a COPY that failed under a savepoint', async () => {
    await sql`insert into copy_probe values ('dup', 'before')`.execute(database.db);
    await database.transactionWithCopy(async (trx, copyIn) => {
      await sql`savepoint before_copy`.execute(trx);
      await expect(copyIn(COPY_SQL, 'new,1\ndup,2\n')).rejects.toMatchObject({ code: '23505' });
      await sql`rollback to savepoint before_copy`.execute(trx);
      await sql`insert into copy_probe values ('after', null)`.execute(trx);
    });
    expect(await keys()).toEqual(['after', 'dup']);
  });

  it('gives the pool its connections back, whatever happened in the transaction', async () => {
    // More transactions than the test pool has connections: a leaked one would hang here.
    for (let i = 0; i < 6; i++) {
      await database
        .transactionWithCopy(async (_trx, copyIn) => {
          await copyIn(COPY_SQL, `k${i},\n`);
          if (i % 2 === 0) throw new Error('fail');
        })
        .catch(() => {});
    }
    await expect(
      database.transactionWithCopy((_trx, copyIn) => copyIn(COPY_SQL, 'bad row with no comma "\n')),
    ).rejects.toThrow();
    expect(await keys()).toEqual(['k1', 'k3', 'k5']);
  });
});
