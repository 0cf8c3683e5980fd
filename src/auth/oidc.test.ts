import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';

// Staff single sign-on end to end (issue 20): a real OpenID Connect provider (panva's oidc-provider)
// started here in-process, the app on a real database, and the browser's part played over HTTP —
// start → provider login form → consent form → callback — following each redirect with the cookies
// each side set. The session that results is checked, the user provisioned with the mapped role, and
// a person whose groups map to no role refused.

const CLIENT_ID = 'coverwise';
const CLIENT_SECRET = 'a-client-secret-of-the-test-provider';
const REDIRECT_URL = 'http://coverwise.test/api/v1/auth/oidc/callback';

const PEOPLE: Record<string, { email: string; name: string; groups: string[] }> = {
  ada: { email: 'ada.sso@example.com', name: 'Ada Lovelace', groups: ['staff', 'coverwise-admin'] },
  grace: { email: 'reviewer@coverwise.test', name: 'Grace Hopper', groups: ['coverwise-adjusters'] },
  bob: { email: 'bob.sso@example.com', name: 'Bob Marketing', groups: ['marketing'] },
};

async function startProvider() {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [REDIRECT_URL],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    // devInteractions' login form takes any login and password; the login names the person.
    async findAccount(_ctx, id) {
      const person = PEOPLE[id];
      if (!person) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            email: person.email,
            email_verified: true,
            name: person.name,
            groups: person.groups,
          };
        },
      };
    },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
  });
  server.on('request', provider.callback());
  return { issuer, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A tiny cookie jar per origin, enough to play a browser's part in the redirects. */
class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();
  store(url: string, setCookie: string[]): void {
    const origin = new URL(url).origin;
    const jar = this.cookies.get(origin) ?? new Map<string, string>();
    for (const header of setCookie) {
      const [pair] = header.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(header)) jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(origin, jar);
  }
  header(url: string): string {
    const jar = this.cookies.get(new URL(url).origin);
    return jar ? [...jar].map(([name, value]) => `${name}=${value}`).join('; ') : '';
  }
  get(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).origin)?.get(name);
  }
}

