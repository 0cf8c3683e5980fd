// A page of the web app answers as a page to any client that can take HTML (a browser, curl with its
// `Accept: */*`, a client sending no Accept); a client asking only for JSON, and any /api path, get the
// API's problem+json 404.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ demo: false });
});
afterAll(() => server.close());

it.each([
  ['a browser', 'text/html,application/xhtml+xml,*/*;q=0.8'],
  ['curl', '*/*'],
  ['a client without Accept', undefined],
])('serves the page to %s', async (_who, accept) => {
  const response = await server.built.app.inject({
    url: '/my/sign-in',
    headers: accept === undefined ? {} : { accept },
  });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/html/);
});

it('answers a JSON-only client, and an unknown API path, with problem+json 404', async () => {
  const page = await server.built.app.inject({ url: '/my/sign-in', headers: { accept: 'application/json' } });
  expect(page.statusCode).toBe(404);
  expect(page.json()).toMatchObject({ code: 'route_not_found' });
  const api = await server.built.app.inject({ url: '/api/v1/no-such-thing', headers: { accept: '*/*' } });
  expect(api.statusCode).toBe(404);
  expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
});
