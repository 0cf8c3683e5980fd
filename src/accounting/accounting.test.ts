// Every money event posts its journal entry in the transaction of the change (both engines), through the
// HTTP API as staff use it: a contract written, an import batch, a repair authorized and paid, a rental
// reimbursement, a transfer fee, a cancellation (quote and execution answer allocation and refundDueOn),
// and the journal's pages and export. The month-end earning run has its own tests
// (premium-earning.test.ts).
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { balances, type EntryView, net, trialBalanceOf } from '../../test/support/journal-entries.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { brakesEstimate, staffVscBody, vinSequence } from '../../test/support/staff-contracts.js';
import { createCatalogService } from '../catalog/catalog.service.js';
import { CONTRACT_CSV_COLUMNS, importContracts } from '../contracts/contract-import.js';
import { SYSTEM_ACTOR } from '../platform/audit/audit.repository.js';
import { FakeClock } from '../platform/clock.js';
import { ACCOUNTS } from './chart-of-accounts.js';

// Business "today" is 2026-11-25 in America/New_York.
const clock = new FakeClock('2026-11-25T15:00:00Z');
/** The day the test's repairs are submitted (its clock's business day): a rental is paid from then. */
const REPAIR_VISIT_DAY = '2026-11-25';
type Client = Awaited<ReturnType<typeof staffClient>>;

const nextVin = vinSequence(500);

