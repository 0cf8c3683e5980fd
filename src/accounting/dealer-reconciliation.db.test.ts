// The dealer statements tie to the books (both engines, through the HTTP API): after the demo's year of
// history and every kind of event that moves money between the administrator and a dealer (a booking, a
// contract written by staff without a dealer account, an import with and without dealer costs, voids of
// each, a cancellation's chargeback, a remittance), each dealer's statement balance equals what the books
// hold for it on the dealer receivable and chargebacks receivable (1100 + 1150), at today and at every
// month-end of the year before. Premium of contracts on no statement is on 1110, not on 1100.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bookingBody, rateBody } from '../../test/support/dealer-channel.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { trialBalanceOf } from '../../test/support/journal-entries.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { staffVscBody, vinSequence } from '../../test/support/staff-contracts.js';
import { CONTRACT_CSV_COLUMNS } from '../contracts/contract-file.js';
import { FakeClock } from '../platform/clock.js';
import { addDays, addMonths } from '../shared/calendar-date.js';

type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>;
const TODAY = '2026-11-25';
const clock = new FakeClock(`${TODAY}T15:00:00Z`);

interface ReconciliationView {
  asOf: string;
  dealers: {
    dealerCode: string | null;
    statementBalanceCents: number;
    ledgerBalanceCents: number;
    differenceCents: number;
  }[];
  totals: { statementBalanceCents: number; ledgerBalanceCents: number; differenceCents: number };
  tiesOut: boolean;
}

/** A dealer-file row (Value Guard, Kansas) with the given number, VIN, dealer and dealer cost. */
function importRow(contractNumber: string, vin: string, dealerCode: string, dealerCostCents: string): string {
  const cells: Record<string, string> = {
    contract_number: contractNumber,
    product: 'vsc',
    plan_code: 'VALUE_GUARD',
    holder_first_name: 'Ava',
    holder_last_name: 'Thompson',
    address_line1: '1 Massachusetts St',
    city: 'Lawrence',
    state: 'KS',
    zip: '66044',
    vin,
    vehicle_year: '2022',
    vehicle_make: 'Honda',
    vehicle_model: 'Accord',
    odometer_at_sale: '12000',
    purchase_date: '2026-11-20',
    purchase_state: 'KS',
    term_months: '36',
    term_miles: '36000',
    price_cents: '149900',
    deductible_cents: '10000',
    dealer_code: dealerCode,
    dealer_cost_cents: dealerCostCents,
  };
  return CONTRACT_CSV_COLUMNS.map((column) => cells[column] ?? '').join(',');
}

