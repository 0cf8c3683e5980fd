import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { Nullable, problemResponses, StringEnum } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { actorOf } from '../shared/principal.js';
import { MAX_LABOR_RATE_CENTS } from './labor-rate.js';
import type { RepairFacilitiesService } from './repair-facilities.service.js';

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

const RepairFacilitySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    address: Type.Object({
      line1: Type.String(),
      city: Type.String(),
      region: Type.String(),
      postalCode: Type.String(),
      country: StringEnum(['US', 'CA'] as const),
    }),
    phone: Nullable(Type.String()),
    laborRateCents: Type.Integer(),
    dealerCode: Nullable(Type.String()),
  },
  { $id: 'RepairFacility' },
);

export function registerRepairFacilityRoutes(
  app: TypedApp,
  deps: { repairFacilities: RepairFacilitiesService; db: Kysely<Database>; clock: Clock },
): void {
  app.addSchema(RepairFacilitySchema);

  app.get(
    '/api/v1/repair-facilities',
    {
      config: { access: ['admin', 'adjuster', 'reviewer', 'repair_facility'] },
      schema: {
        operationId: 'listRepairFacilities',
        description: 'Staff see every facility; a repair-facility user sees only its own.',
        tags: ['Repair claims'],
        summary: 'Repair facilities (a shop user sees its own)',
        response: {
          200: Type.Object({ data: Type.Array(Type.Ref('RepairFacility')), hasMore: Type.Boolean() }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => deps.repairFacilities.list(request.principal!),
  );

  app.post(
    '/api/v1/repair-facilities',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'createRepairFacility',
        description:
          'Staff only. Registers a licensed repair facility in the U.S. or Canada; 422 with `param` on bad input. Writes an audit row.',
        tags: ['Repair claims'],
        summary: 'Register a repair facility (a licensed shop in the U.S. or Canada)',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: Type.Object(
          {
            name: Text(200),
            address: Type.Object(
              {
                line1: Text(200),
                city: Text(100),
                region: Type.String({ minLength: 2, maxLength: 2 }),
                postalCode: Text(10),
                country: StringEnum(['US', 'CA'] as const),
              },
              { additionalProperties: false },
            ),
            phone: Type.Optional(Text(40)),
            laborRateCents: Type.Integer({ minimum: 0, maximum: MAX_LABOR_RATE_CENTS }),
            dealerCode: Type.Optional(Text(40)),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('RepairFacility'), ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) =>
      sendIdempotent(deps, request, reply, 201, (run) =>
        deps.repairFacilities.create(run, request.body, actorOf(request.principal), request.id),
      ),
  );
}
