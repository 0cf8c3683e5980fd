import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { FakeClock } from '../platform/clock.js';

async function login(server: TestServer, email: string, password: string) {
  return server.built.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
}

describeEachEngine('staff sessions', (engine) => {
  let server: TestServer;
  const clock = new FakeClock('2026-11-25T15:00:00Z');

  beforeAll(async () => {
    server = await startTestServer({ engine, clock, env: { COVERWISE_SESSION_TTL_HOURS: '12' } });
  });
  afterAll(() => server.close());

  it('signs in the demo admin and answers who is signed in', async () => {
    const response = await login(server, 'Admin@Coverwise.test', 'coverwise-demo');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({
      email: 'admin@coverwise.test',
      role: 'admin',
      displayName: 'Avery Admin',
    });
    expect(body.token).toMatch(/^cws_/);
    const me = await server.built.app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(me.json()).toEqual({
      user: { id: body.user.id, email: 'admin@coverwise.test', role: 'admin', displayName: 'Avery Admin' },
    });
  });

  it('stores only a hash of the session token', async () => {
    const { token } = (await login(server, 'admin@coverwise.test', 'coverwise-demo')).json();
    const rows = await server.built.database.db.selectFrom('sessions').select('token_hash').execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.token_hash).not.toContain(token.slice(4, 20));
  });

  it.each([
    ['a wrong password', 'admin@coverwise.test', 'not-the-password'],
    ['an unknown email', 'nobody@coverwise.test', 'coverwise-demo'],
  ])('refuses %s with 401 invalid_credentials', async (_case, email, password) => {
    const response = await login(server, email, password);
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 401, code: 'invalid_credentials' });
  });

  it('refuses an expired token with 401', async () => {
    const { token } = (await login(server, 'reviewer@coverwise.test', 'coverwise-demo')).json();
    clock.advance(12 * 3_600_000 + 1000);
    const me = await server.built.app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.statusCode).toBe(401);
    expect(me.json().code).toBe('unauthenticated');
  });

  it('refuses a token after sign-out (revoked)', async () => {
    const { token } = (await login(server, 'adjuster@coverwise.test', 'coverwise-demo')).json();
    const headers = { authorization: `Bearer ${token}` };
    const logout = await server.built.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers });
    expect(logout.statusCode).toBe(204);
    const me = await server.built.app.inject({ url: '/api/v1/auth/me', headers });
    expect(me.statusCode).toBe(401);
    const audit = await server.built.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', 'in', ['session.signed_in', 'session.signed_out'])
      .execute();
    expect(audit.map((a) => a.action)).toContain('session.signed_out');
  });

  describe('cookie sessions (the web app)', () => {
    it('sets an HttpOnly SameSite session cookie and demands the CSRF header on POSTs', async () => {
      const response = await login(server, 'admin@coverwise.test', 'coverwise-demo');
      const cookies = response.cookies;
      const session = cookies.find((c) => c.name === 'cw_session')!;
      const csrf = cookies.find((c) => c.name === 'cw_csrf')!;
      expect(session.httpOnly).toBe(true);
      expect(session.sameSite).toBe('Strict');
      expect(csrf.httpOnly).toBeFalsy();
      const cookie = `cw_session=${session.value}; cw_csrf=${csrf.value}`;

      const me = await server.built.app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
      expect(me.statusCode).toBe(200);

      const withoutCsrf = await server.built.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { cookie },
      });
      expect(withoutCsrf.statusCode).toBe(403);
      expect(withoutCsrf.json().code).toBe('csrf_token_invalid');

      const withCsrf = await server.built.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { cookie, 'x-csrf-token': csrf.value },
      });
      expect(withCsrf.statusCode).toBe(204);
    });
  });
});
