import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine, openTestDatabase } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { FakeClock } from '../platform/clock.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import { startJobs } from '../platform/jobs/jobs.js';
import { parseAllowList } from './webhook-address.js';
import {
  createDeliveryQueue,
  type DeliveryJob,
  deliverWebhook,
  dispatchPendingEvents,
  pgBossQueue,
  type QueueDelivery,
  WEBHOOK_DELIVERY_QUEUE,
  WEBHOOK_RETRY_LIMIT,
  WebhookDeliveryFailed,
} from './webhook-delivery.js';
import { emitEvent } from './webhook-events.js';
import { SIGNATURE_HEADER, verifyWebhookSignature, webhookSignature } from './webhook-signature.js';

const SECRET = 'whsec_test_secret_0123';

describe('webhook signature', () => {
  // The expected digest was computed independently (Python hmac/hashlib) over "1767225600.<body>".
  it('signs "t.body" with HMAC-SHA256 of the endpoint secret (known vector)', () => {
    expect(webhookSignature(SECRET, '{"id":"evt_1","type":"contract.created"}', 1_767_225_600)).toBe(
      't=1767225600,v1=8463d8a927cbeaba734a1d00c6106efd52d4ec5b5755c908c6a0c09a999a865e',
    );
  });

  it.each([
    ['the same body and a fresh time', '{"a":1}', 1_767_225_600, 1_767_225_700, true],
    ['a changed body', '{"a":2}', 1_767_225_600, 1_767_225_700, false],
    ['a signature older than the tolerance', '{"a":1}', 1_767_225_600, 1_767_226_000, false],
  ])('verifies %s as %s', (_case, receivedBody, signedAt, now, valid) => {
    const header = webhookSignature(SECRET, '{"a":1}', signedAt);
    expect(verifyWebhookSignature(SECRET, receivedBody, header, now, 300)).toBe(valid);
  });

  it('refuses a signature made with another secret', () => {
    const header = webhookSignature('another-secret-0000', '{"a":1}', 100);
    expect(verifyWebhookSignature(SECRET, '{"a":1}', header, 100, 300)).toBe(false);
  });
});

