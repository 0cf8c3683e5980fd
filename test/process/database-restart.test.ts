// Surviving the database: the built server runs on a PostgreSQL cluster of the test's own (initdb on a
// free port under /tmp; the shared server on 5432 is never touched) and serves a mixed load — contract
// reads, cancellations with idempotency keys, document uploads — while the cluster is stopped
// (`pg_ctl stop -m fast`, which terminates every connection with 57P01) and started again. The process
// must not crash, must answer 503 problem+json `database_unavailable` while the database is away (and
// `/readyz` 503), must recover by itself, and every write it acknowledged must be in the database.
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, PDF } from '../security/multipart.js';
import { killAllProcesses, type RunningProcess, startServerProcess, waitFor } from '../support/process.js';

const BUILT_SERVER = path.resolve('dist/src/main.js');

function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((version) => fs.existsSync(path.join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

/** initdb refuses to run as root: the cluster then belongs to the `postgres` user. */
function clusterOwner(): { uid: number; gid: number; user: string } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), user: 'postgres' };
}

const bin = findPostgresBin();
const isRoot = process.getuid?.() === 0;
const owner = clusterOwner();
const skipReason = !bin
  ? 'no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin: install postgresql to run it'
  : isRoot && !owner
    ? 'running as root and there is no `postgres` user to own a throwaway cluster (initdb refuses root)'
    : null;
if (skipReason) console.warn(`database-restart test skipped: ${skipReason}`);

/** Runs a PostgreSQL program (as the cluster's owner), without blocking the load meanwhile. */
function run(command: string, args: string[]): Promise<string> {
  const [file, argv] = owner ? ['runuser', ['-u', owner.user, '--', command, ...args]] : [command, args];
  return new Promise((resolve, reject) =>
    execFile(file, argv, { encoding: 'utf8' }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`${command} ${args.join(' ')} failed (${error.code}):\n${stdout}${stderr}`))
        : resolve(stdout),
    ),
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Kind = 'read' | 'cancel' | 'upload';
type Phase = 'before' | 'down' | 'after';

