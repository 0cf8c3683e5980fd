// GAP benefits are payables of payment runs, on both engines through the HTTP API: a benefit approved by
// an adjuster is owed to the lienholder (claims expense → claims payable) and shows in a run's preview
// (ACH to the lienholder's bank account); two runs approved at the same time pay it exactly once; the run
// posts claims payable → cash and the payments-ledger entry, the claim becomes paid (the addendum is
// spent), the NACHA file carries it, and the trial balance balances.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PDF } from '../../test/security/multipart.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { gapAddendumBody } from '../../test/support/staff-contracts.js';
import { withCheckDigit } from '../contracts/vin.js';
import { FakeClock } from '../platform/clock.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');
type Client = Awaited<ReturnType<typeof staffClient>>;

const SDN_CSV = `306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. 'BNC'."\r\n`;

function multipart(type: string) {
  const boundary = `----coverwise${Math.random().toString(16).slice(2)}`;
  return {
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\n${type}\r\n`),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${type}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      PDF,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describeEachEngine('GAP benefits in payment runs', (engine) => {
  let server: TestServer;
  let admin: Client;
  let adjuster: Client;
  let reviewer: Client;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    admin = await staffClient(server, 'admin@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
    reviewer = await staffClient(server, 'reviewer@coverwise.test');
  });
  afterAll(() => server.close());

  /** A GAP addendum with a total-loss claim whose documents are all accepted and whose benefit is approved. */
  async function approvedGapClaim() {
    const vin = withCheckDigit('1FTFW1E50NF770001');
    const contract = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: gapAddendumBody(vin),
    });
    expect(contract.statusCode, contract.body).toBe(201);
    const started = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: { lastName: 'Okoye', zip: '78701', vin, dateOfLoss: '2026-11-20', lossType: 'total_loss' },
    });
    expect(started.statusCode, started.body).toBe(201);
    const claim = started.json();
    for (const item of claim.requiredDocuments) {
      const body = multipart(item.type);
      const uploaded = await server.built.app.inject({
        method: 'POST',
        url: `/api/v1/gap-claims/${claim.id}/documents`,
        payload: body.payload,
        headers: { ...body.headers, authorization: `Bearer ${claim.token}` },
      });
      expect(uploaded.statusCode, uploaded.body).toBe(201);
    }
    const documents = (await reviewer({ url: `/api/v1/gap-claims/${claim.id}` })).json().documents;
    for (const document of documents) {
      const reviewed = await reviewer({
        method: 'POST',
        url: `/api/v1/documents/${document.id}/review`,
        payload: { decision: 'accept' },
      });
      expect(reviewed.statusCode, reviewed.body).toBe(200);
    }
    const benefit = await adjuster({
      method: 'POST',
      url: `/api/v1/gap-claims/${claim.id}/benefit`,
      payload: { payoffCents: 2_000_000, acvCents: 1_900_000, primaryDeductibleCents: 50_000 },
    });
    expect(benefit.json().benefitCents).toBe(150_000);
    const approved = await adjuster({
      method: 'POST',
      url: `/api/v1/gap-claims/${claim.id}/approval`,
      payload: {},
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', payment: null });
    return {
      claimId: claim.id as string,
      contractId: contract.json().id as string,
      facts: { lastName: 'Okoye', zip: '78701', vin },
    };
  }

  async function preview() {
    const response = await admin({ method: 'POST', url: '/api/v1/payment-runs', payload: {} });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  it('pays an approved GAP benefit once through a run: preview, ACH to the lienholder, books, claim paid', async () => {
    const { db } = server.built.database;
    const { claimId, contractId, facts } = await approvedGapClaim();
    // Owed, not paid: claims expense against claims payable, nothing on the payments ledger yet.
    const linesOf = async (eventKey: string) =>
      (
        await sql<{ account_code: string; debit_cents: string; credit_cents: string }>`
          select l.account_code, l.debit_cents, l.credit_cents from journal_lines l
            join journal_entries e on e.id = l.entry_id
           where e.event_key = ${eventKey} order by l.line_number`.execute(db)
      ).rows.map((row) => [row.account_code, Number(row.debit_cents), Number(row.credit_cents)]);
    expect(await linesOf(`gap_claim_incurred:${claimId}`)).toEqual([
      ['5000', 150_000, 0],
      ['2100', 0, 150_000],
    ]);
    expect(await linesOf(`gap_claim_paid:${claimId}`)).toEqual([]);

    const bank = await admin({
      method: 'PUT',
      url: `/api/v1/contracts/${contractId}/payee-bank-accounts/lienholder`,
      payload: {
        accountHolderName: 'First Prairie Bank',
        routingNumber: '011000015',
        accountNumber: '987654321',
        accountType: 'checking',
      },
    });
    expect(bank.statusCode, bank.body).toBe(200);
    const sdn = await admin({
      method: 'POST',
      url: '/api/v1/ofac/sdn-lists',
      headers: { 'content-type': 'text/csv' },
      payload: SDN_CSV,
    });
    expect(sdn.statusCode, sdn.body).toBe(201);

    // In the preview of two runs over the same payables, as a payable to the lienholder by ACH.
    const first = await preview();
    const second = await preview();
    type Item = { source: { id: string }; status: string; skipReason: string | null };
    const itemOf = (run: { items: Item[] }) => run.items.find((item) => item.source.id === claimId);
    for (const run of [first, second])
      expect(itemOf(run)).toMatchObject({
        source: { type: 'gap_claim', id: claimId },
        contractId,
        payee: { type: 'lienholder', name: 'First Prairie Bank' },
        method: 'ach',
        amountCents: 150_000,
        bankAccount: { routingNumber: '011000015', accountNumberMasked: '••••4321' },
        status: 'ready',
      });

    // Both approved at the same time: the benefit is paid by exactly one of them.
    const [a, b] = await Promise.all([
      admin({ method: 'POST', url: `/api/v1/payment-runs/${first.id}/approval` }),
      admin({ method: 'POST', url: `/api/v1/payment-runs/${second.id}/approval` }),
    ]);
    expect(a!.statusCode, a!.body).toBe(200);
    expect(b!.statusCode, b!.body).toBe(200);
    const outcomes = [itemOf(a!.json()), itemOf(b!.json())] as Item[];
    expect(outcomes.map((item) => item.status).sort()).toEqual(['paid', 'skipped']);
    expect(outcomes.find((item) => item.status === 'skipped')!.skipReason).toBe('already_paid');
    const payingRun = outcomes[0]!.status === 'paid' ? a!.json() : b!.json();
    expect(itemOf(payingRun)).toMatchObject({
      status: 'paid',
      traceNumber: expect.stringMatching(/^\d{15}$/),
      journalEntryId: expect.any(String),
    });

    // The claim is paid with its payment; the payments ledger has one entry; the books one payment.
    const claim = (await adjuster({ url: `/api/v1/gap-claims/${claimId}` })).json();
    expect(claim).toMatchObject({
      status: 'paid',
      payment: { amountCents: 150_000, payee: { kind: 'lienholder', name: 'First Prairie Bank' } },
    });
    const ledger = await db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('source_id', '=', claimId)
      .execute();
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ kind: 'gap_benefit', source_type: 'gap_claim', method: 'ach' });
    expect(Number(ledger[0]!.amount_cents)).toBe(150_000);
    expect(await linesOf(`gap_claim_paid:${claimId}`)).toEqual([
      ['2100', 150_000, 0],
      ['1000', 0, 150_000],
    ]);
    const paidEntries = await sql<{ n: number }>`select count(*)::int as n from journal_entries
      where event_type = 'gap_claim_paid' and event_id = ${claimId}`.execute(db);
    expect(Number(paidEntries.rows[0]!.n)).toBe(1);
    const settlements = await sql<{ n: number }>`select count(*)::int as n from payment_settlements
      where source_type = 'gap_claim' and source_id = ${claimId}`.execute(db);
    expect(Number(settlements.rows[0]!.n)).toBe(1);
    const audit = await sql<{ reason: string }>`select reason from audit_events
      where entity_id = ${claimId} and action = 'gap_claim.status_changed' and data->>'to' = 'paid'`.execute(
      db,
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]!.reason).toMatch(/^Paid to First Prairie Bank \(ACH, payment run \d+\)\.$/);
    // The payment ended the addendum, once (by the run that paid it): claimed, with one audit row.
    const addendum = await sql<{
      status: string;
    }>`select status from contracts where id = ${contractId}`.execute(db);
    expect(addendum.rows).toEqual([{ status: 'claimed' }]);
    const claimed = await sql<{ reason: string }>`select reason from audit_events
      where entity_type = 'contract' and entity_id = ${contractId} and action = 'contract.claimed'`.execute(
      db,
    );
    expect(claimed.rows).toEqual([{ reason: `GAP benefit paid on claim ${claim.claimNumber}` }]);

    // The NACHA file of the run that paid it has the lienholder's credit.
    const nacha = await admin({ url: `/api/v1/payment-runs/${payingRun.id}/nacha` });
    expect(nacha.statusCode).toBe(200);
    const entries = nacha.body.split('\n').filter((record) => record.startsWith('6'));
    expect(
      entries.some((record) => record.includes('987654321') && record.slice(29, 39) === '0000150000'),
    ).toBe(true);

    // Not owed any more: the next preview leaves it out; the addendum is spent.
    const next = await admin({ method: 'POST', url: '/api/v1/payment-runs', payload: {} });
    if (next.statusCode === 201) expect(itemOf(next.json())).toBeUndefined();
    else expect(next.json()).toMatchObject({ code: 'nothing_to_pay' });
    const again = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: { ...facts, dateOfLoss: '2026-11-24', lossType: 'theft' },
    });
    expect(again.json()).toMatchObject({ code: 'gap_benefit_already_paid' });

    const trial = await admin({ url: '/api/v1/accounting/trial-balance?asOf=2026-12-31' });
    expect(trial.json()).toMatchObject({ balanced: true });
    expect(trial.json().totalDebitCents).toBe(trial.json().totalCreditCents);
  });
});
