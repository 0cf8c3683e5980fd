import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { Nullable, Page, problemResponses, Uuid } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { actorOf } from '../shared/principal.js';
import {
  ContractBodySchema,
  ContractSchema,
  CoverageBlockSchema,
  CoverageLookupSchema,
} from './contract.schemas.js';
import type { ContractsService } from './contracts.service.js';

const STAFF = ['admin', 'adjuster', 'reviewer'] as const;

export function registerContractRoutes(
  app: TypedApp,
  deps: { contracts: ContractsService; db: Kysely<Database>; clock: Clock },
): void {
  const { contracts } = deps;
  app.addSchema(CoverageBlockSchema);
  app.addSchema(ContractSchema);

  app.post(
    '/api/v1/contracts',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'createContract',
        description:
          'Staff only. Registers a contract under the current catalog version and posts its premium to the ledger in the same transaction. Accepts an Idempotency-Key; 422 with the field in `param` on bad input.',
        tags: ['Contracts'],
        summary: 'Register a contract sold under the current catalog version',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: ContractBodySchema,
        response: { 201: Type.Ref('Contract'), ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 201, (run) =>
        contracts.create(run, request.body, actorOf(request.principal), request.id),
      );
    },
  );

  app.get(
    '/api/v1/contracts/:id',
    {
      config: { access: [...STAFF, 'holder', 'dealer', 'dealer_user'] },
      schema: {
        operationId: 'getContract',
        description:
          'Staff read any contract; a holder or dealer reads only its own (404 otherwise). Coverage is computed as of today.',
        tags: ['Contracts'],
        summary: 'A contract with its coverage as it applies today (a holder or dealer reads only its own)',
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Ref('Contract'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => contracts.get(request.params.id, request.principal!),
  );

  app.get(
    '/api/v1/contracts',
    {
      config: { access: STAFF },
      schema: {
        operationId: 'listContracts',
        tags: ['Contracts'],
        summary: 'Find contracts by VIN, contract number or last name (prefix)',
        description:
          'At least one of `vin`, `contractNumber` or `lastName` is required (each is optional on its own): ' +
          'without any of them the answer is 400 `validation_failed` with `param` = `vin`. This is a search, ' +
          'not a listing of the whole registry.',
        querystring: Type.Object({
          vin: Type.Optional(Type.String({ maxLength: 40 })),
          contractNumber: Type.Optional(Type.String({ maxLength: 40 })),
          lastName: Type.Optional(Type.String({ maxLength: 100 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
          startingAfter: Type.Optional(Uuid),
        }),
        response: { 200: Page(Type.Ref('Contract')), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) =>
      contracts.search(request.query, {
        limit: request.query.limit ?? 20,
        startingAfter: request.query.startingAfter,
      }),
  );

  app.get(
    '/api/v1/contracts/:id/audit',
    {
      config: { access: STAFF },
      schema: {
        operationId: 'getContractAuditTrail',
        description: 'Staff only. Every audit row about the contract (who, when, what, why), oldest first.',
        tags: ['Contracts'],
        summary: "The contract's audit trail, oldest first",
        params: Type.Object({ id: Uuid }),
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 100 })),
          startingAfter: Type.Optional(
            Type.Integer({ minimum: 0, description: 'The id of the last event of the previous page' }),
          ),
        }),
        response: {
          200: Page(
            Type.Object({
              id: Type.Integer(),
              occurredAt: Type.String(),
              actor: Type.Object({
                kind: Type.String(),
                id: Nullable(Type.String()),
                label: Type.String(),
              }),
              action: Type.String(),
              entityType: Type.String(),
              entityId: Type.String(),
              reason: Nullable(Type.String()),
              data: Nullable(Type.Record(Type.String(), Type.Unknown())),
              requestId: Nullable(Type.String()),
            }),
          ),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) =>
      contracts.auditTrail(request.params.id, {
        limit: request.query.limit ?? 100,
        ...(request.query.startingAfter === undefined ? {} : { startingAfter: request.query.startingAfter }),
      }),
  );

  app.get(
    '/api/v1/coverage',
    {
      config: { access: ['repair_facility', ...STAFF] },
      schema: {
        operationId: 'lookupCoverage',
        description:
          'For repair facilities and staff. Finds coverage by VIN and the current odometer; returns no personal data. 404 when no contract covers the vehicle.',
        tags: ['Contracts'],
        summary: 'Coverage by VIN and current odometer, for repair facilities (no personal data)',
        querystring: Type.Object({
          vin: Type.String({ minLength: 1, maxLength: 40 }),
          odometer: Type.Integer({ minimum: 0, maximum: 2_000_000 }),
        }),
        response: { 200: CoverageLookupSchema, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => contracts.coverageByVin(request.query.vin, request.query.odometer),
  );
}
