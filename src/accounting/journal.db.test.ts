// The general ledger's guarantees in the database itself (both engines): an unbalanced entry, an entry
// of one line or none, an entry whose lines are split over two statements and a line added later to a
// posted entry are refused by the statement that writes them (migration 0039); journal rows cannot be
// updated or deleted; an event posts once; and coverwise_unearned_cents() is premium-earning.ts in SQL.
import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, openTestDatabase } from '../../test/support/engines.js';
import { SYSTEM_ACTOR } from '../platform/audit/audit.repository.js';
import type { Database } from '../platform/db/schema.js';
import { addDays, addMonths, daysBetween } from '../shared/calendar-date.js';
import { ACCOUNTS } from './chart-of-accounts.js';
import { postJournalEntry, trialBalance } from './journal.repository.js';
import { feeReceivedLines } from './postings.js';
import { unearnedCents } from './premium-earning.js';

describeEachEngine('general ledger in the database', (engine) => {
  let handle: Awaited<ReturnType<typeof openTestDatabase>>;
  let db: Kysely<Database>;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
  });
  afterAll(() => handle.close());

  async function entryRow(key: string) {
    return sql<{ id: string }>`
      insert into journal_entries (effective_on, event_type, event_id, event_key, memo, created_by)
      values ('2026-11-30', 'test', ${key}, ${key}, 'test', 'test') returning id`.execute(db);
  }

  function refusal(error: unknown): string {
    return String((error as { message?: string }).message ?? error);
  }

  /** An entry and its lines in one statement, as the app writes them. */
  function entryWithLines(key: string, lines: [account: string, debit: number, credit: number][]) {
    const values = sql.join(
      lines.map(
        ([account, debit, credit], index) =>
          sql`(${index + 1}::integer, ${account}::text, ${debit}::bigint, ${credit}::bigint)`,
      ),
    );
    return sql`
      with entry as (
        insert into journal_entries (effective_on, event_type, event_id, event_key, memo, created_by)
        values ('2026-11-30', 'test', ${key}, ${key}, 'test', 'test') returning id
      )
      insert into journal_lines (entry_id, line_number, account_code, debit_cents, credit_cents)
      select entry.id, v.n, v.account, v.debit, v.credit
        from entry cross join (values ${values}) as v (n, account, debit, credit)`;
  }

  it('refuses an entry whose debits and credits differ', async () => {
    const attempt = db.transaction().execute(async (trx) => {
      await entryWithLines('test:unbalanced', [
        ['1000', 10000, 0],
        ['4100', 0, 9999],
      ]).execute(trx);
    });
    await expect(attempt).rejects.toSatisfy((error) => /does not balance/.test(refusal(error)));
    const left = await sql`select 1 from journal_entries where event_key = 'test:unbalanced'`.execute(db);
    expect(left.rows).toHaveLength(0);
    // The same entry balanced is written.
    await entryWithLines('test:balanced', [
      ['5000', 10000, 0],
      ['2100', 0, 10000],
    ]).execute(db);
    const written = await sql`select 1 from journal_entries where event_key = 'test:balanced'`.execute(db);
    expect(written.rows).toHaveLength(1);
  });

  it('refuses an entry with one line or none, and one whose lines come in two statements', async () => {
    await expect(entryWithLines('test:one-line', [['1000', 0, 0]]).execute(db)).rejects.toBeDefined();
    await expect(entryRow('test:no-lines')).rejects.toSatisfy((error) =>
      /does not balance/.test(refusal(error)),
    );
    const split = db.transaction().execute(async (trx) => {
      const entry = await entryWithLines('test:split', [
        ['1000', 500, 0],
        ['4100', 0, 500],
      ]).execute(trx);
      expect(entry.numAffectedRows).toBe(2n);
      const id = await sql<{
        id: string;
      }>`select id from journal_entries where event_key = 'test:split'`.execute(trx);
      // Two more lines that balance together, each statement leaving the entry unbalanced.
      await sql`insert into journal_lines (entry_id, line_number, account_code, debit_cents, credit_cents)
        values (${id.rows[0]!.id}, 3, '1000', 7, 0)`.execute(trx);
      await sql`insert into journal_lines (entry_id, line_number, account_code, debit_cents, credit_cents)
        values (${id.rows[0]!.id}, 4, '4100', 0, 7)`.execute(trx);
    });
    await expect(split).rejects.toSatisfy((error) => /does not balance/.test(refusal(error)));
    const left =
      await sql`select 1 from journal_entries where event_key in ('test:one-line', 'test:no-lines', 'test:split')`.execute(
        db,
      );
    expect(left.rows).toHaveLength(0);
  });

  it('posts a balanced entry once per event key and refuses a line added to it later', async () => {
    const post = () =>
      db.transaction().execute((trx) =>
        postJournalEntry(trx, {
          eventType: 'transfer_fee',
          eventId: 'fee-1',
          eventKey: 'transfer_fee:fee-1',
          effectiveOn: '2026-11-30',
          memo: 'test fee',
          lines: feeReceivedLines(5000, {}),
          actor: SYSTEM_ACTOR,
        }),
      );
    const first = await post();
    expect(first).not.toBeNull();
    expect(await post()).toBeNull();
    const addLine = db.transaction().execute(async (trx) => {
      await sql`insert into journal_lines (entry_id, line_number, account_code, debit_cents, credit_cents)
        values (${first!.id}, 3, '1000', 1, 0)`.execute(trx);
    });
    await expect(addLine).rejects.toSatisfy((error) => /does not balance/.test(refusal(error)));
    const balances = await trialBalance(db, '2026-12-31');
    const cash = balances.find((account) => account.code === ACCOUNTS.cash)!;
    expect(cash.debitCents).toBe(5000);
  });

  it('refuses to update or delete a journal entry, a line or an account', async () => {
    // Row triggers fire on rows: make sure there is one of each.
    await db.transaction().execute((trx) =>
      postJournalEntry(trx, {
        eventType: 'transfer_fee',
        eventId: 'fee-2',
        eventKey: 'transfer_fee:fee-2',
        effectiveOn: '2026-11-30',
        memo: 'test fee',
        lines: feeReceivedLines(100, {}),
        actor: SYSTEM_ACTOR,
      }),
    );
    const statements = [
      sql`update journal_lines set debit_cents = debit_cents + 1`,
      sql`delete from journal_lines`,
      sql`update journal_entries set memo = 'changed'`,
      sql`delete from journal_entries`,
      sql`truncate journal_lines`,
      sql`update gl_accounts set name = 'x'`,
    ];
    for (const statement of statements) {
      await expect(statement.execute(db)).rejects.toSatisfy((error) => /append-only/.test(refusal(error)));
    }
  });

  it('computes the unearned premium in SQL exactly as premium-earning.ts does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          premiumCents: fc.integer({ min: 0, max: 50_000_000 }),
          purchaseDay: fc.integer({ min: 0, max: 3_000 }),
          termMonths: fc.integer({ min: 1, max: 120 }),
          asOfOffset: fc.integer({ min: -400, max: 4_000 }),
          method: fc.constantFrom('pro_rata' as const, 'rule_of_78s' as const),
        }),
        async (c) => {
          const purchaseDate = addDays('2018-01-31', c.purchaseDay);
          const expiresOn = addMonths(purchaseDate, c.termMonths);
          const termDays = daysBetween(purchaseDate, expiresOn);
          const asOf = addDays(purchaseDate, c.asOfOffset);
          const contract = { premiumCents: c.premiumCents, expiresOn, termDays, termMonths: c.termMonths };
          const result = await sql<{ unearned: number }>`
            select coverwise_unearned_cents(${c.premiumCents}::bigint, ${expiresOn}::date, ${termDays}::integer,
              ${c.termMonths}::integer, ${asOf}::date, ${c.method}) as unearned`.execute(db);
          expect(Number(result.rows[0]!.unearned)).toBe(unearnedCents(contract, asOf, c.method));
        },
      ),
      { numRuns: 150, seed: 16 },
    );
  });
});