describeEachEngine('dealer statements tied to the books', (engine) => {
  let server: TestServer;
  let admin: Client;
  let dealerUser: Client;
  let plazaId: string;
  const nextVin = vinSequence(540_000);

  const reconciliation = async (asOf: string): Promise<ReconciliationView> => {
    const response = await admin({ url: `/api/v1/accounting/dealer-reconciliation?asOf=${asOf}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    server = await startTestServer({ engine, clock, demoHistory: true });
    admin = await staffClient(server, 'admin@coverwise.test');
    dealerUser = await staffClient(server, 'dealer@coverwise.test');
    const dealers = (await admin({ url: '/api/v1/dealers' })).json().data as { id: string; code: string }[];
    plazaId = dealers.find((d) => d.code === 'D-1001')!.id;

    // A booking through the dealer channel, then cancelled: its dealer cost and the chargeback.
    const rated = await dealerUser({ method: 'POST', url: '/api/v1/rates', payload: rateBody() });
    expect(rated.statusCode, rated.body).toBe(200);
    const offer = rated.json().offers.find((o: { planCode: string }) => o.planCode === 'VALUE_GUARD');
    const booked = await dealerUser({
      method: 'POST',
      url: '/api/v1/econtracts',
      payload: bookingBody(offer.rateId, offer.dealerCostCents + 60_000, { dealNumber: 'DEAL-TIE' }),
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const cancelled = await admin({
      method: 'POST',
      url: `/api/v1/contracts/${booked.json().id}/cancellation`,
      payload: { cancelOn: TODAY, reason: 'customer_request', odometer: 12_400 },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(201);

    // Written by staff, naming Plaza as its seller but with no dealer account: one kept, one voided.
    for (const keep of [true, false]) {
      const written = await admin({
        method: 'POST',
        url: '/api/v1/contracts',
        payload: staffVscBody(nextVin(), { purchaseDate: '2026-11-20' }),
      });
      expect(written.statusCode, written.body).toBe(201);
      if (!keep) {
        const voided = await admin({
          method: 'POST',
          url: `/api/v1/contracts/${written.json().id}/void`,
          payload: { reason: 'Written twice' },
        });
        expect(voided.statusCode, voided.body).toBe(200);
      }
    }

    // A dealer file: two rows with a dealer cost (on the statements), two without (one voided after).
    const csv = [
      CONTRACT_CSV_COLUMNS.join(','),
      importRow('TIE-1', nextVin(), 'D-1001', '90000'),
      importRow('TIE-2', nextVin(), 'D-2002', '100000'),
      importRow('TIE-3', nextVin(), 'D-1001', ''),
      importRow('TIE-4', nextVin(), 'D-2002', ''),
    ].join('\n');
    const imported = await admin({
      method: 'POST',
      url: '/api/v1/contracts/import',
      headers: { 'content-type': 'text/csv' },
      payload: `${csv}\n`,
    });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toMatchObject({ accepted: 4, rejectedCount: 0 });
    const found = await admin({ url: '/api/v1/contracts?contractNumber=TIE-4' });
    const tie4 = (found.json().data as { id: string; contractNumber: string }[]).find(
      (c) => c.contractNumber === 'TIE-4',
    )!;
    const voided = await admin({
      method: 'POST',
      url: `/api/v1/contracts/${tie4.id}/void`,
      payload: { reason: 'Duplicate row' },
    });
    expect(voided.statusCode, voided.body).toBe(200);

    // A remittance from Plaza.
    const remitted = await admin({
      method: 'POST',
      url: `/api/v1/dealers/${plazaId}/remittances`,
      headers: { 'idempotency-key': 'tie-out-remittance' },
      payload: { amountCents: 45_000, reference: 'CHK 5401', receivedOn: TODAY },
    });
    expect(remitted.statusCode, remitted.body).toBe(201);
  }, 240_000);
  afterAll(() => server?.close());

  it('ties every dealer statement to 1100 + 1150 today, with money on both sides', async () => {
    const today = await reconciliation(TODAY);
    expect(today.dealers.filter((row) => row.differenceCents !== 0)).toEqual([]);
    expect(today.tiesOut).toBe(true);
    expect(today.totals.differenceCents).toBe(0);
    const plaza = today.dealers.find((row) => row.dealerCode === 'D-1001')!;
    expect(plaza.statementBalanceCents).not.toBe(0);
  });

  it('ties at every month-end of the year before, and the day before today', async () => {
    const days = [addDays(TODAY, -1)];
    for (let months = 1; months <= 13; months += 1)
      days.push(addDays(`${addMonths(TODAY, -months + 1).slice(0, 7)}-01`, -1));
    for (const day of days) {
      const view = await reconciliation(day);
      expect({ day, differences: view.dealers.filter((row) => row.differenceCents !== 0) }).toEqual({
        day,
        differences: [],
      });
    }
  });

  it('keeps the premium of contracts on no statement on 1110, and the books balanced', async () => {
    const balance = await trialBalanceOf(admin, TODAY);
    expect(balance.balanced).toBe(true);
    const off = balance.accounts.find((account) => account.code === '1110')!;
    // At least the staff-written contract kept and the import row without a dealer cost kept.
    expect(off.debitCents).toBeGreaterThanOrEqual(199_900 + 149_900);
  });

  it('refuses a date that is not one, naming it', async () => {
    const response = await admin({ url: '/api/v1/accounting/dealer-reconciliation?asOf=2026-02-30' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'invalid_date', param: 'asOf' });
    const refused = await dealerUser({ url: '/api/v1/accounting/dealer-reconciliation' });
    expect(refused.statusCode).toBe(403);
  });
});
