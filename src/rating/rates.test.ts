import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rateBody, VIN_2024 } from '../../test/support/dealer-channel.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { insertCatalogVersion } from '../catalog/catalog.repository.js';
import { createCatalogService } from '../catalog/catalog.service.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { auditRow } from '../platform/audit/audit.repository.js';
import { FakeClock } from '../platform/clock.js';
import { insertQuotesIfCurrent, newQuoteId, quoteIdOf, rateIdOf } from './rate.repository.js';
import { createRatesService } from './rates.service.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');
const vin2024 = VIN_2024;

describeEachEngine('rates', (engine) => {
  let server: TestServer;
  let dealerUser: Awaited<ReturnType<typeof staffClient>>;
  let adjuster: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    dealerUser = await staffClient(server, 'dealer@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
  });
  afterAll(() => server.close());

  // A service of its own over the same database: explaining needs nothing the request's process held.
  const explainQuote = (quoteId: string) => {
    const { db } = server.built.database;
    return createRatesService({
      db,
      clock,
      catalog: createCatalogService({ db }),
      timeZone: 'America/Chicago',
    }).explainQuote(quoteId);
  };

  const rate = (body: Record<string, unknown>, client = dealerUser) =>
    client({ method: 'POST', url: '/api/v1/rates', payload: body });

  it('prices every plan × term × deductible with its lines and stores the answer as one 30-day quote of the dealer', async () => {
    const response = await rate(
      rateBody(
        { loan: { amountFinancedCents: 3_000_000, msrpCents: 2_800_000, termMonths: 60 } },
        { turbo: true },
      ),
    );
    expect(response.statusCode).toBe(200);
    // Serialized by the route's 200 schema before the quote was stored, and sent as those bytes.
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(response.headers['content-length'])).toBe(response.rawPayload.length);
    const answer = response.json();
    expect(Object.keys(answer)).toEqual(['catalogVersion', 'vehicleClass', 'offers', 'ineligible']);
    expect(Object.keys(answer.offers[0])).toEqual([
      'rateId',
      'product',
      'planCode',
      'termMonths',
      'termMiles',
      'deductibleCents',
      'dealerCostCents',
      'maxRetailCents',
      'expiresOn',
      'lines',
    ]);
    expect(answer.vehicleClass).toBe('A');
    expect(answer.offers).toHaveLength(49);
    expect(answer.ineligible).toEqual([]);
    const value = answer.offers.find(
      (o: { planCode: string; termMonths: number; deductibleCents: number }) =>
        o.planCode === 'VALUE_GUARD' && o.termMonths === 36 && o.deductibleCents === 10_000,
    );
    expect(value).toMatchObject({
      dealerCostCents: 99_500,
      maxRetailCents: 349_500,
      expiresOn: '2026-12-25',
    });
    expect(value.lines.map((l: { label: string }) => l.label)).toEqual([
      'Value Guard, class A, 36 months/36,000 miles',
      '$100.00 deductible',
      'Turbo or supercharged surcharge',
    ]);
    // One quote row holds the whole answer, compactly: each offer's figures and line amounts at the
    // position its rateId names, no labels (they are re-derived when asked).
    const stored = await server.built.database.db
      .selectFrom('rate_quotes')
      .innerJoin('dealers', 'dealers.id', 'rate_quotes.dealer_id')
      .select(['rate_quotes.id', 'dealers.code', 'rate_quotes.offers', 'rate_quotes.expires_on'])
      .where('rate_quotes.id', '=', quoteIdOf(value.rateId))
      .executeTakeFirstOrThrow();
    expect(stored.offers).toHaveLength(49);
    expect(answer.offers.map((o: { rateId: string }) => o.rateId)).toEqual(
      answer.offers.map((_: unknown, index: number) => rateIdOf(stored.id, index)),
    );
    const index = answer.offers.indexOf(value);
    expect(stored.offers[index]).toEqual([
      'vsc',
      'VALUE_GUARD',
      36,
      36_000,
      10_000,
      99_500,
      349_500,
      value.lines.map((l: { amountCents: number }) => l.amountCents),
    ]);
    expect(JSON.stringify(stored.offers).length).toBeLessThan(JSON.stringify(answer.offers).length / 4);
    expect(stored).toMatchObject({ code: 'D-1001', expires_on: '2026-12-25' });
  });

  it('names the reason for each plan it cannot offer', async () => {
    const answer = (await rate(rateBody({ odometer: 95_000 }, { year: 2024 }))).json();
    expect(answer.ineligible).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ planCode: 'MAJOR_GUARD', reasonCode: 'odometer_too_high' }),
        expect.objectContaining({ planCode: 'GAP', reasonCode: 'loan_details_missing' }),
      ]),
    );
    const unknownMake = (await rate(rateBody({}, { make: 'Lada' }))).json();
    expect(unknownMake.offers).toEqual([]);
    expect(
      unknownMake.ineligible.filter((i: { reasonCode: string }) => i.reasonCode === 'vehicle_not_rated'),
    ).toHaveLength(4);
  });

  it('refuses a vehicle year that the VIN does not code (422 vin_model_year_mismatch)', async () => {
    const response = await rate(rateBody({}, { year: 2023 }));
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'vin_model_year_mismatch', param: 'vehicle.year' });
    expect(response.json().detail).toContain('2024');
  });

  it('rates a sale as far as 30 days either side of today', async () => {
    for (const saleDate of ['2026-10-26', '2026-12-25']) {
      const response = await rate(rateBody({ saleDate }));
      expect(response.statusCode, response.body).toBe(200);
    }
  });

  it('refuses a bad VIN, state or date with its code and field, storing nothing', async () => {
    const before = await server.built.database.db
      .selectFrom('rate_quotes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const badVin = await rate(rateBody({ vin: `${vin2024.slice(0, 16)}X` }));
    expect(badVin.json()).toMatchObject({ code: 'invalid_vin', param: 'vin' });
    const badState = await rate(rateBody({ purchaseState: 'ZZ' }));
    expect(badState.json()).toMatchObject({ code: 'invalid_state', param: 'purchaseState' });
    const badDate = await rate(rateBody({ saleDate: '2026-02-30' }));
    expect(badDate.json()).toMatchObject({ code: 'invalid_date', param: 'saleDate' });
    // A sale before any model year could be sold is refused on its date (it named an inverted range of
    // model years on vehicle.year: "between 1981 and 1902").
    const ancient = await rate(rateBody({ saleDate: '1900-01-01' }));
    expect(ancient.json()).toMatchObject({ code: 'invalid_date', param: 'saleDate' });
    expect(ancient.json().detail).toMatch(/^The sale date 1900-01-01 is before 1979/);
    // A rate is good for 30 days: the sale is within 30 days of today (2026-11-25), either way. Years
    // back would rate an old car as a young one; years ahead would book a contract sold in the future.
    for (const saleDate of ['2026-10-25', '2026-12-26', '2025-06-01', '2030-01-15']) {
      const outside = await rate(rateBody({ saleDate }));
      expect(outside.statusCode, saleDate).toBe(422);
      expect(outside.json()).toMatchObject({ code: 'invalid_date', param: 'saleDate' });
      expect(outside.json().detail).toContain('2026-10-26 to 2026-12-25');
    }
    const after = await server.built.database.db
      .selectFrom('rate_quotes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('rates for staff too, without a dealer', async () => {
    const answer = (await rate(rateBody(), adjuster)).json();
    const stored = await server.built.database.db
      .selectFrom('rate_quotes')
      .select('dealer_id')
      .where('id', '=', quoteIdOf(answer.offers[0].rateId))
      .executeTakeFirstOrThrow();
    expect(stored.dealer_id).toBeNull();
  });

  it('prices with a version another process published since, not the one this process last used', async () => {
    const { db } = server.built.database;
    const before = (await rate(rateBody())).json();
    const document = loadDefaultCatalog();
    for (const row of document.rating!.vscRates) row.dealerCostCents += 1_000;
    // Written straight to the database, as a publication by another process would be.
    await insertCatalogVersion(db, {
      version: before.catalogVersion + 1,
      document,
      publishedBy: 'another process',
      note: null,
    });
    const after = (await rate(rateBody())).json();
    expect(after.catalogVersion).toBe(before.catalogVersion + 1);
    const vsc = (answer: { offers: { product: string; dealerCostCents: number }[] }) =>
      answer.offers.filter((o) => o.product === 'vsc').map((o) => o.dealerCostCents);
    expect(vsc(after)).toEqual(vsc(before).map((cents) => cents + 1_000));
    const quote = await db
      .selectFrom('rate_quotes')
      .select('catalog_version')
      .where('id', '=', quoteIdOf(after.offers[0].rateId))
      .executeTakeFirstOrThrow();
    expect(quote.catalog_version).toBe(after.catalogVersion);
    // One answer, one audit row: the attempt with the old version wrote nothing.
    const audits = await db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'rates.issued')
      .where(sql<boolean>`data->>'quoteId' = ${quoteIdOf(after.offers[0].rateId)}`)
      .executeTakeFirstOrThrow();
    expect(Number(audits.n)).toBe(1);
  });
  it('stores answers asked for at once (written together) each as its own quote with its own audit row', async () => {
    const { db } = server.built.database;
    const bodies = Array.from({ length: 12 }, (_, i) =>
      i === 5
        ? rateBody({}, { make: 'Lada' })
        : rateBody({ odometer: 10_000 + i * 1_000 }, { turbo: i % 2 === 0 }),
    );
    const answers = (await Promise.all(bodies.map((body) => rate(body)))).map((response) => {
      expect(response.statusCode).toBe(200);
      return response.json();
    });
    const quoteIds = answers.filter((a) => a.offers.length > 0).map((a) => quoteIdOf(a.offers[0].rateId));
    expect(new Set(quoteIds).size).toBe(11);
    const stored = await db
      .selectFrom('rate_quotes')
      .select(['id', 'vehicle', 'offers'])
      .where('id', 'in', quoteIds)
      .execute();
    for (const [index, answer] of answers.entries()) {
      if (index === 5) {
        expect(answer.offers).toEqual([]);
        continue;
      }
      const quote = stored.find((row) => row.id === quoteIdOf(answer.offers[0].rateId))!;
      expect(quote.vehicle).toMatchObject({ odometer: 10_000 + index * 1_000 });
      expect(quote.offers).toHaveLength(answer.offers.length);
      expect((quote.offers as unknown[][]).map((offer) => offer[5])).toEqual(
        answer.offers.map((offer: { dealerCostCents: number }) => offer.dealerCostCents),
      );
    }
    const audits = await db
      .selectFrom('audit_events')
      .select(sql<string | null>`data->>'quoteId'`.as('quote_id'))
      .where('action', '=', 'rates.issued')
      .where('entity_id', '=', VIN_2024)
      .where(sql<boolean>`data->>'quoteId' = any(${quoteIds})`)
      .execute();
    expect(audits.map((a) => a.quote_id).sort()).toEqual([...quoteIds].sort());
  });

  it('writes, of answers stored together, only those priced with the latest catalog version', async () => {
    const { db } = server.built.database;
    const latest = (await rate(rateBody())).json().catalogVersion as number;
    const write = (catalogVersion: number) => {
      const id = newQuoteId();
      return {
        id,
        write: {
          catalogVersion,
          quote: {
            id,
            dealer_id: null,
            requested_by: 'test',
            catalog_version: catalogVersion,
            vehicle: JSON.stringify({ vin: VIN_2024 }),
            offers: JSON.stringify([]),
            expires_on: '2026-12-25',
          },
          audit: auditRow({
            actor: { kind: 'system', id: null, label: 'test' },
            action: 'rates.issued',
            entityType: 'vin',
            entityId: VIN_2024,
            data: { quoteId: id, catalogVersion },
          }),
        },
      };
    };
    const current = [write(latest), write(latest)];
    const stale = write(latest - 1);
    const answers = await insertQuotesIfCurrent(db, [current[0]!.write, stale.write, current[1]!.write]);
    expect(answers).toEqual([latest, latest, latest]);
    const ids = [current[0]!.id, stale.id, current[1]!.id];
    const quotes = await db.selectFrom('rate_quotes').select('id').where('id', 'in', ids).execute();
    expect(quotes.map((q) => q.id).sort()).toEqual([current[0]!.id, current[1]!.id].sort());
    const audits = await db
      .selectFrom('audit_events')
      .select(sql<string>`data->>'quoteId'`.as('quote_id'))
      .where(sql<boolean>`data->>'quoteId' = any(${ids})`)
      .execute();
    expect(audits.map((a) => a.quote_id).sort()).toEqual([current[0]!.id, current[1]!.id].sort());
  });

  it("re-derives a stored quote's answer, labels included, equal to the answer it was issued as", async () => {
    const loan = { amountFinancedCents: 3_000_000, msrpCents: 2_800_000, termMonths: 60 };
    const variants: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ loan }, {}],
      [{ loan }, { turbo: true, driveType: '4wd' }],
      [{}, { fuel: 'diesel', driveType: 'awd', commercialUse: true }],
      [{ odometer: 95_000, purchaseState: 'ca' }, { turbo: true }],
      [{ loan: { ...loan, termMonths: 48 } }, { driveType: 'awd' }],
    ];
    for (const [body, vehicle] of variants) {
      const response = await rate(rateBody(body, vehicle));
      expect(response.statusCode).toBe(200);
      const answer = response.json();
      expect(answer.offers.length).toBeGreaterThan(0);
      const explained = await explainQuote(quoteIdOf(answer.offers[0].rateId));
      expect(JSON.parse(JSON.stringify(explained))).toEqual(answer);
    }
  });

  it('refuses to explain a quote whose stored figures no longer price the same again', async () => {
    const answer = (await rate(rateBody())).json();
    const quoteId = quoteIdOf(answer.offers[0].rateId);
    // A tampered stored figure: the re-derivation no longer matches the record, and says so.
    await sql`update rate_quotes set offers = jsonb_set(offers::jsonb, '{0,5}', '1')::json where id = ${quoteId}::uuid`.execute(
      server.built.database.db,
    );
    await expect(explainQuote(quoteId)).rejects.toMatchObject({ code: 'conflict' });
  });
});
