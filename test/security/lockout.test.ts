// Lock-out as a service (issue 17, finding 5): failed sign-ins are counted per key *and client
// address* with exponential back-off, so a guesser slows only themself; the real holder or staff user
// at another address gets in. Everyone who signs in with a password (staff, dealer users, lenders) is
// told when their account is being guessed at: an audit event, listed by GET /api/v1/auth/sign-in-alerts
// (which the staff home, the dealer portal and the staff dashboard show).
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { FakeClock } from '../../src/platform/clock.js';
import { describeEachEngine } from '../support/engines.js';
import { staffClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');
const GAP_HOLDER = DEMO_HOLDERS[4]!; // Feature Guard + GAP addendum on one vehicle (Texas).

describeEachEngine('sign-in lock-out resistance', (engine) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      clock,
      env: {
        COVERWISE_HOLDER_ATTEMPTS_PER_VIN: '3',
        COVERWISE_STAFF_ATTEMPTS_PER_EMAIL: '3',
        COVERWISE_STAFF_ATTACK_ALERT_FAILURES: '6',
        COVERWISE_STAFF_ATTEMPTS_PER_ADDRESS: '6',
        COVERWISE_SESSION_TTL_HOURS: '720',
      },
    });
  });
  afterAll(() => server?.close());

  const inject = (options: InjectOptions) => server.built.app.inject(options);
  const holderLogin = (facts: { lastName: string; zip: string; vin: string }, remoteAddress: string) =>
    inject({ method: 'POST', url: '/api/v1/auth/holder-login', payload: facts, remoteAddress });
  const startGapClaim = (facts: { lastName: string; zip: string; vin: string }, remoteAddress: string) =>
    inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: { ...facts, dateOfLoss: '2026-11-20', lossType: 'total_loss' },
      remoteAddress,
    });
  const staffLogin = (email: string, password: string, remoteAddress: string) =>
    inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });

  describe('contract holders', () => {
    it('lets the holder sign in and start a GAP claim from a clean address while a guesser with their VIN is backed off', async () => {
      const wrong = { lastName: 'Guesser', zip: GAP_HOLDER.zip, vin: GAP_HOLDER.vin };
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await holderLogin(wrong, '203.0.113.9')).statusCode);
      for (let i = 0; i < 2; i++) statuses.push((await startGapClaim(wrong, '203.0.113.9')).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);

      const right = { lastName: GAP_HOLDER.lastName, zip: GAP_HOLDER.zip, vin: GAP_HOLDER.vin };
      expect((await holderLogin(right, '198.51.100.20')).statusCode).toBe(200);
      const started = await startGapClaim(right, '198.51.100.20');
      expect([200, 201]).toContain(started.statusCode);
      // The guesser keeps waiting, right facts or not (no oracle), until the wait has passed.
      expect((await holderLogin(right, '203.0.113.9')).statusCode).toBe(429);
      clock.advance(31_000);
      expect((await holderLogin(right, '203.0.113.9')).statusCode).toBe(200);
    });

    it('gives a guesser who keeps trying waits that double, up to the cap', async () => {
      const target = DEMO_HOLDERS[0]!;
      const wrong = { lastName: 'Guesser', zip: target.zip, vin: target.vin };
      for (let i = 0; i < 3; i++) expect((await holderLogin(wrong, '203.0.113.10')).statusCode).toBe(401);
      const waits: number[] = [];
      for (let round = 0; round < 4; round++) {
        const refused = await holderLogin(wrong, '203.0.113.10');
        expect(refused.statusCode).toBe(429);
        const wait = Number(refused.headers['retry-after']);
        waits.push(wait);
        clock.advance(wait * 1000);
        expect((await holderLogin(wrong, '203.0.113.10')).statusCode).toBe(401);
      }
      expect(waits).toEqual([30, 60, 120, 240]);
      clock.advance(3_600_000);
    });
  });

  describe('staff', () => {
    it('keeps an admin able to sign in from their own address while a guesser elsewhere is backed off', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push(
          (await staffLogin('admin@coverwise.test', 'not the password', '203.0.113.50')).statusCode,
        );
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      expect((await staffLogin('admin@coverwise.test', 'coverwise-demo', '198.51.100.7')).statusCode).toBe(
        200,
      );
      expect((await staffLogin('admin@coverwise.test', 'coverwise-demo', '203.0.113.50')).statusCode).toBe(
        429,
      );
      clock.advance(3_600_000);
    });

    it('limits one address over all accounts (a sweep across many emails)', async () => {
      // 6 failures per address in a window (COVERWISE_STAFF_ATTEMPTS_PER_ADDRESS), whatever the email.
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++)
        statuses.push(
          (await staffLogin(`nobody${i}@coverwise.test`, 'not the password', '203.0.113.77')).statusCode,
        );
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
      clock.advance(3_600_000);
    });

    it('records one alert when failures against an account from several addresses pass the threshold, and shows it to that user and to admins', async () => {
      const db = server.built.database.db;
      const alertsBefore = await db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'session.sign_in_attack_suspected')
        .execute();
      // 2 failures from each of 4 addresses: 8 failures, none of them backed off (3 free per address).
      for (let address = 1; address <= 4; address++)
        for (let i = 0; i < 2; i++)
          expect(
            (await staffLogin('adjuster@coverwise.test', 'wrong', `203.0.113.${100 + address}`)).statusCode,
          ).toBe(401);
      const alerts = await db
        .selectFrom('audit_events')
        .select(['entity_type', 'entity_id', 'actor_kind', 'data'])
        .where('action', '=', 'session.sign_in_attack_suspected')
        .execute();
      expect(alerts).toHaveLength(alertsBefore.length + 1);
      const adjusterRow = await db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'adjuster@coverwise.test')
        .executeTakeFirstOrThrow();
      expect(alerts.at(-1)).toMatchObject({
        entity_type: 'user',
        entity_id: adjusterRow.id,
        actor_kind: 'system',
        data: { failedAttempts: 7, windowSeconds: 900 },
      });

      const adjuster = await staffClient(server, 'adjuster@coverwise.test');
      const own = await adjuster({ method: 'GET', url: '/api/v1/auth/sign-in-alerts' });
      expect(own.statusCode).toBe(200);
      expect(own.json().data).toEqual([
        expect.objectContaining({
          userId: adjusterRow.id,
          email: 'adjuster@coverwise.test',
          failedAttempts: 7,
        }),
      ]);
      const admin = await staffClient(server, 'admin@coverwise.test');
      const all = (await admin({ method: 'GET', url: '/api/v1/auth/sign-in-alerts' })).json().data;
      expect(all.map((alert: { userId: string }) => alert.userId)).toContain(adjusterRow.id);
      const reviewer = await staffClient(server, 'reviewer@coverwise.test');
      expect((await reviewer({ method: 'GET', url: '/api/v1/auth/sign-in-alerts' })).json().data).toEqual([]);
      // An unknown email raises no alert (there is no account to tell).
      for (let i = 0; i < 8; i++) await staffLogin('ghost@coverwise.test', 'wrong', `203.0.113.${150 + i}`);
      expect(
        await db
          .selectFrom('audit_events')
          .select('id')
          .where('action', '=', 'session.sign_in_attack_suspected')
          .execute(),
      ).toHaveLength(alertsBefore.length + 1);
    });

    it('alerts dealer users and lenders too, who read the alerts about their own account', async () => {
      const admin = await staffClient(server, 'admin@coverwise.test');
      const lenderPassword = 'a long lender passphrase 77';
      const created = await admin({
        method: 'POST',
        url: '/api/v1/users',
        payload: {
          email: 'loans@prairie.test',
          password: lenderPassword,
          role: 'lender',
          lienholderName: 'First Prairie Bank',
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const people = [
        { email: 'dealer@coverwise.test', password: 'coverwise-demo', firstAddress: 170 },
        { email: 'loans@prairie.test', password: lenderPassword, firstAddress: 180 },
      ];
      // As for staff: 2 failures from each of 4 addresses pass the threshold of 6.
      for (const person of people)
        for (let address = 0; address < 4; address++)
          for (let i = 0; i < 2; i++)
            expect(
              (await staffLogin(person.email, 'wrong', `203.0.113.${person.firstAddress + address}`))
                .statusCode,
            ).toBe(401);

      const userIds: string[] = [];
      for (const person of people) {
        const client = await staffClient(server, person.email, person.password);
        const own = await client({ method: 'GET', url: '/api/v1/auth/sign-in-alerts' });
        // Both roles were refused (403) and never told.
        expect(own.statusCode, own.body).toBe(200);
        expect(own.json().data).toEqual([
          expect.objectContaining({ email: person.email, failedAttempts: 7, windowSeconds: 900 }),
        ]);
        userIds.push(own.json().data[0].userId);
      }
      const all = (await admin({ method: 'GET', url: '/api/v1/auth/sign-in-alerts' })).json().data;
      expect(all.map((alert: { userId: string }) => alert.userId)).toEqual(expect.arrayContaining(userIds));
    });
  });
});
