// Admin configuration of webhook endpoints and their delivery log.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { problemResponses, StringEnum, Uuid } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { AppError } from '../shared/errors.js';
import { actorOf } from '../shared/principal.js';
import {
  type ResolveAll,
  resolveWithSystem,
  type WebhookAllowList,
  webhookTargetRefusal,
} from './webhook-address.js';
import { WEBHOOK_EVENT_TYPES } from './webhook-events.js';

const MAX_ENDPOINTS_LISTED = 100;
const MAX_DELIVERIES_LISTED = 100;

const EndpointSchema = Type.Object({
  id: Uuid,
  url: Type.String(),
  eventTypes: Type.Array(Type.String()),
  description: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

const DeliverySchema = Type.Object({
  id: Uuid,
  eventId: Uuid,
  eventType: Type.String(),
  attempt: Type.Integer({ description: '1 for the first try, 2 for the first retry, …' }),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  succeeded: Type.Boolean(),
  durationMs: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  attemptedAt: Type.String({ format: 'date-time' }),
});

function endpointView(row: {
  id: string;
  url: string;
  event_types: string[];
  description: string | null;
  active: boolean;
  created_at: Date;
}) {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    description: row.description,
    active: row.active,
    createdAt: row.created_at.toISOString(),
  };
}

async function checkUrl(raw: string, allow: WebhookAllowList, resolve: ResolveAll): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('validation_failed', 'The webhook URL must be an absolute http(s) URL.', {
      param: 'url',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new AppError('validation_failed', 'The webhook URL must start with https:// or http://.', {
      param: 'url',
    });
  if (url.username || url.password)
    throw new AppError('validation_failed', 'The webhook URL must not carry a user name or password.', {
      param: 'url',
    });
  // Only public addresses (after DNS) unless allowed by name or range: not the app's own network.
  const refusal = await webhookTargetRefusal(url, allow, resolve);
  if (refusal)
    throw new AppError('validation_failed', `The webhook URL is refused: ${refusal}.`, { param: 'url' });
  return url.toString();
}

export function registerWebhookRoutes(
  app: TypedApp,
  deps: {
    db: Kysely<Database>;
    clock: Clock;
    allowList: WebhookAllowList;
    /** How host names are resolved (the system resolver; tests give their own). */
    resolve?: ResolveAll;
  },
): void {
  app.post(
    '/api/v1/webhooks',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['Webhooks'],
        summary: 'Adds an endpoint that receives signed events (Coverwise-Signature: t=…,v1=HMAC-SHA256)',
        description:
          'The URL must resolve to public addresses only: loopback, private, link-local (metadata), ' +
          'carrier-grade NAT, IPv6 unique-local and similar addresses answer 400 validation_failed on ' +
          '`url`, unless COVERWISE_WEBHOOK_ALLOW_HOSTS names them. Deliveries check the address again ' +
          'when they connect and never follow redirects.',
        body: Type.Object(
          {
            url: Type.String({ maxLength: 2000 }),
            secret: Type.String({
              minLength: 16,
              maxLength: 200,
              description: 'Shared secret that signs every delivery; never returned',
            }),
            eventTypes: Type.Array(StringEnum(WEBHOOK_EVENT_TYPES), { minItems: 1, uniqueItems: true }),
            description: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: EndpointSchema, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const url = await checkUrl(request.body.url, deps.allowList, deps.resolve ?? resolveWithSystem);
      const actor = actorOf(request.principal);
      // TODO(issue 18): the endpoint's SQL and audit row move to a webhooks service.
      return sendIdempotent(deps, request, reply, 201, (run) =>
        run(async (trx) => {
          const row = await trx
            .insertInto('webhook_endpoints')
            .values({
              url,
              secret: request.body.secret,
              event_types: [...request.body.eventTypes],
              description: request.body.description ?? null,
              created_by: actor.label,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          await recordAudit(trx, {
            actor,
            action: 'webhook_endpoint.created',
            entityType: 'webhook_endpoint',
            entityId: row.id,
            data: { url, eventTypes: row.event_types },
            requestId: request.id,
          });
          return endpointView(row);
        }),
      );
    },
  );

  app.get(
    '/api/v1/webhooks',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['Webhooks'],
        summary: 'The configured webhook endpoints, newest first',
        response: { 200: Type.Object({ data: Type.Array(EndpointSchema) }), ...problemResponses(401, 403) },
      },
    },
    async () => {
      const rows = await deps.db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(MAX_ENDPOINTS_LISTED)
        .execute();
      return { data: rows.map(endpointView) };
    },
  );

  app.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['Webhooks'],
        summary: "An endpoint's delivery attempts, newest first (status code, attempt, duration, error)",
        params: Type.Object({ id: Uuid }),
        response: {
          200: Type.Object({ data: Type.Array(DeliverySchema) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const endpoint = await deps.db
        .selectFrom('webhook_endpoints')
        .select('id')
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!endpoint) throw new AppError('not_found', 'No webhook endpoint has this id.', { param: 'id' });
      const rows = await deps.db
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
        .where('d.endpoint_id', '=', endpoint.id)
        .orderBy('d.attempted_at', 'desc')
        .orderBy('d.attempt', 'desc')
        .limit(MAX_DELIVERIES_LISTED)
        .execute();
      return {
        data: rows.map((row) => ({
          id: row.id,
          eventId: row.event_id,
          eventType: row.type,
          attempt: row.attempt,
          statusCode: row.status_code,
          succeeded: row.succeeded,
          durationMs: row.duration_ms,
          error: row.error,
          attemptedAt: row.attempted_at.toISOString(),
        })),
      };
    },
  );
}
