// POST /api/v1/rates (docs/api.md "Dealer channel"): e-rating for dealers' F&I menus and staff.
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { Nullable, problemResponses, StringEnum } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { actorOf, dealerIdOf } from '../shared/principal.js';
import type { RatesService } from './rates.service.js';

const Money = (description: string) => Type.Integer({ minimum: 0, maximum: 100_000_000_00, description });

export const RateRequestSchema = Type.Object(
  {
    vin: Type.String({ minLength: 1, maxLength: 40 }),
    odometer: Type.Integer({ minimum: 0, maximum: 2_000_000, description: 'Miles at sale' }),
    saleDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Day of the sale (YYYY-MM-DD)' }),
    purchaseState: Type.String({ minLength: 2, maxLength: 2 }),
    vehicle: Type.Object(
      {
        year: Type.Integer({
          minimum: 1900,
          maximum: 2100,
          description: "Must match the VIN's 10th character",
        }),
        make: Type.String({ minLength: 1, maxLength: 60 }),
        model: Type.String({ minLength: 1, maxLength: 60 }),
        driveType: Type.Optional(StringEnum(['2wd', '4wd', 'awd'] as const)),
        fuel: Type.Optional(StringEnum(['gas', 'diesel', 'hybrid', 'electric'] as const)),
        turbo: Type.Optional(Type.Boolean({ description: 'Turbocharged or supercharged' })),
        commercialUse: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    loan: Type.Optional(
      Type.Object(
        {
          amountFinancedCents: Money('Amount financed'),
          msrpCents: Money('MSRP or retail book value'),
          termMonths: Type.Integer({
            minimum: 1,
            maximum: 240,
            description: 'Loan term; GAP is rated for it only',
          }),
        },
        { additionalProperties: false, description: 'The loan: GAP is rated from it' },
      ),
    ),
  },
  { additionalProperties: false },
);

const LineSchema = Type.Object({ label: Type.String(), amountCents: Type.Integer() });

export const RateAnswerSchema = Type.Object({
  catalogVersion: Type.Integer(),
  vehicleClass: Nullable(Type.String()),
  offers: Type.Array(
    Type.Object({
      rateId: Type.String({ description: 'Book the offer with this id (once, until expiresOn)' }),
      product: StringEnum(['vsc', 'gap'] as const),
      planCode: Type.String(),
      termMonths: Type.Integer(),
      termMiles: Nullable(Type.Integer()),
      deductibleCents: Type.Integer(),
      dealerCostCents: Type.Integer({ description: 'What the dealer remits: the sum of the lines' }),
      maxRetailCents: Type.Integer({ description: 'Most the dealer may charge the customer' }),
      expiresOn: Type.String(),
      lines: Type.Array(LineSchema),
    }),
  ),
  ineligible: Type.Array(
    Type.Object({
      planCode: Type.String(),
      reasonCode: StringEnum([
        'plan_not_rated',
        'vehicle_not_rated',
        'vehicle_too_old',
        'odometer_too_high',
        'commercial_use_not_rated',
        'loan_details_missing',
        'ltv_above_cap',
        'loan_term_not_rated',
      ] as const),
      detail: Type.String(),
    }),
  ),
});

export function registerRateRoutes(app: TypedApp, deps: { rates: RatesService }): void {
  app.post(
    '/api/v1/rates',
    {
      config: { access: ['dealer', 'dealer_user', 'admin', 'adjuster', 'reviewer'] },
      schema: {
        operationId: 'createRate',
        description:
          'Dealers and staff. Prices every offer for the vehicle under the current catalog; changes nothing, so it is safe to repeat. 422 with `param` when the vehicle is not eligible or input is bad.',
        tags: ['Dealer channel'],
        summary:
          'Rate a vehicle: every offer (plan × term × deductible, GAP for the loan term) with its priced lines',
        body: RateRequestSchema,
        response: { 200: RateAnswerSchema, ...problemResponses(400, 401, 403, 422, 429) },
      },
    },
    async (request, reply) => {
      // The answer (49 offers for a typical vehicle, ~17 KB of JSON) is serialized by this route's own
      // compiled 200 serializer, as Fastify would, but into bytes before its quote is written (the
      // service calls `encode` first): while the write is under way the call holds one buffer outside
      // V8's heap instead of its offers' objects, which every young-generation collection meanwhile
      // copied, and it is sent as those bytes (no second UTF-8 pass to count them, none to write them).
      // `npm run bench -- --only rating --rounds 5` on PostgreSQL (32 callers, 2 CPUs), two alternating
      // pairs of runs: ratio 0.45 and 0.46 before (median round 0.46), 0.52 and 0.48 after (0.52);
      // young-generation collection (--trace-gc) 52–54 µs a call before, 45–49 after.
      const serialize = reply.getSerializationFunction('200');
      if (!serialize) throw new Error('POST /api/v1/rates has no compiled 200 serializer');
      const body = await deps.rates.rate(
        request.body,
        dealerIdOf(request.principal),
        actorOf(request.principal),
        request.id,
        (answer) => Buffer.from(serialize(answer as unknown as Record<string, unknown>)),
      );
      // Bytes the 200 schema's serializer wrote: sent as they are (the typed reply expects the object).
      return (reply as unknown as FastifyReply).type('application/json; charset=utf-8').send(body);
    },
  );
}
