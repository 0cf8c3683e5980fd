// Crash safety: the real server as a child process is killed with SIGKILL in the middle of a
// dealer-file import, a document upload and a cancellation, restarted on the same data, and checked:
// nothing is half-written (an import keeps whole batches and an honest run record, no documents row
// is without its file, no partial upload outlives its sweep, a contract's status, cancellation row and
// refund ledger entry agree), and retrying gives exactly one result. On the embedded PGlite in a data
// folder and, when TEST_DATABASE_URL is set, on a PostgreSQL server (documents still in the folder).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { CSV_HEADER, csvLine, syntheticContract } from '../../bench/portfolio.js';
import { loadDefaultCatalog } from '../../src/catalog/default-catalog.js';
import { batchSizesOf } from '../../src/contracts/contract-file.js';
import { DEFAULT_IMPORT_BATCH_SIZE, FIRST_IMPORT_BATCH_SIZE } from '../../src/contracts/contract-import.js';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { describeEachEngine, type TestEngine } from '../support/engines.js';
import { seedMigratedPgliteFolder } from '../support/pglite-image.js';
import { killAllProcesses, type RunningProcess, startServerProcess, waitFor } from '../support/process.js';
import { multipart, PDF } from './multipart.js';

const GAP_HOLDER = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;

interface Data {
  dataDir: string;
  /** The PostgreSQL database the server uses, or null for PGlite in dataDir. */
  databaseUrl: string | null;
}

function startServer(data: Data): Promise<RunningProcess & { baseUrl: string }> {
  return startServerProcess({
    COVERWISE_DATA_DIR: data.dataDir,
    COVERWISE_DEMO: '1',
    // A killed import is quiet from the kill on: on a server, take it as abandoned after 2 s.
    COVERWISE_IMPORT_ABANDONED_AFTER_SECONDS: '2',
    DATABASE_URL: data.databaseUrl ?? '',
  });
}

async function kill(server: RunningProcess): Promise<void> {
  await server.kill();
}

afterEach(() => killAllProcesses());

async function json(
  baseUrl: string,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => null)) as Record<string, unknown>,
  };
}

const dropAfterEach: { engine: TestEngine; url: string | null }[] = [];
afterEach(async () => {
  for (const { engine, url } of dropAfterEach.splice(0)) await engine.dropDatabase(url);
});

const ADMIN = { email: 'admin@coverwise.test', password: 'coverwise-demo' };

async function signIn(baseUrl: string, credentials = ADMIN): Promise<Record<string, string>> {
  const login = await json(baseUrl, 'POST', '/api/v1/auth/login', credentials);
  expect(login.status).toBe(200);
  return { authorization: `Bearer ${login.body.token}` };
}

