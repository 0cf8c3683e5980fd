// Admin configuration of webhook endpoints and their delivery log.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { Nullable, problemResponses, StringEnum, Uuid } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { actorOf } from '../shared/principal.js';
import type { ResolveAll, WebhookAllowList } from './webhook-address.js';
import { WEBHOOK_EVENT_TYPES } from './webhook-events.js';
import { createWebhooksService, type WebhooksService } from './webhooks.service.js';

const EndpointSchema = Type.Object({
  id: Uuid,
  url: Type.String(),
  eventTypes: Type.Array(Type.String()),
  description: Nullable(Type.String()),
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

const DeliverySchema = Type.Object({
  id: Uuid,
  eventId: Uuid,
  eventType: Type.String(),
  attempt: Type.Integer({ description: '1 for the first try, 2 for the first retry, …' }),
  statusCode: Nullable(Type.Integer()),
  succeeded: Type.Boolean(),
  durationMs: Type.Integer(),
  error: Nullable(Type.String()),
  attemptedAt: Type.String({ format: 'date-time' }),
});

export function registerWebhookRoutes(
  app: TypedApp,
  deps: {
    db: Kysely<Database>;
    clock: Clock;
    allowList: WebhookAllowList;
    /** How host names are resolved (the system resolver; tests give their own). */
    resolve?: ResolveAll;
    /** The use cases (built from db, allowList and resolve when not given). */
    webhooks?: WebhooksService;
  },
): void {
  const webhooks = deps.webhooks ?? createWebhooksService(deps);
  app.post(
    '/api/v1/webhooks',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'createWebhook',
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
      const url = await webhooks.checkUrl(request.body.url);
      const actor = actorOf(request.principal);
      return sendIdempotent(deps, request, reply, 201, (run) =>
        webhooks.addEndpoint(run, { ...request.body, url }, actor, request.id),
      );
    },
  );

  app.get(
    '/api/v1/webhooks',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'listWebhooks',
        description:
          'Administrators only. The endpoints with their event types; signing secrets are not returned.',
        tags: ['Webhooks'],
        summary: 'The configured webhook endpoints, newest first',
        response: { 200: Type.Object({ data: Type.Array(EndpointSchema) }), ...problemResponses(401, 403) },
      },
    },
    async () => ({ data: await webhooks.listEndpoints() }),
  );

  app.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'listWebhookDeliveries',
        description:
          'Administrators only. Delivery attempts for the endpoint, newest first, for troubleshooting.',
        tags: ['Webhooks'],
        summary: "An endpoint's delivery attempts, newest first (status code, attempt, duration, error)",
        params: Type.Object({ id: Uuid }),
        response: {
          200: Type.Object({ data: Type.Array(DeliverySchema) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => ({ data: await webhooks.listDeliveries(request.params.id) }),
  );
}
