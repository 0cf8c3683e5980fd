import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { FileResponse, problemResponses, StringEnum, Uuid } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { actorOf } from '../shared/principal.js';
import { DocumentSchema } from './document.schemas.js';
import type { DocumentsService } from './documents.service.js';

const STAFF = ['admin', 'adjuster', 'reviewer'] as const;
// Types a browser shows safely inside the sandboxed viewer; anything else (HEIC) is downloaded.
const INLINE_TYPES = new Set(['application/pdf', 'image/jpeg', 'image/png']);
const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/heic': 'heic',
};

export function registerDocumentRoutes(
  app: TypedApp,
  deps: { documents: DocumentsService; db: Kysely<Database>; clock: Clock },
): void {
  const { documents } = deps;
  app.addSchema(DocumentSchema);

  app.post(
    '/api/v1/documents/:id/review',
    {
      config: { access: ['reviewer', 'adjuster'] },
      schema: {
        tags: ['Documents'],
        summary: 'Accept or reject a document waiting for review, with a reason the holder reads',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            decision: StringEnum(['accept', 'reject']),
            reason: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Document'), ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        documents.review(run, request.params.id, request.body, actorOf(request.principal), request.id),
      );
    },
  );

  app.get(
    '/api/v1/documents/:id',
    {
      config: { access: [...STAFF, 'holder'] },
      schema: {
        tags: ['Documents'],
        summary: "A document's record and review",
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Ref('Document'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => documents.get(request.params.id, request.principal!),
  );

  app.get(
    '/api/v1/documents/:id/file',
    {
      config: { access: [...STAFF, 'holder'] },
      schema: {
        tags: ['Documents'],
        summary: "The document's file, with the content type sniffed when it was uploaded",
        description:
          'Served as an attachment; with inline=true a PDF, JPEG or PNG is shown inline (for the reviewer viewer). ' +
          'Always with Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff.',
        params: Type.Object({ id: Uuid }),
        querystring: Type.Object({ inline: Type.Optional(Type.Boolean()) }),
        response: {
          200: FileResponse('The file as uploaded', ['application/pdf', 'image/jpeg', 'image/png']),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { row, stream } = await documents.file(request.params.id, request.principal!);
      const disposition =
        request.query.inline && INLINE_TYPES.has(row.content_type) ? 'inline' : 'attachment';
      const fileName = `${row.document_type}-${row.id.slice(0, 8)}.${EXTENSIONS[row.content_type] ?? 'bin'}`;
      return reply
        .header('content-type', row.content_type)
        .header('content-length', String(row.size_bytes))
        .header('content-disposition', `${disposition}; filename="${fileName}"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'private, no-store')
        .send(stream);
    },
  );
}
