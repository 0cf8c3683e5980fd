// POST /api/v1/catalog/what-if (admin): the effect of a draft catalog before it is published. Read-only:
// nothing is stored, so it needs no idempotency key; publishing stays POST /api/v1/catalog/versions.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { Database } from '../platform/db/schema.js';
import { Nullable, problemResponses, StringEnum } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import { MAX_RATING_CHANGES } from './rating-changes.js';
import { whatIfOfDraft } from './what-if.service.js';

const Count = Type.Integer({ minimum: 0 });

export function registerWhatIfRoutes(
  app: TypedApp,
  deps: { db: Kysely<Database>; catalog: CatalogService; today: () => CalendarDate },
): void {
  app.post(
    '/api/v1/catalog/what-if',
    {
      config: { access: ['admin'] },
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        operationId: 'runCatalogWhatIf',
        tags: ['Catalog'],
        summary: 'The effect of a draft catalog on the portfolio and last year’s claims (nothing is stored)',
        description:
          'The draft is validated like a published catalog (422 invalid_catalog with every error). Then, as if it ' +
          'replaced the current catalog for every contract: active contracts whose terms change, the refund of ' +
          'every active contract cancelled today, rental claims of the last 365 days re-capped, and the dealer ' +
          'prices of sample vehicles rated under both (`rating`). Money is ' +
          'draft minus current, in cents: positive means more paid out.',
        body: Type.Object({ document: Type.Unknown() }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            catalogVersion: Type.Integer({ description: 'The current version the draft is compared with' }),
            asOf: Type.String({ format: 'date' }),
            contractsAffected: Count,
            claimsAffected: Count,
            moneyDifferenceCents: Type.Integer(),
            changedTerms: Type.Array(
              Type.Object({
                planCode: Type.String(),
                state: Type.String(),
                fields: Type.Array(Type.String()),
              }),
            ),
            details: Type.Array(
              Type.Object({
                area: StringEnum(['contract_terms', 'cancellation_refunds', 'rental_claims'] as const),
                planCode: Type.String(),
                description: Type.String(),
                contractsAffected: Count,
                claimsAffected: Count,
                currentCents: Type.Integer(),
                draftCents: Type.Integer(),
                differenceCents: Type.Integer(),
              }),
            ),
            rating: Type.Object(
              {
                vehicles: Type.Array(Type.String(), {
                  description: 'The sample vehicles rated under both catalogs',
                }),
                offersCompared: Count,
                offersChanged: Count,
                changes: Type.Array(
                  Type.Object({
                    vehicle: Type.String(),
                    planCode: Type.String(),
                    termMonths: Type.Integer(),
                    termMiles: Nullable(Type.Integer()),
                    deductibleCents: Type.Integer(),
                    currentDealerCostCents: Nullable(Type.Integer()),
                    draftDealerCostCents: Nullable(Type.Integer()),
                    currentMaxRetailCents: Nullable(Type.Integer()),
                    draftMaxRetailCents: Nullable(Type.Integer()),
                    currentReasonCode: Nullable(Type.String()),
                    draftReasonCode: Nullable(Type.String()),
                  }),
                  {
                    description: `Offers whose dealer cost, maximum retail or availability differ (at most ${MAX_RATING_CHANGES})`,
                  },
                ),
              },
              { description: 'Dealer prices of sample vehicles: current catalog vs the draft' },
            ),
          }),
          ...problemResponses(400, 401, 403, 422),
        },
      },
    },
    async (request) => whatIfOfDraft(deps, request.body.document),
  );
}
