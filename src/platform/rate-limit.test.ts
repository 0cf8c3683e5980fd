// Attempt counters: several buckets counted in one call, windows that restart once they have passed,
// refunds, purging, and exact counts when requests race. The database counters (shared by every
// process) run on both engines; the in-process counters of the embedded database follow the same table.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestDatabase } from '../../test/support/engines.js';
import { AppError } from '../shared/errors.js';
import type { DatabaseHandle } from './db/database.js';
import {
  type BackoffRule,
  backoffDelaySeconds,
  createDatabaseRateLimiter,
  createMemoryRateLimiter,
  decideBackoff,
  type RateLimiter,
  refuseWhenLimited,
} from './rate-limit.js';

const backoff: BackoffRule = {
  freeAttempts: 3,
  baseDelaySeconds: 30,
  maxDelaySeconds: 600,
  resetAfterSeconds: 86_400,
};

describe('refusing a limited attempt', () => {
  const outcome = (addressWait: number | null, pairWait: number | null) => ({
    address: { allowed: addressWait === null, attempts: 1, retryAfterSeconds: addressWait ?? 0 },
    pair: { allowed: pairWait === null, failures: 1, retryAfterSeconds: pairWait ?? 0 },
  });

  it.each([
    { address: 90, pair: null, message: 'Too many sign-in attempts. Try again in 2 minute(s).', wait: 90 },
    { address: null, pair: 60, message: 'Too many sign-in attempts. Try again in 1 minute(s).', wait: 60 },
    { address: 30, pair: 600, message: 'Too many sign-in attempts. Try again in 10 minute(s).', wait: 600 },
  ])('answers too_many_attempts with the longer wait (address $address s, pair $pair s)', (row) => {
    let thrown: unknown;
    try {
      refuseWhenLimited(outcome(row.address, row.pair), 'sign-in attempts');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({
      code: 'too_many_attempts',
      message: row.message,
      retryAfterSeconds: row.wait,
    });
  });

  it('lets an attempt both sides allow through', () => {
    expect(() => refuseWhenLimited(outcome(null, null), 'requests')).not.toThrow();
  });
});

describe('back-off rule', () => {
  it.each([
    [0, 0],
    [2, 0],
    [3, 30],
    [4, 60],
    [5, 120],
    [7, 480],
    [8, 600],
    [500, 600],
  ])('after %i consecutive failures an attempt waits %i s', (failures, seconds) => {
    expect(backoffDelaySeconds(failures, backoff)).toBe(seconds);
  });

  it('never shortens the wait as failures grow, and never passes the cap', () => {
    fc.assert(
      fc.property(fc.nat(1000), (failures) => {
        const delay = backoffDelaySeconds(failures, backoff);
        expect(delay).toBeLessThanOrEqual(backoff.maxDelaySeconds);
        expect(backoffDelaySeconds(failures + 1, backoff)).toBeGreaterThanOrEqual(delay);
      }),
      { seed: 17 },
    );
  });

  it('refuses while the wait runs without prolonging it, and forgets a quiet bucket', () => {
    const t0 = Date.parse('2026-11-25T10:00:00Z');
    const state = { failures: 3, lastAttemptAt: t0 };
    expect(decideBackoff(state, backoff, t0 + 10_000)).toMatchObject({
      allowed: false,
      retryAfterSeconds: 20,
    });
    expect(decideBackoff(state, backoff, t0 + 10_000).after).toEqual(state);
    expect(decideBackoff(state, backoff, t0 + 30_000)).toMatchObject({ allowed: true, failures: 4 });
    expect(decideBackoff({ failures: 50, lastAttemptAt: t0 }, backoff, t0 + 86_400_000)).toMatchObject({
      allowed: true,
      failures: 1,
    });
  });
});

const perVin = { limit: 3, windowSeconds: 900 };
const perAddress = { limit: 5, windowSeconds: 60 };
const at = (iso: string) => new Date(iso);

const LIMITERS: { name: string; open(): Promise<{ limiter: RateLimiter; close(): Promise<void> }> }[] = [
  ...ENGINES.map((engine) => ({
    name: `database [${engine.name}]`,
    async open() {
      const handle: DatabaseHandle = await openTestDatabase(engine);
      return { limiter: createDatabaseRateLimiter(handle.db), close: () => handle.close() };
    },
  })),
  { name: 'in-process', open: async () => ({ limiter: createMemoryRateLimiter(), close: async () => {} }) },
];

for (const { name, open } of LIMITERS) {
  describe(`rate limits: ${name}`, () => {
    let limiter: RateLimiter;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ limiter, close } = await open());
    });
    afterAll(() => close());

    it.each([
      // attempt instant, expected (vin attempts, allowed), (address attempts, allowed)
      ['2026-11-25T10:00:00Z', [1, true], [1, true]],
      ['2026-11-25T10:00:10Z', [2, true], [2, true]],
      ['2026-11-25T10:00:20Z', [3, true], [3, true]],
      ['2026-11-25T10:00:30Z', [4, false], [4, true]],
      // The address window (60 s) has passed and restarts; the VIN window (900 s) has not.
      ['2026-11-25T10:01:00Z', [5, false], [1, true]],
    ] as const)('counts an attempt at %s in both buckets', async (iso, vin, address) => {
      const [byVin, byAddress] = await limiter.hit(
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
      const [byVin] = await limiter.hit([{ bucket: 'test-vin:a', rule: perVin }], at('2026-11-25T10:05:00Z'));
      expect(byVin).toEqual({ allowed: false, attempts: 6, retryAfterSeconds: 600 });
    });

    it('takes back one attempt on a refund, never below zero', async () => {
      const rule = { limit: 2, windowSeconds: 900 };
      const now = at('2026-11-25T10:10:00Z');
      await limiter.hit([{ bucket: 'refund', rule }], now);
      await limiter.hit([{ bucket: 'refund', rule }], now);
      await limiter.refund('refund');
      await limiter.refund('refund');
      await limiter.refund('refund');
      const [next] = await limiter.hit([{ bucket: 'refund', rule }], now);
      expect(next).toMatchObject({ attempts: 1, allowed: true });
    });

    it('counts every one of 20 concurrent attempts exactly once, without deadlocks', async () => {
      const now = at('2026-11-25T11:00:00Z');
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          limiter.hit(
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
      // Each count from 1 to 20 was handed out once per bucket.
      const counts = (bucketIndexFor: (i: number) => number) =>
        outcomes.map((pair, i) => pair[bucketIndexFor(i)]!.attempts).sort((a, b) => a - b);
      const oneToTwenty = Array.from({ length: 20 }, (_, i) => i + 1);
      expect(counts((i) => (i % 2 === 0 ? 0 : 1))).toEqual(oneToTwenty);
      expect(counts((i) => (i % 2 === 0 ? 1 : 0))).toEqual(oneToTwenty);
    });

    // In the database an address's row says when an attempt from it last failed (migration 0046), and
    // holder sign-in looks at the back-offs from that address only while that is recent: the purge keeps
    // such a row even when its window started long before.
    it.skipIf(!name.startsWith('database'))(
      'keeps an address whose last failure is more recent than the purge instant',
      async () => {
        const address = { bucket: 'test-ip:purge', rule: { limit: 100, windowSeconds: 86_400 } };
        const pair = { bucket: 'test-pair:purge', rule: backoff };
        await limiter.attemptFromAddress({ address, pair, succeeded: true }, at('2026-11-20T00:00:00Z'));
        await limiter.attemptFromAddress({ address, pair, succeeded: false }, at('2026-11-20T10:00:00Z'));
        await limiter.purge(at('2026-11-20T01:00:00Z'));
        const after = await limiter.attemptFromAddress(
          { address, pair, succeeded: false },
          at('2026-11-20T10:00:01Z'),
        );
        expect(after.address.attempts).toBe(3);
        expect(after.pair.failures).toBe(2);
      },
    );

    it('forgets buckets whose window started before the purge instant', async () => {
      const rule = { limit: 5, windowSeconds: 60 };
      await limiter.hit([{ bucket: 'old', rule }], at('2026-11-24T09:00:00Z'));
      await limiter.hit([{ bucket: 'new', rule }], at('2026-11-25T09:00:00Z'));
      expect(await limiter.purge(at('2026-11-24T12:00:00Z'))).toBeGreaterThanOrEqual(1);
      const [old, recent] = await limiter.hit(
        [
          { bucket: 'old', rule: { limit: 5, windowSeconds: 86_400 * 7 } },
          { bucket: 'new', rule: { limit: 5, windowSeconds: 86_400 * 7 } },
        ],
        at('2026-11-25T09:00:10Z'),
      );
      expect(old!.attempts).toBe(1);
      expect(recent!.attempts).toBe(2);
    });

    it('refuses the same bucket twice in one call (a programmer error)', async () => {
      await expect(
        limiter.hit(
          [
            { bucket: 'x', rule: perVin },
            { bucket: 'x', rule: perVin },
          ],
          at('2026-11-25T12:00:00Z'),
        ),
      ).rejects.toThrow(/once/);
    });

    it.each([
      // instant, allowed, failures counted, retry after (s)
      ['2026-11-26T10:00:00Z', true, 1, 0],
      ['2026-11-26T10:00:01Z', true, 2, 0],
      ['2026-11-26T10:00:02Z', true, 3, 0],
      // Three failures: the next attempt waits 30 s from the last one.
      ['2026-11-26T10:00:12Z', false, 3, 20],
      ['2026-11-26T10:00:32Z', true, 4, 0],
      // Four: 60 s.
      ['2026-11-26T10:01:00Z', false, 4, 32],
      ['2026-11-26T10:01:32Z', true, 5, 0],
    ] as const)(
      'backs a key off exponentially: an attempt at %s',
      async (iso, allowed, failures, retryAfter) => {
        expect(await limiter.attempt('test-pair:a', backoff, at(iso))).toEqual({
          allowed,
          failures,
          retryAfterSeconds: retryAfter,
        });
      },
    );

    it('keeps back-off buckets apart (another address is not slowed) and clears one on success', async () => {
      const now = at('2026-11-26T11:00:00Z');
      for (let i = 0; i < 3; i++) await limiter.attempt('test-pair:guesser', backoff, now);
      expect((await limiter.attempt('test-pair:guesser', backoff, now)).allowed).toBe(false);
      expect((await limiter.attempt('test-pair:holder', backoff, now)).allowed).toBe(true);
      await limiter.clear('test-pair:guesser');
      expect(await limiter.attempt('test-pair:guesser', backoff, now)).toEqual({
        allowed: true,
        failures: 1,
        retryAfterSeconds: 0,
      });
    });

    it('counts an attempt from an address in its window and its back-off at once; right facts clear the back-off', async () => {
      const now = at('2026-11-27T10:00:00Z');
      const address = { bucket: 'test-ip:both', rule: { limit: 4, windowSeconds: 60 } };
      const pair = { bucket: 'test-pair:both', rule: backoff };
      const attempt = (succeeded: boolean) => limiter.attemptFromAddress({ address, pair, succeeded }, now);
      expect(await attempt(false)).toEqual({
        address: { allowed: true, attempts: 1, retryAfterSeconds: 60 },
        pair: { allowed: true, failures: 1, retryAfterSeconds: 0 },
      });
      expect((await attempt(false)).pair.failures).toBe(2);
      // The right facts: allowed, and the two failures are forgotten.
      expect(await attempt(true)).toEqual({
        address: { allowed: true, attempts: 3, retryAfterSeconds: 60 },
        pair: { allowed: true, failures: 0, retryAfterSeconds: 0 },
      });
      expect((await attempt(false)).pair).toEqual({ allowed: true, failures: 1, retryAfterSeconds: 0 });
      // The address's window is used up: refused, and right facts then clear nothing (a failure is counted).
      const refused = await attempt(true);
      expect(refused.address).toEqual({ allowed: false, attempts: 5, retryAfterSeconds: 60 });
      expect(refused.pair).toEqual({ allowed: true, failures: 2, retryAfterSeconds: 0 });
    });

    it('refuses right facts while the wait runs, and leaves the wait as it was', async () => {
      const now = at('2026-11-27T11:00:00Z');
      const address = { bucket: 'test-ip:wait', rule: { limit: 100, windowSeconds: 60 } };
      const pair = { bucket: 'test-pair:wait', rule: backoff };
      for (let i = 0; i < 3; i++) await limiter.attemptFromAddress({ address, pair, succeeded: false }, now);
      const later = at('2026-11-27T11:00:10Z');
      expect((await limiter.attemptFromAddress({ address, pair, succeeded: true }, later)).pair).toEqual({
        allowed: false,
        failures: 3,
        retryAfterSeconds: 20,
      });
      expect(await limiter.attempt('test-pair:wait', backoff, later)).toMatchObject({
        allowed: false,
        failures: 3,
      });
    });

    it('lets exactly the free attempts from one address through when they race on a new key, right facts only before the wait', async () => {
      const now = at('2026-11-27T12:00:00Z');
      for (const key of ['1', '2', '3', '4', '5']) {
        const address = { bucket: `test-ip:mixed-${key}`, rule: { limit: 100, windowSeconds: 60 } };
        const pair = { bucket: `test-pair:mixed-${key}`, rule: backoff };
        // Eleven wrong guesses and the right one, all at once.
        const outcomes = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            limiter.attemptFromAddress({ address, pair, succeeded: i === 6 }, now),
          ),
        );
        expect(outcomes.map((outcome) => outcome.address.attempts).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 12 }, (_, i) => i + 1),
        );
        const right = outcomes[6]!;
        const wrongAllowed = outcomes.filter((outcome, i) => i !== 6 && outcome.pair.allowed).length;
        if (right.pair.allowed) {
          // Taken in turn before the wait began: it cleared up to two failures, then three were free again.
          expect(right.pair.failures).toBe(0);
          expect(wrongAllowed).toBeGreaterThanOrEqual(3);
          expect(wrongAllowed).toBeLessThanOrEqual(5);
        } else {
          expect(right.pair).toMatchObject({ allowed: false, failures: 3 });
          expect(wrongAllowed).toBe(3);
        }
        for (const refused of outcomes.filter((outcome) => !outcome.pair.allowed)) {
          expect(refused.pair).toEqual({
            allowed: false,
            failures: 3,
            retryAfterSeconds: expect.any(Number),
          });
          expect(refused.pair.retryAfterSeconds).toBeGreaterThan(0);
        }
      }
    });

    it('lets exactly the free attempts from one address through when wrong guesses race on a new key', async () => {
      const now = at('2026-11-27T13:00:00Z');
      for (const key of ['1', '2', '3']) {
        const address = { bucket: `test-ip:wrong-${key}`, rule: { limit: 100, windowSeconds: 60 } };
        const pair = { bucket: `test-pair:wrong-${key}`, rule: backoff };
        const outcomes = await Promise.all(
          Array.from({ length: 12 }, () =>
            limiter.attemptFromAddress({ address, pair, succeeded: false }, now),
          ),
        );
        expect(outcomes.filter((outcome) => outcome.pair.allowed)).toHaveLength(3);
      }
    });

    it('lets exactly the free attempts through when they race, on a new bucket and on a used one', async () => {
      const now = at('2026-11-26T12:00:00Z');
      // Several new buckets: racing first attempts are where a lock on a missing row cannot help.
      for (const bucket of ['race-1', 'race-2', 'race-3', 'race-4', 'race-5']) {
        const outcomes = await Promise.all(
          Array.from({ length: 12 }, () => limiter.attempt(`test-pair:${bucket}`, backoff, now)),
        );
        expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(3);
        for (const refused of outcomes.filter((outcome) => !outcome.allowed)) {
          expect(refused).toEqual({ allowed: false, failures: 3, retryAfterSeconds: expect.any(Number) });
          expect(refused.retryAfterSeconds).toBeGreaterThan(0);
        }
      }
    });
  });
}
