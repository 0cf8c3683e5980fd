import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bookingBody, rateBody } from '../../test/support/dealer-channel.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { FakeClock } from '../platform/clock.js';

// GET /dealers/{id}/contracts: a dealer's contracts newest sale first (purchase date, then contract
// number, both descending), paged with startingAfter in that same order.

const clock = new FakeClock('2026-11-25T15:00:00Z');
type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>;
type Listed = { id: string; contractNumber: string; purchaseDate: string };

describeEachEngine('a dealer lists its contracts', (engine) => {
  let server: TestServer;
  let dealer: Client;
  let plazaId: string;
  /** The contracts booked here, in booking order (so in contract-number order). */
  const booked: Listed[] = [];

  async function bookSoldOn(saleDate: string): Promise<Listed> {
    const rated = await dealer({ method: 'POST', url: '/api/v1/rates', payload: rateBody({ saleDate }) });
    expect(rated.statusCode, rated.body).toBe(200);
    const offer = (
      rated.json().offers as { rateId: string; product: string; dealerCostCents: number }[]
    ).find((o) => o.product === 'vsc')!;
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
    for (const saleDate of ['2026-11-10', '2026-11-20', '2026-11-01', '2026-11-20', '2026-11-25'])
      booked.push(await bookSoldOn(saleDate));
  });
  afterAll(() => server.close());

  it('lists the newest sale first, and contracts of one sale day by contract number, highest first', async () => {
    const response = await list('limit=100');
    expect(response.statusCode, response.body).toBe(200);
    const listed = response.json().data as Listed[];
    expect(listed.map((c) => [c.purchaseDate, c.contractNumber])).toEqual(
      [4, 3, 1, 0, 2].map((index) => [booked[index]!.purchaseDate, booked[index]!.contractNumber]),
    );
    expect(response.json().hasMore).toBe(false);
  });

  it('pages in the same order: every contract once, hasMore until the last page', async () => {
    const all = ((await list('limit=100')).json().data as Listed[]).map((c) => c.id);
    const paged: string[] = [];
    let startingAfter: string | undefined;
    for (let pageNumber = 1; pageNumber <= 10; pageNumber++) {
      const response = await list(`limit=2${startingAfter ? `&startingAfter=${startingAfter}` : ''}`);
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json() as { data: Listed[]; hasMore: boolean };
      paged.push(...page.data.map((c) => c.id));
      expect(page.hasMore, `page ${pageNumber}`).toBe(paged.length < all.length);
      if (!page.hasMore) break;
      startingAfter = page.data.at(-1)!.id;
    }
    expect(paged).toEqual(all);
  });

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
