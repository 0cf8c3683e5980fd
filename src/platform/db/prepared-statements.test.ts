// Named prepared statements, on both engines: a registered text runs under its name (PostgreSQL lists it
// in pg_prepared_statements of the connection), answers each execution with that execution's values,
// and a text nobody registered still runs unnamed.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, openTestDatabase } from '../../../test/support/engines.js';
import type { DatabaseHandle } from './database.js';
import { prepared } from './prepared-statements.js';

describeEachEngine('prepared statements', (engine) => {
  let database: DatabaseHandle;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(() => database.close());

  it('runs a registered text as a named statement, with each execution its own values', async () => {
    const query = (n: number) =>
      sql<{ doubled: number }>`select ${n}::int * 2 as doubled, 'prepared-probe' as probe`.compile(
        database.db,
      );
    // One transaction: the statements below share its connection (a statement is named per connection).
    await database.db.transaction().execute(async (trx) => {
      const first = await trx.executeQuery(prepared(query(2)));
      const second = await trx.executeQuery(prepared(query(21)));
      expect([first.rows[0]?.doubled, second.rows[0]?.doubled]).toEqual([4, 42]);
      await trx.executeQuery(sql`select 'unnamed-probe' as probe`.compile(trx));
      const named = await sql<{ name: string; statement: string }>`
        select name, statement from pg_prepared_statements where statement like '%-probe%'`.execute(trx);
      expect(named.rows).toEqual([
        { name: expect.stringMatching(/^coverwise_\d+$/), statement: query(0).sql },
      ]);
    });
  });
});
