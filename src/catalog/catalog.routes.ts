import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { Nullable, ProductField, problemResponses } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { actorOf } from '../shared/principal.js';
import type { CatalogService } from './catalog.service.js';

export function registerCatalogRoutes(
  app: TypedApp,
  deps: { catalog: CatalogService; db: Kysely<Database>; clock: Clock },
): void {
  const { catalog } = deps;

  app.get(
    '/api/v1/plans',
    {
      config: { access: 'signed_in' },
      schema: {
        operationId: 'listPlans',
        description:
          'Any signed-in caller. The plans of the catalog version in force now, as rating and contract registration use them.',
        tags: ['Catalog'],
        summary: 'The plans of the current catalog version',
        response: {
          200: Type.Object({
            catalogVersion: Type.Integer(),
            data: Type.Array(
              Type.Object({
                code: Type.String(),
                name: Type.String(),
                description: Type.String(),
                product: ProductField,
                componentGroups: Type.Array(
                  Type.Object({ code: Type.String(), name: Type.String(), description: Type.String() }),
                ),
                benefits: Nullable(Type.Record(Type.String(), Type.Unknown())),
              }),
            ),
          }),
          ...problemResponses(401),
        },
      },
    },
    async () => {
      const { version, catalog: doc } = await catalog.current();
      const group = (code: string) => {
        const found = doc.componentGroups.find((g) => g.code === code);
        return { code, name: found?.name ?? code, description: found?.description ?? '' };
      };
      return {
        catalogVersion: version,
        data: doc.plans.map((plan) => {
          if (plan.product === 'gap') {
            return {
              code: plan.code,
              name: plan.name,
              description: plan.description ?? '',
              product: plan.product,
              componentGroups: [],
              benefits: null,
            };
          }
          const covered =
            plan.style === 'exclusionary'
              ? doc.componentGroups
                  .map((g) => g.code)
                  .filter((code) => !plan.excludedComponentGroups.includes(code))
              : plan.coveredComponentGroups;
          return {
            code: plan.code,
            name: plan.name,
            description: plan.description ?? '',
            product: plan.product,
            componentGroups: covered.map(group),
            benefits: plan.benefits as unknown as Record<string, unknown>,
          };
        }),
      };
    },
  );

  app.get(
    '/api/v1/catalog',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'listCatalog',
        description:
          'Any signed-in caller. The whole current catalog document with its version number; changes nothing.',
        tags: ['Catalog'],
        summary: 'The current catalog document and its version',
        response: {
          200: Type.Object({
            version: Type.Integer(),
            publishedAt: Type.String(),
            publishedBy: Type.String(),
            note: Nullable(Type.String()),
            document: Type.Unknown(),
          }),
          ...problemResponses(401, 403),
        },
      },
    },
    async () => {
      const current = await catalog.current();
      return {
        version: current.version,
        publishedAt: current.publishedAt,
        publishedBy: current.publishedBy,
        note: current.note,
        document: current.catalog,
      };
    },
  );

  app.post(
    '/api/v1/catalog/versions',
    {
      config: { access: ['admin'] },
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        operationId: 'publishCatalogVersion',
        description:
          'Administrators only. Validates the whole catalog and publishes it as the next version; a bad catalog is refused with 422 and every reason, and nothing is published. Existing contracts keep their version.',
        tags: ['Catalog'],
        summary:
          'Publish a new catalog version (validated; a bad catalog is refused whole with every reason)',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: Type.Object(
          { document: Type.Unknown(), note: Type.Optional(Type.String({ maxLength: 500 })) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ version: Type.Integer(), publishedAt: Type.String() }),
          ...problemResponses(400, 401, 403, 422),
        },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 201, (run) =>
        catalog.publish(
          run,
          request.body.document,
          actorOf(request.principal),
          request.body.note ?? null,
          request.id,
        ),
      );
    },
  );
}
