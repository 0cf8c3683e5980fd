// Migration 0031: rates stored a row per offer before it; they become quotes of one offer each, keep
// their rateId (a dealer may still hold one) and their booking, and the table of rows goes.
import { type Kysely, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { type DatabaseHandle, openDatabase } from '../platform/db/database.js';
import { migrations } from '../platform/db/migrations/index.js';
import type { Database } from '../platform/db/schema.js';
import { findRateBooking, quoteIdOf, rateIdOf } from './rate.repository.js';

const UNUSED = '6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b';
const USED = '0b9a8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d';
const CONTRACT = '11111111-2222-4333-8444-555555555555';
const COMPACT_QUOTE = 'c0ffee00-1111-4222-8333-444444440000';

describeEachEngine('migration 0031 (rate quotes)', (engine) => {
  let handle: DatabaseHandle;
  let url: string | null;
  let migrator: Migrator;

  beforeAll(async () => {
    url = await engine.createDatabaseUrl();
    handle = await openDatabase({ databaseUrl: url, dataDir: 'memory://', poolSize: 2 });
    migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
    const before = await migrator.migrateTo('0030-catalog-drafts');
    expect(before.error).toBeUndefined();
    const db = handle.db as unknown as Kysely<unknown>;
    await sql`insert into dealers (id, code, name, state)
      values ('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', 'D-9', 'Old Motors', 'MO')`.execute(db);
    for (const [id, contractId] of [
      [UNUSED, null],
      [USED, CONTRACT],
    ] as const)
      await sql`insert into rates (id, dealer_id, requested_by, catalog_version, product, plan_code,
          term_months, term_miles, deductible_cents, dealer_cost_cents, max_retail_cents, lines, vehicle,
          expires_on, used_at, contract_id)
        values (${id}, 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', 'key D-9', 1, 'vsc', 'VALUE_GUARD', 36, 36000,
          10000, 99500, 349500, ${JSON.stringify([{ label: 'Value Guard', amountCents: 99_500 }])}::jsonb,
          ${JSON.stringify({ vin: 'X', odometer: 12_000 })}::jsonb, '2026-12-25',
          ${contractId === null ? null : '2026-11-26T10:00:00Z'}::timestamptz, ${contractId}::uuid)`.execute(
        db,
      );
    const after = await migrator.migrateToLatest();
    expect(after.error).toBeUndefined();
  });
  afterAll(async () => {
    await handle.close();
    await engine.dropDatabase(url);
  });

  it('turns each stored rate into a quote of one offer that keeps its rateId, cost and cap', async () => {
    const db: Kysely<Database> = handle.db;
    const quote = await db
      .selectFrom('rate_quotes')
      .selectAll()
      .where('id', '=', quoteIdOf(UNUSED))
      .executeTakeFirstOrThrow();
    expect(quote).toMatchObject({
      catalog_version: 1,
      requested_by: 'key D-9',
      expires_on: '2026-12-25',
      vehicle: { vin: 'X', odometer: 12_000 },
      offers: [
        {
          rateId: UNUSED,
          product: 'vsc',
          planCode: 'VALUE_GUARD',
          termMonths: 36,
          termMiles: 36_000,
          deductibleCents: 10_000,
          dealerCostCents: 99_500,
          maxRetailCents: 349_500,
          lines: [{ label: 'Value Guard', amountCents: 99_500 }],
        },
      ],
    });
    expect(await findRateBooking(db, UNUSED)).toBeNull();
    expect(await findRateBooking(db, USED)).toBe(CONTRACT);
    const tables = await sql<{ n: number }>`
      select count(*)::integer as n from information_schema.tables where table_name = 'rates'`.execute(db);
    expect(tables.rows[0]?.n).toBe(0);
  });

  it('goes back down to a row per offer with its booking, compact quotes too', async () => {
    // A quote in the compact form rating stores now: offers by position, line amounts without labels.
    await sql`insert into rate_quotes (id, dealer_id, requested_by, catalog_version, vehicle, offers, expires_on)
      values (${COMPACT_QUOTE}, 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', 'key D-9', 1, '{"vin": "Y"}',
        ${JSON.stringify([
          ['vsc', 'VALUE_GUARD', 36, 36_000, 10_000, 99_500, 349_500, [99_500, 0]],
          ['gap', 'GAP', 60, null, 0, 40_000, 140_000, [40_000]],
        ])}::jsonb, '2026-12-25')`.execute(handle.db);
    const down = await migrator.migrateTo('0030-catalog-drafts');
    expect(down.error).toBeUndefined();
    const rows = await sql<{
      id: string;
      contract_id: string | null;
      dealer_cost_cents: number;
      term_miles: number | null;
      lines: unknown;
    }>`select id, contract_id, dealer_cost_cents::integer as dealer_cost_cents, term_miles, lines
      from rates order by id`.execute(handle.db);
    expect(rows.rows).toEqual([
      {
        id: USED,
        contract_id: CONTRACT,
        dealer_cost_cents: 99_500,
        term_miles: 36_000,
        lines: expect.anything(),
      },
      {
        id: UNUSED,
        contract_id: null,
        dealer_cost_cents: 99_500,
        term_miles: 36_000,
        lines: expect.anything(),
      },
      {
        id: rateIdOf(COMPACT_QUOTE, 0),
        contract_id: null,
        dealer_cost_cents: 99_500,
        term_miles: 36_000,
        lines: [
          { label: '', amountCents: 99_500 },
          { label: '', amountCents: 0 },
        ],
      },
      {
        id: rateIdOf(COMPACT_QUOTE, 1),
        contract_id: null,
        dealer_cost_cents: 40_000,
        term_miles: null,
        lines: [{ label: '', amountCents: 40_000 }],
      },
    ]);
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    // Up again, the compact quote's offers are one quote of objects, each still found by its rateId.
    const again = await sql<{ n: number }>`
      select json_array_length(offers)::integer as n from rate_quotes where id = ${COMPACT_QUOTE}`.execute(
      handle.db,
    );
    expect(again.rows).toEqual([{ n: 2 }]);
  });
});
