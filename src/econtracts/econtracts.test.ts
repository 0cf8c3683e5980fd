import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingBody, rateBody, VIN_2024 } from '../../test/support/dealer-channel.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { withCheckDigit } from '../contracts/vin.js';
import { FakeClock } from '../platform/clock.js';
import { findQuotedOfferLockingRate, findRateBooking, quoteIdOf } from '../rating/rate.repository.js';
import { withinVoidWindow } from './econtracts.service.js';

const START = '2026-11-25T15:00:00Z';
const clock = new FakeClock(START);
type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>;
type Offer = {
  rateId: string;
  planCode: string;
  termMonths: number;
  deductibleCents: number;
  dealerCostCents: number;
  maxRetailCents: number;
};

describe('void window', () => {
  it.each([
    ['2026-11-01', '2026-12-01', 30, true],
    ['2026-11-01', '2026-12-02', 30, false],
    ['2026-11-01', '2026-11-01', 0, true],
    ['2026-11-01', '2026-11-02', 0, false],
    ['2026-01-31', '2026-03-02', 30, true],
    ['2026-01-31', '2026-03-03', 30, false],
  ])(
    'a sale on %s may be voided by its dealer on %s with a %i-day window: %s',
    (sale, on, days, expected) => {
      expect(withinVoidWindow(sale, on, days)).toBe(expected);
    },
  );
});

