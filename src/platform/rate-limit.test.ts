// Attempt counters shared by every process: several buckets counted in one statement, windows that
// restart once they have passed, and exact counts when requests race (both engines).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, openTestDatabase } from '../../test/support/engines.js';
import type { DatabaseHandle } from './db/database.js';
import { hitRateLimits } from './rate-limit.js';

const perVin = { limit: 3, windowSeconds: 900 };
const perAddress = { limit: 5, windowSeconds: 60 };
const at = (iso: string) => new Date(iso);

describeEachEngine('rate limits', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openTestDatabase(engine);
  });
  afterAll(() => handle.close());

  it.each([
    // attempt instant, expected (vin attempts, allowed), (address attempts, allowed)
    ['2026-11-25T10:00:00Z', [1, true], [1, true]],
    ['2026-11-25T10:00:10Z', [2, true], [2, true]],
    ['2026-11-25T10:00:20Z', [3, true], [3, true]],
    ['2026-11-25T10:00:30Z', [4, false], [4, true]],
    // The address window (60 s) has passed and restarts; the VIN window (900 s) has not.
    ['2026-11-25T10:01:00Z', [5, false], [1, true]],
  ] as const)('counts an attempt at %s in both buckets', async (iso, vin, address) => {
    const [byVin, byAddress] = await hitRateLimits(
      handle.db,
      [
        { bucket: 'test-vin:a', rule: perVin },
        { bucket: 'test-ip:a', rule: perAddress },
      ],
      at(iso),
    );
    expect([byVin!.attempts, byVin!.allowed]).toEqual(vin);
    expect([byAddress!.attempts, byAddress!.allowed]).toEqual(address);
  });

  it('says when a refused bucket may be tried again', async () => {
    const [byVin] = await hitRateLimits(
      handle.db,
      [{ bucket: 'test-vin:a', rule: perVin }],
      at('2026-11-25T10:05:00Z'),
    );
    expect(byVin).toEqual({ allowed: false, attempts: 6, retryAfterSeconds: 600 });
  });

  it('counts every one of 20 concurrent attempts exactly once, without deadlocks', async () => {
    const now = at('2026-11-25T11:00:00Z');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        hitRateLimits(
          handle.db,
          // Half the requests list the shared buckets in the other order.
          i % 2 === 0
            ? [
                { bucket: 'race-vin', rule: perVin },
                { bucket: 'race-ip', rule: perAddress },
              ]
            : [
                { bucket: 'race-ip', rule: perAddress },
                { bucket: 'race-vin', rule: perVin },
              ],
          now,
        ),
      ),
    );
    const rows = await handle.db
      .selectFrom('rate_limits')
      .select(['bucket', 'attempts'])
      .where('bucket', 'in', ['race-vin', 'race-ip'])
      .orderBy('bucket')
      .execute();
    expect(rows).toEqual([
      { bucket: 'race-ip', attempts: 20 },
      { bucket: 'race-vin', attempts: 20 },
    ]);
  });

  it('refuses the same bucket twice in one call (a programmer error)', async () => {
    await expect(
      hitRateLimits(
        handle.db,
        [
          { bucket: 'x', rule: perVin },
          { bucket: 'x', rule: perVin },
        ],
        at('2026-11-25T12:00:00Z'),
      ),
    ).rejects.toThrow(/once/);
  });
});
