// A request whose database connection is reset (PostgreSQL stopping: the socket error's code is
// ECONNRESET, the same code a client's aborted upload has) is the database's fault: 503
// database_unavailable with Retry-After, not 400 "the request body ended early". The database-restart
// process test saw the 400 on a GET, one run in two.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from './http-server.js';

function socketReset(): Error {
  // What pg rejects a query with when its socket is reset: Node's socket error, nothing else.
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' });
}

describe('a database connection reset during a request', () => {
  let app: Awaited<ReturnType<typeof createHttpServer>>;
  let base: string;
  beforeAll(async () => {
    app = await createHttpServer({
      logLevel: 'silent',
      trustProxy: false,
      behindTls: false,
      authenticate: async () => null,
    });
    app.get('/api/v1/read', { config: { access: 'public' } }, async () => {
      throw socketReset();
    });
    app.post('/api/v1/write', { config: { access: 'public' } }, async () => {
      throw socketReset();
    });
    // An upload whose stream is being stored when the database's connection resets: its body is not
    // all read yet, and the client is still there, waiting for the answer.
    app.register(async (scoped) => {
      scoped.addContentTypeParser('application/octet-stream', (_request, payload, done) =>
        done(null, payload),
      );
      scoped.post('/api/v1/upload', { config: { access: 'public' } }, async (request) => {
        const body = request.body as NodeJS.ReadableStream;
        await new Promise((resolve) => body.once('data', resolve));
        throw socketReset();
      });
    });
    // Over a real socket: the injected requests of light-my-request do not keep Node's `complete` flag.
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it.each([
    ['a GET', '/api/v1/read', {}],
    [
      'a POST whose body was read',
      '/api/v1/write',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' },
    ],
  ])('answers %s 503 database_unavailable', async (_name, path, init: RequestInit) => {
    const response = await fetch(`${base}${path}`, init);
    const text = await response.text();
    expect(response.status, text).toBe(503);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('retry-after')).not.toBeNull();
    expect(JSON.parse(text)).toMatchObject({ code: 'database_unavailable' });
  });

  it('answers an upload whose body is still arriving 503 database_unavailable, not "the body ended early"', async () => {
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const upload = httpRequest(`${base}/api/v1/upload`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      });
      upload.on('error', reject);
      upload.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        // The rest of the body only once the answer is in: it was sent while the body was unread.
        upload.end();
      });
      upload.write(Buffer.alloc(64 * 1024, 1));
    });
    expect(status, text).toBe(503);
    expect(JSON.parse(text)).toMatchObject({ code: 'database_unavailable' });
  });
});
