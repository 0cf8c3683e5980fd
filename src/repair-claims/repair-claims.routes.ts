import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { Nullable, Page, problemResponses, StringEnum, Uuid } from '../platform/http/schemas.js';
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
  method: Nullable(Type.String()),
  reference: Nullable(Type.String()),
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
        operationId: 'createRepairClaim',
        description:
          'Repair facilities. Submits an estimate on a covered contract; each line is checked against the coverage and comes back eligible or not with a reason code. Accepts an Idempotency-Key.',
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
        operationId: 'listRepairClaims',
        description:
          'Adjusters see every claim (status=submitted gives the queue); a repair facility sees its own. Oldest first.',
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
        operationId: 'getRepairClaim',
        description: 'Adjusters, or the repair facility for its own claim (404 otherwise).',
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
        operationId: 'authorizeRepairClaim',
        description:
          "Adjusters. Approves or denies each line or asks the shop a question; approval above the adjuster's limit or without a needed inspection answers 409/422. Writes an audit row.",
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
        operationId: 'requestRepairClaimInspection',
        description:
          'Adjusters. Records the inspection result an estimate above the catalog threshold needs before it can be approved. Writes an audit row.',
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
        operationId: 'requestRepairClaimInformation',
        description:
          "The repair facility that owns the claim. Answers the adjuster's question and returns the claim to the queue; 409 when no question is open.",
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
    '/api/v1/repair-claims/:id/odometer-correction',
    {
      config: { access: ['adjuster', 'admin'] },
      schema: {
        operationId: 'correctRepairClaimOdometer',
        description:
          "Adjusters and administrators. Corrects the odometer reading a claim was submitted with (a shop's typo), with the reason (what shows the right reading). The reading counts for later records on the contract: a cancellation or transfer may not go below it. A claim still waiting for its decision is assessed again with the corrected reading (coverage by miles, each line's eligibility); a decided claim keeps its decision. Below the reading at sale → 422 `odometer_below_sale`. Writes an audit row (`repair_claim.odometer_corrected`, both readings). Accepts an Idempotency-Key.",
        tags: ['Repair claims'],
        summary: "Correct the claim's odometer reading (a typo), with the reason",
        headers: IdempotencyHeaders,
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            odometer: Type.Integer({
              minimum: 0,
              maximum: 2_000_000,
              description: 'The right reading, in miles',
            }),
            reason: Type.String({
              minLength: 1,
              maxLength: 2000,
              description: 'What shows the right reading, e.g. "photo of the dashboard: 21,340"',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('RepairClaim'), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        repairClaims.correctOdometer(run, request.params.id, request.body, request.principal!, request.id),
      );
    },
  );

  app.post(
    '/api/v1/repair-claims/:id/payment',
    {
      config: { access: ['adjuster', 'admin'] },
      schema: {
        operationId: 'payRepairClaim',
        description:
          'Accounting staff. Pays the approved amount by card or check, posts the ledger entry and closes the claim; 409 when the claim is not approved. Accepts an Idempotency-Key.',
        tags: ['Repair claims'],
        summary: 'Pay the shop the payable amount (card or check): a ledger entry; the claim closes',
        headers: IdempotencyHeaders,
        params: Type.Object({ id: Uuid }),
        body: PaymentBodySchema,
        response: {
          200: Type.Object({
            claim: Type.Ref('RepairClaim'),
            ledgerEntry: Nullable(LedgerEntrySchema),
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
