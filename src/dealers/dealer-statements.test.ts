// Dealer statements and remittances against a real database (both engines), through the HTTP API as
// admins and dealers use it: a booking, a void and a cancellation chargeback on the dealer's account, an
// admin's remittance above the balance (a credit balance), a dealer's notice matched by an admin, the
// statement as JSON, CSV and PDF, and each dealer seeing only its own.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bookingBody, rateBody } from '../../test/support/dealer-channel.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { FakeClock } from '../platform/clock.js';
import { type AccountEvent, statementOf } from './dealer-statement.js';

type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>;
const clock = new FakeClock('2026-11-25T15:00:00Z');

describeEachEngine('dealer statements', (engine) => {
  let server: TestServer;
  let admin: Client;
  let dealerUser: Client;
  let plazaId: string;
  let sunflowerId: string;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    admin = await staffClient(server, 'admin@coverwise.test');
    dealerUser = await staffClient(server, 'dealer@coverwise.test');
    const dealers = (await admin({ url: '/api/v1/dealers' })).json().data as { id: string; code: string }[];
    plazaId = dealers.find((d) => d.code === 'D-1001')!.id;
    sunflowerId = dealers.find((d) => d.code === 'D-2002')!.id;
  });
  afterAll(() => server.close());

  async function book(vinSuffix: string): Promise<{ id: string; cost: number; retail: number }> {
    const rated = await dealerUser({ method: 'POST', url: '/api/v1/rates', payload: rateBody() });
    expect(rated.statusCode, rated.body).toBe(200);
    const offer = rated.json().offers.find((o: { planCode: string }) => o.planCode === 'VALUE_GUARD');
    const retail = offer.dealerCostCents + 50_000;
    const booked = await dealerUser({
      method: 'POST',
      url: '/api/v1/econtracts',
      payload: bookingBody(offer.rateId, retail, { dealNumber: `DEAL-${vinSuffix}` }),
    });
    expect(booked.statusCode, booked.body).toBe(201);
    return { id: booked.json().id, cost: offer.dealerCostCents, retail };
  }

  const statement = (client: Client, dealerId: string, query = 'from=2026-11-01&to=2026-11-30') =>
    client({ url: `/api/v1/dealers/${dealerId}/statement?${query}` });

  it('shows bookings, a void, a chargeback and remittances with opening and closing balances and aging', async () => {
    const first = await book('1');
    const second = await book('2');
    const third = await book('3');
    const voided = await admin({
      method: 'POST',
      url: `/api/v1/contracts/${second.id}/void`,
      payload: { reason: 'Deal unwound' },
    });
    expect(voided.statusCode, voided.body).toBe(200);
    const cancelled = await admin({
      method: 'POST',
      url: `/api/v1/contracts/${third.id}/cancellation`,
      payload: { cancelOn: '2026-11-25', reason: 'customer_request', odometer: 12_500 },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(201);
    const dealerPart = cancelled
      .json()
      .refund.allocation.find((p: { party: string }) => p.party === 'dealer').amountCents;
    expect(dealerPart).toBeGreaterThan(0);

    const response = await statement(admin, plazaId);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.dealer.code).toBe('D-1001');
    expect(body.totals).toEqual({
      bookedCents: first.cost + second.cost + third.cost,
      voidedCents: second.cost,
      chargebackCents: dealerPart,
      remittedCents: 0,
    });
    expect(body.closingBalanceCents).toBe(body.openingBalanceCents + first.cost + third.cost + dealerPart);
    const { currentCents, days30Cents, days60Cents, days90PlusCents } = body.aging;
    expect(currentCents + days30Cents + days60Cents + days90PlusCents).toBe(body.closingBalanceCents);
    expect(body.lines.map((line: { kind: string }) => line.kind)).toEqual(
      expect.arrayContaining(['contract_booked', 'contract_voided', 'chargeback']),
    );

    // The service agrees with the pure statement over the account's raw events.
    const events = await sql<{
      date: string;
      kind: AccountEvent['kind'];
      amount: string;
      contract_id: string | null;
    }>`
      select occurred_on as date, kind, amount_cents::text as amount, contract_id
        from dealer_account_events where dealer_id = ${plazaId} order by id`.execute(
      server.built.database.db,
    );
    const reference = statementOf(
      events.rows.map((row) => ({
        date: row.date,
        kind: row.kind,
        amountCents: Number(row.amount),
        contractId: row.contract_id,
      })),
      '2026-11-01',
      '2026-11-30',
    );
    expect(body.closingBalanceCents).toBe(reference.closingBalanceCents);
    expect(body.aging).toEqual(reference.aging);
  });

  it('records a remittance once (Idempotency-Key), posts cash against the receivable and shows a credit balance when it is more than owed', async () => {
    const before = (await statement(admin, plazaId)).json();
    const amount = before.closingBalanceCents + 100_000;
    const send = () =>
      admin({
        method: 'POST',
        url: `/api/v1/dealers/${plazaId}/remittances`,
        headers: { 'idempotency-key': 'remit-plaza-1' },
        payload: { amountCents: amount, reference: 'CHK 10442', receivedOn: '2026-11-25' },
      });
    const recorded = await send();
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect(recorded.json()).toMatchObject({
      status: 'recorded',
      amountCents: amount,
      reference: 'CHK 10442',
    });
    expect((await send()).json().id).toBe(recorded.json().id);

    const after = (await statement(admin, plazaId)).json();
    expect(after.closingBalanceCents).toBe(-100_000);
    expect(after.creditBalance).toBe(true);
    expect(after.aging.currentCents).toBe(-100_000);
    expect(after.lines.filter((line: { kind: string }) => line.kind === 'remittance')).toHaveLength(1);

    const entries = await sql<{ account_code: string; debit: string; credit: string; dealer_code: string }>`
      select l.account_code, l.debit_cents::text as debit, l.credit_cents::text as credit, l.dealer_code
        from journal_lines l join journal_entries e on e.id = l.entry_id
       where e.event_type = 'dealer_remittance' and e.event_id = ${recorded.json().id}
       order by l.line_number`.execute(server.built.database.db);
    expect(entries.rows).toEqual([
      { account_code: '1000', debit: String(amount), credit: '0', dealer_code: 'D-1001' },
      { account_code: '1100', debit: '0', credit: String(amount), dealer_code: 'D-1001' },
    ]);
  });

  it("takes a dealer's remittance notice as pending until an admin matches it, once", async () => {
    const noticed = await dealerUser({
      method: 'POST',
      url: `/api/v1/dealers/${plazaId}/remittances`,
      payload: { amountCents: 25_000, reference: 'ACH 77', receivedOn: '2026-11-25' },
    });
    expect(noticed.statusCode, noticed.body).toBe(201);
    expect(noticed.json().status).toBe('pending');
    const before = (await statement(dealerUser, plazaId)).json();
    expect(before.pendingRemittances.map((r: { id: string }) => r.id)).toContain(noticed.json().id);

    const matchUrl = `/api/v1/dealers/${plazaId}/remittances/${noticed.json().id}/match`;
    expect((await dealerUser({ method: 'POST', url: matchUrl })).statusCode).toBe(403);
    const matched = await admin({ method: 'POST', url: matchUrl });
    expect(matched.statusCode, matched.body).toBe(200);
    expect(matched.json()).toMatchObject({ status: 'matched', matchedBy: 'admin@coverwise.test' });
    const again = await admin({ method: 'POST', url: matchUrl });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('remittance_not_pending');

    const after = (await statement(dealerUser, plazaId)).json();
    expect(after.closingBalanceCents).toBe(before.closingBalanceCents - 25_000);
    expect(after.pendingRemittances).toEqual([]);
  });

  it('lets a dealer read only its own statement, as CSV and PDF too', async () => {
    expect((await statement(dealerUser, sunflowerId)).statusCode).toBe(404);
    expect(
      (
        await dealerUser({
          method: 'POST',
          url: `/api/v1/dealers/${sunflowerId}/remittances`,
          payload: { amountCents: 1, reference: 'x', receivedOn: '2026-11-25' },
        })
      ).statusCode,
    ).toBe(404);
    const csv = await dealerUser({
      url: `/api/v1/dealers/${plazaId}/statement.csv?from=2026-11-01&to=2026-11-30`,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = csv.body.trim().split('\n');
    expect(rows[0]).toBe('date,kind,contract_number,reference,amount_cents,balance_cents');
    expect(rows[1]).toMatch(/^2026-11-01,opening_balance,/);
    expect(rows.some((row) => row.startsWith('2026-11-30,closing_balance,'))).toBe(true);
    const pdf = await admin({
      url: `/api/v1/dealers/${plazaId}/statement.pdf?from=2026-11-01&to=2026-11-30`,
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('refuses bad input with a problem naming the field, and writes nothing', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ amountCents: 0, reference: 'x', receivedOn: '2026-11-25' }, 400, 'amountCents'],
      [{ amountCents: 10.5, reference: 'x', receivedOn: '2026-11-25' }, 400, 'amountCents'],
      [{ amountCents: 100, reference: '', receivedOn: '2026-11-25' }, 400, 'reference'],
      [{ amountCents: 100, reference: '  ', receivedOn: '2026-11-25' }, 400, 'reference'],
      [{ amountCents: 100, reference: '\t\n', receivedOn: '2026-11-25' }, 400, 'reference'],
      [{ amountCents: 100, reference: 'x', receivedOn: '2026-02-30' }, 422, 'receivedOn'],
      [{ amountCents: 100, reference: 'x', receivedOn: '2027-01-30' }, 422, 'receivedOn'],
      [{ amountCents: 100, reference: 'x', receivedOn: '2026-11-27' }, 422, 'receivedOn'],
      [{ amountCents: 100, reference: 'x', receivedOn: '1900-01-01' }, 422, 'receivedOn'],
    ];
    const count = async () =>
      Number(
        (
          await sql<{ n: string }>`select count(*)::text as n from dealer_remittances`.execute(
            server.built.database.db,
          )
        ).rows[0]!.n,
      );
    const before = await count();
    for (const [payload, status, param] of cases) {
      const response = await admin({
        method: 'POST',
        url: `/api/v1/dealers/${plazaId}/remittances`,
        payload,
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json().param ?? response.json().errors?.[0]?.path).toContain(param);
    }
    // A dealer's notice is held to the same.
    const notice = await dealerUser({
      method: 'POST',
      url: `/api/v1/dealers/${plazaId}/remittances`,
      payload: { amountCents: 100, reference: '  ', receivedOn: '2026-11-25' },
    });
    expect(notice.statusCode).toBe(400);
    expect(notice.json()).toMatchObject({ code: 'validation_failed', param: 'reference' });
    expect(await count()).toBe(before);
    // A reference with spaces around it is kept without them.
    const spaced = await dealerUser({
      method: 'POST',
      url: `/api/v1/dealers/${plazaId}/remittances`,
      payload: { amountCents: 100, reference: '  ACH 78  ', receivedOn: '2026-11-25' },
    });
    expect(spaced.statusCode, spaced.body).toBe(201);
    expect(spaced.json().reference).toBe('ACH 78');
    const period = await statement(admin, plazaId, 'from=2026-12-01&to=2026-11-01');
    expect(period.statusCode).toBe(400);
    expect(period.json().param).toBe('from');
  });

  it('writes a reference that starts like a formula as text in the CSV, and a remittance as a negative number', async () => {
    const recorded = await admin({
      method: 'POST',
      url: `/api/v1/dealers/${sunflowerId}/remittances`,
      payload: { amountCents: 1_234, reference: '=cmd|"/c calc"!A1', receivedOn: '2026-11-25' },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const csv = await admin({
      url: `/api/v1/dealers/${sunflowerId}/statement.csv?from=2026-11-01&to=2026-11-30`,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toMatch(/\n2026-11-25,remittance,,"'=cmd\|""\/c calc""!A1",-1234,-?\d+\n/);
  });

  // A remittance is dated on a day of the dealer's account: not after tomorrow (business time zone), not
  // before the account existed — the day the dealer was added (the demo seeds it today, 2026-11-25) or its
  // first account event when that is older (a booking made on 2026-11-10 by the clock of the day, as the
  // demo's history does). Each row: dealer, receivedOn, the answer, and for a refusal the day it names.
  it('refuses a remittance dated after today or before the dealer account existed (422 invalid_date on receivedOn)', async () => {
    const remit = (receivedOn: string, dealerId: string) =>
      admin({
        method: 'POST',
        url: `/api/v1/dealers/${dealerId}/remittances`,
        payload: { amountCents: 500, reference: `DATED ${receivedOn}`, receivedOn },
      });
    clock.set('2026-11-10T15:00:00Z');
    try {
      const rated = await dealerUser({
        method: 'POST',
        url: '/api/v1/rates',
        payload: rateBody({ saleDate: '2026-11-10' }),
      });
      const offer = rated.json().offers.find((o: { planCode: string }) => o.planCode === 'VALUE_GUARD');
      const booked = await dealerUser({
        method: 'POST',
        url: '/api/v1/econtracts',
        payload: bookingBody(offer.rateId, offer.dealerCostCents, { dealNumber: 'DEAL-EARLY' }),
      });
      expect(booked.statusCode, booked.body).toBe(201);
    } finally {
      clock.set('2026-11-25T15:00:00Z');
    }
    const cases: [string, string, string, number, string | null][] = [
      ['Plaza: today', plazaId, '2026-11-25', 201, null],
      // A day of slack: a browser east of the business time zone is already on tomorrow.
      ['Plaza: tomorrow', plazaId, '2026-11-26', 201, null],
      ['Plaza: the day after tomorrow', plazaId, '2026-11-27', 422, 'after today (2026-11-25)'],
      ['Plaza: its first booking, before it was added', plazaId, '2026-11-10', 201, null],
      ['Plaza: the day before its first booking', plazaId, '2026-11-09', 422, 'its first day: 2026-11-10'],
      ['Plaza: 1900', plazaId, '1900-01-01', 422, 'its first day: 2026-11-10'],
      ['Sunflower: the day it was added', sunflowerId, '2026-11-25', 201, null],
      ['Sunflower: the day before', sunflowerId, '2026-11-24', 422, 'its first day: 2026-11-25'],
    ];
    for (const [name, dealerId, receivedOn, status, words] of cases) {
      const response = await remit(receivedOn, dealerId);
      expect(response.statusCode, `${name}: ${response.body}`).toBe(status);
      if (words) {
        expect(response.json(), name).toMatchObject({ code: 'invalid_date', param: 'receivedOn' });
        expect(response.json().detail, name).toContain(words);
      }
    }
    // A dealer's own notice is held to the same days.
    const notice = await dealerUser({
      method: 'POST',
      url: `/api/v1/dealers/${plazaId}/remittances`,
      payload: { amountCents: 500, reference: 'NOTICE EARLY', receivedOn: '2026-11-09' },
    });
    expect(notice.json()).toMatchObject({ code: 'invalid_date', param: 'receivedOn' });
  });
});
