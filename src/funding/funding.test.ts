// Funding reconciliation against a real database, on both engines: a streamed upload keeps good rows and
// rejects bad ones with their line and code, and the per-dealer report finds the unregistered deal, the
// price mismatch and the booked contract not remitted past N days; JSON and CSV; the email job queues.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { lenderVscBody } from '../../test/support/lender-portfolio.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { withCheckDigit } from '../contracts/vin.js';
import { insertRemittance } from '../dealers/dealer-statement.repository.js';
import { FakeClock } from '../platform/clock.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');

describeEachEngine('funding reconciliation', (engine) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;
  const [v1, v2, v3] = ['1FTFW1E50NF880001', '1FTFW1E50NF880002', '1FTFW1E50NF880003'].map(
    withCheckDigit,
  ) as [string, string, string];

  beforeAll(async () => {
    server = await startTestServer({ engine, clock, demo: true });
    admin = await staffClient(server, 'admin@coverwise.test');
    for (const [vin, purchaseDate] of [
      [v1, '2026-11-10'],
      [v2, '2026-06-01'],
    ] as const) {
      const response = await admin({
        method: 'POST',
        url: '/api/v1/contracts',
        payload: lenderVscBody(vin, { purchaseDate, sellingDealer: { code: 'D1', name: 'Prairie Motors' } }),
      });
      expect(response.statusCode, response.body).toBe(201);
    }
    // v2 was booked through the dealer channel: its dealer cost is on the dealer's account.
    await server.built.database.db
      .updateTable('contracts')
      .set({ dealer_cost_cents: 80_000 })
      .where('vin', '=', v2)
      .execute();
  });
  afterAll(() => server.close());

  it('uploads funded deals and reports per dealer, as JSON and CSV', async () => {
    const csv = [
      'vin,product,amount_financed_cents,funded_on,dealer_code',
      `${v1},vsc,120000,2026-11-12,D1`,
      `${v2},vsc,130000,2026-06-03,D1`,
      `${v3},gap,70000,2026-11-01,D-2002`,
      `${v3},vsc,12.50,2026-11-01,D-2002`,
    ].join('\n');
    const uploaded = await admin({
      method: 'POST',
      url: '/api/v1/funding-uploads?lienholder=First%20Prairie%20Bank',
      payload: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    expect(uploaded.json()).toMatchObject({ rowsRead: 4, accepted: 3, rejectedCount: 1 });
    expect(uploaded.json().rejected[0]).toMatchObject({
      line: 5,
      code: 'invalid_amount',
      param: 'amount_financed_cents',
    });

    const { uploadId } = uploaded.json();
    const report = await admin({ method: 'GET', url: `/api/v1/funding-uploads/${uploadId}/reconciliation` });
    expect(report.statusCode, report.body).toBe(200);
    const dealers = report.json().dealers;
    expect(
      dealers.map((d: Record<string, unknown>) => [
        d.dealerCode,
        d.deals,
        d.matched,
        d.financedNotRegistered,
        d.registeredNotRemitted,
        d.priceMismatches,
      ]),
    ).toEqual([
      ['D-2002', 1, 0, 1, 0, 0],
      ['D1', 2, 2, 0, 1, 1],
    ]);
    expect(dealers[1].exceptions.find((e: { kind: string }) => e.kind === 'price_mismatch')).toMatchObject({
      vin: v2,
      differenceCents: 10_000,
    });

    const asCsv = await admin({
      method: 'GET',
      url: `/api/v1/funding-uploads/${uploadId}/reconciliation.csv`,
    });
    expect(asCsv.statusCode).toBe(200);
    expect(asCsv.body.trim().split('\n')).toHaveLength(4);
    expect(asCsv.body).toContain(`D-2002,financed_not_registered,4,${v3},gap`);

    const noLienholder = await admin({
      method: 'POST',
      url: '/api/v1/funding-uploads',
      payload: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(noLienholder.json()).toMatchObject({ code: 'validation_failed', param: 'lienholder' });
  });

  it('names a rejected row by its column as the file writes it, and refuses a future funding date and an unknown dealer', async () => {
    const upload = (header: string, rows: string[]) =>
      admin({
        method: 'POST',
        url: '/api/v1/funding-uploads?lienholder=First%20Prairie%20Bank',
        payload: [header, ...rows].join('\n'),
        headers: { 'content-type': 'text/csv' },
      });
    const rows = [
      `${v1},vsc,12.50,2026-11-12,D1`,
      `${v1},vsc,120000,2026-11-27,D1`,
      `${v1},vsc,120000,2026-11-26,D1`,
      `${v3},vsc,120000,2026-11-12,NOBODY-9`,
      `${v3},gap,70000,2026-11-12,D-2002`,
      `${v2},vsc,130000,2026-06-03,D1`,
    ];
    const expected = (amount: string, fundedOn: string, dealerCode: string) => [
      { line: 2, code: 'invalid_amount', param: amount },
      { line: 3, code: 'invalid_date', param: fundedOn },
      { line: 5, code: 'unknown_dealer', param: dealerCode },
    ];
    for (const [header, names] of [
      [
        'vin,product,amount_financed_cents,funded_on,dealer_code',
        expected('amount_financed_cents', 'funded_on', 'dealer_code'),
      ],
      [
        'VIN,Product,amountFinancedCents,fundedOn,dealerCode',
        expected('amountFinancedCents', 'fundedOn', 'dealerCode'),
      ],
      [
        'vin,product,Amount Financed,Funding Date,Dealer',
        expected('Amount Financed', 'Funding Date', 'Dealer'),
      ],
    ] as const) {
      const response = await upload(header, rows);
      expect(response.statusCode, response.body).toBe(201);
      // Tomorrow is allowed (a lender a time zone ahead); D1 is on no dealer record, but registered
      // contracts name it as their selling dealer, and D-2002 is a dealer on file.
      expect(response.json()).toMatchObject({ rowsRead: 6, accepted: 3, rejectedCount: 3 });
      expect(response.json().rejected).toMatchObject(names);
    }
  });

  it("matches only the uploading lienholder's loans, its name compared as people write it", async () => {
    const [ours, theirs] = ['1FTFW1E50NF880004', '1FTFW1E50NF880005'].map(withCheckDigit) as [string, string];
    for (const [vin, lienholder] of [
      [ours, '  first   PRAIRIE bank '],
      [theirs, 'Heartland Credit Union'],
    ] as const) {
      const response = await admin({
        method: 'POST',
        url: '/api/v1/contracts',
        payload: lenderVscBody(vin, {
          purchaseDate: '2026-11-10',
          sellingDealer: { code: 'D3', name: 'Lien Motors' },
          lienholder: { name: lienholder },
        }),
      });
      expect(response.statusCode, response.body).toBe(201);
    }
    const uploaded = await admin({
      method: 'POST',
      url: '/api/v1/funding-uploads?lienholder=First%20Prairie%20Bank',
      payload: [
        'vin,product,amount_financed_cents,funded_on,dealer_code',
        `${ours},vsc,1,2026-11-12,D3`,
        `${theirs},vsc,1,2026-11-12,D3`,
      ].join('\n'),
      headers: { 'content-type': 'text/csv' },
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const report = await admin({
      method: 'GET',
      url: `/api/v1/funding-uploads/${uploaded.json().uploadId}/reconciliation`,
    });
    const [dealer] = report.json().dealers;
    expect(dealer).toMatchObject({
      dealerCode: 'D3',
      deals: 2,
      matched: 1,
      financedNotRegistered: 1,
      priceMismatches: 1,
    });
    const byKind = Object.fromEntries(dealer.exceptions.map((e: { kind: string }) => [e.kind, e]));
    expect(byKind.price_mismatch).toMatchObject({ vin: ours });
    // Heartland's contract on the other VIN is not shown to First Prairie Bank: no number, no price.
    expect(byKind.financed_not_registered).toMatchObject({
      vin: theirs,
      contractId: null,
      contractNumber: null,
      priceCents: null,
    });
  });

  it('counts a booked contract as remitted once the dealer remittances (migration 0024) cover it', async () => {
    const db = server.built.database.db;
    const csv = [
      'vin,product,amount_financed_cents,funded_on,dealer_code',
      `${v2},vsc,120000,2026-06-03,D1`,
    ].join('\n');
    const uploaded = await admin({
      method: 'POST',
      url: '/api/v1/funding-uploads?lienholder=First%20Prairie%20Bank',
      payload: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const notRemitted = async () => {
      const report = await admin({
        method: 'GET',
        url: `/api/v1/funding-uploads/${uploaded.json().uploadId}/reconciliation`,
      });
      expect(report.statusCode, report.body).toBe(200);
      return report.json().dealers[0].registeredNotRemitted as number;
    };
    // The dealer cost of v2 on a dealer's account, and a remittance short of it: still not remitted.
    const dealer =
      (await db.selectFrom('dealers').select('id').where('code', '=', 'FR-1').executeTakeFirst()) ??
      (await db
        .insertInto('dealers')
        .values({ code: 'FR-1', name: 'Funding Remit Motors', state: 'MO' })
        .returning('id')
        .executeTakeFirstOrThrow());
    const contract = await db
      .selectFrom('contracts')
      .select('id')
      .where('vin', '=', v2)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('dealer_account_events')
      .values({
        dealer_id: dealer.id,
        contract_id: contract.id,
        kind: 'contract_booked',
        amount_cents: 80_000,
        occurred_on: '2026-06-01',
      })
      .execute();
    const remit = async (amountCents: number, reference: string) => {
      const remittance = await insertRemittance(db, {
        dealerId: dealer.id,
        amountCents,
        reference,
        receivedOn: '2026-07-01',
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
          amount_cents: -amountCents,
          occurred_on: '2026-07-01',
          remittance_id: remittance.id,
        })
        .execute();
    };
    expect(await notRemitted()).toBe(1);
    await remit(50_000, 'FR-A');
    expect(await notRemitted()).toBe(1);
    // The rest of the dealer cost remitted: the contract is paid for.
    await remit(30_000, 'FR-B');
    expect(await notRemitted()).toBe(0);
  });
});
