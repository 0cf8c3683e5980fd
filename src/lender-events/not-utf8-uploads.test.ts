// Uploads decode their bytes as strict UTF-8 (src/shared/utf8-text.ts), on both engines through the API:
// a lender-event CSV or funding file row holding a byte that is not UTF-8 (a Windows-1252 ñ) is rejected
// with invalid_encoding, its line and its column as the file writes it, the other rows going on; an SDN
// file holding one is refused whole, naming its line and column, and no list is loaded. A byte-order mark
// and UTF-8 letters are taken as they are (they used to become U+FFFD silently when they were not UTF-8).
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { lenderVscBody } from '../../test/support/lender-portfolio.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { withCheckDigit } from '../contracts/vin.js';
import { FakeClock } from '../platform/clock.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const utf8 = (text: string) => Buffer.from(text, 'utf8');

describeEachEngine('uploads that are not UTF-8', (engine) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;
  const [kept, rejected] = ['1FTFW1E50NF990001', '1FTFW1E50NF990002'].map(withCheckDigit) as [string, string];

  beforeAll(async () => {
    server = await startTestServer({ engine, clock, demo: true });
    admin = await staffClient(server, 'admin@coverwise.test');
    for (const vin of [kept, rejected]) {
      const created = await admin({
        method: 'POST',
        url: '/api/v1/contracts',
        payload: lenderVscBody(vin, {
          purchaseDate: '2026-11-10',
          sellingDealer: { code: 'D1', name: 'Prairie Motors' },
        }),
      });
      expect(created.statusCode, created.body).toBe(201);
    }
  });
  afterAll(() => server?.close());

  const post = (url: string, payload: Buffer) =>
    admin({ method: 'POST', url, payload, headers: { 'content-type': 'text/csv' } });
  const statusOf = async (vin: string) =>
    (
      await server.built.database.db
        .selectFrom('contracts')
        .select('status')
        .where('vin', '=', vin)
        .executeTakeFirstOrThrow()
    ).status;

  it('rejects a lender-event row holding a Windows-1252 byte with invalid_encoding, line and column; the UTF-8 row is applied', async () => {
    const response = await post(
      '/api/v1/lender-events',
      Buffer.concat([
        utf8('\uFEFFVIN,Type,Date,Reference\n'),
        utf8(`${kept},payoff,2026-11-20,Núñez 1\n`),
        latin1(`${rejected},payoff,2026-11-20,Núñez 2\n`),
      ]),
    );
    expect(response.statusCode, response.body).toBe(200);
    const [first, second] = response.json().results as {
      vin: string;
      status: string;
      code?: string;
      param?: string;
      detail?: string;
    }[];
    expect(first).toMatchObject({ vin: kept, status: 'cancelled' });
    expect(second).toMatchObject({ status: 'rejected', code: 'invalid_encoding', param: 'Reference' });
    expect(second!.detail).toContain('"N\uFFFD\uFFFDez 2" holds bytes that are not UTF-8 text');
    expect(await statusOf(kept)).toBe('cancelled');
    expect(await statusOf(rejected)).toBe('active');
  });

  it('rejects a funding row holding a Windows-1252 byte with invalid_encoding, line and column', async () => {
    const response = await post(
      '/api/v1/funding-uploads?lienholder=First%20Prairie%20Bank',
      Buffer.concat([
        utf8('vin,product,amount_financed_cents,funded_on,Dealer\n'),
        utf8(`${kept},vsc,120000,2026-11-12,D1\n`),
        latin1(`${rejected},vsc,120000,2026-11-12,Dñ\n`),
      ]),
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ rowsRead: 2, rejectedCount: 1 });
    expect(response.json().rejected).toEqual([
      expect.objectContaining({ line: 3, code: 'invalid_encoding', param: 'Dealer' }),
    ]);
  });

  it('refuses an SDN file holding a Windows-1252 byte, naming its line and column, and loads no list', async () => {
    const lists = async () =>
      Number(
        (
          await sql<{ n: number }>`select count(*)::int as n from ofac_lists`.execute(
            server.built.database.db,
          )
        ).rows[0]!.n,
      );
    const before = await lists();
    const refused = await post(
      '/api/v1/ofac/sdn-lists',
      Buffer.concat([
        utf8('306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0-\r\n'),
        latin1('9001,"NUÑEZ, Ximena",individual,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0-\r\n'),
      ]),
    );
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'sdn_file_invalid', param: 'body' });
    expect(refused.json().detail).toMatch(
      /^Line 2, column SDN_Name: "NU\uFFFDEZ, Ximena" holds bytes that are not UTF-8 text/,
    );
    expect(await lists()).toBe(before);

    // The same names in UTF-8, after a byte-order mark: loaded as written.
    const loaded = await post(
      '/api/v1/ofac/sdn-lists',
      Buffer.concat([
        utf8('\uFEFF306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0-\r\n'),
        utf8('9001,"NUÑEZ, Ximena",individual,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0-\r\n'),
      ]),
    );
    expect(loaded.statusCode, loaded.body).toBe(201);
    const names = await server.built.database.db
      .selectFrom('ofac_names')
      .select(['ent_num', 'name'])
      .where('list_id', '=', loaded.json().id)
      .orderBy('ent_num')
      .execute();
    expect(names.map((row) => [Number(row.ent_num), row.name])).toEqual([
      [306, 'BANCO NACIONAL DE CUBA'],
      [9001, 'NUÑEZ, Ximena'],
    ]);
  });
});
