// Dealers and their API keys (docs/api.md "Dealer channel"): administrators manage them; a dealer
// key or dealer user may read its own dealer record.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { NonBlankText, Nullable, Page, PageQuery, problemResponses, Uuid } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { AppError } from '../shared/errors.js';
import { actorOf, dealerIdOf } from '../shared/principal.js';
import type { DealersService } from './dealers.service.js';

const Optional = (maxLength: number) => Type.Optional(Type.String({ minLength: 1, maxLength }));

export const DealerSchema = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    name: Type.String(),
    state: Type.String(),
    contact: Type.Object({
      name: Nullable(Type.String()),
      email: Nullable(Type.String()),
      phone: Nullable(Type.String()),
    }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Dealer' },
);

const ApiKeyFields = {
  id: Type.String(),
  prefix: Type.String({ description: 'The first characters of the key, to tell keys apart' }),
  label: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
  lastUsedAt: Nullable(Type.String({ format: 'date-time' }), {
    description: 'Last request made with the key (to the minute)',
  }),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
};
const ApiKeySchema = Type.Object(ApiKeyFields, { $id: 'DealerApiKey' });

export function registerDealerRoutes(
  app: TypedApp,
  deps: { dealers: DealersService; db: Kysely<Database>; clock: Clock },
): void {
  const { dealers } = deps;
  app.addSchema(DealerSchema);
  app.addSchema(ApiKeySchema);
  app.post(
    '/api/v1/dealers',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'createDealer',
        description:
          'Administrators only. Adds a dealer with a unique code (409 when taken). Writes an audit row.',
        tags: ['Dealers'],
        summary: 'Add a dealer',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: Type.Object(
          {
            code: NonBlankText(40),
            name: NonBlankText(200),
            state: Type.String({ minLength: 2, maxLength: 2 }),
            contact: Type.Optional(
              Type.Object(
                {
                  name: Optional(200),
                  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
                  phone: Optional(40),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Dealer'), ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) =>
      sendIdempotent(deps, request, reply, 201, (run) =>
        dealers.create(run, request.body, actorOf(request.principal), request.id),
      ),
  );

  app.get(
    '/api/v1/dealers',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'listDealers',
        description: 'Staff only. Dealers ordered by code.',
        tags: ['Dealers'],
        summary: 'List dealers by code',
        querystring: Type.Object(PageQuery),
        response: { 200: Page(Type.Ref('Dealer')), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) =>
      dealers.list({ limit: request.query.limit ?? 20, startingAfter: request.query.startingAfter }),
  );

  app.get(
    '/api/v1/dealers/:id',
    {
      config: { access: ['admin', 'dealer', 'dealer_user'] },
      schema: {
        operationId: 'getDealer',
        description:
          'Staff read any dealer; a dealer API key or dealer user reads only its own (404 otherwise).',
        tags: ['Dealers'],
        summary: 'A dealer (a dealer key or dealer user reads only its own)',
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Ref('Dealer'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const own = dealerIdOf(request.principal);
      if (own !== null && own !== request.params.id)
        throw new AppError('not_found', 'No dealer with that id.');
      return dealers.get(request.params.id);
    },
  );

  app.post(
    '/api/v1/dealers/:id/api-keys',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'createDealerApiKey',
        description:
          "Administrators only. Issues a key for the dealer's systems; the secret appears only in this answer and is stored hashed. Writes an audit row.",
        tags: ['Dealers'],
        summary: "Issue an API key for the dealer's systems (the key is shown once, in this answer)",
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          { label: NonBlankText(100, { description: 'Which system uses the key' }) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            ...ApiKeyFields,
            key: Type.String({ description: 'Shown once; keep it secret' }),
          }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) =>
      sendIdempotent(deps, request, reply, 201, (run) =>
        dealers.issueKey(run, request.params.id, request.body.label, actorOf(request.principal), request.id),
      ),
  );

  app.get(
    '/api/v1/dealers/:id/api-keys',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'listDealerApiKeys',
        description:
          'Administrators only. Key ids, labels and dates, newest first; the secrets are never returned.',
        tags: ['Dealers'],
        summary: "The dealer's API keys (never the keys themselves), newest first",
        params: Type.Object({ id: Uuid }),
        response: { 200: Page(Type.Ref('DealerApiKey')), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => dealers.listKeys(request.params.id),
  );

  app.post(
    '/api/v1/dealers/:id/api-keys/:keyId/revocation',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'revokeDealerApiKey',
        description:
          'Administrators only. Revokes the key at once on every process; revoking an already revoked key changes nothing. Writes an audit row.',
        tags: ['Dealers'],
        summary: 'Revoke an API key: from now on it answers 401 on every process',
        params: Type.Object({ id: Uuid, keyId: Uuid }),
        response: { 200: Type.Ref('DealerApiKey'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      sendIdempotent(deps, request, reply, 200, (run) =>
        dealers.revokeKey(
          run,
          request.params.id,
          request.params.keyId,
          actorOf(request.principal),
          request.id,
        ),
      ),
  );
}
