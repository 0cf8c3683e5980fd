import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { FakeClock } from '../platform/clock.js';
import { ROLES, type Role } from '../shared/roles.js';
import { totpFor } from './mfa.service.js';

const PASSWORD = 'coverwise-demo';

/** The code an authenticator app shows for `secret` at the fake clock's time. */
function codeAt(secret: string, clock: FakeClock): string {
  return totpFor(secret, 'Coverwise', 'x').generate({ timestamp: clock.now().getTime() });
}

async function post(server: TestServer, url: string, payload: object, token?: string) {
  return server.built.app.inject({
    method: 'POST',
    url,
    payload,
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });
}

async function auditActions(server: TestServer, prefix: string): Promise<string[]> {
  const rows = await server.built.database.db
    .selectFrom('audit_events')
    .select('action')
    .where('action', 'like', `${prefix}%`)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.action);
}

/** Signs in with the password (no MFA yet) and enrols; answers the secret and the recovery codes. */
async function enrol(server: TestServer, clock: FakeClock, email: string) {
  const login = await post(server, '/api/v1/auth/login', { email, password: PASSWORD });
  expect(login.statusCode).toBe(200);
  const token: string = login.json().token;
  const started = await post(server, '/api/v1/auth/mfa/enrolment', { password: PASSWORD }, token);
  expect(started.statusCode).toBe(200);
  const { secret, uri } = started.json();
  expect(uri).toMatch(/^otpauth:\/\/totp\/Coverwise:/);
  expect(uri).toContain(`secret=${secret}`);
  const confirmed = await post(
    server,
    '/api/v1/auth/mfa/enrolment/confirm',
    { code: codeAt(secret, clock) },
    token,
  );
  expect(confirmed.statusCode).toBe(200);
  const recoveryCodes: string[] = confirmed.json().recoveryCodes;
  return { secret, recoveryCodes, token };
}

