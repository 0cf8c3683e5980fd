// Smoke test of the bench's load generator (bench/load-client.mjs, autocannon in a process of its own):
// it sends the listed requests in turn, with their methods and bodies, and reports what came back.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const seen = new Map<string, number>();
const server = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    const key = `${request.method} ${request.url} ${body}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    response.statusCode = request.url === '/missing' ? 404 : 200;
    response.end('{}');
  });
});

describe('bench load client', () => {
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function load(requests: { path: string; method?: string; body?: string }[]) {
    const specFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cw-load-')), 'spec.json');
    fs.writeFileSync(specFile, JSON.stringify({ url, connections: 2, seconds: 1, requests }));
    const { stdout } = await promisify(execFile)(process.execPath, ['bench/load-client.mjs', specFile]);
    fs.rmSync(path.dirname(specFile), { recursive: true });
    return JSON.parse(stdout) as { ok: number; non2xx: number; errors: number; p50: number; p99: number };
  }

  it('sends every listed request, with its method and body, and counts the answers', async () => {
    const result = await load([{ path: '/a' }, { path: '/b', method: 'POST', body: '{"n":1}' }]);
    expect(result.ok).toBeGreaterThan(0);
    expect(result.non2xx).toBe(0);
    expect(result.errors).toBe(0);
    expect(result.p99).toBeGreaterThanOrEqual(result.p50);
    expect(seen.get('GET /a ')).toBeGreaterThan(0);
    expect(seen.get('POST /b {"n":1}')).toBeGreaterThan(0);
  });

  it('reports answers that are not 2xx apart', async () => {
    const result = await load([{ path: '/missing' }]);
    expect(result.ok).toBe(0);
    expect(result.non2xx).toBeGreaterThan(0);
  });
});
