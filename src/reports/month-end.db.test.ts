// The month-end report against a real database (both engines): premium, claims paid and the loss ratio
// from the journal, a dealer's credit balance in the receivables aging, and the HTTP-free use case.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, openTestDatabase } from '../../test/support/engines.js';
import { ACCOUNTS } from '../accounting/chart-of-accounts.js';
import { postJournalEntry } from '../accounting/journal.repository.js';
import type { JournalLine } from '../accounting/postings.js';
import { insertRemittance } from '../dealers/dealer-statement.repository.js';
import { SYSTEM_ACTOR } from '../platform/audit/audit.repository.js';
import type { Database } from '../platform/db/schema.js';
import { monthEndCsv } from './month-end.js';
import { monthEnd } from './reports.service.js';

describeEachEngine('month-end report', (engine) => {
  let handle: Awaited<ReturnType<typeof openTestDatabase>>;
  let db: Kysely<Database>;

  const dims = (planCode: string, state: string) => ({
    planCode,
    state,
    contractId: null,
    dealerCode: 'ME-1',
  });
  const line = (account: JournalLine['account'], debitCents: number, creditCents: number, d: object) =>
    ({ account, debitCents, creditCents, ...d }) as JournalLine;
  async function post(key: string, eventType: string, effectiveOn: string, lines: JournalLine[]) {
    // The entry and its lines in one statement (the database checks the balance when it ends).
    await db.transaction().execute((trx) =>
      postJournalEntry(trx, {
        eventType,
        eventId: key,
        eventKey: `me-test:${key}`,
        effectiveOn,
        memo: key,
        lines,
        actor: SYSTEM_ACTOR,
      }),
    );
  }

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    const vsc = dims('ME_VSC', 'TX');
    const gap = dims('ME_GAP', 'MO');
    // October: written 1,000.00 of VSC in TX.
    await post('w1', 'contract_written', '2026-10-15', [
      line(ACCOUNTS.dealerReceivable, 1_000_00, 0, vsc),
      line(ACCOUNTS.unearnedPremium, 0, 1_000_00, vsc),
    ]);
    // November: written 400.00 of GAP in MO, 200.00 of VSC earned, a 50.00 repair paid, 30.00 GAP earned.
    await post('w2', 'contract_written', '2026-11-03', [
      line(ACCOUNTS.dealerReceivable, 400_00, 0, gap),
      line(ACCOUNTS.unearnedPremium, 0, 400_00, gap),
    ]);
    await post('e1', 'premium_earning', '2026-11-30', [
      line(ACCOUNTS.unearnedPremium, 200_00, 0, vsc),
      line(ACCOUNTS.earnedPremium, 0, 200_00, vsc),
      line(ACCOUNTS.unearnedPremium, 30_00, 0, gap),
      line(ACCOUNTS.earnedPremium, 0, 30_00, gap),
    ]);
    await post('c1', 'repair_claim_paid', '2026-11-20', [
      line(ACCOUNTS.claimsExpense, 50_00, 0, vsc),
      line(ACCOUNTS.cash, 0, 50_00, vsc),
    ]);
    // December (after the month): written again; not in November's figures.
    await post('w3', 'contract_written', '2026-12-02', [
      line(ACCOUNTS.dealerReceivable, 999_00, 0, vsc),
      line(ACCOUNTS.unearnedPremium, 0, 999_00, vsc),
    ]);
    // A dealer that remitted more than it owed: a credit balance.
    const dealer = await db
      .insertInto('dealers')
      .values({ code: 'ME-1', name: 'Month End Motors', state: 'TX' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const remittance = await insertRemittance(db, {
      dealerId: dealer.id,
      amountCents: 75_00,
      reference: 'ME-REM-1',
      receivedOn: '2026-11-10',
      status: 'recorded',
      createdBy: 'test',
      requestId: null,
    });
    await db
      .insertInto('dealer_account_events')
      .values({
        dealer_id: dealer.id,
        contract_id: null,
        kind: 'remittance',
        amount_cents: -75_00,
        occurred_on: '2026-11-10',
        remittance_id: remittance.id,
      })
      .execute();
  });
  afterAll(() => handle.close());

  it('reports November from the journal: written, earned, unearned, claims paid and the loss ratio', async () => {
    const report = await monthEnd(db, '2026-11');
    const mine = report.premium.filter((row) => row.planCode.startsWith('ME_'));
    expect(mine).toEqual([
      {
        planCode: 'ME_GAP',
        state: 'MO',
        writtenCents: 400_00,
        earnedCents: 30_00,
        unearnedCents: 370_00,
        claimsPaidCents: 0,
        lossRatioBasisPoints: 0,
      },
      {
        planCode: 'ME_VSC',
        state: 'TX',
        writtenCents: 0,
        earnedCents: 200_00,
        unearnedCents: 800_00,
        claimsPaidCents: 50_00,
        lossRatioBasisPoints: 2_500,
      },
    ]);
    const november = report.trend.find((row) => row.month === '2026-11');
    expect(november).toMatchObject({ earnedCents: 230_00 });
    expect(report.trend.some((row) => row.month === '2026-12')).toBe(false);
    expect(report.receivables.find((row) => row.dealerCode === 'ME-1')).toMatchObject({
      balanceCents: -75_00,
      currentCents: -75_00,
    });
    expect(Object.values(report.refunds).every((state) => state.count >= 0)).toBe(true);
    expect(monthEndCsv(report)).toContain('2026-11,premium,ME_VSC,TX,,claims_paid_cents,5000');
  });

  it('reports October before the remittance and the earning', async () => {
    const report = await monthEnd(db, '2026-10');
    expect(report.premium.find((row) => row.planCode === 'ME_VSC')).toMatchObject({
      writtenCents: 1_000_00,
      earnedCents: 0,
      unearnedCents: 1_000_00,
      lossRatioBasisPoints: null,
    });
    expect(report.receivables.find((row) => row.dealerCode === 'ME-1')).toBeUndefined();
  });
});