describeEachEngine('staff two-step sign-in (TOTP)', (engine) => {
  let server: TestServer;
  const clock = new FakeClock('2026-11-25T15:00:00Z');

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
  });
  afterAll(() => server.close());

  it('enrols, then asks for a code at sign-in; a code is accepted once, recovery codes once each', async () => {
    const email = 'adjuster@coverwise.test';
    const { secret, recoveryCodes } = await enrol(server, clock, email);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const stored = await server.built.database.db
      .selectFrom('user_mfa_recovery_codes')
      .select('code_hash')
      .execute();
    for (const row of stored) expect(recoveryCodes).not.toContain(row.code_hash);

    const first = await post(server, '/api/v1/auth/login', { email, password: PASSWORD });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ mfaRequired: true });
    expect(first.json().token).toBeUndefined();
    expect(first.cookies).toEqual([]);

    // The enrolment's code was used at this step: the same code is a replay, even in a new challenge.
    const replay = await post(server, '/api/v1/auth/login/mfa', {
      challengeToken: first.json().challengeToken,
      code: codeAt(secret, clock),
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'mfa_code_invalid' });

    clock.advance(30_000);
    const code = codeAt(secret, clock);
    const done = await post(server, '/api/v1/auth/login/mfa', {
      challengeToken: first.json().challengeToken,
      code,
    });
    expect(done.statusCode).toBe(200);
    expect(done.json().user).toMatchObject({ email, role: 'adjuster' });
    const me = await server.built.app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${done.json().token}` },
    });
    expect(me.statusCode).toBe(200);

    // The challenge is spent; a new one does not take the same code again.
    const again = await post(server, '/api/v1/auth/login/mfa', {
      challengeToken: first.json().challengeToken,
      code,
    });
    expect(again.json().code).toBe('unauthenticated');
    const second = (await post(server, '/api/v1/auth/login', { email, password: PASSWORD })).json();
    const sameCode = await post(server, '/api/v1/auth/login/mfa', {
      challengeToken: second.challengeToken,
      code,
    });
    expect(sameCode.json().code).toBe('mfa_code_invalid');

    const recovery = recoveryCodes[0]!;
    const byRecovery = await post(server, '/api/v1/auth/login/mfa', {
      challengeToken: second.challengeToken,
      code: recovery.toUpperCase(),
    });
    expect(byRecovery.statusCode).toBe(200);
    const third = (await post(server, '/api/v1/auth/login', { email, password: PASSWORD })).json();
    const reused = await post(server, '/api/v1/auth/login/mfa', {
      challengeToken: third.challengeToken,
      code: recovery,
    });
    expect(reused.json().code).toBe('mfa_code_invalid');

    const status = await server.built.app.inject({
      url: '/api/v1/auth/mfa',
      headers: { authorization: `Bearer ${done.json().token}` },
    });
    expect(status.json()).toEqual({
      enabled: true,
      pendingEnrolment: false,
      recoveryCodesLeft: 9,
      required: false,
    });
    expect(await auditActions(server, 'mfa.')).toEqual([
      'mfa.enrolment_started',
      'mfa.enabled',
      'mfa.code_failed',
      'mfa.code_failed',
      'mfa.recovery_code_used',
      'mfa.code_failed',
    ]);
  });

  it('refuses an expired challenge', async () => {
    const email = 'adjuster@coverwise.test';
    const { challengeToken } = (
      await post(server, '/api/v1/auth/login', { email, password: PASSWORD })
    ).json();
    clock.advance(301_000);
    const late = await post(server, '/api/v1/auth/login/mfa', { challengeToken, code: '000000' });
    expect(late.statusCode).toBe(401);
    expect(late.json().code).toBe('unauthenticated');
  });

  it('throttles wrong codes per user with 429 and Retry-After', async () => {
    const email = 'reviewer@coverwise.test';
    const { secret } = await enrol(server, clock, email);
    clock.advance(30_000);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 12; i++) {
      const { challengeToken } = (
        await post(server, '/api/v1/auth/login', { email, password: PASSWORD })
      ).json();
      // A wrong 6-digit code: the right one with its last digit changed.
      const right = codeAt(secret, clock);
      const wrong = `${right.slice(0, 5)}${(Number(right[5]) + 1) % 10}`;
      last = await post(server, '/api/v1/auth/login/mfa', { challengeToken, code: wrong });
      statuses.push(last.statusCode);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right code waits out the back-off.
    const { challengeToken } = (
      await post(server, '/api/v1/auth/login', { email, password: PASSWORD })
    ).json();
    const blocked = await post(server, '/api/v1/auth/login/mfa', {
      challengeToken,
      code: codeAt(secret, clock),
    });
    expect(blocked.statusCode).toBe(429);
  });

  it('turns MFA off with a current code; sign-in is one step again', async () => {
    const email = 'lead@coverwise.test';
    const { secret, token } = await enrol(server, clock, email);
    const wrongPassword = await post(server, '/api/v1/auth/mfa/enrolment', { password: 'nope' }, token);
    expect(wrongPassword.statusCode).toBe(401);
    const twice = await post(server, '/api/v1/auth/mfa/enrolment', { password: PASSWORD }, token);
    expect(twice.json().code).toBe('mfa_already_enabled');
    clock.advance(30_000);
    const off = await post(server, '/api/v1/auth/mfa/disable', { code: codeAt(secret, clock) }, token);
    expect(off.statusCode).toBe(204);
    const plain = await post(server, '/api/v1/auth/login', { email, password: PASSWORD });
    expect(plain.json().token).toMatch(/^cws_/);
    const rows = await server.built.database.db.selectFrom('user_mfa').select('user_id').execute();
    expect(rows.map((r) => r.user_id)).not.toContain(plain.json().user.id);
  });
});

describeEachEngine('COVERWISE_REQUIRE_MFA=1', (engine) => {
  let server: TestServer;
  const clock = new FakeClock('2026-11-25T15:00:00Z');

  beforeAll(async () => {
    server = await startTestServer({ engine, clock, env: { COVERWISE_REQUIRE_MFA: '1' } });
  });
  afterAll(() => server.close());

  it('limits an administrator without MFA to enrolment until it is confirmed', async () => {
    const login = await post(server, '/api/v1/auth/login', {
      email: 'admin@coverwise.test',
      password: PASSWORD,
    });
    expect(login.json()).toMatchObject({ mfaEnrolmentRequired: true });
    const headers = { authorization: `Bearer ${login.json().token}` };
    const users = await server.built.app.inject({ url: '/api/v1/users', headers });
    expect(users.statusCode).toBe(403);
    expect(users.json().code).toBe('mfa_enrolment_required');
    const status = await server.built.app.inject({ url: '/api/v1/auth/mfa', headers });
    expect(status.json()).toMatchObject({ enabled: false, required: true });

    const { secret } = (
      await post(server, '/api/v1/auth/mfa/enrolment', { password: PASSWORD }, login.json().token)
    ).json();
    const confirmed = await post(
      server,
      '/api/v1/auth/mfa/enrolment/confirm',
      { code: codeAt(secret, clock) },
      login.json().token,
    );
    expect(confirmed.statusCode).toBe(200);
    expect((await server.built.app.inject({ url: '/api/v1/users', headers })).statusCode).toBe(200);
  });

  it('does not limit other roles', async () => {
    const login = await post(server, '/api/v1/auth/login', {
      email: 'reviewer@coverwise.test',
      password: PASSWORD,
    });
    expect(login.json().mfaEnrolmentRequired).toBeUndefined();
    const me = await server.built.app.inject({
      url: '/api/v1/dashboard',
      headers: { authorization: `Bearer ${login.json().token}` },
    });
    expect(me.statusCode).toBe(200);
  });
});

// Every role that signs in at /staff has a two-step sign-in card on its home page: each may read its
// own status and turn it on (a lender was refused with 403 "Your role may not use this endpoint.").
describeEachEngine('two-step sign-in for every staff role', (engine) => {
  let server: TestServer;
  const clock = new FakeClock('2026-11-25T15:00:00Z');
  const LENDER_PASSWORD = 'a long lender passphrase 77';
  const USERS: { role: Role; email: string; password: string }[] = [
    { role: 'admin', email: 'admin@coverwise.test', password: PASSWORD },
    { role: 'adjuster', email: 'adjuster@coverwise.test', password: PASSWORD },
    { role: 'adjuster', email: 'lead@coverwise.test', password: PASSWORD },
    { role: 'reviewer', email: 'reviewer@coverwise.test', password: PASSWORD },
    { role: 'repair_facility', email: 'shop@coverwise.test', password: PASSWORD },
    { role: 'dealer_user', email: 'dealer@coverwise.test', password: PASSWORD },
    { role: 'lender', email: 'loans@prairie.test', password: LENDER_PASSWORD },
  ];

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    const admin = await post(server, '/api/v1/auth/login', {
      email: 'admin@coverwise.test',
      password: PASSWORD,
    });
    const created = await post(
      server,
      '/api/v1/users',
      {
        email: 'loans@prairie.test',
        password: LENDER_PASSWORD,
        role: 'lender',
        lienholderName: 'First Prairie Bank',
      },
      admin.json().token,
    );
    expect(created.statusCode, created.body).toBe(201);
  });
  afterAll(() => server.close());

  it('the table names every role', () => {
    expect(new Set(USERS.map((user) => user.role))).toEqual(new Set(ROLES));
  });

  it.each(USERS)('$role ($email) reads its status and turns two-step sign-in on', async (user) => {
    const login = await post(server, '/api/v1/auth/login', { email: user.email, password: user.password });
    expect(login.statusCode, login.body).toBe(200);
    const token: string = login.json().token;
    const status = () =>
      server.built.app.inject({ url: '/api/v1/auth/mfa', headers: { authorization: `Bearer ${token}` } });
    const before = await status();
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toMatchObject({ enabled: false, pendingEnrolment: false });

    const started = await post(server, '/api/v1/auth/mfa/enrolment', { password: user.password }, token);
    expect(started.statusCode, started.body).toBe(200);
    const confirmed = await post(
      server,
      '/api/v1/auth/mfa/enrolment/confirm',
      { code: codeAt(started.json().secret, clock) },
      token,
    );
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const after = await status();
    expect(after.json()).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });

    const next = await post(server, '/api/v1/auth/login', { email: user.email, password: user.password });
    expect(next.json()).toMatchObject({ mfaRequired: true });
  });
});
