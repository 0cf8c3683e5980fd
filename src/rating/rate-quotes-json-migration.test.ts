// Migration 0043: a quote's vehicle and offers become `json` (stored as sent) instead of `jsonb`. Quotes
// stored before, in either form of their offers (objects with their rateId and labels, or the compact
// positions), keep their content and their offers are still found for booking, by rateId or position.
import { type Kysely, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { type DatabaseHandle, openDatabase } from '../platform/db/database.js';
import { migrations } from '../platform/db/migrations/index.js';
import type { Database } from '../platform/db/schema.js';
import { findQuote, findQuotedOfferLockingRate, rateIdOf } from './rate.repository.js';

const DEALER = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const OBJECT_QUOTE = 'c0ffee00-1111-4222-8333-444444450000';
const OBJECT_RATE = 'c0ffee00-1111-4222-8333-44444445abcd';
const COMPACT_QUOTE = 'c0ffee00-1111-4222-8333-444444460000';
const VEHICLE = { vin: '1HGCM82633A004352', odometer: 12_000, vehicle: { year: 2024, make: 'Honda' } };

const objectOffer = {
  rateId: OBJECT_RATE,
  product: 'vsc',
  planCode: 'VALUE_GUARD',
  termMonths: 36,
  termMiles: 36_000,
  deductibleCents: 10_000,
  dealerCostCents: 99_500,
  maxRetailCents: 349_500,
  lines: [
    { label: 'Value Guard, class A, 36 months/36,000 miles', amountCents: 99_500 },
    { label: '$100.00 deductible', amountCents: 0 },
  ],
};
const compactOffers = [
  ['vsc', 'VALUE_GUARD', 36, 36_000, 10_000, 99_500, 349_500, [99_500, 0]],
  ['gap', 'GAP', 60, null, 0, 40_000, 140_000, [40_000]],
];

describeEachEngine('migration 0043 (rate quotes as json)', (engine) => {
  let handle: DatabaseHandle;
  let url: string | null;
  let migrator: Migrator;

  const columnTypes = async () =>
    (
      await sql<{ column_name: string; data_type: string }>`
        select column_name, data_type from information_schema.columns
        where table_name = 'rate_quotes' and column_name in ('vehicle', 'offers') order by column_name`.execute(
        handle.db,
      )
    ).rows;

  const offerFor = (rateId: string) =>
    handle.db.transaction().execute((trx) => findQuotedOfferLockingRate(trx, rateId));

  beforeAll(async () => {
    url = await engine.createDatabaseUrl();
    handle = await openDatabase({ databaseUrl: url, dataDir: 'memory://', poolSize: 2 });
    migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
    const before = await migrator.migrateTo('0041-benefit-claim-review-due');
    expect(before.error).toBeUndefined();
    const db = handle.db as unknown as Kysely<unknown>;
    await sql`insert into dealers (id, code, name, state) values (${DEALER}, 'D-9', 'Old Motors', 'MO')`.execute(
      db,
    );
    for (const [id, offers] of [
      [OBJECT_QUOTE, [objectOffer]],
      [COMPACT_QUOTE, compactOffers],
    ] as const)
      await sql`insert into rate_quotes (id, dealer_id, requested_by, catalog_version, vehicle, offers, expires_on)
        values (${id}, ${DEALER}, 'key D-9', 1, ${JSON.stringify(VEHICLE)}::jsonb, ${JSON.stringify(offers)}::jsonb,
          '2026-12-25')`.execute(db);
    const after = await migrator.migrateToLatest();
    expect(after.error).toBeUndefined();
  });
  afterAll(async () => {
    await handle.close();
    await engine.dropDatabase(url);
  });

  it('stores vehicle and offers as json, with the same content', async () => {
    expect(await columnTypes()).toEqual([
      { column_name: 'offers', data_type: 'json' },
      { column_name: 'vehicle', data_type: 'json' },
    ]);
    const db: Kysely<Database> = handle.db;
    const rows = await db
      .selectFrom('rate_quotes')
      .select(['id', 'vehicle', 'offers'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: OBJECT_QUOTE, vehicle: VEHICLE, offers: [objectOffer] },
      { id: COMPACT_QUOTE, vehicle: VEHICLE, offers: compactOffers },
    ]);
  });

  it('finds a stored offer for booking in either form, by rateId or by position', async () => {
    expect(await offerFor(OBJECT_RATE)).toEqual({
      quoteId: OBJECT_QUOTE,
      dealerId: DEALER,
      catalogVersion: 1,
      vehicle: VEHICLE,
      expiresOn: '2026-12-25',
      offer: {
        rateId: OBJECT_RATE,
        product: 'vsc',
        planCode: 'VALUE_GUARD',
        termMonths: 36,
        termMiles: 36_000,
        deductibleCents: 10_000,
        dealerCostCents: 99_500,
        maxRetailCents: 349_500,
        lineAmountsCents: [99_500, 0],
      },
    });
    // Another rateId of the object quote is no offer of it.
    expect((await offerFor(rateIdOf(OBJECT_QUOTE, 0)))?.offer).toBeNull();
    expect((await offerFor(rateIdOf(COMPACT_QUOTE, 1)))?.offer).toEqual({
      rateId: rateIdOf(COMPACT_QUOTE, 1),
      product: 'gap',
      planCode: 'GAP',
      termMonths: 60,
      termMiles: null,
      deductibleCents: 0,
      dealerCostCents: 40_000,
      maxRetailCents: 140_000,
      lineAmountsCents: [40_000],
    });
    expect((await offerFor(rateIdOf(COMPACT_QUOTE, 2)))?.offer).toBeNull();
    expect((await findQuote(handle.db, COMPACT_QUOTE))?.offers.map((o) => o.dealerCostCents)).toEqual([
      99_500, 40_000,
    ]);
  });

  it('goes back down to jsonb and up again, content kept', async () => {
    const down = await migrator.migrateTo('0041-benefit-claim-review-due');
    expect(down.error).toBeUndefined();
    expect(await columnTypes()).toEqual([
      { column_name: 'offers', data_type: 'jsonb' },
      { column_name: 'vehicle', data_type: 'jsonb' },
    ]);
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect((await offerFor(OBJECT_RATE))?.offer?.dealerCostCents).toBe(99_500);
    expect((await offerFor(rateIdOf(COMPACT_QUOTE, 0)))?.offer?.lineAmountsCents).toEqual([99_500, 0]);
  });
});
