// The month-end earning run on both engines, through the HTTP API as administrators use it. Each test has
// a portfolio and a clock of its own: a run earns everything up to its month's end, so what one test earns
// would change what another may run.
//
// - a month posts one entry per plan and state, once;
// - a contract earns from the month its premium went on the books, not from its purchase date;
// - a month before one already earned is refused (it would restate a closed month);
// - a void contract's earnings are given back by the next run;
// - a GAP addendum whose benefit was paid earns its whole premium by the first run after the payment;
// - property: after any sequence of bookings, repairs, cancellations, voids of time and month-end runs
//   (the clock only moving forward), the books balance at every month's end, and neither unearned nor
//   earned premium is ever a debit balance there.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { describeEachEngine, type TestEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import {
  balances,
  creditBalance,
  type EntryView,
  net,
  trialBalanceOf,
} from '../../test/support/journal-entries.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import {
  brakesEstimate,
  gapAddendumBody,
  staffVscBody,
  vinSequence,
} from '../../test/support/staff-contracts.js';
import { SYSTEM_ACTOR } from '../platform/audit/audit.repository.js';
import { FakeClock } from '../platform/clock.js';
import { addDays, addMonths, type CalendarDate, daysBetween } from '../shared/calendar-date.js';
import { ACCOUNTS } from './chart-of-accounts.js';
import { postContractVoided } from './journal-postings.js';

const nextVin = vinSequence(700);

/** The last day of `month` (YYYY-MM). */
function monthEnd(month: string): CalendarDate {
  return addDays(addMonths(`${month}-01`, 1), -1);
}