describe.skipIf(skipReason !== null)('the server while its PostgreSQL restarts', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-pg-restart-'));
  const dataDir = path.join(root, 'cluster');
  const socketDir = path.join(root, 'socket');
  let port = 0;
  let databaseUrl = '';
  let server: RunningProcess & { baseUrl: string };

  const pgCtl = (...args: string[]) => run(path.join(bin!, 'pg_ctl'), ['-D', dataDir, ...args]);
  const startCluster = () =>
    pgCtl(
      '-l',
      path.join(root, 'postgres.log'),
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -k ${socketDir}`,
      '-w',
      'start',
    );
  const stopCluster = () => pgCtl('-m', 'fast', '-w', 'stop');

  beforeAll(async () => {
    fs.mkdirSync(dataDir);
    fs.mkdirSync(socketDir);
    if (owner) {
      fs.chownSync(root, owner.uid, owner.gid);
      fs.chownSync(dataDir, owner.uid, owner.gid);
      fs.chownSync(socketDir, owner.uid, owner.gid);
    }
    await run(path.join(bin!, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    port = await freePort();
    await startCluster();
    const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    await admin.query('create database coverwise');
    await admin.end();
    databaseUrl = `postgres://postgres@127.0.0.1:${port}/coverwise`;

    expect(fs.existsSync(BUILT_SERVER), `${BUILT_SERVER} is missing: run npm run build:server first`).toBe(
      true,
    );
    server = await startServerProcess(
      {
        DATABASE_URL: databaseUrl,
        COVERWISE_DEMO: '1',
        COVERWISE_RUN_JOBS: '1',
        COVERWISE_DOCUMENTS_DIR: path.join(root, 'documents'),
        COVERWISE_OUTBOX_DIR: path.join(root, 'outbox'),
      },
      BUILT_SERVER,
    );
  });

  afterAll(async () => {
    killAllProcesses();
    await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => {
      // Already stopped.
    });
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers 503 while the database is away, recovers without a restart, and loses no acknowledged write', async () => {
    const base = server.baseUrl;
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    // The business day before yesterday, whatever the time zone: every contract bought by then can be
    // cancelled on it.
    const cancelOn = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const cancellable = (
      await db.query<{ id: string; odometer_at_sale: number }>(
        `select id, odometer_at_sale from contracts
          where product = 'vsc' and status = 'active' and purchase_date <= $1 order by contract_number`,
        [cancelOn],
      )
    ).rows;
    const gapContracts = (
      await db.query<{ holder_last_name: string; address_zip: string; vin: string }>(
        `select holder_last_name, address_zip, vin from contracts
          where product = 'gap' and status = 'active' order by contract_number`,
      )
    ).rows;
    await db.end();
    expect(cancellable.length).toBeGreaterThan(10);
    expect(gapContracts.length).toBeGreaterThan(0);

    const signIn = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'adjuster@coverwise.test', password: 'coverwise-demo' }),
    });
    expect(signIn.status).toBe(200);
    const staff = { authorization: `Bearer ${((await signIn.json()) as { token: string }).token}` };

    // A GAP claim per GAP contract; each asks for several documents: the uploads to make.
    const uploads: { claimId: string; token: string; type: string }[] = [];
    for (const contract of gapContracts) {
      const started = await fetch(`${base}/api/v1/gap-claims`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          lastName: contract.holder_last_name,
          zip: contract.address_zip,
          vin: contract.vin,
          dateOfLoss: cancelOn,
          lossType: 'total_loss',
        }),
      });
      if (started.status !== 201) continue;
      const claim = (await started.json()) as {
        id: string;
        token: string;
        requiredDocuments: { type: string }[];
      };
      for (const { type } of claim.requiredDocuments)
        uploads.push({ claimId: claim.id, token: claim.token, type });
    }
    expect(uploads.length).toBeGreaterThan(5);

    let phase: Phase = 'before';
    let stopping = false;
    const answers: Record<Phase, Record<Kind, Record<string, number>>> = {
      before: { read: {}, cancel: {}, upload: {} },
      down: { read: {}, cancel: {}, upload: {} },
      after: { read: {}, cancel: {}, upload: {} },
    };
    const unexpected: string[] = [];
    const acknowledgedCancellations: string[] = [];
    const acknowledgedUploads: { id: string; token: string; bytes: Buffer }[] = [];

    /** One request; its answer is tallied by phase and kind as "<status> <code>". */
    async function send(kind: Kind, url: string, init: RequestInit) {
      const during = phase;
      let response: Response;
      try {
        // Only a guard against a hang: the server's own connection timeout is a few seconds.
        response = await fetch(`${base}${url}`, { ...init, signal: AbortSignal.timeout(120_000) });
      } catch (error) {
        unexpected.push(`${kind} ${url}: no answer (${(error as Error).message})`);
        return null;
      }
      const text = await response.text();
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        unexpected.push(`${kind} ${url}: ${response.status} not JSON: ${text.slice(0, 200)}`);
      }
      const label = `${response.status}${body.code ? ` ${body.code}` : ''}`;
      const tally = answers[during][kind];
      tally[label] = (tally[label] ?? 0) + 1;
      // Every request here is well formed: a 400 would blame the client for the database's absence.
      if (response.status === 400) unexpected.push(`${kind} ${url}: 400 ${text.slice(0, 300)}`);
      if (response.status >= 500) {
        if (
          body.code !== 'database_unavailable' ||
          !response.headers.get('content-type')?.includes('application/problem+json')
        )
          unexpected.push(`${kind} ${url}: ${response.status} ${text.slice(0, 300)}`);
      }
      return { status: response.status, body };
    }

    const readers = [0, 1].map(async (reader) => {
      for (let i = reader; !stopping; i += 2) {
        const contract = cancellable[i % cancellable.length]!;
        await send('read', `/api/v1/contracts/${contract.id}`, { headers: staff });
      }
    });

    // A cancellation is sent with one idempotency key until it gets a final answer: a 503 (or a
    // 409 for a request still running) is retried with the same key, as a client should.
    const cancellations = (async () => {
      for (const contract of cancellable) {
        if (stopping) break;
        const key = randomUUID();
        for (;;) {
          const answer = await send('cancel', `/api/v1/contracts/${contract.id}/cancellation`, {
            method: 'POST',
            headers: { ...staff, 'content-type': 'application/json', 'idempotency-key': key },
            body: JSON.stringify({
              cancelOn,
              odometer: contract.odometer_at_sale + 100,
              reason: 'customer_request',
              evidence: 'Signed request',
            }),
          });
          if (answer?.status === 201) {
            acknowledgedCancellations.push(contract.id);
            break;
          }
          if (answer && answer.status < 500 && answer.body.code !== 'idempotency_request_in_progress') break;
          await sleep(50);
        }
      }
    })();

    const uploading = (async () => {
      for (const [index, upload] of uploads.entries()) {
        if (stopping) break;
        const bytes = Buffer.concat([
          PDF,
          Buffer.from(`\n% upload ${index} ${randomUUID()}\n`),
          Buffer.alloc(64 * 1024, 0x20),
        ]);
        const form = multipart(
          { type: upload.type },
          { name: `${upload.type}.pdf`, bytes, contentType: 'application/pdf' },
        );
        const key = randomUUID();
        for (;;) {
          const answer = await send('upload', `/api/v1/gap-claims/${upload.claimId}/documents`, {
            method: 'POST',
            headers: { ...form.headers, authorization: `Bearer ${upload.token}`, 'idempotency-key': key },
            body: form.payload,
          });
          if (answer?.status === 201) {
            acknowledgedUploads.push({ id: answer.body.id as string, token: upload.token, bytes });
            break;
          }
          if (answer && answer.status < 500 && answer.body.code !== 'idempotency_request_in_progress') break;
          await sleep(50);
        }
        // Uploads are fewer than cancellations: keep some for after the restart.
        await sleep(250);
      }
    })();

    const alive = () =>
      server.exitReason() && `the server ${server.exitReason()}:\n${server.output().slice(-4000)}`;
    const ok = (p: Phase, kind: Kind) => (answers[p][kind]['200'] ?? 0) + (answers[p][kind]['201'] ?? 0);
    await waitFor(
      'writes and reads to succeed before the stop',
      () => ok('before', 'read') >= 3 && ok('before', 'cancel') >= 3 && ok('before', 'upload') >= 2,
      { failIf: alive },
    );

    // Stop the cluster: every connection is terminated (57P01) and new ones are refused.
    await stopCluster();
    phase = 'down';
    const unavailable = (kind: Kind) => answers.down[kind]['503 database_unavailable'] ?? 0;
    let readyWhileDown = 0;
    await waitFor(
      'every kind of request to be answered 503 database_unavailable, and /readyz 503',
      async () => {
        const ready = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(120_000) }).catch(
          () => null,
        );
        if (!ready) return false;
        readyWhileDown = ready.status;
        return (
          ready.status === 503 &&
          unavailable('read') > 0 &&
          unavailable('cancel') > 0 &&
          unavailable('upload') > 0
        );
      },
      { failIf: alive, intervalMs: 100 },
    );
    // Several seconds away (a lower bound, not a budget): requests keep arriving and keep failing fast.
    await sleep(3_000);
    expect(readyWhileDown).toBe(503);

    await startCluster();
    phase = 'after';
    await waitFor(
      '/readyz to answer 200 again',
      async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200,
      {
        failIf: alive,
        intervalMs: 100,
      },
    );
    await waitFor(
      'reads, cancellations and uploads to succeed again',
      () => ok('after', 'read') >= 3 && ok('after', 'cancel') >= 3 && ok('after', 'upload') >= 1,
      { failIf: alive },
    );
    stopping = true;
    await Promise.all([...readers, cancellations, uploading]);

    console.info('answers by phase', JSON.stringify(answers));
    expect(server.exitReason()).toBeNull();
    expect(server.output()).not.toMatch(/Unhandled 'error' event|uncaughtException/);
    expect(unexpected).toEqual([]);

    // Every acknowledged write is in the database: counted, not sampled.
    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    try {
      const cancelled = await check.query<{ contracts: number; rows: number }>(
        `select count(distinct c.id)::int as contracts, count(x.id)::int as rows
           from contracts c join cancellations x on x.contract_id = c.id
          where c.id = any($1) and c.status = 'cancelled'`,
        [acknowledgedCancellations],
      );
      expect(cancelled.rows[0]).toEqual({
        contracts: acknowledgedCancellations.length,
        rows: acknowledgedCancellations.length,
      });
      const documents = await check.query<{ count: number }>(
        'select count(*)::int as count from documents where id = any($1)',
        [acknowledgedUploads.map((upload) => upload.id)],
      );
      expect(documents.rows[0]!.count).toBe(acknowledgedUploads.length);
    } finally {
      await check.end();
    }
    for (const upload of acknowledgedUploads) {
      const file = await fetch(`${base}/api/v1/documents/${upload.id}/file`, {
        headers: { authorization: `Bearer ${upload.token}` },
      });
      expect(file.status).toBe(200);
      expect(Buffer.from(await file.arrayBuffer()).equals(upload.bytes)).toBe(true);
    }
    console.info(
      `acknowledged ${acknowledgedCancellations.length} cancellations and ${acknowledgedUploads.length} uploads; all present`,
    );

    // And it still shuts down cleanly.
    server.child.kill('SIGTERM');
    expect(await server.exited, server.output().slice(-4000)).toBe(0);
  });
});