/** A loopback receiver that answers the given statuses in turn (the last one from then on). */
async function startReceiver(statuses: number[]) {
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)] as number;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describeEachEngine('webhook outbox and delivery', (engine) => {
  let database: DatabaseHandle;
  const clock = new FakeClock('2026-11-25T15:00:00Z');
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(() => database?.close());
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
    await database.db.deleteFrom('webhook_deliveries').execute();
    await database.db.deleteFrom('webhook_events').execute();
    await database.db.deleteFrom('webhook_endpoints').execute();
  });

  /** The test receivers listen on 127.0.0.1, which only the allow-list opens. */
  const loopbackAllowed = {
    get db() {
      return database.db;
    },
    clock,
    allowList: parseAllowList('127.0.0.1'),
  };

  async function addEndpoint(url: string, eventTypes: string[]) {
    const row = await database.db
      .insertInto('webhook_endpoints')
      .values({ url, secret: SECRET, event_types: eventTypes, created_by: 'test' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  function listQueue(): { queue: QueueDelivery; jobs: DeliveryJob[] } {
    const jobs: DeliveryJob[] = [];
    return { jobs, queue: async (_trx, queued) => void jobs.push(...queued) };
  }

  it('writes no event for a change that rolls back, and one for a change that commits', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await emitEvent(trx, 'contract.created', { contractId: 'rolled-back' });
        throw new Error('the change failed after emitting');
      }),
    ).rejects.toThrow('the change failed');
    await database.db
      .transaction()
      .execute((trx) => emitEvent(trx, 'contract.created', { contractId: 'kept' }));
    const events = await database.db.selectFrom('webhook_events').select('data').execute();
    expect(events.map((event) => event.data)).toEqual([{ contractId: 'kept' }]);
  });

  it('queues one delivery per subscribed endpoint, once', async () => {
    const subscribed = await addEndpoint('http://127.0.0.1:9/a', ['contract.created', 'contract.cancelled']);
    await addEndpoint('http://127.0.0.1:9/b', ['document.reviewed']);
    await database.db
      .transaction()
      .execute((trx) => emitEvent(trx, 'contract.created', { contractId: 'c1' }));
    const { queue, jobs } = listQueue();
    expect(await dispatchPendingEvents(database.db, queue)).toEqual({
      eventsDispatched: 1,
      deliveriesQueued: 1,
      batches: 1,
    });
    expect(jobs.map((job) => job.endpointId)).toEqual([subscribed]);
    expect(await dispatchPendingEvents(database.db, queue)).toEqual({
      eventsDispatched: 0,
      deliveriesQueued: 0,
      batches: 0,
    });
  });

  it('dispatches many deliveries in bounded batches, one short transaction each', async () => {
    for (let i = 0; i < 10; i++) await addEndpoint(`http://127.0.0.1:9/e${i}`, ['contract.created']);
    await database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 30; i++) await emitEvent(trx, 'contract.created', { contractId: `c${i}` });
    });
    const batchSizes: number[] = [];
    const queue: QueueDelivery = async (_trx, jobs) => void batchSizes.push(jobs.length);
    // 50 deliveries a batch over 10 endpoints: 5 events (50 deliveries) per transaction.
    expect(await dispatchPendingEvents(database.db, queue, { deliveriesPerBatch: 50 })).toEqual({
      eventsDispatched: 30,
      deliveriesQueued: 300,
      batches: 6,
    });
    expect(batchSizes).toEqual([50, 50, 50, 50, 50, 50]);
    const left = await database.db
      .selectFrom('webhook_events')
      .select('id')
      .where('dispatched_at', 'is', null)
      .execute();
    expect(left).toEqual([]);
  });

  it.runIf(engine.name === 'pglite')(
    "serves a query issued during a dispatch between two batches (PGlite's one connection is not held for the run)",
    async () => {
      for (let i = 0; i < 4; i++) await addEndpoint(`http://127.0.0.1:9/e${i}`, ['contract.created']);
      await database.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 20; i++) await emitEvent(trx, 'contract.created', { contractId: `c${i}` });
      });
      // The order in which things happen: each batch's queueing, and the other query's answer.
      const order: string[] = [];
      let otherQuery: Promise<unknown> | undefined;
      let batch = 0;
      const queue: QueueDelivery = async (_trx, jobs) => {
        batch += 1;
        order.push(`batch ${batch} (${jobs.length})`);
        // A request arriving while the first batch holds the connection: it waits for the connection.
        if (batch === 1)
          otherQuery = database.db
            .selectFrom('webhook_endpoints')
            .select('id')
            .execute()
            .then(() => order.push('other query answered'));
      };
      const result = await dispatchPendingEvents(database.db, queue, { deliveriesPerBatch: 8 });
      await otherQuery;
      expect(result).toEqual({ eventsDispatched: 20, deliveriesQueued: 80, batches: 10 });
      // Answered after the first batch's transaction and before the second started (not at the end).
      expect(order.slice(0, 3)).toEqual(['batch 1 (8)', 'other query answered', 'batch 2 (8)']);
    },
  );

  it("queues each batch's deliveries in pg-boss with one insert that carries the queue's retry policy", async () => {
    const jobs = await startJobs({
      executeSql: database.executeSql,
      logger: { info() {}, error() {}, warn() {}, debug() {} } as unknown as FastifyBaseLogger,
      runWorkers: false,
      recurring: [],
    });
    try {
      await createDeliveryQueue(jobs.boss);
      for (let i = 0; i < 3; i++) await addEndpoint(`http://127.0.0.1:9/p${i}`, ['contract.created']);
      await database.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 5; i++) await emitEvent(trx, 'contract.created', { contractId: `p${i}` });
      });
      expect(
        await dispatchPendingEvents(database.db, pgBossQueue(jobs.boss), { deliveriesPerBatch: 6 }),
      ).toEqual({ eventsDispatched: 5, deliveriesQueued: 15, batches: 3 });
      const queued = await database.executeSql('select retry_limit, data from pgboss.job where name = $1', [
        WEBHOOK_DELIVERY_QUEUE,
      ]);
      expect(queued.rows).toHaveLength(15);
      expect(new Set((queued.rows as { retry_limit: number }[]).map((row) => row.retry_limit))).toEqual(
        new Set([WEBHOOK_RETRY_LIMIT]),
      );
    } finally {
      await jobs.stop();
    }
  });

  it('fails twice against a receiver answering 500, then delivers a signed body on the third attempt', async () => {
    receiver = await startReceiver([500, 503, 204]);
    const endpointId = await addEndpoint(receiver.url, ['repair_claim.authorized']);
    await database.db
      .transaction()
      .execute((trx) =>
        emitEvent(trx, 'repair_claim.authorized', { repairClaimId: 'rc1', authorizedCents: 125000 }),
      );
    const { queue, jobs } = listQueue();
    await dispatchPendingEvents(database.db, queue);
    const job = jobs[0] as DeliveryJob;

    // The job queue retries a delivery whose attempt throws; attempt n is pg-boss retryCount + 1.
    await expect(deliverWebhook(loopbackAllowed, job, 1)).rejects.toBeInstanceOf(WebhookDeliveryFailed);
    await expect(deliverWebhook(loopbackAllowed, job, 2)).rejects.toThrow('the receiver answered 503');
    const outcome = await deliverWebhook(loopbackAllowed, job, 3);
    expect(outcome).toEqual({ succeeded: true, statusCode: 204, error: null });

    expect(receiver.received).toHaveLength(3);
    const last = receiver.received[2]!;
    const header = last.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    expect(header).toMatch(/^t=1795618800,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, last.body, header, 1_795_618_800, 300)).toBe(true);
    expect(JSON.parse(last.body)).toMatchObject({
      type: 'repair_claim.authorized',
      data: { repairClaimId: 'rc1', authorizedCents: 125000 },
    });

    const log = await database.db
      .selectFrom('webhook_deliveries')
      .select(['attempt', 'status_code', 'succeeded', 'error', 'duration_ms'])
      .where('endpoint_id', '=', endpointId)
      .orderBy('attempt')
      .execute();
    expect(log.map(({ duration_ms: _duration, ...row }) => row)).toEqual([
      { attempt: 1, status_code: 500, succeeded: false, error: 'the receiver answered 500' },
      { attempt: 2, status_code: 503, succeeded: false, error: 'the receiver answered 503' },
      { attempt: 3, status_code: 204, succeeded: true, error: null },
    ]);
    expect(log.every((row) => row.duration_ms >= 0)).toBe(true);
  });

  it('logs an unreachable receiver as a failed attempt without a status code', async () => {
    receiver = await startReceiver([200]);
    const url = receiver.url;
    await receiver.close();
    receiver = undefined;
    await addEndpoint(url, ['document.reviewed']);
    await database.db
      .transaction()
      .execute((trx) => emitEvent(trx, 'document.reviewed', { documentId: 'd1' }));
    const { queue, jobs } = listQueue();
    await dispatchPendingEvents(database.db, queue);
    await expect(deliverWebhook(loopbackAllowed, jobs[0] as DeliveryJob, 1)).rejects.toThrow(
      WebhookDeliveryFailed,
    );
    const row = await database.db.selectFrom('webhook_deliveries').selectAll().executeTakeFirstOrThrow();
    expect(row.status_code).toBeNull();
    expect(row.error).not.toBeNull();
  });

  it('refuses to connect to an internal address at delivery time, whatever the name resolved to when it was added', async () => {
    receiver = await startReceiver([204]);
    // "localhost" stands for a name whose DNS answer changed to an internal address after registration.
    const endpointId = await addEndpoint(receiver.url.replace('127.0.0.1', 'localhost'), [
      'contract.created',
    ]);
    await addEndpoint('http://169.254.169.254/latest/meta-data/', ['contract.created']);
    await database.db
      .transaction()
      .execute((trx) => emitEvent(trx, 'contract.created', { contractId: 'c9' }));
    const { queue, jobs } = listQueue();
    await dispatchPendingEvents(database.db, queue);
    expect(jobs).toHaveLength(2);
    for (const job of jobs)
      await expect(deliverWebhook({ db: database.db, clock }, job, 1)).rejects.toThrow(
        /webhooks go to public addresses only/,
      );
    expect(receiver.received).toHaveLength(0);
    const log = await database.db
      .selectFrom('webhook_deliveries')
      .select(['endpoint_id', 'status_code', 'error'])
      .execute();
    expect(log).toHaveLength(2);
    expect(
      log.every((row) => row.status_code === null && /public addresses only/.test(row.error ?? '')),
    ).toBe(true);
    // The same endpoint with its address allowed is delivered to.
    const allowed = jobs.find((job) => job.endpointId === endpointId)!;
    expect(await deliverWebhook(loopbackAllowed, allowed, 2)).toMatchObject({ succeeded: true });
    expect(receiver.received).toHaveLength(1);
  });

  it('does not follow a redirect (to an internal address or anywhere)', async () => {
    const target = await startReceiver([204]);
    const redirecting = createServer((_request, response) => {
      response.writeHead(307, { location: `${target.url}?via=redirect` });
      response.end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirecting.address() as AddressInfo;
      await addEndpoint(`http://127.0.0.1:${port}/hooks`, ['contract.created']);
      await database.db
        .transaction()
        .execute((trx) => emitEvent(trx, 'contract.created', { contractId: 'r1' }));
      const { queue, jobs } = listQueue();
      await dispatchPendingEvents(database.db, queue);
      await expect(deliverWebhook(loopbackAllowed, jobs[0]!, 1)).rejects.toThrow(
        'the receiver answered 307 (redirects are not followed)',
      );
      expect(target.received).toHaveLength(0);
    } finally {
      await new Promise<void>((resolve) => redirecting.close(() => resolve()));
      await target.close();
    }
  });
});