describeEachEngine('crash safety (SIGKILL, restart on the same data)', (engine) => {
  async function freshData(name: string): Promise<Data> {
    // Migrated already (a copy of the template, or a folder from the image): the kills are the test.
    const databaseUrl = await engine.createMigratedDatabaseUrl();
    dropAfterEach.push({ engine, url: databaseUrl });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `cw-crash-${name}-`));
    if (databaseUrl === null) await seedMigratedPgliteFolder(dataDir);
    return { dataDir, databaseUrl };
  }

  it('keeps whole batches and an honest run record after a kill mid-import; sending the file again completes it', async () => {
    const data = await freshData('import');
    let server = await startServer(data);
    let auth = await signIn(server.baseUrl);
    // Enough rows that the kill, sent once the first batch is seen, lands well before the file's end (on
    // PGlite a request is answered only between two batches' writes).
    const ROWS = 40_000;
    // Where the file's batches end (they grow: 500, 1,500, 3,500, …): a run killed mid-file counts one of these.
    const batchEnds: number[] = [];
    for (const size of batchSizesOf(ROWS, DEFAULT_IMPORT_BATCH_SIZE, FIRST_IMPORT_BATCH_SIZE))
      batchEnds.push((batchEnds.at(-1) ?? 0) + size);
    const catalog = loadDefaultCatalog();
    const first = 8_000_000; // synthetic VINs number up to 10^7
    const lines = [CSV_HEADER];
    for (let i = 0; i < ROWS; i++) lines.push(csvLine(syntheticContract(first + i, catalog)));
    const csv = `${lines.join('\n')}\n`;
    const send = (baseUrl: string, headers: Record<string, string>) => {
      const request = http.request(new URL('/api/v1/contracts/import?fileName=crash.csv', baseUrl), {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv', 'content-length': String(Buffer.byteLength(csv)) },
      });
      const answer = new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
        request.on('response', (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
        });
        request.on('error', reject);
      });
      request.end(csv);
      return { request, answer };
    };

    // Kill the server as soon as the first batch is committed (its last contract can be found).
    const killed = send(server.baseUrl, auth);
    killed.answer.catch(() => {});
    const lastOfFirstBatch = syntheticContract(first + batchEnds[0]! - 1, catalog).contractNumber;
    const running = server;
    await waitFor(
      'the first batch to be committed',
      async () => {
        const found = await json(
          running.baseUrl,
          'GET',
          `/api/v1/contracts?contractNumber=${lastOfFirstBatch}`,
          undefined,
          auth,
        );
        return (found.body.data as unknown[]).length === 1;
      },
      { intervalMs: 10, failIf: running.exitReason },
    );
    await kill(server);
    killed.request.destroy();

    // The run is marked failed at restart (quiet since the kill), with whole batches counted. On a
    // server a run counts as abandoned once quiet for 2 s (the setting above): a lower bound to wait
    // out, not a time budget.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    server = await startServer(data);
    auth = await signIn(server.baseUrl);
    const runs = await json(server.baseUrl, 'GET', '/api/v1/contracts/imports?limit=1', undefined, auth);
    const run = (runs.body.data as Record<string, number | string>[])[0]!;
    expect(run).toMatchObject({ fileName: 'crash.csv', status: 'failed' });
    expect(run.failure).toMatch(/^The process running the import stopped \(a restart or a crash\)/);
    const accepted = run.accepted as number;
    expect(accepted).toBeGreaterThanOrEqual(batchEnds[0]!);
    expect(accepted).toBeLessThan(ROWS);
    expect(batchEnds, 'a batch was half-written').toContain(accepted);
    expect(run.rowsRead).toBe(accepted);

    // Sending the file again adds exactly the rest: the rows already in are exactly the run's count.
    const again = await send(server.baseUrl, auth).answer;
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ rowsRead: ROWS, accepted: ROWS - accepted, duplicates: accepted });
    await kill(server);
  });

  it('leaves no partial upload and no document without its file after a kill mid-upload; the retry stores one', async () => {
    const data = await freshData('upload');
    const tmpDir = path.join(data.dataDir, 'documents', 'tmp');
    let server = await startServer(data);
    const start = await json(server.baseUrl, 'POST', '/api/v1/gap-claims', {
      lastName: GAP_HOLDER.lastName,
      zip: GAP_HOLDER.zip,
      vin: GAP_HOLDER.vin,
      dateOfLoss: '2026-11-20',
      lossType: 'total_loss',
    });
    expect(start.status).toBe(201);
    const { id: claimId, token } = start.body;
    // Stream the start of a 2 MB PDF, then stop sending: the store has a partial file in tmp.
    const bytes = Buffer.concat([PDF, Buffer.alloc(2 * 1024 * 1024, 0x20)]);
    const body = multipart({ type: 'gap_addendum' }, { name: 'addendum.pdf', bytes });
    const url = new URL(`/api/v1/gap-claims/${claimId}/documents`, server.baseUrl);
    const request = http.request(url, {
      method: 'POST',
      headers: {
        ...body.headers,
        'content-length': String(body.payload.length),
        authorization: `Bearer ${token}`,
        'idempotency-key': 'upload-1',
      },
    });
    request.on('error', () => {});
    request.write(body.payload.subarray(0, 256 * 1024));
    const running = server;
    await waitFor(
      'the partial upload in the store',
      () => fs.existsSync(tmpDir) && fs.readdirSync(tmpDir).length > 0,
      {
        failIf: running.exitReason,
      },
    );
    await kill(server);
    request.destroy();

    server = await startServer(data);
    if (engine.name === 'postgres') {
      // Other processes may share the documents folder: only partial uploads an hour old are swept.
      const partials = fs.readdirSync(tmpDir);
      expect(partials.length).toBeGreaterThan(0);
      const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
      for (const name of partials) fs.utimesSync(path.join(tmpDir, name), twoHoursAgo, twoHoursAgo);
      await kill(server);
      server = await startServer(data);
    }
    expect(fs.readdirSync(tmpDir)).toEqual([]);
    const claim = await json(server.baseUrl, 'GET', `/api/v1/gap-claims/${claimId}`, undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(claim.status).toBe(200);
    const uploaded = (claim.body.documents ?? []) as unknown[];
    expect(uploaded).toEqual([]);

    // Retrying the whole upload twice with the same key stores one document.
    const send = () =>
      fetch(url.href.replace(url.origin, server.baseUrl), {
        method: 'POST',
        headers: { ...body.headers, authorization: `Bearer ${token}`, 'idempotency-key': 'upload-1' },
        body: body.payload,
      });
    const first = await send();
    const second = await send();
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    const [a, b] = [(await first.json()) as { id: string }, (await second.json()) as { id: string }];
    expect(b.id).toBe(a.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const file = await fetch(`${server.baseUrl}/api/v1/documents/${a.id}/file`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
    await kill(server);
  });

  it('keeps a contract, its cancellation and its refund entry in agreement after kills mid-cancellation', async () => {
    const data = await freshData('cancel');
    let server = await startServer(data);
    const login = await json(server.baseUrl, 'POST', '/api/v1/auth/login', {
      email: 'adjuster@coverwise.test',
      password: 'coverwise-demo',
    });
    let auth = { authorization: `Bearer ${login.body.token}` };
    const found = await json(
      server.baseUrl,
      'GET',
      `/api/v1/contracts?vin=${DEMO_HOLDERS[2]!.vin}`,
      undefined,
      auth,
    );
    const contract = (found.body.data as { id: string; product: string; odometerAtSale: number }[]).find(
      (c) => c.product === 'vsc',
    )!;
    const cancellationBody = {
      cancelOn: '2026-11-25',
      odometer: contract.odometerAtSale + 100,
      reason: 'customer_request',
      // Staff dating a cancellation back say what proves the date (the server's today is the wall clock's).
      evidence: 'Signed cancellation request dated 2026-11-25',
    };
    const key = randomUUID();
    // Kill the server a few milliseconds after the request left, at several points in its life.
    for (const delayMs of [0, 5, 15]) {
      void fetch(`${server.baseUrl}/api/v1/contracts/${contract.id}/cancellation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth, 'idempotency-key': key },
        body: JSON.stringify(cancellationBody),
      }).catch(() => null);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await kill(server);
      server = await startServer(data);
      const again = await json(server.baseUrl, 'POST', '/api/v1/auth/login', {
        email: 'adjuster@coverwise.test',
        password: 'coverwise-demo',
      });
      auth = { authorization: `Bearer ${again.body.token}` };
      const now = await json(server.baseUrl, 'GET', `/api/v1/contracts/${contract.id}`, undefined, auth);
      const ledger = await json(
        server.baseUrl,
        'GET',
        `/api/v1/contracts/${contract.id}/ledger`,
        undefined,
        auth,
      );
      const entries = ((ledger.body.data ?? ledger.body.entries ?? []) as { kind: string }[]).filter((e) =>
        /refund|cancel/.test(e.kind),
      );
      // Either the whole cancellation committed (cancelled + one refund entry) or none of it did.
      expect(entries.length, JSON.stringify(ledger.body)).toBe(now.body.status === 'cancelled' ? 1 : 0);
      if (now.body.status === 'cancelled') break;
    }
    // Retrying with the same key gives one result, replayed.
    const retry = () =>
      json(server.baseUrl, 'POST', `/api/v1/contracts/${contract.id}/cancellation`, cancellationBody, {
        ...auth,
        'idempotency-key': key,
      });
    const first = await retry();
    const second = await retry();
    expect([201, 409]).toContain(first.status);
    expect(second.status).toBe(first.status);
    const final = await json(server.baseUrl, 'GET', `/api/v1/contracts/${contract.id}`, undefined, auth);
    expect(final.body.status).toBe('cancelled');
    const ledger = await json(
      server.baseUrl,
      'GET',
      `/api/v1/contracts/${contract.id}/ledger`,
      undefined,
      auth,
    );
    const refunds = ((ledger.body.data ?? ledger.body.entries ?? []) as { kind: string }[]).filter((e) =>
      /refund|cancel/.test(e.kind),
    );
    expect(refunds).toHaveLength(1);
    await kill(server);
  });
});
