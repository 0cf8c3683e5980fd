// Holder sign-in's facts check and throttle, with the counters in the database (the facts read and the
// attempt counted in one statement, holder-sign-in.repository.ts) and in process memory (the facts read
// first, then the counters): the same attempts get the same answers from both, on both engines, whether
// only the facts are checked (`verify`, as a GAP claim start does) or a session is issued (`signIn`, whose
// statement stores the session and its audit rows too).
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
import {
  createHolderSignInService,
  type HolderFacts,
  type HolderSignInService,
} from './holder-sign-in.service.js';

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

/** `verify` checks the facts (a GAP claim start); `signIn` also issues the session. */
const USE_CASES = ['verify', 'signIn'] as const;
type UseCase = (typeof USE_CASES)[number];

/** One attempt through a use case: the ids of the contracts it signed in to. */
async function attempt(
  service: HolderSignInService,
  use: UseCase,
  facts: HolderFacts,
  ip: string,
  requestId: string,
): Promise<string[]> {
  if (use === 'verify') return service.verify(facts, ip);
  const session = await service.signIn(facts, ip, requestId);
  expect(session.token).toMatch(/^cws_/);
  return session.contractIds;
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

  const CASES = LIMITERS.flatMap(([name, limiter], index) =>
    USE_CASES.map((use, useIndex) => ({
      name,
      limiter,
      use,
      prefix: `198.51.${100 + index * 2 + useIndex}`,
    })),
  );

  it.each(CASES)('answers every attempt as the table says: $use, counters in $name', async (run) => {
    const db = server.built.database.db;
    const clock = new FakeClock(START);
    const auth = createAuthService({ db, clock, sessionTtlHours: 1 });
    const service = createHolderSignInService({ db, clock, auth, limits, rateLimiter: run.limiter() });
    // Addresses of their own per run (the database's buckets outlive it), and a request id of its own.
    const requestId = `table ${run.prefix}`;
    const answers: Answer[] = [];
    for (const [seconds, facts, address] of STEPS) {
      clock.set(new Date(new Date(START).getTime() + seconds * 1000));
      const ip = `${run.prefix}.${address.charCodeAt(0)}`;
      answers.push(await answerOf(attempt(service, run.use, factsOf(facts), ip, requestId)));
    }
    expect(answers).toEqual(STEPS.map((step) => step[3]));
    if (run.use !== 'signIn') return;
    // Each sign-in stored one session, whose scope holds the contracts it answered, and an audit row per
    // contract naming it; a refused attempt stored neither.
    const audited = await sql<{ session_id: string; contracts: number; scoped: number }>`
      select a.actor_id as session_id, count(*)::int as contracts,
        jsonb_array_length(min(s.holder_scope::text)::jsonb -> 'contractIds') as scoped
      from audit_events a join sessions s on s.id::text = a.actor_id
      where a.action = 'holder.signed_in' and a.request_id = ${requestId}
      group by a.actor_id`.execute(db);
    const signedIn = answers.filter(
      (answer): answer is number => typeof answer === 'number' && answer !== 401,
    );
    expect(audited.rows.map((row) => row.contracts).sort()).toEqual([...signedIn].sort());
    expect(audited.rows.every((row) => row.scoped === row.contracts)).toBe(true);
  });

  // COVERWISE_HOLDER_THROTTLE=0 (the bench's baseline): the same statement without the count.
  it('with the throttle off, signs in on right facts and answers 401 otherwise, never 429', async () => {
    const db = server.built.database.db;
    const clock = new FakeClock(START);
    const auth = createAuthService({ db, clock, sessionTtlHours: 1 });
    const service = createHolderSignInService({ db, clock, auth, limits, throttleEnabled: false });
    const kinds: Facts[] = [
      'wrong name',
      'wrong name',
      'wrong name',
      'wrong name',
      'right',
      'ca',
      'no letters',
    ];
    const answers: Answer[] = [];
    for (let round = 0; round < 3; round++)
      for (const kind of kinds)
        answers.push(await answerOf(attempt(service, 'signIn', factsOf(kind), '192.0.2.9', 'unthrottled')));
    expect(answers).toEqual(Array.from({ length: 3 }, () => [401, 401, 401, 401, 1, 1, 401]).flat());
    const audited = await sql<{ rows: number }>`select count(*)::int as rows from audit_events
      where action = 'holder.signed_in' and request_id = 'unthrottled'`.execute(db);
    expect(audited.rows[0]!.rows).toBe(6);
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
        const answersOf = async (limiter: RateLimiter, use: UseCase) => {
          const clock = new FakeClock(START);
          const auth = createAuthService({ db, clock, sessionTtlHours: 1 });
          const service = createHolderSignInService({ db, clock, auth, limits, rateLimiter: limiter });
          const answers: Answer[] = [];
          for (const { facts, address, after } of steps) {
            clock.advance(after * 1000);
            // Addresses of this run and use case only: the database's buckets outlive it.
            const ip = `2001:db8::${run.toString(16)}:${USE_CASES.indexOf(use)}:${address.charCodeAt(0).toString(16)}`;
            answers.push(await answerOf(attempt(service, use, factsOf(facts), ip, 'property')));
          }
          return answers;
        };
        const expected = await answersOf(createMemoryRateLimiter(), 'verify');
        expect(await answersOf(createDatabaseRateLimiter(db), 'verify')).toEqual(expected);
        expect(await answersOf(createDatabaseRateLimiter(db), 'signIn')).toEqual(expected);
        expect(await answersOf(createMemoryRateLimiter(), 'signIn')).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});
