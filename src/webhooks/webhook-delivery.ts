// Delivering webhook events: a dispatcher turns each committed event into one pg-boss job per
// subscribed endpoint (queued in the same transaction that marks the event dispatched), and a worker
// POSTs each job's signed body. A failed attempt is logged and thrown, so pg-boss retries it with
// exponential backoff up to WEBHOOK_RETRY_LIMIT times; every attempt leaves a row in webhook_deliveries.
import http from 'node:http';
import https from 'node:https';
import type { Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { transactional } from '../platform/db/transaction.js';
import { inTransaction } from '../platform/jobs/in-transaction.js';
import {
  EMPTY_ALLOW_LIST,
  guardedLookup,
  type WebhookAllowList,
  webhookTargetRefusal,
} from './webhook-address.js';
import { SIGNATURE_HEADER, webhookSignature } from './webhook-signature.js';
import {
  findEndpoint,
  findEvent,
  insertDelivery,
  listActiveSubscriptions,
  lockUndispatchedEvents,
  markEventsDispatched,
} from './webhooks.repository.js';

export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';
/** Retries after the first attempt; with backoff from 30 s this spans roughly two hours. */
export const WEBHOOK_RETRY_LIMIT = 8;
const WEBHOOK_RETRY_DELAY_SECONDS = 30;
/** A receiver that does not answer in this time counts as failed. */
const DELIVERY_TIMEOUT_MS = 10_000;
/**
 * Deliveries queued per dispatch transaction. Each batch is one short transaction (select the events,
 * one bulk insert of their jobs, mark them dispatched), and the dispatcher yields between batches: on
 * the embedded PGlite, whose single connection every request shares, a dispatch of thousands of
 * deliveries then holds that connection a few milliseconds at a time instead of for the whole run.
 */
export const DISPATCH_DELIVERIES_PER_BATCH = 200;
/** Events dispatched per run of the dispatcher (bounded; the next run takes the rest). */
const DISPATCH_EVENTS_PER_RUN = 5_000;

export interface DeliveryJob {
  eventId: string;
  endpointId: string;
}

export interface DeliveryOutcome {
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
}

/** Queues jobs in the given transaction (pg-boss in production; a list in tests). */
export type QueueDelivery = (trx: Kysely<Database>, jobs: readonly DeliveryJob[]) => Promise<void>;

/**
 * pg-boss as a QueueDelivery: the jobs are inserted through `trx` in one statement, so they commit with
 * the dispatch (the queue's retry policy applies to each).
 */
export function pgBossQueue(boss: PgBoss): QueueDelivery {
  return async (trx, jobs) => {
    if (jobs.length === 0) return;
    await boss.insert(
      jobs.map((job) => ({ name: WEBHOOK_DELIVERY_QUEUE, data: job })),
      { db: inTransaction(trx) },
    );
  };
}

export async function createDeliveryQueue(boss: PgBoss): Promise<void> {
  await boss.createQueue(WEBHOOK_DELIVERY_QUEUE, {
    name: WEBHOOK_DELIVERY_QUEUE,
    retryLimit: WEBHOOK_RETRY_LIMIT,
    retryDelay: WEBHOOK_RETRY_DELAY_SECONDS,
    retryBackoff: true,
  });
}

export interface DispatchOptions {
  /** Most deliveries queued in one transaction (default DISPATCH_DELIVERIES_PER_BATCH). */
  deliveriesPerBatch?: number;
  /** Most events taken in one run (default 5,000; the next run takes the rest). */
  eventsPerRun?: number;
}

/** Lets other work (requests waiting for the database connection) run before the next batch. */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Queues one delivery per (undispatched event, active endpoint subscribed to its type) and marks the
 * events dispatched, in bounded batches of one short transaction each, yielding between them;
 * `skip locked` lets two dispatchers run without doubling.
 */
export async function dispatchPendingEvents(
  db: Kysely<Database>,
  queue: QueueDelivery,
  options: DispatchOptions = {},
): Promise<{ eventsDispatched: number; deliveriesQueued: number; batches: number }> {
  const deliveriesPerBatch = Math.max(1, options.deliveriesPerBatch ?? DISPATCH_DELIVERIES_PER_BATCH);
  const eventsPerRun = options.eventsPerRun ?? DISPATCH_EVENTS_PER_RUN;
  const endpoints = await listActiveSubscriptions(db);
  // An event yields at most one delivery per endpoint: this many events fit in a batch (at least one).
  const eventsPerBatch = Math.max(1, Math.floor(deliveriesPerBatch / Math.max(1, endpoints.length)));
  const totals = { eventsDispatched: 0, deliveriesQueued: 0, batches: 0 };
  while (totals.eventsDispatched < eventsPerRun) {
    const batch = await transactional(db)(async (trx) => {
      const events = await lockUndispatchedEvents(
        trx,
        Math.min(eventsPerBatch, eventsPerRun - totals.eventsDispatched),
      );
      if (events.length === 0) return null;
      const jobs = events.flatMap((event) =>
        endpoints
          .filter((endpoint) => endpoint.event_types.includes(event.type))
          .map((endpoint) => ({ eventId: event.id, endpointId: endpoint.id })),
      );
      await queue(trx, jobs);
      await markEventsDispatched(
        trx,
        events.map((event) => event.id),
      );
      return { events: events.length, deliveries: jobs.length };
    });
    if (!batch) break;
    totals.eventsDispatched += batch.events;
    totals.deliveriesQueued += batch.deliveries;
    totals.batches += 1;
    await yieldToOthers();
  }
  return totals;
}

export interface DeliveryDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** Internal hosts and ranges deliveries may reach (COVERWISE_WEBHOOK_ALLOW_HOSTS); public ones always. */
  allowList?: WebhookAllowList;
}

