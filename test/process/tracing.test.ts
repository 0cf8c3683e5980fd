// Traces from the real server process: `src/main.ts` with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a
// small OTLP/HTTP receiver in this test. A request gives a server span carrying the request id, and
// the database query it ran is a span inside that trace, below it. The spans are read after the
// server's graceful shutdown, which sends what is still buffered.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: { stringValue?: string; intValue?: number | string } }>;
}

const TSX = path.resolve('node_modules/.bin/tsx');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function startReceiver() {
  const spans: OtlpSpan[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const resource of body.resourceSpans ?? [])
          for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise<{ url: string; spans: OtlpSpan[]; close(): void }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, spans, close: () => server.close() });
    }),
  );
}

function attribute(span: OtlpSpan, key: string): string | undefined {
  const found = span.attributes?.find((a) => a.key === key)?.value;
  return found?.stringValue ?? (found?.intValue !== undefined ? String(found.intValue) : undefined);
}

describe('traces', () => {
  it('sends the HTTP span with the request id and a database span below it to the OTLP endpoint', async () => {
    const receiver = await startReceiver();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-trace-'));
    const child = spawn(TSX, ['src/main.ts'], {
      env: {
        ...process.env,
        PORT: '0',
        LOG_LEVEL: 'info',
        COVERWISE_DATA_DIR: dataDir,
        COVERWISE_DEMO: '0',
        COVERWISE_RUN_JOBS: '0',
        COVERWISE_WEB_DIR: 'none',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const onData = () => {
        const match = /serving on (http:\/\/[^\s"]+)/.exec(output);
        if (match) resolve(match[1] as string);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      void exited.then(() => reject(new Error(`server exited before listening:\n${output}`)));
    });

    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-test-0001' },
      body: JSON.stringify({ email: 'nobody@coverwise.test', password: 'not-the-password' }),
    });
    expect(response.status).toBe(401);
    // The request id is always the server's own (a client's X-Request-Id is only logged beside it).
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    expect(requestId).not.toBe('trace-test-0001');
    // A probe is not traced.
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    receiver.close();

    const server = receiver.spans.find(
      (s) => attribute(s, 'coverwise.request_id') === requestId && s.kind === 2,
    );
    expect(server, JSON.stringify(receiver.spans.map((s) => s.name))).toBeDefined();
    expect(server?.name).toBe('POST /api/v1/auth/login');
    expect(receiver.spans.some((s) => s.name.includes('/readyz'))).toBe(false);

    // Every span of that trace, and the path from each database span up to the server span.
    const trace = receiver.spans.filter((s) => s.traceId === server?.traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const databaseSpans = trace.filter((s) => s.name.startsWith('pg.query'));
    expect(databaseSpans.length).toBeGreaterThan(0);
    for (const span of databaseSpans) {
      const ancestors: string[] = [];
      let parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
      while (parent) {
        ancestors.push(parent.name);
        parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined;
      }
      // database query ← route handler ← Fastify request ← HTTP server span
      expect(ancestors.at(-1)).toBe('POST /api/v1/auth/login');
      expect(ancestors.some((name) => name.startsWith('handler'))).toBe(true);
    }
  });
});
