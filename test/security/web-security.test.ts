// Web security of the real app: security headers, cookie sessions with CSRF, session expiry and
// revocation, password rules, staff sign-in throttling and uploaded files served safely. (No personal
// data in the logs of a real server process: log-privacy.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { FakeClock } from '../../src/platform/clock.js';
import { describeEachEngine } from '../support/engines.js';
import { staffClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { multipart, PDF } from './multipart.js';

const GAP_HOLDER = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;

function cookiesOf(setCookie: string | string[] | undefined): string[] {
  return Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
}

describeEachEngine('web security', (engine) => {
  const clock = new FakeClock('2026-11-25T15:00:00Z');
  let server: TestServer;
  let tlsServer: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      clock,
      env: { COVERWISE_STAFF_ATTEMPTS_PER_EMAIL: '3', COVERWISE_SESSION_TTL_HOURS: '12' },
    });
    tlsServer = await startTestServer({ engine, clock, env: { COVERWISE_BEHIND_TLS: '1' } });
  });
  afterAll(async () => {
    await server.close();
    await tlsServer.close();
  });

  const inject: TestServer['built']['app']['inject'] = ((options: never) =>
    server.built.app.inject(options)) as never;

  describe('headers', () => {
    it('sends a CSP with frame-ancestors none, nosniff and no HSTS when not behind TLS', async () => {
      const response = await inject({ method: 'GET', url: '/api/v1/help' });
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toBeUndefined();
    });

    it('sends HSTS and marks cookies Secure behind TLS', async () => {
      const response = await tlsServer.built.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'admin@coverwise.test', password: 'coverwise-demo' },
      });
      expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      const cookies = cookiesOf(response.headers['set-cookie']);
      expect(cookies.length).toBeGreaterThanOrEqual(2);
      for (const cookie of cookies) expect(cookie).toMatch(/;\s*Secure/i);
    });
  });

  describe('cookie sessions', () => {
    it('sets the session cookie HttpOnly and SameSite=Strict, and refuses a cookie POST without the CSRF header', async () => {
      const login = await inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'admin@coverwise.test', password: 'coverwise-demo' },
      });
      const cookies = cookiesOf(login.headers['set-cookie']);
      const session = cookies.find((c) => c.startsWith('cw_session='))!;
      const csrf = cookies.find((c) => c.startsWith('cw_csrf='))!;
      expect(session).toMatch(/HttpOnly/i);
      expect(session).toMatch(/SameSite=Strict/i);
      expect(session).not.toMatch(/Secure/i);
      expect(csrf).not.toMatch(/HttpOnly/i);
      // The lifetime goes as Max-Age (12 h), never as an Expires date taken from the server's clock:
      // a browser whose clock runs ahead of the server's would otherwise drop the session at once.
      for (const cookie of [session, csrf]) {
        expect(cookie).toMatch(/Max-Age=43200(;|$)/);
        expect(cookie).not.toMatch(/Expires=/i);
      }
      const cookieHeader = [session, csrf].map((c) => c.split(';')[0]).join('; ');
      const csrfValue = csrf.split(';')[0]!.split('=')[1]!;
      const body = {
        email: 'new-reviewer@coverwise.test',
        password: 'a long enough passphrase',
        role: 'reviewer',
      };

      const withoutHeader = await inject({
        method: 'POST',
        url: '/api/v1/users',
        payload: body,
        headers: { cookie: cookieHeader },
      });
      expect(withoutHeader.statusCode).toBe(403);
      expect(withoutHeader.json().code).toBe('csrf_token_invalid');
      const wrongHeader = await inject({
        method: 'POST',
        url: '/api/v1/users',
        payload: body,
        headers: { cookie: cookieHeader, 'x-csrf-token': `${csrfValue}x` },
      });
      expect(wrongHeader.json().code).toBe('csrf_token_invalid');
      // A GET needs no CSRF header; a POST with the right one goes through.
      expect(
        (await inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: cookieHeader } }))
          .statusCode,
      ).toBe(200);
      const withHeader = await inject({
        method: 'POST',
        url: '/api/v1/users',
        payload: body,
        headers: { cookie: cookieHeader, 'x-csrf-token': csrfValue },
      });
      expect(withHeader.statusCode).toBe(201);
    });

    it('ends a session at sign-out and when its lifetime has passed', async () => {
      const signIn = async () =>
        (
          await inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { email: 'reviewer@coverwise.test', password: 'coverwise-demo' },
          })
        ).json().token as string;
      const me = (token: string) =>
        inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });

      const revoked = await signIn();
      expect((await me(revoked)).statusCode).toBe(200);
      const logout = await inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { authorization: `Bearer ${revoked}` },
      });
      expect(logout.statusCode).toBe(204);
      expect((await me(revoked)).json().code).toBe('unauthenticated');

      const expiring = await signIn();
      clock.advance(11 * 3_600_000);
      expect((await me(expiring)).statusCode).toBe(200);
      clock.advance(2 * 3_600_000);
      const expired = await me(expiring);
      expect(expired.statusCode).toBe(401);
      expect(expired.json().code).toBe('unauthenticated');
      clock.set('2026-11-25T15:00:00Z');
    });
  });

  describe('passwords and sign-in throttling', () => {
    it('refuses a short password with 422 weak_password', async () => {
      const admin = await staffClient(server, 'admin@coverwise.test');
      const response = await admin({
        method: 'POST',
        url: '/api/v1/users',
        payload: { email: 'short@coverwise.test', password: 'short', role: 'adjuster' },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ code: 'weak_password', param: 'password' });
    });

    it('throttles wrong staff passwords per email with 429 too_many_attempts, and counts only failures', async () => {
      const attempt = (password: string) =>
        inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'adjuster@coverwise.test', password },
        });
      // Successful sign-ins do not use up the allowance of 3.
      for (let i = 0; i < 5; i++) expect((await attempt('coverwise-demo')).statusCode).toBe(200);
      for (let i = 0; i < 3; i++) expect((await attempt('wrong password')).statusCode).toBe(401);
      const refused = await attempt('wrong password');
      expect(refused.statusCode).toBe(429);
      expect(refused.json().code).toBe('too_many_attempts');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Even the right password waits out the window: the throttle does not reveal it.
      expect((await attempt('coverwise-demo')).statusCode).toBe(429);
      // Another account is not locked by this one's failures.
      expect(
        (
          await inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { email: 'reviewer@coverwise.test', password: 'coverwise-demo' },
          })
        ).statusCode,
      ).toBe(200);
      clock.advance(16 * 60_000);
      expect((await attempt('coverwise-demo')).statusCode).toBe(200);
      clock.set('2026-11-25T15:00:00Z');
    });
  });

  describe('uploaded files', () => {
    it('serves a document as a sandboxed attachment with its sniffed type, never as HTML', async () => {
      const start = await inject({
        method: 'POST',
        url: '/api/v1/gap-claims',
        payload: {
          lastName: GAP_HOLDER.lastName,
          zip: GAP_HOLDER.zip,
          vin: GAP_HOLDER.vin,
          dateOfLoss: '2026-11-20',
          lossType: 'total_loss',
        },
      });
      expect(start.statusCode).toBe(201);
      const { id, token } = start.json();
      const auth = { authorization: `Bearer ${token}` };
      // An HTML page dressed as a PDF by its name is refused by content sniffing.
      const htmlBody = multipart(
        { type: 'gap_addendum' },
        {
          name: 'addendum.pdf',
          bytes: Buffer.from('<html><script>alert(1)</script></html>'),
          contentType: 'application/pdf',
        },
      );
      const html = await inject({
        method: 'POST',
        url: `/api/v1/gap-claims/${id}/documents`,
        payload: htmlBody.payload,
        headers: { ...htmlBody.headers, ...auth },
      });
      expect(html.statusCode).toBe(415);
      expect(html.json().code).toBe('unsupported_file_type');
      const body = multipart(
        { type: 'gap_addendum' },
        { name: '<img src=x onerror=alert(1)>.html', bytes: PDF, contentType: 'text/html' },
      );
      const upload = await inject({
        method: 'POST',
        url: `/api/v1/gap-claims/${id}/documents`,
        payload: body.payload,
        headers: { ...body.headers, ...auth },
      });
      expect(upload.statusCode).toBe(201);
      const file = await inject({
        method: 'GET',
        url: `/api/v1/documents/${upload.json().id}/file`,
        headers: auth,
      });
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe('application/pdf');
      expect(file.headers['content-disposition']).toMatch(
        /^attachment; filename="[a-z_]+-[0-9a-f]{8}\.pdf"$/,
      );
      expect(file.headers['x-content-type-options']).toBe('nosniff');
      expect(String(file.headers['content-security-policy'])).toContain('sandbox');
      expect(file.rawPayload.equals(PDF)).toBe(true);
    });
  });
});
