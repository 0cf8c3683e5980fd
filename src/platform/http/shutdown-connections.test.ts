// Shutdown does not wait for a client's keep-alive connection. A response whose headers were sent before
// close() began (so without `Connection: close`) and whose body finishes after it leaves its connection
// idle and open; close() must close it once the response is sent, not wait for the client to drop it (a
// keep-alive client holds it for the server's keepAliveTimeout, 72 s). Deterministic: the response's
// body is held until close() has begun.
import http from 'node:http';
import type net from 'node:net';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { createHttpServer } from './http-server.js';

it('closes a keep-alive connection once its response, begun before shutdown, has been sent', async () => {
  const app = await createHttpServer({
    logLevel: 'silent',
    trustProxy: false,
    behindTls: false,
    authenticate: async () => null,
  });
  const body = new Readable({ read() {} });
  let headersSent!: () => void;
  const sent = new Promise<void>((resolve) => {
    headersSent = resolve;
  });
  app.get('/api/v1/stream', { config: { access: 'public' } }, async (_request, reply) => {
    reply.header('content-type', 'text/plain');
    body.push('first part, ');
    return reply.send(body);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as net.AddressInfo;

  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let socket: net.Socket | null = null;
  const answered = new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>(
    (resolve, reject) => {
      const request = http.get({ host: '127.0.0.1', port, path: '/api/v1/stream', agent }, (response) => {
        headersSent();
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
        );
        response.on('error', reject);
      });
      request.on('socket', (s) => {
        socket = s;
      });
      request.on('error', reject);
    },
  );
  await sent;
  const socketClosed = new Promise<void>((resolve) => socket!.once('close', () => resolve()));

  const closed = app.close();
  // The body ends only once the server has stopped listening: close() has then reaped the connections
  // that were idle, and this one was not (its response is under way).
  while (app.server.listening) await new Promise((resolve) => setImmediate(resolve));
  body.push('second part');
  body.push(null);
  const answer = await answered;
  expect(answer.status).toBe(200);
  expect(answer.text).toBe('first part, second part');
  // Sent before shutdown began: no `Connection: close` on it, so the client keeps the connection.
  expect(answer.headers.connection).toBe('keep-alive');
  await socketClosed;
  await closed;
  agent.destroy();
});
