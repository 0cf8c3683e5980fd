// Delivering webhook events: a dispatcher turns each committed event into one pg-boss job per
// subscribed endpoint (queued in the same transaction that marks the event dispatched), and a worker
// POSTs each job's signed body. A failed attempt is logged and thrown, so pg-boss retries it with
// exponential backoff up to WEBHOOK_RETRY_LIMIT times; every attempt leaves a row in webhook_deliveries.
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type PgBoss from 'pg-boss';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { SIGNATURE_HEADER, webhookSignature } from './webhook-signature.js';

export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';
/** Retries after the first attempt; with backoff from 30 s this spans roughly two hours. */
export const WEBHOOK_RETRY_LIMIT = 8;
const WEBHOOK_RETRY_DELAY_SECONDS = 30;
/** A receiver that does not answer in this time counts as failed. */
const DELIVERY_TIMEOUT_MS = 10_000;
/** Events dispatched per run of the dispatcher (bounded; the next run takes the rest). */
const DISPATCH_BATCH = 500;

export interface DeliveryJob {
  eventId: string;
  endpointId: string;
}

export interface DeliveryOutcome {
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
}

/** Queues a job in the given transaction (pg-boss in production; a list in tests). */
export type QueueDelivery = (trx: Kysely<Database>, job: DeliveryJob) => Promise<void>;

/** pg-boss as a QueueDelivery: the job is inserted through `trx`, so it commits with the dispatch. */
export function pgBossQueue(boss: PgBoss): QueueDelivery {
  return async (trx, job) => {
    const executeSql = async (text: string, values: unknown[]) => {
      const result = await trx.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows as never[] };
    };
    await boss.send(WEBHOOK_DELIVERY_QUEUE, job, { db: { executeSql } });
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

/**
 * Queues one delivery per (undispatched event, active endpoint subscribed to its type) and marks the
 * events dispatched, in one transaction; `skip locked` lets two dispatchers run without doubling.
 */
export async function dispatchPendingEvents(
  db: Kysely<Database>,
  queue: QueueDelivery,
): Promise<{ eventsDispatched: number; deliveriesQueued: number }> {
  return db.transaction().execute(async (trx) => {
    const events = await trx
      .selectFrom('webhook_events')
      .select(['id', 'type'])
      .where('dispatched_at', 'is', null)
      .orderBy('occurred_at')
      .limit(DISPATCH_BATCH)
      .forUpdate()
      .skipLocked()
      .execute();
    if (events.length === 0) return { eventsDispatched: 0, deliveriesQueued: 0 };
    const endpoints = await trx
      .selectFrom('webhook_endpoints')
      .select(['id', 'event_types'])
      .where('active', '=', true)
      .execute();
    let deliveriesQueued = 0;
    for (const event of events) {
      for (const endpoint of endpoints) {
        if (!endpoint.event_types.includes(event.type)) continue;
        await queue(trx, { eventId: event.id, endpointId: endpoint.id });
        deliveriesQueued += 1;
      }
    }
    await trx
      .updateTable('webhook_events')
      .set({ dispatched_at: sql<Date>`now()` })
      .where(
        'id',
        'in',
        events.map((event) => event.id),
      )
      .execute();
    return { eventsDispatched: events.length, deliveriesQueued };
  });
}

/**
 * One delivery attempt (`attempt` counts from 1): POSTs the signed event, logs the attempt, and throws
 * when it failed so the job queue retries it. An event or endpoint that no longer exists is skipped.
 */
export async function deliverWebhook(
  deps: { db: Kysely<Database>; clock: Clock; fetch?: typeof fetch },
  job: DeliveryJob,
  attempt: number,
): Promise<DeliveryOutcome | null> {
  const { db, clock } = deps;
  const [event, endpoint] = await Promise.all([
    db.selectFrom('webhook_events').selectAll().where('id', '=', job.eventId).executeTakeFirst(),
    db.selectFrom('webhook_endpoints').selectAll().where('id', '=', job.endpointId).executeTakeFirst(),
  ]);
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
    const response = await (deps.fetch ?? fetch)(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signature,
        'Coverwise-Event-Id': event.id,
        'Coverwise-Event-Type': event.type,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await response.body?.cancel();
    const succeeded = response.status >= 200 && response.status < 300;
    outcome = {
      succeeded,
      statusCode: response.status,
      error: succeeded ? null : `the receiver answered ${response.status}`,
    };
  } catch (error) {
    outcome = { succeeded: false, statusCode: null, error: (error as Error).message.slice(0, 500) };
  }
  await db
    .insertInto('webhook_deliveries')
    .values({
      endpoint_id: endpoint.id,
      event_id: event.id,
      attempt,
      status_code: outcome.statusCode,
      succeeded: outcome.succeeded,
      duration_ms: Math.round(performance.now() - startedMs),
      error: outcome.error,
      attempted_at: started,
    })
    .execute();
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
export async function startWebhookWorker(
  boss: PgBoss,
  deps: { db: Kysely<Database>; clock: Clock },
): Promise<void> {
  await boss.work<DeliveryJob>(
    WEBHOOK_DELIVERY_QUEUE,
    { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 2 },
    async (jobs) => {
      for (const job of jobs) await deliverWebhook(deps, job.data, job.retryCount + 1);
    },
  );
}