/**
 * POSTs `body` to `url` and answers the status code. The connection goes only to an address the
 * guarded lookup allowed (an address literal is checked first: Node does not look those up), and a
 * redirect is an answer like any other, never followed.
 */
async function postSigned(
  url: URL,
  headers: Record<string, string>,
  body: string,
  allow: WebhookAllowList,
): Promise<number> {
  const literalRefusal = /^[[0-9]/.test(url.hostname) ? await webhookTargetRefusal(url, allow) : null;
  if (literalRefusal) throw new Error(literalRefusal);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup(allow),
        timeout: DELIVERY_TIMEOUT_MS,
        // No connection pooling: each delivery resolves and checks its address afresh.
        agent: false,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${DELIVERY_TIMEOUT_MS} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * One delivery attempt (`attempt` counts from 1): POSTs the signed event, logs the attempt, and throws
 * when it failed so the job queue retries it. An event or endpoint that no longer exists is skipped.
 */
export async function deliverWebhook(
  deps: DeliveryDeps,
  job: DeliveryJob,
  attempt: number,
): Promise<DeliveryOutcome | null> {
  const { db, clock } = deps;
  const [event, endpoint] = await Promise.all([findEvent(db, job.eventId), findEndpoint(db, job.endpointId)]);
  if (!event || !endpoint?.active) return null;
  const body = JSON.stringify({
    id: event.id,
    type: event.type,
    occurredAt: event.occurred_at.toISOString(),
    data: event.data,
  });
  const started = clock.now();
  const signature = webhookSignature(endpoint.secret, body, Math.floor(started.getTime() / 1000));
  const startedMs = performance.now();
  let outcome: DeliveryOutcome;
  try {
    const status = await postSigned(
      new URL(endpoint.url),
      {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signature,
        'Coverwise-Event-Id': event.id,
        'Coverwise-Event-Type': event.type,
      },
      body,
      deps.allowList ?? EMPTY_ALLOW_LIST,
    );
    const succeeded = status >= 200 && status < 300;
    outcome = {
      succeeded,
      statusCode: status,
      error: succeeded
        ? null
        : status >= 300 && status < 400
          ? `the receiver answered ${status} (redirects are not followed)`
          : `the receiver answered ${status}`,
    };
  } catch (error) {
    outcome = { succeeded: false, statusCode: null, error: (error as Error).message.slice(0, 500) };
  }
  await insertDelivery(db, {
    endpointId: endpoint.id,
    eventId: event.id,
    attempt,
    statusCode: outcome.statusCode,
    succeeded: outcome.succeeded,
    durationMs: Math.round(performance.now() - startedMs),
    error: outcome.error,
    attemptedAt: started,
  });
  if (!outcome.succeeded) throw new WebhookDeliveryFailed(outcome);
  return outcome;
}

export class WebhookDeliveryFailed extends Error {
  constructor(readonly outcome: DeliveryOutcome) {
    super(`Webhook delivery failed: ${outcome.error}`);
    this.name = 'WebhookDeliveryFailed';
  }
}

/** Runs the delivery worker in this process (pg-boss passes retryCount, so attempt = retryCount + 1). */
export async function startWebhookWorker(boss: PgBoss, deps: DeliveryDeps): Promise<void> {
  await boss.work<DeliveryJob>(
    WEBHOOK_DELIVERY_QUEUE,
    { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 2 },
    async (jobs) => {
      for (const job of jobs) await deliverWebhook(deps, job.data, job.retryCount + 1);
    },
  );
}
