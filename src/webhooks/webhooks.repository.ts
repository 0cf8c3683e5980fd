// SQL of the webhook concept: endpoints, the event outbox and the delivery log.
import { type Kysely, type Selectable, sql } from 'kysely';
import { insertJsonRows } from '../platform/db/json-rows.repository.js';
import type { Database, WebhookEndpointsTable } from '../platform/db/schema.js';

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;

export function insertEndpoint(
  db: Kysely<Database>,
  values: {
    url: string;
    secret: string;
    eventTypes: string[];
    description: string | null;
    createdBy: string;
  },
): Promise<WebhookEndpointRow> {
  return db
    .insertInto('webhook_endpoints')
    .values({
      url: values.url,
      secret: values.secret,
      event_types: values.eventTypes,
      description: values.description,
      created_by: values.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listEndpointRows(db: Kysely<Database>, limit: number): Promise<WebhookEndpointRow[]> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export function findEndpoint(db: Kysely<Database>, id: string): Promise<WebhookEndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The active endpoints and the event types each subscribes to. */
export function listActiveSubscriptions(
  db: Kysely<Database>,
): Promise<{ id: string; event_types: string[] }[]> {
  return db
    .selectFrom('webhook_endpoints')
    .select(['id', 'event_types'])
    .where('active', '=', true)
    .execute();
}

/** An endpoint's delivery attempts with their event type, newest first. */
export function listDeliveryRows(db: Kysely<Database>, endpointId: string, limit: number) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .select([
      'd.id',
      'd.event_id',
      'e.type',
      'd.attempt',
      'd.status_code',
      'd.succeeded',
      'd.duration_ms',
      'd.error',
      'd.attempted_at',
    ])
    .where('d.endpoint_id', '=', endpointId)
    .orderBy('d.attempted_at', 'desc')
    .orderBy('d.attempt', 'desc')
    .limit(limit)
    .execute();
}

/** Records an event in the outbox through `trx` (the change's transaction); answers its id. */
export async function insertEvent(
  trx: Kysely<Database>,
  type: string,
  data: Record<string, unknown>,
): Promise<string> {
  const row = await trx
    .insertInto('webhook_events')
    .values({ type, data: JSON.stringify(data) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Records many events of one type with one insert. */
export async function insertEvents(
  trx: Kysely<Database>,
  type: string,
  data: readonly Record<string, unknown>[],
): Promise<void> {
  await insertJsonRows(
    trx,
    'webhook_events',
    data.map((item) => ({ type, data: item })),
  );
}

export function findEvent(db: Kysely<Database>, id: string) {
  return db.selectFrom('webhook_events').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks up to `limit` undispatched events, oldest first; `skip locked` lets two dispatchers run. */
export function lockUndispatchedEvents(trx: Kysely<Database>, limit: number) {
  return trx
    .selectFrom('webhook_events')
    .select(['id', 'type'])
    .where('dispatched_at', 'is', null)
    .orderBy('occurred_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markEventsDispatched(trx: Kysely<Database>, ids: readonly string[]): Promise<void> {
  await trx
    .updateTable('webhook_events')
    .set({ dispatched_at: sql<Date>`now()` })
    .where('id', 'in', [...ids])
    .execute();
}

export async function insertDelivery(
  db: Kysely<Database>,
  values: {
    endpointId: string;
    eventId: string;
    attempt: number;
    statusCode: number | null;
    succeeded: boolean;
    durationMs: number;
    error: string | null;
    attemptedAt: Date;
  },
): Promise<void> {
  await db
    .insertInto('webhook_deliveries')
    .values({
      endpoint_id: values.endpointId,
      event_id: values.eventId,
      attempt: values.attempt,
      status_code: values.statusCode,
      succeeded: values.succeeded,
      duration_ms: values.durationMs,
      error: values.error,
      attempted_at: values.attemptedAt,
    })
    .execute();
}
