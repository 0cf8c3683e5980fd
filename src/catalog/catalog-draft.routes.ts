// The catalog editor's draft (admin): read, save, discard, publish. Saving is a PUT of the whole draft
// with the revision it was based on; publishing is an idempotent POST.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { Nullable, problemResponses } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { actorOf } from '../shared/principal.js';
import type { CatalogDraftService } from './catalog-draft.service.js';

const DraftSchema = Type.Object(
  {
    baseVersion: Type.Integer({ description: 'The version the draft was started from' }),
    currentVersion: Type.Integer({
      description: 'The version published now, which the changes compare with',
    }),
    revision: Type.Integer({ description: 'Send it back with the next save or the publication' }),
    updatedBy: Type.String(),
    updatedAt: Type.String({ format: 'date-time' }),
    document: Type.Unknown({ description: 'The draft catalog document (may be unfinished)' }),
    errors: Type.Array(Type.Object({ path: Type.String(), message: Type.String() }), {
      description: "The catalog validator's reasons the draft cannot be published yet, by JSON pointer",
    }),
    changes: Type.Array(
      Type.Object({
        path: Type.String(),
        label: Type.String(),
        kind: Type.Union([Type.Literal('added'), Type.Literal('removed'), Type.Literal('changed')]),
        current: Type.Unknown(),
        draft: Type.Unknown(),
        cents: Type.Boolean(),
      }),
      { description: 'Every field the draft changes against the current version' },
    ),
  },
  { $id: 'CatalogDraft' },
);

export function registerCatalogDraftRoutes(
  app: TypedApp,
  deps: { drafts: CatalogDraftService; db: Kysely<Database>; clock: Clock },
): void {
  const { drafts } = deps;
  app.addSchema(DraftSchema);

  app.get(
    '/api/v1/catalog/draft',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['Catalog'],
        operationId: 'getCatalogDraft',
        summary: 'The catalog draft being edited, its problems and its changes',
        description:
          'The one shared draft of the next catalog version, with the catalog validator’s errors and the field-by-field ' +
          'changes against the current version. 404 no_catalog_draft when nobody has started one.',
        response: { 200: Type.Ref('CatalogDraft'), ...problemResponses(401, 403, 404) },
      },
    },
    async () => drafts.get(),
  );

  app.put(
    '/api/v1/catalog/draft',
    {
      config: { access: ['admin'] },
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['Catalog'],
        operationId: 'saveCatalogDraft',
        summary: 'Save the catalog draft (an unfinished draft is kept and answered with its problems)',
        description:
          'Send the revision you were shown (null to start a new draft, from the current version unless a document is ' +
          'given). A save based on an older revision is refused with 409 catalog_draft_changed.',
        body: Type.Object(
          {
            revision: Nullable(Type.Integer({ minimum: 1 })),
            document: Type.Optional(Type.Unknown()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('CatalogDraft'), ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request) => drafts.save(request.body, actorOf(request.principal), request.id),
  );

  app.delete(
    '/api/v1/catalog/draft',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['Catalog'],
        operationId: 'discardCatalogDraft',
        summary: 'Discard the catalog draft (audited)',
        description: 'The current catalog version is unchanged. 404 no_catalog_draft when there is none.',
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await drafts.discard(actorOf(request.principal), null, request.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/catalog/draft/publication',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['Catalog'],
        operationId: 'publishCatalogDraft',
        summary: 'Publish the catalog draft as the next version, with a note (audited)',
        description:
          'Validated like any catalog version (422 invalid_catalog with every error). `currentVersion` and `revision` ' +
          'are what the administrator reviewed: if another version was published or the draft was saved since, the ' +
          'publication is refused (409) so that what is published is the diff that was seen.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: Type.Object(
          {
            note: Type.String({
              minLength: 1,
              maxLength: 500,
              pattern: '\\S',
              description: 'Why the catalog changes',
            }),
            currentVersion: Type.Integer({ minimum: 1 }),
            revision: Type.Integer({ minimum: 1 }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ version: Type.Integer(), publishedAt: Type.String() }),
          ...problemResponses(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 201, (run) =>
        drafts.publish(run, request.body, actorOf(request.principal), request.id),
      );
    },
  );
}