describeEachEngine('e-contracting and voids', (engine) => {
  let server: TestServer;
  let dealer: Client;
  let admin: Client;
  let shop: Client;
  let plazaId: string;
  let otherDealerKey: string;
  let plazaKey: Client;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    dealer = await staffClient(server, 'dealer@coverwise.test');
    admin = await staffClient(server, 'admin@coverwise.test');
    shop = await staffClient(server, 'shop@coverwise.test');
    const dealers = (await admin({ url: '/api/v1/dealers' })).json().data as { id: string; code: string }[];
    plazaId = dealers.find((d) => d.code === 'D-1001')!.id;
    const sunflower = dealers.find((d) => d.code === 'D-2002')!.id;
    otherDealerKey = (
      await admin({
        method: 'POST',
        url: `/api/v1/dealers/${sunflower}/api-keys`,
        payload: { label: 'menu' },
      })
    ).json().key;
    // Keys do not expire like sign-in sessions: the test that moves the clock a month uses one.
    const key = (
      await admin({ method: 'POST', url: `/api/v1/dealers/${plazaId}/api-keys`, payload: { label: 'menu' } })
    ).json().key;
    plazaKey = (options) =>
      server.built.app.inject({
        ...options,
        headers: { ...options.headers, authorization: `Bearer ${key}` },
      });
  });
  afterAll(() => server.close());

  async function rate(
    client: Client,
    overrides: Record<string, unknown> = {},
    vehicle: Record<string, unknown> = {},
  ): Promise<Offer[]> {
    const response = await client({
      method: 'POST',
      url: '/api/v1/rates',
      payload: rateBody(overrides, vehicle),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().offers;
  }

  async function valueGuardOffer(
    overrides: Record<string, unknown> = {},
    vehicle: Record<string, unknown> = {},
  ) {
    const offers = await rate(dealer, overrides, vehicle);
    return offers.find(
      (o) => o.planCode === 'VALUE_GUARD' && o.termMonths === 48 && o.deductibleCents === 10_000,
    )!;
  }

  const book = (client: Client, body: Record<string, unknown>, key?: string) =>
    client({
      method: 'POST',
      url: '/api/v1/econtracts',
      payload: body,
      headers: key ? { 'idempotency-key': key } : {},
    });

  /** The rate's booking: the contract it booked, or null. */
  const rateRow = async (id: string) => ({
    contract_id: await findRateBooking(server.built.database.db, id),
  });

  const accountEvents = (contractId: string) =>
    server.built.database.db
      .selectFrom('dealer_account_events')
      .select(['kind', 'amount_cents', 'dealer_id', 'occurred_on'])
      .where('contract_id', '=', contractId)
      .orderBy('id')
      .execute();

  describe('booking a rate', () => {
    it('registers the contract as POST /contracts would, with the dealer, its cost and the retail price', async () => {
      const offer = await valueGuardOffer();
      const response = await book(dealer, bookingBody(offer.rateId, offer.dealerCostCents + 60_000));
      expect(response.statusCode, response.body).toBe(201);
      const contract = response.json();
      expect(contract).toMatchObject({
        status: 'active',
        product: 'vsc',
        planCode: 'VALUE_GUARD',
        termMonths: 48,
        termMiles: 48_000,
        deductibleCents: 10_000,
        priceCents: offer.dealerCostCents + 60_000,
        dealerCostCents: offer.dealerCostCents,
        dealerCode: 'D-1001',
        sellingDealer: { code: 'D-1001', name: 'Plaza Honda' },
        purchaseDate: '2026-11-25',
        odometerAtSale: 12_000,
        expiresOn: '2030-11-25',
        expiresAtMiles: 60_000,
        vehicle: { vin: VIN_2024, year: 2024, make: 'Honda', model: 'Accord' },
        lienholder: { name: 'Heartland Credit Union' },
      });
      expect(contract.contractNumber).toMatch(/^VSC-2026-\d{6}$/);
      expect(contract.coverage.inForce).toBe(true);
      const audit = (await admin({ url: `/api/v1/contracts/${contract.id}/audit` })).json();
      expect(audit.data.map((e: { action: string }) => e.action)).toEqual([
        'contract.created',
        'contract.booked',
      ]);
      expect(audit.data[1].data).toMatchObject({ rateId: offer.rateId, dealNumber: 'DEAL-77' });
      expect(await accountEvents(contract.id)).toEqual([
        {
          kind: 'contract_booked',
          amount_cents: offer.dealerCostCents,
          dealer_id: plazaId,
          occurred_on: '2026-11-25',
        },
      ]);
      expect((await rateRow(offer.rateId)).contract_id).toBe(contract.id);
      // The dealer reads it back and lists it; holders' view never carries the dealer cost.
      expect((await dealer({ url: `/api/v1/contracts/${contract.id}` })).statusCode).toBe(200);
      const list = (await dealer({ url: `/api/v1/dealers/${plazaId}/contracts?limit=100` })).json();
      expect(list.data.map((c: { id: string }) => c.id)).toContain(contract.id);
      // Another dealer neither reads it nor lists Plaza Honda's contracts.
      const other = (url: string) =>
        server.built.app.inject({ url, headers: { authorization: `Bearer ${otherDealerKey}` } });
      expect((await other(`/api/v1/contracts/${contract.id}`)).statusCode).toBe(404);
      expect((await other(`/api/v1/dealers/${plazaId}/contracts`)).statusCode).toBe(404);
      // A rate books once.
      const again = await book(dealer, bookingBody(offer.rateId, offer.dealerCostCents));
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'rate_already_used', param: 'rateId' });
    });

    it('refuses a retail price outside [dealer cost, maximum retail] and leaves the rate unbooked', async () => {
      const offer = await valueGuardOffer();
      const below = await book(dealer, bookingBody(offer.rateId, offer.dealerCostCents - 1));
      expect(below.statusCode).toBe(422);
      expect(below.json()).toMatchObject({ code: 'retail_price_below_cost', param: 'retailPriceCents' });
      const above = await book(dealer, bookingBody(offer.rateId, offer.maxRetailCents + 1));
      expect(above.statusCode).toBe(422);
      expect(above.json()).toMatchObject({ code: 'retail_price_above_cap', param: 'retailPriceCents' });
      expect((await rateRow(offer.rateId)).contract_id).toBeNull();
      // The edges themselves are allowed.
      expect((await book(dealer, bookingBody(offer.rateId, offer.maxRetailCents))).statusCode).toBe(201);
      const second = await valueGuardOffer();
      expect((await book(dealer, bookingBody(second.rateId, second.dealerCostCents))).statusCode).toBe(201);
    });

    it('checks the holder as POST /contracts does (422 invalid_zip) and writes nothing', async () => {
      const offer = await valueGuardOffer();
      const body = bookingBody(offer.rateId, offer.dealerCostCents);
      const response = await book(dealer, {
        ...body,
        holder: { ...body.holder, address: { ...body.holder.address, zip: '641' } },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ code: 'invalid_zip', param: 'holder.address.zip' });
      expect((await rateRow(offer.rateId)).contract_id).toBeNull();
    });

    it('refuses a lienholder name or deal number that is only spaces (400 naming the field) and books nothing', async () => {
      const offer = await valueGuardOffer();
      const body = bookingBody(offer.rateId, offer.dealerCostCents);
      for (const [extra, param] of [
        [{ lienholder: { name: '   ' } }, 'lienholder.name'],
        [{ dealNumber: ' \t ' }, 'dealNumber'],
      ] as const) {
        const response = await book(dealer, { ...body, ...extra });
        expect(response.statusCode, JSON.stringify(extra)).toBe(400);
        expect(response.json()).toMatchObject({ code: 'validation_failed', param });
      }
      expect((await rateRow(offer.rateId)).contract_id).toBeNull();
    });

    it('books a rate of a quote stored in the older form (offers as objects with their rateId and labels)', async () => {
      // What rating stored before the compact form: each offer as the answer showed it, found by rateId.
      const answer = await rate(dealer);
      const offer = answer.find(
        (o) => o.planCode === 'VALUE_GUARD' && o.termMonths === 48 && o.deductibleCents === 10_000,
      )!;
      const legacy = answer.map((o) => {
        const { expiresOn: _, ...stored } = o as Offer & { expiresOn: string };
        return stored;
      });
      await sql`update rate_quotes set offers = ${JSON.stringify(legacy)}::json
        where id = ${quoteIdOf(offer.rateId)}::uuid`.execute(server.built.database.db);
      const response = await book(dealer, bookingBody(offer.rateId, offer.dealerCostCents + 1_000));
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({
        planCode: 'VALUE_GUARD',
        termMonths: 48,
        deductibleCents: 10_000,
        dealerCostCents: offer.dealerCostCents,
        priceCents: offer.dealerCostCents + 1_000,
      });
      expect((await rateRow(offer.rateId)).contract_id).toBe(response.json().id);
      const again = await book(dealer, bookingBody(offer.rateId, offer.dealerCostCents));
      expect(again.json()).toMatchObject({ code: 'rate_already_used', param: 'rateId' });
    });

    it('replays an Idempotency-Key and refuses it with another body', async () => {
      const offer = await valueGuardOffer();
      const body = bookingBody(offer.rateId, offer.dealerCostCents + 1_000);
      const first = await book(dealer, body, 'book-once-1');
      const replay = await book(dealer, body, 'book-once-1');
      expect(first.statusCode).toBe(201);
      expect(replay.statusCode).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json().id).toBe(first.json().id);
      const other = await book(
        dealer,
        { ...body, retailPriceCents: offer.dealerCostCents + 2_000 },
        'book-once-1',
      );
      expect(other.statusCode).toBe(422);
      expect(other.json().code).toBe('idempotency_key_reused');
    });

    it('books a rate asked ahead of the sale only once the sale day has come, and says so about the rate', async () => {
      // Today is 2026-11-25: a deal to close on 2026-12-05 may be rated now.
      // The dealer's system with its API key (a person's session would have lapsed by the sale day).
      const offer = (await rate(plazaKey, { saleDate: '2026-12-05' })).find(
        (o) => o.planCode === 'VALUE_GUARD',
      )!;
      const early = await book(plazaKey, bookingBody(offer.rateId, offer.dealerCostCents));
      expect(early.statusCode).toBe(422);
      expect(early.json()).toMatchObject({ code: 'invalid_date', param: 'rateId' });
      expect(early.json().detail).toContain('a sale on 2026-12-05: book it on that day or after');
      try {
        clock.set('2026-12-05T15:00:00Z');
        const onTheDay = await book(plazaKey, bookingBody(offer.rateId, offer.dealerCostCents));
        expect(onTheDay.statusCode, onTheDay.body).toBe(201);
        expect(onTheDay.json().purchaseDate).toBe('2026-12-05');
      } finally {
        clock.set(START);
      }
    });

    it('refuses a rate past its 30 days (409 rate_expired) and a rate of someone else (404)', async () => {
      const offer = await valueGuardOffer();
      const staffOffer = (await rate(admin))[0]!;
      try {
        clock.advance(30 * 86_400_000);
        expect((await book(plazaKey, bookingBody(offer.rateId, offer.dealerCostCents))).statusCode).toBe(201);
        const late = (await rate(plazaKey)).find((o) => o.planCode === 'BASIC_GUARD')!;
        clock.advance(31 * 86_400_000);
        const expired = await book(plazaKey, bookingBody(late.rateId, late.dealerCostCents));
        expect(expired.statusCode).toBe(409);
        expect(expired.json()).toMatchObject({ code: 'rate_expired', param: 'rateId' });
      } finally {
        clock.set(START);
      }
      const notOurs = await book(dealer, bookingBody(staffOffer.rateId, staffOffer.dealerCostCents));
      expect(notOurs.statusCode).toBe(404);
      const otherDealer = await server.built.app.inject({
        method: 'POST',
        url: '/api/v1/econtracts',
        payload: bookingBody(offer.rateId, offer.dealerCostCents),
        headers: { authorization: `Bearer ${otherDealerKey}` },
      });
      expect(otherDealer.statusCode).toBe(404);
    });

    it('books GAP from the loan it was rated with, and refuses other loan figures', async () => {
      const loan = { amountFinancedCents: 3_000_000, msrpCents: 2_800_000, termMonths: 60 };
      const offers = await rate(dealer, { loan });
      const gap = offers.find((o) => o.planCode === 'GAP')!;
      const changed = await book(dealer, {
        ...bookingBody(gap.rateId, gap.dealerCostCents),
        amountFinancedCents: 3_100_000,
      });
      expect(changed.statusCode).toBe(400);
      expect(changed.json().param).toBe('amountFinancedCents');
      const booked = await book(dealer, {
        ...bookingBody(gap.rateId, gap.dealerCostCents),
        msrpCents: 2_800_000,
      });
      expect(booked.statusCode, booked.body).toBe(201);
      expect(booked.json()).toMatchObject({
        product: 'gap',
        termMonths: 60,
        termMiles: null,
        amountFinancedCents: 3_000_000,
        msrpCents: 2_800_000,
        expiresOn: '2031-11-25',
      });
    });

    it('books each offer of one answer once (VSC and GAP together), and no offer the answer did not hold', async () => {
      const loan = { amountFinancedCents: 3_000_000, msrpCents: 2_800_000, termMonths: 60 };
      const offers = await rate(dealer, { loan });
      const vsc = offers.find((o) => o.planCode === 'VALUE_GUARD')!;
      const gap = offers.find((o) => o.planCode === 'GAP')!;
      expect((await book(dealer, bookingBody(vsc.rateId, vsc.dealerCostCents))).statusCode).toBe(201);
      expect((await book(dealer, bookingBody(gap.rateId, gap.dealerCostCents))).statusCode).toBe(201);
      expect((await book(dealer, bookingBody(gap.rateId, gap.dealerCostCents))).json().code).toBe(
        'rate_already_used',
      );
      // An id next to the answer's offers (same quote, an offer number it never had) is no rate.
      const beyond = `${gap.rateId.slice(0, -4)}ffff`;
      expect(offers.map((o) => o.rateId)).not.toContain(beyond);
      const forged = await book(dealer, bookingBody(beyond, gap.dealerCostCents));
      expect(forged.statusCode).toBe(404);
      expect(forged.json()).toMatchObject({ code: 'not_found', param: 'rateId' });
      // Upper case is the same UUID.
      const upper = offers.find((o) => o.planCode === 'BASIC_GUARD')!;
      expect(
        (await book(dealer, bookingBody(upper.rateId.toUpperCase(), upper.dealerCostCents))).statusCode,
      ).toBe(201);
      expect((await book(dealer, bookingBody(upper.rateId, upper.dealerCostCents))).statusCode).toBe(409);
    });

    it('books a rate exactly once when bookings race, on one process and across two', async () => {
      const offer = await valueGuardOffer();
      const body = (n: number) => bookingBody(offer.rateId, offer.dealerCostCents + n);
      const responses = await Promise.all([
        book(dealer, body(1)),
        book(dealer, body(2)),
        book(dealer, body(3)),
      ]);
      expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
      for (const r of responses.filter((r) => r.statusCode === 409))
        expect(r.json().code).toBe('rate_already_used');
      const contracts = await server.built.database.db
        .selectFrom('contracts')
        .select('id')
        .where('id', '=', (await rateRow(offer.rateId)).contract_id!)
        .execute();
      expect(contracts).toHaveLength(1);
      const events = await server.built.database.db
        .selectFrom('dealer_account_events')
        .select('id')
        .where('contract_id', '=', contracts[0]!.id)
        .execute();
      expect(events).toHaveLength(1);

      if (server.databaseUrl) {
        const other = await startTestServer({
          engine,
          clock,
          demo: false,
          sharedDatabaseUrl: server.databaseUrl,
        });
        try {
          const otherDealer = await staffClient(other, 'dealer@coverwise.test');
          for (let round = 0; round < 3; round++) {
            const next = await valueGuardOffer();
            const raced = await Promise.all([
              book(dealer, bookingBody(next.rateId, next.dealerCostCents)),
              book(otherDealer, bookingBody(next.rateId, next.dealerCostCents + 5)),
            ]);
            expect(raced.map((r) => r.statusCode).sort()).toEqual([201, 409]);
            const booked = await server.built.database.db
              .selectFrom('contracts')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('dealer_id', '=', plazaId)
              .where('id', '=', (await rateRow(next.rateId)).contract_id!)
              .executeTakeFirstOrThrow();
            expect(Number(booked.n)).toBe(1);
          }
        } finally {
          await other.close();
        }
      }
    });
    it("books two offers of one quote at once, each its own contract (a deal's VSC and GAP, say)", async () => {
      const offers = await rate(dealer, {
        loan: { amountFinancedCents: 3_000_000, msrpCents: 2_800_000, termMonths: 60 },
      });
      const vsc = offers.find((o) => o.planCode === 'VALUE_GUARD')!;
      const gap = offers.find((o) => o.planCode === 'GAP')!;
      expect(quoteIdOf(vsc.rateId)).toBe(quoteIdOf(gap.rateId));
      const responses = await Promise.all(
        [vsc, gap].map((offer) => book(dealer, bookingBody(offer.rateId, offer.dealerCostCents))),
      );
      expect(responses.map((r) => r.statusCode)).toEqual([201, 201]);
      const contractIds = await Promise.all(
        [vsc, gap].map(async (o) => (await rateRow(o.rateId)).contract_id),
      );
      expect(new Set(contractIds).size).toBe(2);
      expect(responses.map((r) => r.json().id).sort()).toEqual([...contractIds].sort());
    });

    it('locks the rate being booked, not its quote: another offer of the quote books meanwhile (PostgreSQL)', async () => {
      if (!server.databaseUrl) return; // one connection on the embedded database: nothing runs beside
      const offers = await rate(dealer);
      const [first, second] = offers;
      const { db } = server.built.database;
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve;
      });
      // One transaction holds the first rate's lock until the test lets it go.
      const holder = db.transaction().execute(async (trx) => {
        await findQuotedOfferLockingRate(trx, first!.rateId);
        locked();
        await held;
      });
      await isLocked;
      try {
        // Another transaction waits at most 300 ms for a lock: the second rate of the quote is free...
        const other = await db.transaction().execute(async (trx) => {
          await sql`set local lock_timeout = '300ms'`.execute(trx);
          return findQuotedOfferLockingRate(trx, second!.rateId);
        });
        expect(other?.offer?.rateId).toBe(second!.rateId);
        // ...and the first is not (lock_not_available once the timeout has passed).
        await expect(
          db.transaction().execute(async (trx) => {
            await sql`set local lock_timeout = '300ms'`.execute(trx);
            return findQuotedOfferLockingRate(trx, first!.rateId);
          }),
        ).rejects.toMatchObject({ code: '55P03' });
      } finally {
        release();
        await holder;
      }
    });
  });

  describe('voids', () => {
    async function booked(overrides: Record<string, unknown> = {}, vehicle: Record<string, unknown> = {}) {
      const offer = await valueGuardOffer(overrides, vehicle);
      const response = await book(dealer, bookingBody(offer.rateId, offer.dealerCostCents + 50_000));
      expect(response.statusCode, response.body).toBe(201);
      return response.json() as { id: string; dealerCostCents: number; vehicle: { vin: string } };
    }

    const voidIt = (client: Client, id: string, reason = 'Deal unwound: financing fell through') =>
      client({ method: 'POST', url: `/api/v1/contracts/${id}/void`, payload: { reason } });

    it('lets the dealer void within the window: status void, coverage says void, the cost comes off its account', async () => {
      const vin = withCheckDigit('2T1BURHE0RC104352');
      const contract = await booked({ vin }, { make: 'Toyota', model: 'Corolla' });
      const response = await voidIt(dealer, contract.id);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({
        status: 'void',
        voidReason: 'Deal unwound: financing fell through',
      });
      expect(response.json().coverage).toMatchObject({ inForce: false, reasonCode: 'void' });
      const coverage = (await shop({ url: `/api/v1/coverage?vin=${vin}&odometer=12500` })).json();
      expect(coverage).toMatchObject({ inForce: false, reasonCode: 'void', contractId: contract.id });
      expect(await accountEvents(contract.id)).toEqual([
        expect.objectContaining({ kind: 'contract_booked', amount_cents: contract.dealerCostCents }),
        expect.objectContaining({ kind: 'contract_voided', amount_cents: -contract.dealerCostCents }),
      ]);
      const audit = (await admin({ url: `/api/v1/contracts/${contract.id}/audit` })).json();
      expect(audit.data.at(-1)).toMatchObject({
        action: 'contract.voided',
        reason: 'Deal unwound: financing fell through',
      });
      // No refund, no fee: nothing on the contract's ledger.
      const ledger = await server.built.database.db
        .selectFrom('ledger_entries')
        .select('id')
        .where('contract_id', '=', contract.id)
        .execute();
      expect(ledger).toEqual([]);
      // The books: the written entry (at the dealer cost) and its reversal, so every account nets to zero.
      const books = await sql<{ event_type: string; account_code: string; net: number }>`
        select e.event_type, l.account_code, sum(l.debit_cents - l.credit_cents)::integer as net
        from journal_lines l join journal_entries e on e.id = l.entry_id
        where e.event_id = ${contract.id}
        group by e.event_type, l.account_code`.execute(server.built.database.db);
      expect(new Set(books.rows.map((row) => row.event_type))).toEqual(
        new Set(['contract_written', 'contract_voided']),
      );
      const netByAccount = new Map<string, number>();
      for (const row of books.rows)
        netByAccount.set(row.account_code, (netByAccount.get(row.account_code) ?? 0) + row.net);
      expect([...netByAccount.values()].every((net) => net === 0)).toBe(true);
      const written = books.rows.filter((row) => row.event_type === 'contract_written' && row.net > 0);
      expect(written.reduce((sum, row) => sum + row.net, 0)).toBe(contract.dealerCostCents);
      const twice = await voidIt(dealer, contract.id);
      expect(twice.statusCode).toBe(409);
      expect(twice.json().code).toBe('contract_not_active');
    });

    it('refuses a void reason that is only spaces (400 validation_failed, param reason) and keeps a reason trimmed', async () => {
      const contract = await booked();
      for (const reason of ['   ', '\t\n', '']) {
        const refused = await voidIt(dealer, contract.id, reason);
        expect(refused.statusCode, JSON.stringify(reason)).toBe(400);
        expect(refused.json()).toMatchObject({ code: 'validation_failed', param: 'reason' });
      }
      expect((await admin({ url: `/api/v1/contracts/${contract.id}` })).json().status).toBe('active');
      const voided = await voidIt(dealer, contract.id, '  Deal unwound  ');
      expect(voided.statusCode, voided.body).toBe(200);
      expect(voided.json().voidReason).toBe('Deal unwound');
      const audit = (await admin({ url: `/api/v1/contracts/${contract.id}/audit` })).json();
      expect(audit.data.at(-1)).toMatchObject({ action: 'contract.voided', reason: 'Deal unwound' });
    });

    it('refuses the dealer after the void window (422 void_window_elapsed) but lets staff void', async () => {
      // Rated and booked on the day of the sale (a rate's sale date is within its 30 days), voided 31 days on.
      const bookedOnSaleDay = async (saleDate: string) => {
        clock.set(`${saleDate}T15:00:00Z`);
        try {
          return await booked({ saleDate });
        } finally {
          clock.set(START);
        }
      };
      const contract = await bookedOnSaleDay('2026-10-25');
      const late = await voidIt(dealer, contract.id);
      expect(late.statusCode).toBe(422);
      expect(late.json().code).toBe('void_window_elapsed');
      const byStaff = await voidIt(admin, contract.id, 'Entered in error');
      expect(byStaff.statusCode).toBe(200);
      expect(byStaff.json().status).toBe('void');
      // The day before the window closes, the dealer still may.
      const inTime = await bookedOnSaleDay('2026-10-26');
      expect((await voidIt(dealer, inTime.id)).statusCode).toBe(200);
    });

    it('refuses the dealer once a claim was filed (422 contract_has_claims)', async () => {
      const vin = withCheckDigit('3FA6P0H70RR104352');
      const contract = await booked({ vin }, { make: 'Ford', model: 'Fusion' });
      const claim = await shop({
        method: 'POST',
        url: '/api/v1/repair-claims',
        payload: {
          vin,
          odometer: 12_400,
          complaint: 'Grinding noise when braking',
          cause: 'Front calipers seized',
          correction: 'Replace both front calipers',
          lines: [
            {
              componentGroup: 'brakes',
              description: 'Front calipers',
              partsCents: 40_000,
              laborHours: 2.5,
              laborRateCents: 12_000,
            },
          ],
        },
      });
      expect(claim.statusCode, claim.body).toBe(201);
      const refused = await voidIt(dealer, contract.id);
      expect(refused.statusCode).toBe(422);
      expect(refused.json().code).toBe('contract_has_claims');
    });

    it('keeps a dealer to its own contracts (404) and other roles out (403)', async () => {
      const contract = await booked();
      const other = await server.built.app.inject({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/void`,
        payload: { reason: 'not mine' },
        headers: { authorization: `Bearer ${otherDealerKey}` },
      });
      expect(other.statusCode).toBe(404);
      expect((await voidIt(shop, contract.id)).statusCode).toBe(403);
    });
  });
});
