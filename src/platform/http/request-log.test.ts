// What the request log records: our own request id with the client's beside it, and a client that
// aborts an upload as one info line, not an error that would page an operator.
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from './http-server.js';

describe('request log', () => {
  let app: FastifyInstance;
  let port: number;
  const lines: Record<string, unknown>[] = [];
  let uploadSettled: () => void = () => {};

  beforeAll(async () => {
    app = await createHttpServer({
      logLevel: 'info',
      trustProxy: false,
      behindTls: false,
      authenticate: async () => null,
      logStream: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    app.get('/api/v1/ping', { config: { access: 'public' } }, async (request) => {
      request.log.info('handled ping');
      return { ok: true };
    });
    app.post('/api/v1/upload', { config: { access: 'public' } }, async (request) => {
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') for await (const _chunk of part.file) void _chunk;
        }
        return { ok: true };
      } finally {
        uploadSettled();
      }
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as net.AddressInfo).port;
  });
  afterAll(() => app.close());

  it("logs our request id on every line of a request, with the client's X-Request-Id beside it", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/ping`, {
      headers: { 'x-request-id': 'spoofed-id-1' },
    });
    const ours = response.headers.get('x-request-id');
    expect(ours).toMatch(/^[0-9a-f-]{36}$/);
    const ofRequest = lines.filter((line) => line.reqId === ours);
    expect(ofRequest.map((line) => line.msg)).toEqual(['handled ping', 'request completed']);
    for (const line of ofRequest) expect(line.clientRequestId).toBe('spoofed-id-1');
    expect(lines.some((line) => line.reqId === 'spoofed-id-1')).toBe(false);
  });

  it('logs a request and its answer without their headers: no token or cookie', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/ping`, {
      headers: { authorization: 'Bearer bearer-secret-1', cookie: 'cw_session=cookie-secret-2' },
    });
    const ours = response.headers.get('x-request-id');
    const ofRequest = lines.filter((line) => line.reqId === ours);
    // One access line a request at info (beside the route's own): the completion, which reads alone.
    expect(ofRequest.map((line) => line.msg)).toEqual(['handled ping', 'request completed']);
    const text = JSON.stringify(ofRequest);
    expect(text).not.toContain('bearer-secret-1');
    expect(text).not.toContain('cookie-secret-2');
    const completed = ofRequest.find((line) => line.msg === 'request completed');
    expect(completed?.req).toEqual({ method: 'GET', url: '/api/v1/ping', id: ours });
    expect(completed?.res).toEqual({ statusCode: 200 });
    expect(typeof completed?.responseTime).toBe('number');
  });

  it('logs a client that aborts an upload at info level, not as an error', async () => {
    const settled = new Promise<void>((resolve) => {
      uploadSettled = resolve;
    });
    const before = lines.length;
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /api/v1/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\n' +
        'Content-Length: 1000000\r\n\r\n--B\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n' +
        `Content-Type: application/pdf\r\n\r\n%PDF-1.4\n${'x'.repeat(20_000)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await settled;
    await new Promise((resolve) => setImmediate(resolve));
    const after = lines.slice(before);
    expect(after.filter((line) => Number(line.level) >= 50)).toEqual([]);
    expect(after.map((line) => line.msg)).toContain(
      'client closed the connection before the request was read',
    );
  });
});

describe('request log at debug', () => {
  it('also writes the incoming request, before the answer', async () => {
    const lines: Record<string, unknown>[] = [];
    const app = await createHttpServer({
      logLevel: 'debug',
      trustProxy: false,
      behindTls: false,
      authenticate: async () => null,
      logStream: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    app.get('/api/v1/ping', { config: { access: 'public' } }, async () => ({ ok: true }));
    try {
      const response = await app.inject({ method: 'GET', url: '/api/v1/ping' });
      const ours = response.headers['x-request-id'];
      const ofRequest = lines.filter((line) => line.reqId === ours);
      expect(ofRequest.map((line) => [line.msg, line.level])).toEqual([
        ['incoming request', 20],
        ['request completed', 30],
      ]);
      expect(ofRequest[0]?.req).toEqual({ method: 'GET', url: '/api/v1/ping', id: ours });
    } finally {
      await app.close();
    }
  });
});
