// Several app processes on one PostgreSQL server: two web processes and a worker, as a load balancer
// would run them. A GAP claim goes end to end across them (started on one, documented on the other,
// reviewed, and its email sent by the worker), sessions made on one process work on the other, and
// holder sign-in throttling holds across both. PostgreSQL only (PGlite is one process by design).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { type RunningProcess, startProcess, waitFor } from '../support/process.js';

const serverUrl = process.env.TEST_DATABASE_URL;
const children: RunningProcess[] = [];

async function start(script: string, env: Record<string, string>, readyPattern: RegExp) {
  const child = startProcess([script], { LOG_LEVEL: 'info', COVERWISE_WEB_DIR: 'none', PORT: '0', ...env });
  children.push(child);
  const match = await child.waitForOutput(readyPattern, `${script} to be ready`);
  return { child, match };
}

describe.skipIf(!serverUrl)('two web processes and a worker on one PostgreSQL', () => {
  const databaseName = `cw_multi_${randomBytes(4).toString('hex')}`;
  const sharedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-multi-'));
  let webA: string;
  let webB: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${databaseName}`);
    await admin.end();
    const url = new URL(serverUrl!);
    url.pathname = `/${databaseName}`;
    env = {
      DATABASE_URL: url.toString(),
      COVERWISE_DEMO: '1',
      COVERWISE_DOCUMENTS_DIR: path.join(sharedDir, 'documents'),
      COVERWISE_OUTBOX_DIR: path.join(sharedDir, 'outbox'),
      COVERWISE_HOLDER_ATTEMPTS_PER_VIN: '3',
      COVERWISE_SESSION_CACHE_SECONDS: '0',
    };
    // The first process migrates and seeds; the others find the work done.
    const a = await start(
      'src/main.ts',
      { ...env, COVERWISE_RUN_JOBS: '0' },
      /serving on (http:\/\/[^\s"]+)/,
    );
    webA = a.match[1]!;
    const [b] = await Promise.all([
      start('src/main.ts', { ...env, COVERWISE_RUN_JOBS: '0' }, /serving on (http:\/\/[^\s"]+)/),
      start('src/worker.ts', env, /worker is running/),
    ]);
    webB = b.match[1]!;
  });

  afterAll(async () => {
    for (const child of children) if (child.exitReason() === null) child.child.kill('SIGTERM');
    await Promise.all(children.map((child) => child.exited));
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${databaseName} with (force)`);
    await admin.end();
  });

  const json = async (response: Response) => {
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const post = (base: string, url: string, body: unknown, token?: string) =>
    fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }).then(json);
  const get = (base: string, url: string, token: string) =>
    fetch(`${base}${url}`, { headers: { authorization: `Bearer ${token}` } }).then(json);

  it('runs a GAP claim end to end across the processes, with the email sent by the worker', async () => {
    const holder = DEMO_HOLDERS.find((h) => h.state === 'TX')!;
    const started = await post(webA, '/api/v1/gap-claims', {
      lastName: holder.lastName,
      zip: holder.zip,
      vin: holder.vin,
      dateOfLoss: '2026-11-20',
      lossType: 'total_loss',
    });
    expect(started.status).toBe(201);
    const { id: claimId, token } = started.body as { id: string; token: string };
    const type = (started.body.requiredDocuments as { type: string }[])[0]!.type;

    const form = new FormData();
    form.set('type', type);
    form.set(
      'file',
      new Blob([Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')], {
        type: 'application/pdf',
      }),
      'addendum.pdf',
    );
    const uploaded = await fetch(`${webB}/api/v1/gap-claims/${claimId}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    }).then(json);
    expect(uploaded.status).toBe(201);

    const reviewer = await post(webA, '/api/v1/auth/login', {
      email: 'reviewer@coverwise.test',
      password: 'coverwise-demo',
    });
    const reviewerToken = reviewer.body.token as string;
    const queue = await get(webB, '/api/v1/work-queue', reviewerToken);
    expect(queue.status).toBe(200);
    const reviewed = await post(
      webB,
      `/api/v1/documents/${uploaded.body.id}/review`,
      { decision: 'accept' },
      reviewerToken,
    );
    expect(reviewed.status).toBe(200);

    const claim = await get(webA, `/api/v1/gap-claims/${claimId}`, token);
    expect(claim.status).toBe(200);
    expect(JSON.stringify(claim.body)).toContain('accepted');

    // The worker, not the web processes, sends the queued emails (files here: no SMTP_URL).
    const outbox = path.join(sharedDir, 'outbox');
    await waitFor(
      'the worker to send both emails',
      () => fs.existsSync(outbox) && fs.readdirSync(outbox).length >= 2,
      {
        intervalMs: 100,
        failIf: () => children.map((child) => child.exitReason()).find((reason) => reason !== null) ?? null,
      },
    );
    expect(fs.readdirSync(outbox).length).toBeGreaterThanOrEqual(2);
  });

  it('accepts a session made on one process on the other, and sign-out on one ends it on both', async () => {
    const login = await post(webA, '/api/v1/auth/login', {
      email: 'adjuster@coverwise.test',
      password: 'coverwise-demo',
    });
    const token = login.body.token as string;
    expect((await get(webB, '/api/v1/auth/me', token)).status).toBe(200);
    expect((await post(webB, '/api/v1/auth/logout', {}, token)).status).toBe(204);
    expect((await get(webA, '/api/v1/auth/me', token)).status).toBe(401);
  });

  it('holds holder sign-in throttling across both processes', async () => {
    const target = DEMO_HOLDERS[0]!;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const base = i % 2 === 0 ? webA : webB;
      statuses.push(
        (
          await post(base, '/api/v1/auth/holder-login', {
            lastName: 'Wrong',
            zip: target.zip,
            vin: target.vin,
          })
        ).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
