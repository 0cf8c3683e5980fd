// The recurring purge of rate quotes (job `purge-expired-rate-quotes`): quotes none of whose offers
// booked go COVERWISE_RATE_QUOTE_RETENTION_DAYS after their validity ended, in batches, each batch
// audited as a system action with its count; a quote with a booking stays.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, openTestDatabase } from '../../test/support/engines.js';
import { createCatalogService } from '../catalog/catalog.service.js';
import { FakeClock } from '../platform/clock.js';
import { rateIdOf } from './rate.repository.js';
import { createRatesService } from './rates.service.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');
// Today is 2026-11-25 in Chicago; 90 days of retention purge what expired before 2026-08-27.
const QUOTES = {
  oldest: { id: 'a0000000-0000-4000-8000-000000010000', expiresOn: '2026-06-01', booked: false },
  old: { id: 'a0000000-0000-4000-8000-000000020000', expiresOn: '2026-08-01', booked: false },
  dayBefore: { id: 'a0000000-0000-4000-8000-000000030000', expiresOn: '2026-08-26', booked: false },
  onTheDay: { id: 'a0000000-0000-4000-8000-000000040000', expiresOn: '2026-08-27', booked: false },
  oldBooked: { id: 'a0000000-0000-4000-8000-000000050000', expiresOn: '2026-06-01', booked: true },
  recent: { id: 'a0000000-0000-4000-8000-000000060000', expiresOn: '2026-11-15', booked: false },
  valid: { id: 'a0000000-0000-4000-8000-000000070000', expiresOn: '2026-12-20', booked: false },
};

describeEachEngine('rate quote purge', (engine) => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    const { db } = database;
    for (const quote of Object.values(QUOTES)) {
      await sql`insert into rate_quotes (id, dealer_id, requested_by, catalog_version, vehicle, offers, expires_on)
        values (${quote.id}::uuid, null, 'key D-1', 1, '{"vin": "1HGCM8260RA000001"}',
          ${JSON.stringify([['vsc', 'VALUE_GUARD', 36, 36_000, 10_000, 99_500, 349_500, [99_500, 0]]])}::jsonb,
          ${quote.expiresOn}::date)`.execute(db);
      if (quote.booked)
        await sql`insert into rate_bookings (rate_id, quote_id, contract_id, booked_at)
          values (${rateIdOf(quote.id, 0)}::uuid, ${quote.id}::uuid, gen_random_uuid(), now())`.execute(db);
    }
  });
  afterAll(() => database.close());

  const service = () => {
    const { db } = database;
    return createRatesService({
      db,
      clock,
      catalog: createCatalogService({ db }),
      timeZone: 'America/Chicago',
      quoteRetentionDays: 90,
      purgeBatchSize: 2,
    });
  };
  const remaining = async () =>
    (await database.db.selectFrom('rate_quotes').select('id').orderBy('id').execute()).map((row) => row.id);
  const audits = () =>
    database.db
      .selectFrom('audit_events')
      .select(['actor_kind', 'actor_label', 'entity_type', 'entity_id', 'data'])
      .where('action', '=', 'rate_quotes.purged')
      .orderBy('id')
      .execute();

  it('deletes the unbooked quotes that expired more than the retention days ago, in audited batches', async () => {
    expect(await service().purgeExpired()).toBe(3);
    expect(await remaining()).toEqual(
      [QUOTES.onTheDay, QUOTES.oldBooked, QUOTES.recent, QUOTES.valid].map((quote) => quote.id),
    );
    // Batches of 2: two statements, each with its audit row and count (3 quotes in all).
    const rows = await audits();
    expect(rows).toHaveLength(2);
    for (const row of rows)
      expect(row).toMatchObject({
        actor_kind: 'system',
        actor_label: 'system',
        entity_type: 'rate_quotes',
        entity_id: 'expired-before-2026-08-27',
        data: { expiredBefore: '2026-08-27', retentionDays: 90 },
      });
    expect(rows.map((row) => (row.data as { count: number }).count)).toEqual([2, 1]);
    expect(rows[0]!.data).toMatchObject({ oldestExpiresOn: '2026-06-01', newestExpiresOn: '2026-08-01' });
    // The booked quote keeps its booking.
    const booking = await database.db
      .selectFrom('rate_bookings')
      .select('quote_id')
      .where('quote_id', '=', QUOTES.oldBooked.id)
      .executeTakeFirst();
    expect(booking).toBeDefined();
  });

  it('deletes nothing and audits nothing when nothing is due', async () => {
    expect(await service().purgeExpired()).toBe(0);
    expect(await audits()).toHaveLength(2);
  });
});
