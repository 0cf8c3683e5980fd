// GET /metrics on the real app, on each engine: requests by route pattern and status, the pool and
// query latency, job queue depth and age, import rows, and document reviews past their SLA.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { multipart, PDF } from '../../../test/security/multipart.js';
import { describeEachEngine } from '../../../test/support/engines.js';
import { staffClient } from '../../../test/support/http.js';
import type { TestServer } from '../../../test/support/server.js';
import { type BuiltApp, buildApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import { DEMO_HOLDERS } from '../../demo/demo-contracts.js';
import { FakeClock } from '../clock.js';

const TOKEN = 'metrics-token-for-tests-0123456789';
const clock = new FakeClock('2026-11-25T15:00:00Z');
const gapHolder = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;

/** The value of one series in Prometheus text, or null when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[2] ?? '').slice(1, -1).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      found[pair[1] as string] = pair[2] as string;
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return null;
}

describeEachEngine('GET /metrics', (engine) => {
  let built: BuiltApp;
  let databaseUrl: string | null;
  const scrape = async () => {
    const response = await built.app.inject({
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.body;
  };

  beforeAll(async () => {
    databaseUrl = await engine.createMigratedDatabaseUrl();
    const config = loadConfig({
      COVERWISE_DATA_DIR: 'memory://',
      COVERWISE_DEMO: '1',
      COVERWISE_WEB_DIR: 'none',
      LOG_LEVEL: 'silent',
      COVERWISE_DOCUMENTS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'cw-metrics-documents-')),
      COVERWISE_METRICS_TOKEN: TOKEN,
      COVERWISE_SESSION_TTL_HOURS: '720',
      // The queues exist but nothing here takes jobs from them, so a queued job stays waiting.
      COVERWISE_RUN_JOBS: '0',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    });
    built = await buildApp({ ...config, dataDir: 'memory://' }, { clock });
  });
  afterAll(async () => {
    await built?.close();
    await engine.dropDatabase(databaseUrl);
  });

  it('asks for the metrics token when one is set', async () => {
    const bare = await built.app.inject({ url: '/metrics' });
    expect(bare.statusCode).toBe(401);
    expect(bare.json()).toMatchObject({ code: 'unauthenticated' });
    const wrong = await built.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.statusCode).toBe(401);
  });

  it('counts requests by route pattern (not the raw URL) and status, with a latency histogram', async () => {
    const admin = await staffClient({ built } as TestServer, 'admin@coverwise.test');
    const id = '00000000-0000-4000-8000-00000000abcd';
    for (let i = 0; i < 3; i++)
      expect((await admin({ url: `/api/v1/contracts/${id}` })).statusCode).toBe(404);
    expect((await built.app.inject({ url: '/no/such/route' })).statusCode).toBe(404);
    const text = await scrape();
    const labels = { method: 'GET', route: '/api/v1/contracts/:id', status: '404', process: 'web' };
    expect(sample(text, 'coverwise_http_requests_total', labels)).toBe(3);
    expect(sample(text, 'coverwise_http_request_duration_seconds_count', labels)).toBe(3);
    expect(sample(text, 'coverwise_http_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(3);
    expect(sample(text, 'coverwise_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect(text).not.toContain(id);
    expect(text).not.toContain('/no/such/route');
  });

  it('shows the database pool and query latency', async () => {
    const text = await scrape();
    const total = sample(text, 'coverwise_db_pool_connections', { state: 'total' });
    const max = sample(text, 'coverwise_db_pool_connections', { state: 'max' });
    expect(total).toBeGreaterThanOrEqual(1);
    expect(max).toBe(engine.name === 'pglite' ? 1 : 10);
    expect(sample(text, 'coverwise_db_pool_connections', { state: 'waiting' })).toBe(0);
    expect(sample(text, 'coverwise_db_query_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(10);
  });

  it('shows each job queue with its waiting jobs and the oldest one’s age', async () => {
    let text = await scrape();
    expect(sample(text, 'coverwise_job_queue_waiting', { queue: 'purge-expired-sessions-and-keys' })).toBe(0);
    expect(
      sample(text, 'coverwise_job_queue_oldest_waiting_seconds', {
        queue: 'purge-expired-sessions-and-keys',
      }),
    ).toBe(0);
    await built.jobs?.boss.send('purge-expired-sessions-and-keys', {});
    await built.jobs?.boss.send('purge-expired-sessions-and-keys', {});
    text = await scrape();
    expect(sample(text, 'coverwise_job_queue_waiting', { queue: 'purge-expired-sessions-and-keys' })).toBe(2);
    expect(
      sample(text, 'coverwise_job_queue_oldest_waiting_seconds', {
        queue: 'purge-expired-sessions-and-keys',
      }),
    ).toBeGreaterThanOrEqual(0);
  });

  it('counts imported rows by outcome and shows no import running afterwards', async () => {
    const admin = await staffClient({ built } as TestServer, 'admin@coverwise.test');
    const response = await admin({
      method: 'POST',
      url: '/api/v1/contracts/import?fileName=contracts-sample.csv',
      headers: { 'content-type': 'text/csv' },
      payload: fs.readFileSync('samples/contracts-sample.csv'),
    });
    expect(response.statusCode).toBe(200);
    const report = response.json();
    const text = await scrape();
    expect(sample(text, 'coverwise_import_rows_total', { outcome: 'accepted' })).toBe(report.accepted);
    expect(sample(text, 'coverwise_import_rows_total', { outcome: 'rejected' })).toBe(report.rejectedCount);
    expect(report.rejectedCount).toBe(3);
    expect(sample(text, 'coverwise_imports_running')).toBe(0);
  });

  it('shows document reviews past their due date (the SLA) once the due date has passed', async () => {
    const overdue = async () =>
      sample(await scrape(), 'coverwise_document_reviews_overdue', { escalated: 'false' });
    // Two readings before the upload: now, and two weeks on (when other pending reviews will be
    // late too); the upload must change the first by nothing and the second by exactly one.
    const before = await overdue();
    clock.set('2026-12-09T15:00:00Z');
    let laterBefore: number | null = null;
    try {
      laterBefore = await overdue();
    } finally {
      clock.set('2026-11-25T15:00:00Z');
    }
    const started = await built.app.inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: {
        lastName: gapHolder.lastName,
        zip: gapHolder.zip,
        vin: gapHolder.vin,
        dateOfLoss: '2026-11-20',
        lossType: 'total_loss',
      },
    });
    expect(started.statusCode).toBe(201);
    const { id, token } = started.json();
    const form = multipart({ type: 'gap_addendum' }, { name: 'addendum.pdf', bytes: PDF });
    const uploaded = await built.app.inject({
      method: 'POST',
      url: `/api/v1/gap-claims/${id}/documents`,
      payload: form.payload,
      headers: { ...form.headers, authorization: `Bearer ${token}` },
    });
    expect(uploaded.statusCode).toBe(201);
    expect(await overdue()).toBe(before);
    clock.set('2026-12-09T15:00:00Z');
    try {
      expect(await overdue()).toBe((laterBefore ?? 0) + 1);
    } finally {
      clock.set('2026-11-25T15:00:00Z');
    }
  });

  it('has every metric the checked-in Grafana dashboard charts', async () => {
    const dashboard = fs.readFileSync('deploy/grafana/coverwise-dashboard.json', 'utf8');
    const charted = new Set(dashboard.match(/coverwise_[a-z0-9_]+/g));
    expect(charted.size).toBeGreaterThan(10);
    const text = await scrape();
    for (const name of charted)
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name.replace(/_(bucket|count|sum)$/, '')} `, 'm'));
  });
});
