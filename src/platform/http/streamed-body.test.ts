import net from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/process.js';
import { type LingerLimits, streamedBody } from './streamed-body.js';

// A route that refuses its body after the first chunk, as the import does with a bad header.
async function refusingServer(limits: LingerLimits): Promise<{ app: FastifyInstance; port: number }> {
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
  app.post('/refuse', async (request, reply) => {
    for await (const _chunk of streamedBody(request, reply, 'Send text/csv.', limits)) break;
    return reply.code(400).send({ refused: true });
  });
  app.get('/ping', async () => ({ pong: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.server.address() as net.AddressInfo).port };
}

/** The refusing server with these limits, for the enclosing describe block (started before, closed after). */
function refusingServerFor(limits: LingerLimits): () => { app: FastifyInstance; port: number } {
  let server: { app: FastifyInstance; port: number } | undefined;
  beforeAll(async () => {
    server = await refusingServer(limits);
  });
  afterAll(() => server?.app.close());
  return () => server!;
}

/** A raw connection: what it has received so far, and whether the server has closed it. */
async function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const state = { received: '', closed: false };
  socket.on('data', (chunk: Buffer) => {
    state.received += chunk.toString('latin1');
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    state.closed = true;
  });
  return { socket, state };
}

const head = (length: number) =>
  `POST /refuse HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\nContent-Length: ${length}\r\n\r\n`;

describe('a streamed body refused part-way', () => {
  const server = refusingServerFor({ maxBytes: 1024 * 1024, maxMs: 60_000 });

  it('is read to its end after the answer, so the client finishes sending and the connection serves the next request', async () => {
    const { socket, state } = await connect(server().port);
    const rest = Buffer.alloc(512 * 1024, 'x');
    socket.write(head(5 + rest.length));
    socket.write('bad\r\n');
    await waitFor('the refusal', () => state.received.includes('"refused":true'));
    expect(state.received).toMatch(/^HTTP\/1\.1 400/);
    expect(state.received).not.toMatch(/connection: close/i);
    socket.write(rest);
    socket.write('GET /ping HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await waitFor('the next answer on the same connection', () => state.received.includes('"pong":true'));
    expect(state.closed).toBe(false);
    socket.destroy();
  });

  it('closes the connection once more than the limit has arrived after the answer', async () => {
    const { socket, state } = await connect(server().port);
    const total = 64 * 1024 * 1024;
    socket.write(head(total));
    socket.write('bad\r\n');
    await waitFor('the refusal', () => state.received.includes('"refused":true'));
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 5;
    // Sends on until the server closes; 64 MB cannot all fit in the sockets' buffers.
    while (!state.closed && sent < total) {
      sent += chunk.length;
      if (!socket.write(chunk))
        await new Promise<void>((resolve) => {
          socket.once('drain', resolve);
          socket.once('close', resolve);
        });
    }
    await waitFor('the server to close the connection', () => state.closed);
    expect(sent).toBeLessThan(total);
    expect(state.received).toMatch(/^HTTP\/1\.1 400/);
  });
});

describe('a streamed body refused part-way whose client stops sending', () => {
  const server = refusingServerFor({ maxBytes: 1024 * 1024, maxMs: 50 });

  it('has its connection closed once the time after the answer is up', async () => {
    const { socket, state } = await connect(server().port);
    socket.write(head(1000));
    socket.write('bad\r\n');
    await waitFor('the refusal', () => state.received.includes('"refused":true'));
    // Nothing more is sent: the server does not wait for the other 995 bytes for ever.
    await waitFor('the server to close the connection', () => state.closed);
    expect(state.received).toMatch(/^HTTP\/1\.1 400/);
  });
});
