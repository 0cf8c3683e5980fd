// A dealer API key read and its use counted in one statement (countUseInKeyLookup, as on a server
// database), on both engines: unknown and revoked keys count nothing, a key past its limit is refused
// until its window ends, and concurrent requests are each counted exactly once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, openTestDatabase } from '../../test/support/engines.js';
import { SYSTEM_ACTOR } from '../platform/audit/audit.repository.js';
import { FakeClock } from '../platform/clock.js';
import { transactional } from '../platform/db/transaction.js';
import { createDatabaseRateLimiter } from '../platform/rate-limit.js';
import { AppError } from '../shared/errors.js';
import { createDealersService } from './dealers.service.js';

const LIMIT = 12;

describeEachEngine('dealer API key read and counted in one statement', (engine) => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let dealers: ReturnType<typeof createDealersService>;
  let dealerId: string;
  const clock = new FakeClock('2026-11-25T15:00:00Z');

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    dealers = createDealersService({
      db: database.db,
      clock,
      rateLimiter: createDatabaseRateLimiter(database.db),
      keyLimit: { limit: LIMIT, windowSeconds: 60 },
      countUseInKeyLookup: true,
    });
    const run = transactional(database.db);
    dealerId = (
      await dealers.create(run, { code: 'D-7007', name: 'Delta Autos', state: 'MO' }, SYSTEM_ACTOR, 'r1')
    ).id;
  });
  afterAll(() => database.close());

  const issue = (label: string) =>
    dealers.issueKey(transactional(database.db), dealerId, label, SYSTEM_ACTOR, 'r2');
  const counted = async (keyId: string) =>
    (
      await database.db
        .selectFrom('rate_limits')
        .select('attempts')
        .where('bucket', '=', `dealer-key:${keyId}`)
        .executeTakeFirst()
    )?.attempts ?? null;
  const refusal = (key: string) =>
    dealers.authenticateKey(key).then(
      () => null,
      (error: unknown) => error,
    );

  it('acts as its dealer and counts each request in its own bucket', async () => {
    const issued = await issue('menu');
    const session = await dealers.authenticateKey(issued.key);
    expect(session?.principal).toMatchObject({
      kind: 'dealer',
      keyId: issued.id,
      dealerId,
      dealerCode: 'D-7007',
    });
    await dealers.authenticateKey(issued.key);
    expect(await counted(issued.id)).toBe(2);
  });

  it('answers null for an unknown key and for a revoked one from the next request on, counting neither', async () => {
    expect(await dealers.authenticateKey('cwk_not-a-key-anyone-was-given')).toBeNull();
    const issued = await issue('revoked');
    expect(await dealers.authenticateKey(issued.key)).not.toBeNull();
    await dealers.revokeKey(transactional(database.db), dealerId, issued.id, SYSTEM_ACTOR, 'r3');
    expect(await dealers.authenticateKey(issued.key)).toBeNull();
    expect(await dealers.authenticateKey(issued.key)).toBeNull();
    expect(await counted(issued.id)).toBe(1);
  });

  it('refuses a key past its limit with too_many_attempts until its window ends, then counts from 1', async () => {
    const issued = await issue('busy');
    for (let i = 0; i < LIMIT; i++) expect(await dealers.authenticateKey(issued.key)).not.toBeNull();
    clock.advance(20_000);
    const refused = await refusal(issued.key);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'too_many_attempts', retryAfterSeconds: 40 });
    // Another key of the same dealer has a bucket of its own.
    expect(await dealers.authenticateKey((await issue('other')).key)).not.toBeNull();
    clock.advance(40_000);
    expect(await dealers.authenticateKey(issued.key)).not.toBeNull();
    expect(await counted(issued.id)).toBe(1);
  });

  it('counts concurrent requests of one key exactly: the limit lets exactly that many through', async () => {
    const issued = await issue('burst');
    const outcomes = await Promise.all(
      Array.from({ length: LIMIT + 8 }, () =>
        dealers.authenticateKey(issued.key).then(
          () => 'allowed',
          (error: unknown) => (error instanceof AppError ? error.code : String(error)),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'allowed')).toHaveLength(LIMIT);
    expect(outcomes.filter((o) => o === 'too_many_attempts')).toHaveLength(8);
    expect(await counted(issued.id)).toBe(LIMIT + 8);
  });

  it('counts concurrent requests of several keys, unknown and revoked ones among them, each exactly', async () => {
    const keys = await Promise.all(['first', 'second', 'third'].map(issue));
    const revoked = await issue('gone');
    await dealers.revokeKey(transactional(database.db), dealerId, revoked.id, SYSTEM_ACTOR, 'r4');
    const sent = Array.from({ length: LIMIT + 3 }, () => [
      ...keys.map((key) => key.key),
      revoked.key,
      'cwk_nobody-was-given-this-one',
    ]).flat();
    const outcomes = await Promise.all(
      sent.map((key) =>
        dealers.authenticateKey(key).then(
          (session) => (session ? `allowed:${(session.principal as { keyId: string }).keyId}` : 'unknown'),
          (error: unknown) => (error instanceof AppError ? error.code : String(error)),
        ),
      ),
    );
    for (const key of keys) {
      expect(outcomes.filter((o) => o === `allowed:${key.id}`)).toHaveLength(LIMIT);
      expect(await counted(key.id)).toBe(LIMIT + 3);
    }
    expect(outcomes.filter((o) => o === 'too_many_attempts')).toHaveLength(3 * keys.length);
    expect(outcomes.filter((o) => o === 'unknown')).toHaveLength(2 * (LIMIT + 3));
    expect(await counted(revoked.id)).toBeNull();
  });
});