/** A server of its own (the demo portfolio, booked on the clock's first day) and its staff. */
async function books(engine: TestEngine, startsOn: string) {
  const clock = new FakeClock(`${startsOn}T15:00:00Z`);
  const server = await startTestServer({ engine, clock });
  const clients = async () => ({
    admin: await staffClient(server, 'admin@coverwise.test'),
    adjuster: await staffClient(server, 'adjuster@coverwise.test'),
    shop: await staffClient(server, 'shop@coverwise.test'),
  });
  let staff = await clients();
  const today = () => clock.now().toISOString().slice(0, 10);

  return {
    server,
    clock,
    today,
    staff: () => staff,
    /** Moves the clock on, and signs the staff in again (their sessions would have lapsed). */
    async advanceTo(day: string) {
      clock.set(`${day}T15:00:00Z`);
      staff = await clients();
    },
    async entriesOf(query: string): Promise<EntryView[]> {
      const response = await staff.admin({ url: `/api/v1/accounting/journal-entries?limit=100&${query}` });
      expect(response.statusCode, response.body).toBe(200);
      return response.json().data;
    },
    /** A contract booked today: its premium written to the books today. */
    async book(overrides: Record<string, unknown> = {}) {
      const response = await staff.admin({
        method: 'POST',
        url: '/api/v1/contracts',
        payload: staffVscBody(nextVin(), overrides),
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json() as { id: string; vehicle: { vin: string } };
    },
    earn(month: string) {
      return staff.admin({ method: 'POST', url: '/api/v1/accounting/earning-runs', payload: { month } });
    },
    trialBalance: (asOf: string) => trialBalanceOf(staff.admin, asOf),
    /** Premium earned by the earning runs in one state, from the journal. */
    async earnedIn(state: string): Promise<number> {
      const rows = await sql<{ earned: number }>`
        select coalesce(sum(l.credit_cents - l.debit_cents), 0)::bigint as earned
          from journal_lines l join journal_entries e on e.id = l.entry_id
         where l.account_code = '4000' and l.state = ${state} and e.event_type = 'premium_earning'`.execute(
        server.built.database.db,
      );
      return Number(rows.rows[0]!.earned);
    },
  };
}

describeEachEngine('month-end premium earning', (engine) => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('refuses a month that has not ended and a malformed month', async () => {
    const ledger = await books(engine, '2026-11-25');
    server = ledger.server;
    for (const month of ['2026-11', '2026-13']) {
      const response = await ledger.earn(month);
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ code: 'invalid_date', param: 'month' });
    }
  });

  it('posts one entry per plan and state for a month, once, and keeps the books balanced', async () => {
    const ledger = await books(engine, '2026-10-12');
    server = ledger.server;
    await ledger.book({ purchaseDate: '2026-10-01', purchaseState: 'KS' });
    await ledger.advanceTo('2026-11-25');
    const first = await ledger.earn('2026-10');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().entriesPosted).toBeGreaterThan(0);
    const again = await ledger.earn('2026-10');
    expect(again.json()).toMatchObject({ entriesPosted: 0, earnedCents: 0 });
    const entries = await ledger.entriesOf('eventType=premium_earning&eventId=2026-10');
    expect(entries).toHaveLength(first.json().entriesPosted);
    expect(entries.every(balances)).toBe(true);
    expect(new Set(entries.map((entry) => entry.eventKey)).size).toBe(entries.length);
    const tb = await ledger.trialBalance('2026-12-31');
    expect(tb.balanced).toBe(true);
    expect(creditBalance(tb, ACCOUNTS.earnedPremium)).toBeGreaterThan(0);
    const byMonth = (
      await ledger.staff().admin({ url: '/api/v1/accounting/premium-by-month?from=2026-01-01&to=2026-12-31' })
    ).json();
    expect(byMonth.data.find((m: { month: string }) => m.month === '2026-10').earnedCents).toBe(
      first.json().earnedCents,
    );
  });

  it('earns a contract from the month it went on the books, and refuses a month before one already earned', async () => {
    // The demo portfolio goes on the books on 2026-08-10; this contract, bought in March, is booked
    // (reported late, say) on 2026-09-08: at the end of August its premium was not on the books.
    const ledger = await books(engine, '2026-08-10');
    server = ledger.server;
    await ledger.advanceTo('2026-09-08');
    const contract = await ledger.book({
      purchaseDate: '2026-03-02',
      purchaseState: 'OR',
      priceCents: 109_600,
    });
    const august = await ledger.earn('2026-08');
    expect(august.statusCode, august.body).toBe(200);
    expect(await ledger.earnedIn('OR')).toBe(0);
    expect(creditBalance(await ledger.trialBalance('2026-08-31'), ACCOUNTS.unearnedPremium)).toBeGreaterThan(
      0,
    );

    // September's run catches up March to September: 213 of the 36-month term's 1,096 days (pro rata;
    // 2028 is a leap year).
    await ledger.advanceTo('2026-10-02');
    const september = await ledger.earn('2026-09');
    expect(september.statusCode, september.body).toBe(200);
    const [written] = await ledger.entriesOf(`eventType=contract_written&eventId=${contract.id}`);
    expect(net(written!, ACCOUNTS.unearnedPremium)).toBe(109_600);
    expect(await ledger.earnedIn('OR')).toBe(Math.round((109_600 * 213) / 1_096));

    // August is closed by September's run: running it again would restate it.
    const earnedBefore = creditBalance(await ledger.trialBalance('2026-09-30'), ACCOUNTS.earnedPremium);
    const late = await ledger.earn('2026-08');
    expect(late.statusCode, late.body).toBe(409);
    expect(late.json()).toMatchObject({ code: 'earning_month_closed', param: 'month' });
    expect(late.json().detail).toContain('2026-09-30');
    expect(creditBalance(await ledger.trialBalance('2026-09-30'), ACCOUNTS.earnedPremium)).toBe(earnedBefore);
    // September itself may be asked again: it posts nothing new.
    expect((await ledger.earn('2026-09')).json()).toMatchObject({ entriesPosted: 0 });
  });

  it('takes a voided contract off the books: written premium reversed, its earnings given back by the next run', async () => {
    const ledger = await books(engine, '2026-03-04');
    server = ledger.server;
    const contract = await ledger.book({
      priceCents: 120_000,
      purchaseState: 'NE',
      purchaseDate: '2026-03-01',
    });
    await ledger.advanceTo('2026-06-03');
    expect((await ledger.earn('2026-05')).statusCode).toBe(200);
    expect(await ledger.earnedIn('NE')).toBeGreaterThan(0);
    // The dealer channel voids contracts; here the void is done by hand in one transaction.
    const db = ledger.server.built.database.db;
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('contracts')
        .set({ status: 'void' })
        .where('id', '=', contract.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await postContractVoided(trx, row, { effectiveOn: ledger.today(), actor: SYSTEM_ACTOR });
    });
    const [voided] = await ledger.entriesOf(`eventType=contract_voided&eventId=${contract.id}`);
    expect(net(voided!, ACCOUNTS.unearnedPremium)).toBe(-120_000);
    // Off the account it was written to (no dealer account: the receivable off the dealer statements).
    expect(net(voided!, ACCOUNTS.premiumReceivableOffStatement)).toBe(120_000);
    await ledger.advanceTo('2026-07-02');
    expect((await ledger.earn('2026-06')).statusCode).toBe(200);
    expect(await ledger.earnedIn('NE')).toBe(0);
    expect((await ledger.trialBalance('2026-12-31')).balanced).toBe(true);
  });

  it('earns the whole premium of a GAP addendum by the first month-end run after its benefit is paid', async () => {
    const ledger = await books(engine, '2026-03-04');
    server = ledger.server;
    // 60 months from 2026-03-01: 1,826 days (2028 is a leap year), $50 a day of a $913.00 premium.
    const booked = await ledger.staff().admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: gapAddendumBody(nextVin(), {
        purchaseDate: '2026-03-01',
        purchaseState: 'IA',
        priceCents: 91_300,
      }),
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const addendum = booked.json() as { id: string };
    // Its benefit is paid on 2026-04-20 (a payment run pays one in the GAP claims tests; here the paid
    // claim and the claimed addendum are written by hand in one transaction).
    await ledger.advanceTo('2026-04-25');
    const db = ledger.server.built.database.db;
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('gap_claims')
        .values({
          claim_number: 'GAP-CL-2026-900001',
          contract_id: addendum.id,
          status: 'paid',
          loss_type: 'total_loss',
          date_of_loss: '2026-04-02',
          required_documents: JSON.stringify([]),
          benefit_cents: 400_000,
          paid_at: new Date('2026-04-20T15:00:00Z'),
          opened_at: new Date('2026-04-03T15:00:00Z'),
          opened_by: 'test',
        })
        .execute();
      await trx.updateTable('contracts').set({ status: 'claimed' }).where('id', '=', addendum.id).execute();
    });
    const unearnedIn = async (state: string) => {
      const rows = await sql<{ unearned: number }>`
        select coalesce(sum(credit_cents - debit_cents), 0)::bigint as unearned
          from journal_lines where account_code = '2000' and state = ${state}`.execute(db);
      return Number(rows.rows[0]!.unearned);
    };

    // March ended before the payment: its run earns March's 31 days only.
    expect((await ledger.earn('2026-03')).statusCode).toBe(200);
    expect(await ledger.earnedIn('IA')).toBe(31 * 50);
    // April's run, the first after the payment, earns the rest: nothing is unearned any more.
    await ledger.advanceTo('2026-05-02');
    expect((await ledger.earn('2026-04')).statusCode).toBe(200);
    expect(await ledger.earnedIn('IA')).toBe(91_300);
    expect(await unearnedIn('IA')).toBe(0);
    // Spent, it earns nothing more.
    await ledger.advanceTo('2026-06-02');
    expect((await ledger.earn('2026-05')).statusCode).toBe(200);
    expect(await ledger.earnedIn('IA')).toBe(91_300);
    expect((await ledger.trialBalance('2026-12-31')).balanced).toBe(true);
  });

  it('keeps the books balanced, and unearned and earned premium never debit balances at a month end, whatever happens', async () => {
    // One portfolio for every run of the property; the clock only moves forward, as the books' does.
    const ledger = await books(engine, '2026-01-05');
    server = ledger.server;
    const open: { id: string; vin: string; purchaseDate: string; repairedOn?: string }[] = [];
    let earnedThrough: string | null = null;
    const monthEnds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            {
              weight: 2,
              arbitrary: fc.record({
                kind: fc.constant('book' as const),
                price: fc.integer({ min: 1, max: 900_000 }),
              }),
            },
            { weight: 1, arbitrary: fc.record({ kind: fc.constant('repair' as const) }) },
            {
              weight: 1,
              arbitrary: fc.record({
                kind: fc.constant('cancel' as const),
                daysAgo: fc.integer({ min: 0, max: 120 }),
              }),
            },
            {
              weight: 3,
              arbitrary: fc.record({
                kind: fc.constant('earn' as const),
                monthsBack: fc.integer({ min: 1, max: 3 }),
              }),
            },
            {
              weight: 3,
              arbitrary: fc.record({
                kind: fc.constant('wait' as const),
                days: fc.integer({ min: 1, max: 45 }),
              }),
            },
          ),
          { minLength: 1, maxLength: 8 },
        ),
        async (operations) => {
          for (const operation of operations) {
            const today = ledger.today();
            if (operation.kind === 'book') {
              // Bought 90 days ago (past the waiting period, so a repair is covered), booked today.
              const purchaseDate = addDays(today, -90);
              const contract = await ledger.book({ priceCents: operation.price, purchaseDate });
              open.push({ id: contract.id, vin: contract.vehicle.vin, purchaseDate });
            } else if (operation.kind === 'repair' && open.length > 0) {
              const { shop, adjuster } = ledger.staff();
              const submitted = await shop({
                method: 'POST',
                url: '/api/v1/repair-claims',
                payload: brakesEstimate(open[open.length - 1]!.vin, { keptOvernight: true }),
              });
              expect(submitted.statusCode, submitted.body).toBe(201);
              const claim = submitted.json();
              const decided = await adjuster({
                method: 'POST',
                url: `/api/v1/repair-claims/${claim.id}/authorization`,
                payload: {
                  lines: claim.lines.map((line: { id: string }) => ({ id: line.id, approved: true })),
                },
              });
              expect(decided.statusCode, decided.body).toBe(200);
              open[open.length - 1]!.repairedOn = today;
            } else if (operation.kind === 'cancel' && open.length > 0) {
              const contract = open[open.length - 1]!;
              // Up to 120 days back, but not before the purchase.
              const back = Math.min(operation.daysAgo, daysBetween(contract.purchaseDate, today));
              const cancelOn = addDays(today, -back);
              if (contract.repairedOn !== undefined && cancelOn <= contract.repairedOn) {
                // The contract was in force for the repair authorized that day: it is cancelled after it.
                const refused = await ledger.staff().adjuster({
                  method: 'POST',
                  url: `/api/v1/contracts/${contract.id}/cancellation`,
                  payload: {
                    cancelOn,
                    odometer: 12_000,
                    reason: 'customer_request',
                    evidence: 'Signed request',
                  },
                });
                expect(refused.statusCode, refused.body).toBe(422);
                expect(refused.json().code).toBe('cancel_date_before_claim');
                continue;
              }
              open.pop();
              const response = await ledger.staff().adjuster({
                method: 'POST',
                url: `/api/v1/contracts/${contract.id}/cancellation`,
                payload: {
                  cancelOn,
                  odometer: 12_000,
                  reason: 'customer_request',
                  evidence: 'Signed request',
                },
              });
              expect(response.statusCode, response.body).toBe(201);
            } else if (operation.kind === 'earn') {
              const month = addMonths(`${today.slice(0, 7)}-01`, -operation.monthsBack).slice(0, 7);
              const response = await ledger.earn(month);
              if (earnedThrough !== null && earnedThrough > monthEnd(month)) {
                expect(response.statusCode, response.body).toBe(409);
                expect(response.json().code).toBe('earning_month_closed');
              } else {
                expect(response.statusCode, response.body).toBe(200);
                if (response.json().entriesPosted > 0) earnedThrough = monthEnd(month);
                monthEnds.add(monthEnd(month));
              }
            } else if (operation.kind === 'wait') {
              await ledger.advanceTo(addDays(today, operation.days));
            }
          }
          for (const asOf of [...monthEnds, addDays(ledger.today(), 400)]) {
            const tb = await ledger.trialBalance(asOf);
            expect(tb.totalDebitCents, asOf).toBe(tb.totalCreditCents);
            if (asOf <= ledger.today()) {
              expect(creditBalance(tb, ACCOUNTS.unearnedPremium), asOf).toBeGreaterThanOrEqual(0);
              expect(creditBalance(tb, ACCOUNTS.earnedPremium), asOf).toBeGreaterThanOrEqual(0);
            }
          }
        },
      ),
      { seed: 1616, numRuns: 12 },
    );
  });
});
