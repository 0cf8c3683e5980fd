import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { Page, problemResponses, StringEnum, Uuid } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import {
  ROADSIDE_STATUSES,
  RoadsideBodySchema,
  RoadsideRequestSchema,
  RoadsideStatusBodySchema,
} from './roadside.schemas.js';
import type { RoadsideService } from './roadside.service.js';

const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String()) });

export function registerRoadsideRoutes(
  app: TypedApp,
  deps: { roadside: RoadsideService; db: Kysely<Database>; clock: Clock },
): void {
  const { roadside } = deps;

  app.post(
    '/api/v1/roadside-requests',
    {
      config: { access: ['holder', 'admin', 'adjuster'] },
      schema: {
        tags: ['Benefits'],
        summary: 'Ask for roadside help: tow, jump start, flat tire, lockout or fuel delivery',
        headers: IdempotencyHeaders,
        body: RoadsideBodySchema,
        response: { 201: RoadsideRequestSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 201, (run) =>
        roadside.request(run, request.body, request.principal!, request.id),
      );
    },
  );

  app.get(
    '/api/v1/roadside-requests',
    {
      config: { access: ['holder', 'admin', 'adjuster', 'reviewer'] },
      schema: {
        tags: ['Benefits'],
        summary: 'Roadside requests oldest first; a holder names one of their contracts',
        querystring: Type.Object({
          status: Type.Optional(StringEnum(ROADSIDE_STATUSES)),
          contractId: Type.Optional(Uuid),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
          startingAfter: Type.Optional(Uuid),
        }),
        response: { 200: Page(RoadsideRequestSchema), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      roadside.list(
        request.principal!,
        { status: request.query.status, contractId: request.query.contractId },
        { limit: request.query.limit ?? 20, startingAfter: request.query.startingAfter },
      ),
  );

  app.get(
    '/api/v1/roadside-requests/:id',
    {
      config: { access: ['holder', 'admin', 'adjuster', 'reviewer'] },
      schema: {
        tags: ['Benefits'],
        summary: 'A roadside request and its status',
        params: Type.Object({ id: Uuid }),
        response: { 200: RoadsideRequestSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => roadside.get(request.params.id, request.principal!),
  );

  app.post(
    '/api/v1/roadside-requests/:id/status',
    {
      config: { access: ['holder', 'admin', 'adjuster'] },
      schema: {
        tags: ['Benefits'],
        summary:
          'Move a request: staff dispatch, complete or cancel it; a holder may cancel it before dispatch',
        headers: IdempotencyHeaders,
        params: Type.Object({ id: Uuid }),
        body: RoadsideStatusBodySchema,
        response: { 200: RoadsideRequestSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        roadside.move(run, request.params.id, request.body, request.principal!, request.id),
      );
    },
  );
}
