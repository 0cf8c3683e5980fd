import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, openTestDatabase } from '../../../test/support/engines.js';
import { waitFor } from '../../../test/support/process.js';
import { createAuthService } from '../../auth/auth.service.js';
import { FakeClock } from '../clock.js';
import type { DatabaseHandle } from '../db/database.js';
import { purgeExpiredIdempotencyKeys } from '../http/idempotency.js';
import { startJobs } from './jobs.js';

const silentLogger = { info() {}, error() {}, warn() {}, debug() {} } as unknown as FastifyBaseLogger;

describeEachEngine('background jobs (pg-boss)', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openTestDatabase(engine);
  });
  afterAll(() => handle.close());

  it('runs a queued recurring job on a worker in the same database', async () => {
    const runs: number[] = [];
    const jobs = await startJobs({
      executeSql: handle.executeSql,
      logger: silentLogger,
      runWorkers: true,
      pollingIntervalSeconds: 0.5,
      recurring: [
        {
          name: 'test-job',
          cron: '0 0 1 1 *',
          description: 'test',
          run: async () => {
            runs.push(1);
            return {};
          },
        },
      ],
    });
    try {
      await jobs.boss.send('test-job', {});
      await waitFor('the job to run', () => runs.length > 0, { intervalMs: 100 });
      expect(runs).toHaveLength(1);
      const schedules = await jobs.boss.getSchedules();
      expect(schedules.map((s) => s.name)).toContain('test-job');
    } finally {
      await jobs.stop();
    }
  });

  it('purges sessions that ended more than a day ago and expired idempotency records', async () => {
    const clock = new FakeClock('2026-11-25T12:00:00Z');
    const auth = createAuthService({ db: handle.db, clock, sessionTtlHours: 1 });
    const user = await handle.db
      .insertInto('users')
      .values({ email: 'purge@coverwise.test', display_name: 'P', role: 'reviewer', password_hash: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await auth.issueSession(handle.db, { userId: user.id });
    await handle.db
      .insertInto('idempotency_keys')
      .values({
        principal: 'p',
        key: 'k',
        request_hash: 'h',
        response_status: 201,
        response_body: '{}',
        expires_at: new Date('2026-11-26T12:00:00Z'),
      })
      .execute();
    expect(await auth.purge()).toBe(0);
    clock.advance(26 * 3_600_000);
    expect(await auth.purge()).toBe(1);
    expect(await purgeExpiredIdempotencyKeys(handle.db, new Date('2026-11-26T12:00:01Z'))).toBe(1);
  });
});