describeEachEngine('webhook endpoints API', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    // integrator.example does not resolve: the allow-list names it, as an operator would an internal host.
    server = await startTestServer({ engine, env: { COVERWISE_WEBHOOK_ALLOW_HOSTS: 'integrator.example' } });
  });
  afterAll(() => server?.close());

  it('lets an admin add an endpoint, list it without its secret, and read its delivery log', async () => {
    const admin = await staffClient(server, 'admin@coverwise.test');
    const created = await admin({
      method: 'POST',
      url: '/api/v1/webhooks',
      payload: {
        url: 'https://integrator.example/hooks',
        secret: SECRET,
        eventTypes: ['contract.created', 'gap_claim.status_changed'],
      },
    });
    expect(created.statusCode).toBe(201);
    const endpoint = created.json();
    expect(endpoint).toMatchObject({ url: 'https://integrator.example/hooks', active: true });
    expect(JSON.stringify(endpoint)).not.toContain(SECRET);

    const list = await admin({ method: 'GET', url: '/api/v1/webhooks' });
    expect(list.json().data.map((item: { id: string }) => item.id)).toContain(endpoint.id);
    const deliveries = await admin({ method: 'GET', url: `/api/v1/webhooks/${endpoint.id}/deliveries` });
    expect(deliveries.statusCode).toBe(200);
    expect(deliveries.json()).toEqual({ data: [] });

    const audit = await server.built.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', endpoint.id)
      .execute();
    expect(audit).toEqual([{ action: 'webhook_endpoint.created' }]);
  });

  it.each([
    [{ url: 'ftp://integrator.example/', secret: SECRET, eventTypes: ['contract.created'] }, 'url'],
    [{ url: 'https://integrator.example/', secret: 'short', eventTypes: ['contract.created'] }, 'secret'],
    [{ url: 'https://integrator.example/', secret: SECRET, eventTypes: ['contract.exploded'] }, 'eventTypes'],
  ])('refuses %j naming the bad field', async (payload, param) => {
    const admin = await staffClient(server, 'admin@coverwise.test');
    const response = await admin({ method: 'POST', url: '/api/v1/webhooks', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().param ?? response.json().errors?.[0]?.param).toContain(param);
  });

  it.each([
    'http://127.0.0.1:5432/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]:22/',
    'http://[::ffff:127.0.0.1]/',
    'http://10.0.0.8/hooks',
    'http://100.64.1.1/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://0.0.0.0:3000/',
    'http://2130706433/',
    'http://localhost:3000/',
  ])('refuses the internal address %s (400 validation_failed on url), storing nothing', async (url) => {
    const admin = await staffClient(server, 'admin@coverwise.test');
    const before = await server.built.database.db.selectFrom('webhook_endpoints').select('id').execute();
    const response = await admin({
      method: 'POST',
      url: '/api/v1/webhooks',
      payload: { url, secret: SECRET, eventTypes: ['contract.created'] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'validation_failed', param: 'url' });
    expect(response.json().detail).toMatch(/public addresses only/);
    const after = await server.built.database.db.selectFrom('webhook_endpoints').select('id').execute();
    expect(after).toEqual(before);
  });

  it('is for admins only', async () => {
    const adjuster = await staffClient(server, 'adjuster@coverwise.test');
    expect((await adjuster({ method: 'GET', url: '/api/v1/webhooks' })).statusCode).toBe(403);
  });
});
