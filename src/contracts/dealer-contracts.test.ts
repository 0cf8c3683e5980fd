import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bookingBody, rateBody } from '../../test/support/dealer-channel.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { FakeClock } from '../platform/clock.js';

// GET /dealers/{id}/contracts: a dealer's contracts newest sale first (purchase date descending) and,
// within a sale day, newest booked first (not by contract number, which sorts as text: every GAP-… after
// every VSC-…), paged with startingAfter in that same order.

const clock = new FakeClock('2026-11-25T15:00:00Z');
type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>;
type Listed = { id: string; contractNumber: string; purchaseDate: string };

const LOAN = { amountFinancedCents: 3_000_000, msrpCents: 2_800_000, termMonths: 60 };

describeEachEngine('a dealer lists its contracts', (engine) => {
  let server: TestServer;
  let dealer: Client;
  let plazaId: string;
  /** The contracts booked here, in booking order. */
  const booked: Listed[] = [];

  async function bookSoldOn(saleDate: string, product: 'vsc' | 'gap' = 'vsc'): Promise<Listed> {
    const rated = await dealer({
      method: 'POST',
      url: '/api/v1/rates',
      payload: rateBody({ saleDate, ...(product === 'gap' ? { loan: LOAN } : {}) }),
    });
    expect(rated.statusCode, rated.body).toBe(200);
    const offer = (
      rated.json().offers as { rateId: string; product: string; dealerCostCents: number }[]
    ).find((o) => o.product === product)!;
    const response = await dealer({
      method: 'POST',
      url: '/api/v1/econtracts',
      payload: bookingBody(offer.rateId, offer.dealerCostCents),
    });
    expect(response.statusCode, response.body).toBe(201);
    const { id, contractNumber, purchaseDate } = response.json();
    return { id, contractNumber, purchaseDate };
  }

  const list = (query: string) => dealer({ url: `/api/v1/dealers/${plazaId}/contracts?${query}` });

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    dealer = await staffClient(server, 'dealer@coverwise.test');
    const admin = await staffClient(server, 'admin@coverwise.test');
    const dealers = (await admin({ url: '/api/v1/dealers' })).json().data as { id: string; code: string }[];
    plazaId = dealers.find((d) => d.code === 'D-1001')!.id;
    // Booked out of sale order: a deal keyed in late comes after newer ones in number, not in the list.
    // Four of 2026-11-20, VSC and GAP in turn: within the day the newest booked comes first, whatever
    // its product (by number every VSC-… came before every GAP-…).
    const bookings = [
      ['2026-11-10', 'vsc'],
      ['2026-11-20', 'gap'],
      ['2026-11-20', 'vsc'],
      ['2026-11-01', 'vsc'],
      ['2026-11-20', 'gap'],
      ['2026-11-20', 'vsc'],
      ['2026-11-25', 'vsc'],
    ] as const;
    for (const [saleDate, product] of bookings) booked.push(await bookSoldOn(saleDate, product));
  });
  afterAll(() => server.close());

  it('lists the newest sale first, and the contracts of one sale day newest booked first, GAP and VSC alike', async () => {
    const response = await list('limit=100');
    expect(response.statusCode, response.body).toBe(200);
    const listed = response.json().data as Listed[];
    expect(listed.map((c) => c.contractNumber)).toEqual(
      [6, 5, 4, 2, 1, 0, 3].map((index) => booked[index]!.contractNumber),
    );
    expect(listed.slice(1, 5).map((c) => c.contractNumber.slice(0, 3))).toEqual(['VSC', 'GAP', 'VSC', 'GAP']);
    expect(response.json().hasMore).toBe(false);
  });

  it.each([1, 2, 3])(
    'pages %i at a time in the same order, across the day of mixed GAP and VSC: every contract once, hasMore until the last page',
    async (limit) => {
      const all = ((await list('limit=100')).json().data as Listed[]).map((c) => c.id);
      const paged: string[] = [];
      let startingAfter: string | undefined;
      for (let pageNumber = 1; pageNumber <= 10; pageNumber++) {
        const response = await list(
          `limit=${limit}${startingAfter ? `&startingAfter=${startingAfter}` : ''}`,
        );
        expect(response.statusCode, response.body).toBe(200);
        const page = response.json() as { data: Listed[]; hasMore: boolean };
        paged.push(...page.data.map((c) => c.id));
        expect(page.hasMore, `page ${pageNumber}`).toBe(paged.length < all.length);
        if (!page.hasMore) break;
        startingAfter = page.data.at(-1)!.id;
      }
      expect(paged).toEqual(all);
    },
  );

  it("refuses a startingAfter that is none of the dealer's contracts (400 validation_failed, param startingAfter)", async () => {
    const notTheDealers = await server.built.database.db
      .selectFrom('contracts')
      .select('id')
      .where('dealer_id', 'is', null)
      .executeTakeFirstOrThrow();
    for (const startingAfter of ['00000000-0000-4000-8000-000000000000', notTheDealers.id]) {
      const response = await list(`limit=2&startingAfter=${startingAfter}`);
      expect(response.statusCode, startingAfter).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed', param: 'startingAfter' });
    }
  });
});