describeEachEngine('general ledger postings', (engine) => {
  let server: TestServer;
  let admin: Client;
  let adjuster: Client;
  let shop: Client;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    admin = await staffClient(server, 'admin@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
    shop = await staffClient(server, 'shop@coverwise.test');
  });
  afterAll(() => server.close());

  async function entriesOf(query: string): Promise<EntryView[]> {
    const response = await admin({ url: `/api/v1/accounting/journal-entries?limit=100&${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().data;
  }

  async function newContract(overrides: Record<string, unknown> = {}) {
    const response = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: staffVscBody(nextVin(), overrides),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; vehicle: { vin: string } };
  }

  const trialBalance = (asOf = '2026-12-31') => trialBalanceOf(admin, asOf);

  async function authorizedRepair(vin: string) {
    const submitted = await shop({
      method: 'POST',
      url: '/api/v1/repair-claims',
      payload: brakesEstimate(vin, { keptOvernight: true }),
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const claim = submitted.json();
    const decided = await adjuster({
      method: 'POST',
      url: `/api/v1/repair-claims/${claim.id}/authorization`,
      payload: { lines: claim.lines.map((line: { id: string }) => ({ id: line.id, approved: true })) },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const view = (await adjuster({ url: `/api/v1/repair-claims/${claim.id}` })).json();
    return { id: view.id as string, payableCents: view.authorization.payableToFacilityCents as number };
  }

  it('the demo portfolio was written to the books when it was seeded, and the books balance', async () => {
    const [seeded] = await entriesOf('eventType=contracts_seeded');
    expect(seeded).toBeDefined();
    expect(balances(seeded!)).toBe(true);
    const premium = await sql<{ total: number }>`select sum(price_cents)::bigint as total from contracts
      where status <> 'void'`.execute(server.built.database.db);
    // The demo's contracts have no dealer account: their premium is receivable off the dealer statements.
    expect(-net(seeded!, ACCOUNTS.premiumReceivableOffStatement)).toBe(Number(premium.rows[0]!.total));
    expect(net(seeded!, ACCOUNTS.dealerReceivable)).toBe(0);
    expect((await trialBalance()).balanced).toBe(true);
    // The demo's books open 400 days before the seed (2026-11-25), before any of its history.
    expect(seeded!.effectiveOn).toBe('2025-10-21');
    const month = '2025-10';
    const byMonth = (
      await admin({ url: '/api/v1/accounting/premium-by-month?from=2025-10-01&to=2025-10-31' })
    ).json();
    expect(byMonth.data).toEqual([{ month, writtenCents: Number(premium.rows[0]!.total), earnedCents: 0 }]);
  });

  it('posts a contract written by staff: the price on the receivable off the dealer statements and the unearned premium', async () => {
    const contract = await newContract();
    const [entry] = await entriesOf(`contractId=${contract.id}`);
    expect(entry).toMatchObject({
      eventType: 'contract_written',
      eventKey: `contract_written:${contract.id}`,
    });
    // It names Plaza as its seller but has no dealer account: no statement line, so not on 1100.
    expect(net(entry!, ACCOUNTS.premiumReceivableOffStatement)).toBe(-199_900);
    expect(net(entry!, ACCOUNTS.dealerReceivable)).toBe(0);
    expect(net(entry!, ACCOUNTS.unearnedPremium)).toBe(199_900);
  });

  it('posts each import batch once, grouped by plan and state, and nothing for rows already on file', async () => {
    // The dealer-file columns but the last two (sold_after_vehicle_sale, dealer_cost_cents), which may be left out.
    const header = CONTRACT_CSV_COLUMNS.filter(
      (column) => column !== 'sold_after_vehicle_sale' && column !== 'dealer_cost_cents',
    ).join(',');
    const row = (n: number, state: string, price: number) =>
      `GL-${n},vsc,VALUE_GUARD,Ana,"Reyes, Jr.",,,"1 Main St",Austin,TX,78701,${nextVin()},2024,Honda,Civic,5000,2026-10-01,${state},36,36000,${price},10000,,D-9,"Dealer, Nine",,`;
    const file = [header, row(1, 'TX', 100_000), row(2, 'TX', 50_000), row(3, 'MO', 70_000)].join('\n');
    // Every row of a dealer file names a dealer on file.
    await server.built.database.db
      .insertInto('dealers')
      .values({ code: 'D-9', name: 'Dealer, Nine', state: 'TX' })
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
    const deps = {
      db: server.built.database.db,
      transactionWithCopy: server.built.database.transactionWithCopy,
      catalog: createCatalogService({ db: server.built.database.db }),
      clock,
      timeZone: 'America/New_York',
    };
    const run = (text: string) =>
      importContracts(deps, Readable.from([text]), {
        actor: SYSTEM_ACTOR,
        fileName: 'gl.csv',
        requestId: null,
        batchSize: 2,
      });
    const first = await run(file);
    expect(first.accepted).toBe(3);
    const imported = await entriesOf('eventType=contracts_imported');
    expect(imported).toHaveLength(2);
    expect(imported.every(balances)).toBe(true);
    const total = imported.reduce((sum, entry) => sum + net(entry, ACCOUNTS.unearnedPremium), 0);
    expect(total).toBe(220_000);
    // The same file again adds no contract and posts nothing.
    const again = await run(file);
    expect(again.accepted).toBe(0);
    expect(await entriesOf('eventType=contracts_imported')).toHaveLength(2);
    // A batch of one row on file and one new: only the new one's premium is posted.
    const mixed = await run([header, row(1, 'TX', 100_000), row(4, 'KS', 33_300)].join('\n'));
    expect(mixed.accepted).toBe(1);
    const [latest] = await entriesOf('eventType=contracts_imported');
    expect(net(latest!, ACCOUNTS.unearnedPremium)).toBe(33_300);
  });

  it('posts a repair authorized (expense, payable) and paid (payable settled in cash), once each', async () => {
    const contract = await newContract();
    const claim = await authorizedRepair(contract.vehicle.vin);
    expect(claim.payableCents).toBeGreaterThan(0);
    const [incurred] = await entriesOf(`eventType=repair_claim_incurred&eventId=${claim.id}`);
    expect(net(incurred!, ACCOUNTS.claimsExpense)).toBe(-claim.payableCents);
    expect(net(incurred!, ACCOUNTS.claimsPayable)).toBe(claim.payableCents);
    const pay = () =>
      adjuster({
        method: 'POST',
        url: `/api/v1/repair-claims/${claim.id}/payment`,
        headers: { 'idempotency-key': `pay-${claim.id}` },
        payload: { method: 'check', reference: 'CHK-77' },
      });
    expect((await pay()).statusCode).toBe(200);
    expect((await pay()).statusCode).toBe(200);
    const paid = await entriesOf(`eventType=repair_claim_paid&eventId=${claim.id}`);
    expect(paid).toHaveLength(1);
    expect(net(paid[0]!, ACCOUNTS.claimsPayable)).toBe(-claim.payableCents);
    expect(net(paid[0]!, ACCOUNTS.cash)).toBe(claim.payableCents);
  });

  it('posts a rental reimbursement owed when it is filed', async () => {
    const contract = await newContract();
    const repair = await authorizedRepair(contract.vehicle.vin);
    const response = await adjuster({
      method: 'POST',
      url: `/api/v1/contracts/${contract.id}/rental-claims`,
      payload: {
        repairClaimId: repair.id,
        expenses: [{ date: REPAIR_VISIT_DAY, kind: 'rental', amountCents: 3_000 }],
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const rental = response.json();
    expect(rental.payableCents).toBe(3_000);
    const [entry] = await entriesOf(`eventType=rental_claim_incurred&eventId=${rental.id}`);
    expect(net(entry!, ACCOUNTS.claimsPayable)).toBe(rental.payableCents);
    // Denied by claims staff: what it owed comes back off claims payable and claims expense.
    const denied = await adjuster({
      method: 'POST',
      url: `/api/v1/rental-claims/${rental.id}/decision`,
      payload: { decision: 'deny', reasonCode: 'duplicate_claim' },
    });
    expect(denied.statusCode, denied.body).toBe(200);
    const [reversal] = await entriesOf(`eventType=rental_claim_denied&eventId=${rental.id}`);
    expect(net(reversal!, ACCOUNTS.claimsPayable)).toBe(-rental.payableCents);
    expect(net(reversal!, ACCOUNTS.claimsExpense)).toBe(rental.payableCents);
  });

  it('posts a tow reimbursement owed when the tow is completed with its cost', async () => {
    const contract = await newContract();
    const requested = await adjuster({
      method: 'POST',
      url: '/api/v1/roadside-requests',
      payload: {
        contractId: contract.id,
        service: 'tow',
        location: { address: 'I-70 mile 12' },
        phone: '816-555-0100',
      },
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const id = requested.json().id;
    const move = (payload: Record<string, unknown>) =>
      adjuster({ method: 'POST', url: `/api/v1/roadside-requests/${id}/status`, payload });
    expect((await move({ status: 'dispatched' })).statusCode).toBe(200);
    const completed = await move({ status: 'completed', towingCostCents: 12_500 });
    expect(completed.statusCode, completed.body).toBe(200);
    const payable: number = completed.json().towing.payableCents;
    expect(payable).toBeGreaterThan(0);
    const [entry] = await entriesOf(`eventType=roadside_request_incurred&eventId=${id}`);
    expect(net(entry!, ACCOUNTS.claimsPayable)).toBe(payable);
    expect(net(entry!, ACCOUNTS.claimsExpense)).toBe(-payable);
  });

  it('posts a transfer fee received as cash and fee revenue', async () => {
    const contract = await newContract({ purchaseState: 'FL', purchaseDate: '2026-06-01' });
    const requested = await adjuster({
      method: 'POST',
      url: `/api/v1/contracts/${contract.id}/transfers`,
      payload: {
        ownershipTransferredOn: '2026-11-15',
        saleType: 'private',
        odometer: 20_000,
        buyer: {
          firstName: 'Bo',
          lastName: 'Hara',
          address: { line1: '9 Bay Rd', city: 'Tampa', state: 'FL', zip: '33602' },
        },
      },
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const transfer = requested.json();
    const paid = await adjuster({
      method: 'POST',
      url: `/api/v1/transfers/${transfer.id}/fee-payment`,
      payload: { method: 'check', reference: 'CHK-1' },
    });
    expect(paid.statusCode, paid.body).toBe(200);
    const [entry] = await entriesOf(`eventType=transfer_fee&eventId=${transfer.id}`);
    expect(net(entry!, ACCOUNTS.cash)).toBe(-4_000);
    expect(net(entry!, ACCOUNTS.feeRevenue)).toBe(4_000);
  });

  describe('cancellation', () => {
    it('answers allocation and refundDueOn on the quote and the execution, and posts the cancellation', async () => {
      const contract = await newContract();
      const body = {
        cancelOn: '2026-11-20',
        odometer: 20_000,
        reason: 'customer_request',
        evidence: 'Signed request dated 2026-11-20',
      };
      const quote = await adjuster({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/cancellation-quote`,
        payload: body,
      });
      expect(quote.statusCode, quote.body).toBe(200);
      const quoted = quote.json();
      // No dealer cost is recorded: the administrator pays the whole refund.
      expect(quoted.allocation).toEqual([
        { party: 'administrator', amountCents: quoted.refundCents },
        { party: 'dealer', amountCents: 0 },
      ]);
      expect(quoted.refundDueOn).toBe('2026-12-20');
      const done = await adjuster({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/cancellation`,
        payload: body,
      });
      expect(done.statusCode, done.body).toBe(201);
      const refund = done.json().refund;
      expect(refund).toMatchObject({ allocation: quoted.allocation, refundDueOn: '2026-12-20' });
      const [entry] = await entriesOf(`eventType=cancellation&eventId=${refund.cancellationId}`);
      expect(entry!.id).toBe(refund.journalEntryId);
      expect(balances(entry!)).toBe(true);
      expect(net(entry!, ACCOUNTS.refundsPayable)).toBe(refund.refundCents);
      expect(net(entry!, ACCOUNTS.feeRevenue)).toBe(refund.feeCents);
      // The unearned premium left for this contract is gone: written, less earned to date, less released.
      const written = await entriesOf(`eventType=contract_written&eventId=${contract.id}`);
      const unearnedLeft = net(written[0]!, ACCOUNTS.unearnedPremium) + net(entry!, ACCOUNTS.unearnedPremium);
      // 2026-01-31 to 2026-11-20 is 293 of the term's 1,096 days: that share is earned by the month-end runs.
      expect(unearnedLeft).toBe(Math.round((199_900 * 293) / 1_096));
    });
  });

  it('pages the journal with a cursor, filters it by account, and exports it as CSV', async () => {
    const page1 = (await admin({ url: '/api/v1/accounting/journal-entries?limit=2' })).json();
    expect(page1.data).toHaveLength(2);
    expect(page1.hasMore).toBe(true);
    const page2 = (
      await admin({ url: `/api/v1/accounting/journal-entries?limit=2&startingAfter=${page1.data[1].id}` })
    ).json();
    expect(page2.data[0].entryNumber).toBeLessThan(page1.data[1].entryNumber);
    const cash = await entriesOf(`account=${ACCOUNTS.cash}`);
    expect(cash.length).toBeGreaterThan(0);
    expect(cash.every((entry) => entry.lines.some((line) => line.accountCode === ACCOUNTS.cash))).toBe(true);
    const csv = await admin({ url: '/api/v1/accounting/journal.csv' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const rows = csv.body.trim().split('\n');
    expect(rows[0]).toMatch(/^entry_number,entry_id,effective_on/);
    const lineCount = await sql<{ n: number }>`select count(*)::integer as n from journal_lines`.execute(
      server.built.database.db,
    );
    expect(rows.length - 1).toBe(lineCount.rows[0]!.n);
    expect((await adjuster({ url: '/api/v1/accounting/trial-balance' })).statusCode).toBe(403);
    expect(
      (await admin({ url: '/api/v1/accounting/journal-entries?from=2026-12-01&to=2026-11-01' })).json().code,
    ).toBe('invalid_date');
  });
});
