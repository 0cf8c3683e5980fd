// Migration 0054: premium of contracts that are on no dealer statement moves from the dealer receivable
// (1100) to account 1110, by reclassification entries dated the day each premium went on the books (so the
// dealer receivable ties to the statements at every date); a contract on its dealer's statement and a
// voided contract stay as they were; the books still balance; going down is refused once 1110 has lines.
import type { Kysely, Migrator } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import {
  databaseAtMigration,
  insertMigrationContract,
  type MigratedDatabase,
} from '../../test/support/migrated-database.js';

const BEFORE = '0051-lender-event-csv-columns';
const AFTER = '0054-premium-receivable-off-statement';
const DEALER = 'dddddddd-0000-4000-8000-000000000054';
const [STAFF_WRITTEN, BOOKED, VOIDED, SECOND_DAY] = [
  'c1c1c1c1-0000-4000-8000-000000000541',
  'c1c1c1c1-0000-4000-8000-000000000542',
  'c1c1c1c1-0000-4000-8000-000000000543',
  'c1c1c1c1-0000-4000-8000-000000000544',
];

/** A contract's own written entry, its premium on 1100 as the code before 0054 posted it. */
async function written(db: Kysely<unknown>, contractId: string, premium: number, on: string, void_ = false) {
  const lines = (entry: string) => sql`
    insert into journal_lines (entry_id, line_number, account_code, debit_cents, credit_cents, contract_id,
        plan_code, state, dealer_code)
    select id, 1, '1100', ${void_ ? 0 : premium}::bigint, ${void_ ? premium : 0}::bigint, ${contractId}::uuid,
           'VALUE_GUARD', 'TX', 'D-54'
      from ${sql.raw(entry)}
    union all
    select id, 2, '2000', ${void_ ? premium : 0}::bigint, ${void_ ? 0 : premium}::bigint, ${contractId}::uuid,
           'VALUE_GUARD', 'TX', 'D-54'
      from ${sql.raw(entry)}`;
  const type = void_ ? 'contract_voided' : 'contract_written';
  await sql`
    with entry as (
      insert into journal_entries (effective_on, event_type, event_id, event_key, contract_id, memo, created_by)
      values (${on}::date, ${type}, ${contractId}, ${`${type}:${contractId}`}, ${contractId}::uuid, 'test', 'test')
      returning id
    )
    ${lines('entry')}`.execute(db);
}

describeEachEngine('migration 0054 (premium receivable not on a dealer statement)', (engine) => {
  let database: MigratedDatabase;
  let migrator: Migrator;
  let db: Kysely<unknown>;

  const accountNet = async (account: string, asOf = '2099-12-31') =>
    Number(
      (
        await sql<{ net: string }>`
          select coalesce(sum(l.debit_cents - l.credit_cents), 0)::bigint::text as net
            from journal_lines l join journal_entries e on e.id = l.entry_id
           where l.account_code = ${account} and e.effective_on <= ${asOf}::date`.execute(db)
      ).rows[0]!.net,
    );

  beforeAll(async () => {
    database = await databaseAtMigration(engine, BEFORE);
    ({ migrator, db } = database);
    await sql`insert into dealers (id, code, name, state) values (${DEALER}, 'D-54', 'Plaza 54', 'TX')`.execute(
      db,
    );
    for (const [id, n, price, status] of [
      [STAFF_WRITTEN, 1, 150_000, 'active'],
      [BOOKED, 2, 180_000, 'active'],
      [VOIDED, 3, 90_000, 'void'],
      [SECOND_DAY, 4, 70_000, 'cancelled'],
    ] as const) {
      await insertMigrationContract(db, {
        id,
        contractNumber: `MIG-54-${n}`,
        vin: `1HGCM82633A00454${n}`,
        priceCents: price,
        status,
      });
      await sql`update contracts set selling_dealer_code = 'D-54' where id = ${id}`.execute(db);
    }
    // On its dealer's statement: a dealer account and a dealer cost.
    await sql`update contracts set dealer_id = ${DEALER}, dealer_cost_cents = 120000 where id = ${BOOKED}`.execute(
      db,
    );
    await written(db, STAFF_WRITTEN, 150_000, '2026-02-01');
    await written(db, BOOKED, 120_000, '2026-02-01');
    await written(db, VOIDED, 90_000, '2026-02-01');
    await written(db, VOIDED, 90_000, '2026-02-03', true);
    await written(db, SECOND_DAY, 70_000, '2026-03-10');
    expect((await migrator.migrateTo(AFTER)).error).toBeUndefined();
  });
  afterAll(() => database?.close());

  it('moves the premium of contracts on no statement to 1110, one entry per day it was written, dated that day', async () => {
    const entries = await sql<{ effective_on: string; account_code: string; debit: string; credit: string }>`
      select to_char(e.effective_on, 'YYYY-MM-DD') as effective_on, l.account_code,
             l.debit_cents::text as debit, l.credit_cents::text as credit, l.dealer_code, l.plan_code, l.state
        from journal_entries e join journal_lines l on l.entry_id = e.id
       where e.event_type = 'reclassification_premium_receivable'
       order by e.effective_on, l.line_number`.execute(db);
    expect(entries.rows).toEqual([
      {
        effective_on: '2026-02-01',
        account_code: '1110',
        debit: '150000',
        credit: '0',
        dealer_code: 'D-54',
        plan_code: 'VALUE_GUARD',
        state: 'TX',
      },
      {
        effective_on: '2026-02-01',
        account_code: '1100',
        debit: '0',
        credit: '150000',
        dealer_code: 'D-54',
        plan_code: 'VALUE_GUARD',
        state: 'TX',
      },
      {
        effective_on: '2026-03-10',
        account_code: '1110',
        debit: '70000',
        credit: '0',
        dealer_code: 'D-54',
        plan_code: 'VALUE_GUARD',
        state: 'TX',
      },
      {
        effective_on: '2026-03-10',
        account_code: '1100',
        debit: '0',
        credit: '70000',
        dealer_code: 'D-54',
        plan_code: 'VALUE_GUARD',
        state: 'TX',
      },
    ]);
  });

  it.each([
    // Before the second day: only the first contract written off a statement has moved.
    ['2026-02-15', 120_000, 150_000],
    ['2026-12-31', 120_000, 220_000],
  ])(
    'leaves on 1100, as of %s, only the booked contract (the void nets to nothing)',
    async (asOf, dealer, off) => {
      expect(await accountNet('1100', asOf)).toBe(dealer);
      expect(await accountNet('1110', asOf)).toBe(off);
    },
  );

  it('keeps the books balanced and names the new account', async () => {
    const total = await sql<{ debit: string; credit: string }>`
      select sum(debit_cents)::text as debit, sum(credit_cents)::text as credit from journal_lines`.execute(
      db,
    );
    expect(total.rows[0]!.debit).toBe(total.rows[0]!.credit);
    const account = await sql`select code, type, normal_balance from gl_accounts where code = '1110'`.execute(
      db,
    );
    expect(account.rows).toEqual([{ code: '1110', type: 'asset', normal_balance: 'debit' }]);
  });

  it('refuses to go down once 1110 has lines', async () => {
    const { error } = await migrator.migrateDown();
    expect(String(error)).toMatch(/cannot be rolled back/);
    expect(await accountNet('1110')).toBe(220_000);
  });
});
