import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { idempotentRequestOf, runIdempotent, sendResult } from '../platform/http/idempotency.js';
import { problemResponses, StringEnum } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { MAX_LABOR_RATE_CENTS } from '../repair-claims/repair-claim.schemas.js';
import { actorOf } from '../shared/principal.js';
import {
  findRepairFacility,
  insertRepairFacility,
  listRepairFacilities,
  toRepairFacility,
} from './repair-facility.repository.js';

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
    phone: Type.Union([Type.String(), Type.Null()]),
    laborRateCents: Type.Integer(),
    dealerCode: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'RepairFacility' },
);

export function registerRepairFacilityRoutes(
  app: TypedApp,
  deps: { db: Kysely<Database>; clock: Clock },
): void {
  const { db, clock } = deps;
  app.addSchema(RepairFacilitySchema);

  app.get(
    '/api/v1/repair-facilities',
    {
      config: { access: ['admin', 'adjuster', 'reviewer', 'repair_facility'] },
      schema: {
        tags: ['Repair claims'],
        summary: 'Repair facilities (a shop user sees its own)',
        response: {
          200: Type.Object({ data: Type.Array(Type.Ref('RepairFacility')), hasMore: Type.Boolean() }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => {
      const principal = request.principal!;
      if (principal.kind === 'user' && principal.role === 'repair_facility') {
        const own = principal.facilityId ? await findRepairFacility(db, principal.facilityId) : undefined;
        return { data: own ? [toRepairFacility(own)] : [], hasMore: false };
      }
      const rows = await listRepairFacilities(db, 101);
      return { data: rows.slice(0, 100).map(toRepairFacility), hasMore: rows.length > 100 };
    },
  );

  app.post(
    '/api/v1/repair-facilities',
    {
      config: { access: ['admin'] },
      schema: {
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
    async (request, reply) => {
      const body = request.body;
      const result = await runIdempotent(db, idempotentRequestOf(request), clock.now(), async (trx) => {
        const row = await insertRepairFacility(trx, {
          name: body.name,
          address_line1: body.address.line1,
          city: body.address.city,
          region: body.address.region.toUpperCase(),
          postal_code: body.address.postalCode,
          country: body.address.country,
          phone: body.phone ?? null,
          labor_rate_cents: body.laborRateCents,
          dealer_code: body.dealerCode ?? null,
        });
        await recordAudit(trx, {
          actor: actorOf(request.principal),
          action: 'repair_facility.created',
          entityType: 'repair_facility',
          entityId: row.id,
          data: { name: row.name, dealerCode: row.dealer_code },
          requestId: request.id,
        });
        return { status: 201, body: toRepairFacility(row) };
      });
      return sendResult(reply, result);
    },
  );
}
