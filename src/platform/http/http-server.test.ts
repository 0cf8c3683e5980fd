import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import { maskUrlForLog } from './http-server.js';

describe('HTTP conventions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const inject = (options: InjectOptions) => server.built.app.inject(options);

  it('answers malformed JSON with 400 malformed_json as problem+json', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@b.c", ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 400, code: 'malformed_json', title: expect.any(String) });
  });

  it.each([
    ['arrays', `${'['.repeat(8000)}1${']'.repeat(8000)}`],
    ['objects', `${'{"a":'.repeat(8000)}1${'}'.repeat(8000)}`],
    ['unclosed arrays', '['.repeat(5000)],
  ])(
    'refuses JSON nested 8,000 deep (%s) with 400 before anything walks it, even anonymously',
    async (_kind, payload) => {
      const response = await inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({
        code: 'validation_failed',
        detail: expect.stringContaining('32 levels'),
      });
    },
  );

  it('names the missing field of a schema violation in param', async () => {
    const response = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a@b.c' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'validation_failed', param: 'password' });
  });

  it('refuses unknown fields and wrong types without coercing them', async () => {
    const extra = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'a@b.c', password: 'x', admin: true },
    });
    expect(extra.json()).toMatchObject({ code: 'validation_failed', param: 'admin' });
    const wrongType = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'a@b.c', password: 12345 },
    });
    expect(wrongType.json()).toMatchObject({ code: 'validation_failed', param: 'password' });
  });

  it('answers an unknown route with 404 route_not_found', async () => {
    const response = await inject({ url: '/api/v1/no-such-thing' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'route_not_found' });
  });

  it('answers a wrong method with 405 and an Allow header', async () => {
    const response = await inject({ method: 'DELETE', url: '/api/v1/auth/login' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(response.json().code).toBe('method_not_allowed');
  });

  it('answers an unsupported content type with 415', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/xml' },
      payload: '<login/>',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('unsupported_media_type');
  });

  it("puts our own request id on every response, never the client's", async () => {
    const fresh = await inject({ url: '/healthz' });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const theirs = await inject({ url: '/api/v1/no-such-thing', headers: { 'x-request-id': 'lb-1234' } });
    expect(theirs.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(theirs.json().requestId).toBe(theirs.headers['x-request-id']);
    const hostile = await inject({ url: '/healthz', headers: { 'x-request-id': 'a\nb<script>' } });
    expect(hostile.headers['x-request-id']).not.toContain('<');
  });

  it('answers a path parameter over 100 characters with 414 problem+json', async () => {
    const response = await inject({ url: `/api/v1/contracts/${'a'.repeat(120)}` });
    expect(response.statusCode).toBe(414);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      code: 'uri_too_long',
      requestId: response.headers['x-request-id'],
    });
  });

  it('answers a broken percent-encoding in the path with 400 problem+json', async () => {
    const response = await inject({ url: '/api/v1/contracts/%zz' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().code).toBe('validation_failed');
  });

  it("answers a 20 KB query string (over Node's header limit) with 431 problem+json", async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/users?q=${'a'.repeat(20_000)}`);
    expect(response.status).toBe(431);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const problem = (await response.json()) as { code: string; requestId: string };
    expect(problem.code).toBe('headers_too_large');
    expect(problem.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('marks every API answer no-store: tokens, personal data and problems alike', async () => {
    const login = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'admin@coverwise.test', password: 'coverwise-demo' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const auth = { authorization: `Bearer ${login.json().token}` };
    const contracts = await inject({ url: '/api/v1/contracts?lastName=R&limit=1', headers: auth });
    expect(contracts.statusCode).toBe(200);
    expect(contracts.headers['cache-control']).toBe('no-store');
    const contract = await inject({ url: `/api/v1/contracts/${contracts.json().data[0].id}`, headers: auth });
    expect(contract.statusCode).toBe(200);
    expect(contract.headers['cache-control']).toBe('no-store');
    const me = await inject({ url: '/api/v1/auth/me', headers: auth });
    expect(me.headers['cache-control']).toBe('no-store');
    const refused = await inject({ url: '/api/v1/users' });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it('asks for sign-in (401) and refuses other roles (403)', async () => {
    const anonymous = await inject({ url: '/api/v1/users' });
    expect(anonymous.statusCode).toBe(401);
    const login = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'reviewer@coverwise.test', password: 'coverwise-demo' },
    });
    const forbidden = await inject({
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${login.json().token}` },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().code).toBe('forbidden');
  });

  it('reports readiness with the database engine, and serves the OpenAPI document and docs', async () => {
    expect((await inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready', database: 'pglite' });
    const openapi = (await inject({ url: '/openapi.json' })).json();
    expect(openapi.openapi).toBe('3.0.3');
    expect(Object.keys(openapi.paths)).toContain('/api/v1/auth/login');
    expect((await inject({ url: '/docs/' })).statusCode).toBe(200);
  });

  it('sends security headers', async () => {
    const response = await inject({ url: '/healthz' });
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each([
    ['/api/v1/coverage?vin=1HGCM82633A004352&odometer=5', '/api/v1/coverage?vin=%E2%80%A6004352&odometer=5'],
    ['/api/v1/contracts?lastName=Smith&zip=66101', '/api/v1/contracts?lastName=%E2%80%A6&zip=%E2%80%A6'],
    ['/healthz', '/healthz'],
  ])('keeps personal data out of logged URLs: %s', (url, logged) => {
    expect(maskUrlForLog(url)).toBe(logged);
  });
});
