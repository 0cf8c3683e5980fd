import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { ROLES } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { Nullable, Page, PageQuery, problemResponses, StringEnum, Uuid } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { actorOf } from '../shared/principal.js';
import type { UsersService } from './users.service.js';

const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    displayName: Type.String(),
    role: StringEnum(ROLES),
    disabled: Type.Boolean(),
    approvalLimitCents: Nullable(Type.Integer({ minimum: 0 }), {
      description: 'The largest GAP benefit the user pays alone; null → COVERWISE_APPROVAL_LIMIT_CENTS',
    }),
    dealerId: Nullable(Type.String(), { description: 'The dealer of a dealer_user' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'User' },
);

export function registerUserRoutes(
  app: TypedApp,
  deps: { users: UsersService; db: Kysely<Database>; clock: Clock },
): void {
  app.addSchema(UserSchema);

  app.post(
    '/api/v1/users',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'createUser',
        description:
          'Administrators only. Creates a user with a role; 409 when the e-mail is already taken. Writes an audit row.',
        tags: ['Users'],
        summary: 'Create a staff, repair-facility or dealer user',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: Type.Object(
          {
            email: Type.String({ format: 'email', maxLength: 254 }),
            password: Type.String({ maxLength: 200 }),
            role: StringEnum(ROLES),
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
            dealerId: Type.Optional(
              Type.String({ format: 'uuid', description: 'Required for (and only for) a dealer_user' }),
            ),
            lienholderName: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 200,
                description: 'Required for (and only for) a lender: the lienholder its loans name',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('User'), ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 201, (run) =>
        deps.users.createUser(run, request.body, actorOf(request.principal), request.id),
      );
    },
  );

  app.put(
    '/api/v1/users/:id/approval-limit',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'setUserApprovalLimit',
        description:
          "Administrators only. Sets or clears (null) the user's GAP approval limit in cents; above it a second approver is needed. Writes an audit row.",
        tags: ['Users'],
        summary: "Set the largest GAP benefit a user may pay without a second approver (null: the setting's)",
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            approvalLimitCents: Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('User'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        deps.users.setApprovalLimit(
          run,
          request.params.id,
          request.body.approvalLimitCents,
          actorOf(request.principal),
          request.id,
        ),
      );
    },
  );

  app.get(
    '/api/v1/users',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'listUsers',
        description:
          'Administrators only. Lists user accounts with their roles; never returns password hashes or secrets.',
        tags: ['Users'],
        summary: 'List users',
        querystring: Type.Object(PageQuery),
        response: { 200: Page(Type.Ref('User')), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) =>
      deps.users.listUsers({ limit: request.query.limit ?? 20, startingAfter: request.query.startingAfter }),
  );
}
