// POST /api/v1/rates (docs/api.md "Dealer channel"): e-rating for dealers' F&I menus and staff.
import type { FastifyReply } from 'fastify';
import { problemResponses } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { actorOf, dealerIdOf } from '../shared/principal.js';
import { RateAnswerSchema, RateRequestSchema } from './rates.schemas.js';
import type { RatesService } from './rates.service.js';

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
