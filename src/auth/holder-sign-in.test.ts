// Holder sign-in's facts check and throttle, with the counters in the database (the facts read and the
// attempt counted in one statement, holder-sign-in.repository.ts) and in process memory (the facts read
// first, then the counters): the same attempts get the same answers from both, on both engines.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { DEMO_HOLDERS } from '../demo/demo-contracts.js';
import { FakeClock } from '../platform/clock.js';
import {
  createDatabaseRateLimiter,
  createMemoryRateLimiter,
  type RateLimiter,
} from '../platform/rate-limit.js';
import { AppError } from '../shared/errors.js';
import { createAuthService } from './auth.service.js';
import { createHolderSignInService, type HolderFacts } from './holder-sign-in.service.js';

const START = '2026-11-28T09:00:00Z';
const limits = {
  perVinAndAddress: {
    freeAttempts: 3,
    baseDelaySeconds: 30,
    maxDelaySeconds: 600,
    resetAfterSeconds: 86_400,
  },
  perAddress: { limit: 8, windowSeconds: 60 },
};

type Facts =
  | 'right'
  | 'ca'
  | 'zip+4'
  | 'wrong name'
  | 'wrong zip'
  | 'no letters'
  | 'ca zip as us'
  | `vin ${number}`;
/** What an attempt got: the number of contracts signed in to, 401, or 429 with its wait. */
type Answer = number | 401 | `429 ${number}`;

// [seconds since the start, facts, address, answer]; holder 0 has one contract on the VIN; holder 1's
// contract is moved to Ontario below.
const STEPS: [number, Facts, string, Answer][] = [
  [0, 'right', 'a', 1],
  [0, 'zip+4', 'a', 1],
  [0, 'wrong name', 'a', 401],
  [0, 'wrong zip', 'a', 401],
  [0, 'no letters', 'a', 401],
  // Three failures of this VIN from this address: the next attempt waits 30 s, even with right facts.
  [1, 'wrong name', 'a', '429 29'],
  [1, 'right', 'a', '429 29'],
  // Another address is not slowed.
  [1, 'right', 'b', 1],
  // The wait has passed (and the address has a new window): right facts clear the back-off, so three
  // failures are free again.
  [60, 'right', 'a', 1],
  [60, 'wrong name', 'a', 401],
  [60, 'wrong name', 'a', 401],
  [60, 'wrong name', 'a', 401],
  [60, 'wrong name', 'a', '429 30'],
  // The address's window over all VINs: eight attempts a minute, then every attempt waits for the window.
  [70, 'vin 1', 'c', 401],
  [70, 'vin 2', 'c', 401],
  [71, 'vin 3', 'c', 401],
  [71, 'vin 4', 'c', 401],
  [72, 'vin 5', 'c', 401],
  [72, 'vin 6', 'c', 401],
  [72, 'vin 7', 'c', 401],
  [73, 'right', 'c', 1],
  [73, 'right', 'c', '429 57'],
  [73, 'vin 8', 'c', '429 57'],
  // A new window at that address.
  [130, 'right', 'c', 1],
  // A Canadian holder: the postal code is compared as a Canadian one, with or without its space.
  [130, 'ca', 'd', 1],
  [130, 'ca zip as us', 'd', 401],
  // Right facts refused by the address's window count as failures of the VIN's back-off from there:
  // eight sign-ins, then three refusals (three free failures), one more once their wait has passed
  // (a fourth failure) ...
  ...Array.from({ length: 8 }, (): [number, Facts, string, Answer] => [200, 'right', 'e', 1]),
  [200, 'right', 'e', '429 60'],
  [200, 'right', 'e', '429 60'],
  [200, 'right', 'e', '429 60'],
  [245, 'right', 'e', '429 15'],
  // ... so in the address's next window the right facts wait 60 s from the last failure.
  [262, 'right', 'e', '429 43'],
  [305, 'right', 'e', 1],
];