/** The first form of an HTML page: its action and its hidden inputs. */
function formOf(html: string, pageUrl: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form on ${pageUrl}:\n${html.slice(0, 500)}`);
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(match[0])?.[1];
    const value = /value="([^"]*)"/.exec(match[0])?.[1];
    if (name) fields[name] = value ?? '';
  }
  return { action: new URL(action.replaceAll('&amp;', '&'), pageUrl).href, fields };
}

describeEachEngine('staff single sign-on (OpenID Connect)', (engine) => {
  let provider: Awaited<ReturnType<typeof startProvider>>;
  let server: TestServer;

  beforeAll(async () => {
    provider = await startProvider();
    server = await startTestServer({
      engine,
      env: {
        COVERWISE_OIDC_ISSUER: provider.issuer,
        COVERWISE_OIDC_CLIENT_ID: CLIENT_ID,
        COVERWISE_OIDC_CLIENT_SECRET: CLIENT_SECRET,
        COVERWISE_OIDC_REDIRECT_URL: REDIRECT_URL,
        COVERWISE_OIDC_ROLE_CLAIM: 'groups',
        COVERWISE_OIDC_ROLE_MAP: 'coverwise-admin:admin,coverwise-adjusters:adjuster,coverwise-docs:reviewer',
        COVERWISE_OIDC_PROVIDER_NAME: 'Example Corp',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
  });

  /**
   * Plays the browser: starts at the app, signs in at the provider as `login`, answers its consent,
   * and comes back to the app's callback. Answers the callback's response and the cookie jar.
   */
  async function signInAs(login: string, returnTo = '/staff/dashboard') {
    const jar = new CookieJar();
    const appUrl = (path: string) => `${server.baseUrl}${path}`;
    const request = async (url: string, init: { method?: string; form?: Record<string, string> } = {}) => {
      // The app's callback is registered at coverwise.test; send it to the app under test.
      const target = url.startsWith(REDIRECT_URL.slice(0, REDIRECT_URL.indexOf('/api')))
        ? appUrl(new URL(url).pathname + new URL(url).search)
        : url;
      const response = await fetch(target, {
        method: init.method ?? 'GET',
        redirect: 'manual',
        headers: {
          cookie: jar.header(target),
          ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
      });
      jar.store(target, response.headers.getSetCookie());
      return { response, url: target };
    };

    let step = await request(appUrl(`/api/v1/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`));
    expect(step.response.status).toBe(302);
    const authorizeUrl = new URL(step.response.headers.get('location')!);
    expect(authorizeUrl.origin).toBe(provider.issuer);
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('state')).toBeTruthy();
    expect(authorizeUrl.searchParams.get('nonce')).toBeTruthy();

    // Follow redirects; post each interaction form (login, then consent) until the provider sends
    // the browser back to the app's callback.
    let next = authorizeUrl.href;
    for (let hops = 0; hops < 12; hops++) {
      step = await request(next);
      const location = step.response.headers.get('location');
      if (location) {
        next = new URL(location, step.url).href;
        if (next.startsWith(REDIRECT_URL)) return { callback: await request(next), jar, appUrl };
        continue;
      }
      const html = await step.response.text();
      const form = formOf(html, step.url);
      const fields = html.includes('name="login"') ? { ...form.fields, login, password: 'any' } : form.fields;
      step = await request(form.action, { method: 'POST', form: fields });
      next = new URL(step.response.headers.get('location')!, step.url).href;
      if (next.startsWith(REDIRECT_URL)) return { callback: await request(next), jar, appUrl };
    }
    throw new Error('the provider never redirected back to the app');
  }

  it('tells the sign-in page that single sign-on is set up', async () => {
    const response = await server.built.app.inject({ url: '/api/v1/auth/oidc' });
    expect(response.json()).toEqual({ enabled: true, providerName: 'Example Corp' });
  });

  it('signs a new person in with the mapped role, creating their user (audited)', async () => {
    const { callback, jar, appUrl } = await signInAs('ada');
    expect(callback.response.status).toBe(302);
    expect(callback.response.headers.get('location')).toBe('/staff/dashboard');
    const session = jar.get(appUrl('/'), 'cw_session');
    expect(session).toBeTruthy();
    const me = await server.built.app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${session}` },
    });
    expect(me.json().user).toMatchObject({
      email: 'ada.sso@example.com',
      role: 'admin',
      displayName: 'Ada Lovelace',
    });
    const db = server.built.database.db;
    const audit = await db
      .selectFrom('audit_events')
      .select(['action', 'data'])
      .where('action', 'in', ['user.sso_provisioned', 'session.signed_in'])
      .where('entity_id', 'in', [me.json().user.id])
      .execute();
    expect(audit.map((row) => row.action)).toEqual(['user.sso_provisioned']);
    const identity = await db.selectFrom('user_identities').selectAll().execute();
    expect(identity).toMatchObject([{ issuer: provider.issuer, subject: 'ada', user_id: me.json().user.id }]);

    // The second sign-in finds the same user by its identity.
    const again = await signInAs('ada');
    expect(again.callback.response.status).toBe(302);
    expect(
      await db.selectFrom('users').select('id').where('email', '=', 'ada.sso@example.com').execute(),
    ).toHaveLength(1);
  });

  it('links an existing user by email on first sign-in and sets the role the claim maps to', async () => {
    const { callback, jar, appUrl } = await signInAs('grace', '/staff');
    expect(callback.response.headers.get('location')).toBe('/staff');
    const me = await server.built.app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${jar.get(appUrl('/'), 'cw_session')}` },
    });
    expect(me.json().user).toMatchObject({ email: 'reviewer@coverwise.test', role: 'adjuster' });
    const actions = await server.built.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', me.json().user.id)
      .where('action', 'in', ['user.sso_linked', 'user.role_changed'])
      .orderBy('id')
      .execute();
    expect(actions.map((row) => row.action)).toEqual(['user.sso_linked', 'user.role_changed']);
  });

  it('refuses a person whose groups map to no role, with no session and an audit', async () => {
    const { callback, jar, appUrl } = await signInAs('bob');
    expect(callback.response.status).toBe(302);
    expect(callback.response.headers.get('location')).toBe('/staff/sign-in/refused?code=sso_role_unmapped');
    expect(jar.get(appUrl('/'), 'cw_session')).toBeUndefined();
    const db = server.built.database.db;
    expect(
      await db.selectFrom('users').select('id').where('email', '=', 'bob.sso@example.com').execute(),
    ).toEqual([]);
    const refused = await db
      .selectFrom('audit_events')
      .select(['action', 'data'])
      .where('action', '=', 'session.sso_refused')
      .execute();
    expect(refused.at(-1)?.data).toMatchObject({ code: 'sso_role_unmapped', email: 'bob.sso@example.com' });
  });

  it('refuses a callback without the cookie of the browser that started it (state bound to the browser)', async () => {
    const response = await server.built.app.inject({
      url: '/api/v1/auth/oidc/callback?code=stolen&state=guessed',
    });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/staff/sign-in/refused?code=sso_failed');
  });
});
