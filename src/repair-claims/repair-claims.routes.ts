import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { Page, problemResponses, StringEnum, Uuid } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import {
  AuthorizationAnswerSchema,
  AuthorizationBodySchema,
  PaymentBodySchema,
  REPAIR_CLAIM_STATUSES,
  RepairClaimBodySchema,
  RepairClaimSchema,
} from './repair-claim.schemas.js';
import type { RepairClaimsService } from './repair-claims.service.js';

const STAFF = ['admin', 'adjuster', 'reviewer'] as const;
const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String()) });

const LedgerEntrySchema = Type.Object({
  id: Type.String(),
  occurredAt: Type.String(),
  kind: Type.String(),
  direction: Type.String(),
  amountCents: Type.Integer(),
  payee: Type.Object({ kind: Type.String(), name: Type.String() }),
  method: Type.Union([Type.String(), Type.Null()]),
  reference: Type.Union([Type.String(), Type.Null()]),
});

export function registerRepairClaimRoutes(
  app: TypedApp,
  deps: { repairClaims: RepairClaimsService; db: Kysely<Database>; clock: Clock },
): void {
  const { repairClaims } = deps;
  app.addSchema(RepairClaimSchema);

  app.post(
    '/api/v1/repair-claims',
    {
      config: { access: ['repair_facility', 'admin', 'adjuster'] },
      schema: {
        tags: ['Repair claims'],
        summary: 'Submit an estimate; each line comes back eligible or not, with a reason code',
        headers: IdempotencyHeaders,
        body: RepairClaimBodySchema,
        response: { 201: Type.Ref('RepairClaim'), ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 201, (run) =>
        repairClaims.submit(run, request.body, request.principal!, request.id),
      );
    },
  );

  app.get(
    '/api/v1/repair-claims',
    {
      config: { access: ['repair_facility', ...STAFF] },
      schema: {
        tags: ['Repair claims'],
        summary: 'Repair claims oldest first (the adjuster queue with status=submitted); a shop sees its own',
        querystring: Type.Object({
          status: Type.Optional(StringEnum(REPAIR_CLAIM_STATUSES)),
          contractId: Type.Optional(Uuid),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
          startingAfter: Type.Optional(Uuid),
        }),
        response: { 200: Page(Type.Ref('RepairClaim')), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) =>
      repairClaims.list(
        request.principal!,
        { status: request.query.status, contractId: request.query.contractId },
        { limit: request.query.limit ?? 20, startingAfter: request.query.startingAfter },
      ),
  );

  app.get(
    '/api/v1/repair-claims/:id',
    {
      config: { access: ['repair_facility', ...STAFF, 'holder'] },
      schema: {
        tags: ['Repair claims'],
        summary: 'A repair claim with its lines, decisions and status',
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Ref('RepairClaim'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => repairClaims.get(request.params.id, request.principal!),
  );

  app.post(
    '/api/v1/repair-claims/:id/authorization',
    {
      config: { access: ['adjuster'] },
      schema: {
        tags: ['Repair claims'],
        summary: 'Approve or deny each line (an authorization number when one is approved), or ask the shop',
        headers: IdempotencyHeaders,
        params: Type.Object({ id: Uuid }),
        body: AuthorizationBodySchema,
        response: { 200: AuthorizationAnswerSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        repairClaims.authorize(run, request.params.id, request.body, request.principal!, request.id),
      );
    },
  );

  app.post(
    '/api/v1/repair-claims/:id/inspection',
    {
      config: { access: ['adjuster'] },
      schema: {
        tags: ['Repair claims'],
        summary: 'Record the inspection an estimate above the catalog threshold needs before approval',
        headers: IdempotencyHeaders,
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          { notes: Type.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('RepairClaim'), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        repairClaims.recordInspection(run, request.params.id, request.body, request.principal!, request.id),
      );
    },
  );

  app.post(
    '/api/v1/repair-claims/:id/information',
    {
      config: { access: ['repair_facility', 'admin', 'adjuster'] },
      schema: {
        tags: ['Repair claims'],
        summary: "The shop's answer to an adjuster's question; the claim returns to the queue",
        headers: IdempotencyHeaders,
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          { message: Type.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('RepairClaim'), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        repairClaims.respond(run, request.params.id, request.body, request.principal!, request.id),
      );
    },
  );

  app.post(
    '/api/v1/repair-claims/:id/payment',
    {
      config: { access: ['adjuster', 'admin'] },
      schema: {
        tags: ['Repair claims'],
        summary: 'Pay the shop the payable amount (card or check): a ledger entry; the claim closes',
        headers: IdempotencyHeaders,
        params: Type.Object({ id: Uuid }),
        body: PaymentBodySchema,
        response: {
          200: Type.Object({
            claim: Type.Ref('RepairClaim'),
            ledgerEntry: Type.Union([LedgerEntrySchema, Type.Null()]),
          }),
          ...problemResponses(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        repairClaims.pay(run, request.params.id, request.body, request.principal!, request.id),
      );
    },
  );
}