function factsOf(kind: Facts): HolderFacts {
  const holder = DEMO_HOLDERS[0]!;
  const canadian = DEMO_HOLDERS[1]!;
  switch (kind) {
    case 'right':
      return holder;
    case 'zip+4':
      return { ...holder, lastName: holder.lastName.toUpperCase(), zip: `${holder.zip}-1234` };
    case 'wrong name':
      return { ...holder, lastName: 'Guess' };
    case 'wrong zip':
      return { ...holder, zip: holder.zip === '10001' ? '10002' : '10001' };
    case 'no letters':
      return { ...holder, lastName: '1234' };
    case 'ca':
      return { ...canadian, zip: ' k1a0b1 ' };
    case 'ca zip as us':
      return { ...canadian, zip: canadian.zip };
    default:
      return { ...holder, vin: `${holder.vin.slice(0, -1)}${kind.slice(4)}` };
  }
}

/** What an attempt got, as the tables write it: the contracts signed in to, 401, or 429 with its wait. */
function answerOf(verified: Promise<string[]>): Promise<Answer> {
  return verified.then(
    (ids) => ids.length,
    (error: unknown) => {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'verification_failed') return 401 as const;
      expect(error.code).toBe('too_many_attempts');
      return `429 ${error.retryAfterSeconds ?? 0}` as const;
    },
  );
}

describeEachEngine('holder sign-in throttle', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
    await sql`update contracts set address_state = 'ON', address_zip = 'K1A 0B1'
      where vin = ${DEMO_HOLDERS[1]!.vin}`.execute(server.built.database.db);
  });
  afterAll(() => server.close());

  const LIMITERS: [string, () => RateLimiter][] = [
    [
      'database (facts and count in one statement)',
      () => createDatabaseRateLimiter(server.built.database.db),
    ],
    ['memory (facts, then the count)', () => createMemoryRateLimiter()],
  ];

  it.each(LIMITERS)('answers every attempt as the table says, counters in %s', async (name, limiter) => {
    const db = server.built.database.db;
    const clock = new FakeClock(START);
    const auth = createAuthService({ db, clock, sessionTtlHours: 1 });
    const service = createHolderSignInService({ db, clock, auth, limits, rateLimiter: limiter() });
    // Addresses of their own per limiter: the database's buckets outlive the run.
    const prefix = name.startsWith('database') ? '198.51.100' : '203.0.113';
    const answers: Answer[] = [];
    for (const [seconds, facts, address] of STEPS) {
      clock.set(new Date(new Date(START).getTime() + seconds * 1000));
      const ip = `${prefix}.${address.charCodeAt(0)}`;
      answers.push(await answerOf(service.verify(factsOf(facts), ip)));
    }
    expect(answers).toEqual(STEPS.map((step) => step[3]));
  });

  // The database's counters skip the VIN's back-off for right facts from an address with no failure
  // within the reset window (migration 0046); the memory counters always decide it. Any sequence of
  // attempts — right and wrong, from two addresses, with waits that run out, windows that restart and
  // back-offs that reset — gets the same answers from both.
  it('answers any sequence of attempts alike with the counters in the database and in memory', async () => {
    const db = server.built.database.db;
    const step = fc.record({
      facts: fc.constantFrom<Facts>('right', 'right', 'wrong name', 'vin 1'),
      address: fc.constantFrom('a', 'b'),
      after: fc.constantFrom(0, 0, 0, 0, 1, 20, 45, 61, 3_600, 90_000),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        run++;
        const answersOf = async (limiter: RateLimiter) => {
          const clock = new FakeClock(START);
          const auth = createAuthService({ db, clock, sessionTtlHours: 1 });
          const service = createHolderSignInService({ db, clock, auth, limits, rateLimiter: limiter });
          const answers: Answer[] = [];
          for (const { facts, address, after } of steps) {
            clock.advance(after * 1000);
            // Addresses of this run only: the database's buckets outlive it.
            const ip = `2001:db8::${run.toString(16)}:${address.charCodeAt(0).toString(16)}`;
            answers.push(await answerOf(service.verify(factsOf(facts), ip)));
          }
          return answers;
        };
        expect(await answersOf(createDatabaseRateLimiter(db))).toEqual(
          await answersOf(createMemoryRateLimiter()),
        );
      }),
      { numRuns: 60 },
    );
  });
});
