// HTTP side of the dealer-file import (docs/api.md POST /api/v1/contracts/import): the CSV body is
// streamed straight into the import, never buffered, and a run can be watched from another request.
import { Type } from 'typebox';
import { Nullable, problemResponses, StringEnum, Uuid } from '../platform/http/schemas.js';
import { streamedBody } from '../platform/http/streamed-body.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { AppError } from '../shared/errors.js';
import { actorOf } from '../shared/principal.js';
import {
  type ContractImportDeps,
  findContractImport,
  type ImportProgress,
  importContracts,
  listContractImports,
} from './contract-import.js';

/** The largest dealer file taken over HTTP; the body is streamed, so this bounds time, not memory. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

const ImportResultSchema = Type.Object({
  importId: Type.String(),
  rowsRead: Type.Integer({ description: 'Data records read (the header not counted)' }),
  accepted: Type.Integer({ description: 'Contracts added to the registry' }),
  duplicates: Type.Integer({
    description: 'Good rows whose contract number was already in the registry or earlier in the file',
  }),
  rejected: Type.Array(
    Type.Object({
      line: Type.Integer({ description: 'File line the record starts on (the header is line 1)' }),
      code: Type.String({
        description:
          'A contract error code (invalid_vin, unknown_plan, …), malformed_csv, or invalid_encoding (bytes that are not UTF-8)',
      }),
      detail: Type.String(),
      column: Nullable(Type.String()),
    }),
    { description: 'The first 1,000 rejected rows, in file order' },
  ),
  rejectedCount: Type.Integer({ description: 'All rejected rows, including those not listed' }),
});

const ImportRunSchema = Type.Object({
  id: Type.String(),
  fileName: Nullable(Type.String()),
  status: StringEnum(['running', 'finished', 'failed'] as const),
  rowsRead: Type.Integer(),
  accepted: Type.Integer(),
  duplicates: Type.Integer(),
  rejected: Type.Integer(),
  startedBy: Type.String(),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
  failure: Nullable(
    Type.String({ description: 'Why a failed run stopped, in words; null for a run running or finished' }),
  ),
});

export function registerContractImportRoutes(
  app: TypedApp,
  deps: ContractImportDeps & {
    maxImportBytes?: number;
    /** A progress callback per import (the metrics' row counters). */
    progressObserver?: () => (progress: ImportProgress) => void;
  },
): void {
  const maxBytes = deps.maxImportBytes ?? MAX_IMPORT_BYTES;

  // The CSV parser hands the request stream through untouched. It lives in its own plugin so that
  // the rest of the API keeps JSON only, and this route takes text/csv only (anything else → 415).
  void app.register(async (scoped: TypedApp) => {
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));

    scoped.post(
      '/api/v1/contracts/import',
      {
        config: { access: ['admin'] },
        bodyLimit: maxBytes,
        schema: {
          tags: ['Contracts'],
          operationId: 'importContracts',
          summary: 'Import a dealer file of contracts (text/csv, one contract a row; see README)',
          description:
            'Good rows are kept and bad rows reported with their line; a row is never half-applied. ' +
            'Contract numbers already in the registry are skipped, so sending the same file again ' +
            'creates nothing new.',
          querystring: Type.Object({
            fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
          }),
          response: { 200: ImportResultSchema, ...problemResponses(400, 401, 403, 413, 415) },
        },
      },
      async (request, reply) => {
        // Refused part-way, the rest of the body is read and dropped after the answer (streamed-body.ts).
        const source = streamedBody(request, reply, 'Send the dealer file as text/csv.');
        return importContracts(deps, source, {
          actor: actorOf(request.principal),
          fileName: request.query.fileName ?? null,
          requestId: request.id,
          maxBytes,
          ...(deps.progressObserver ? { onProgress: deps.progressObserver() } : {}),
        });
      },
    );
  });

  app.get(
    '/api/v1/contracts/imports',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'listContractImports',
        tags: ['Contracts'],
        summary: 'Import runs, newest first: find a run whose answer never arrived and see how it ended',
        description:
          'A run whose process stopped part-way is marked failed (at once on the embedded database when ' +
          'it restarts, after 15 minutes without progress on a shared server); the batches it wrote stay.',
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
          startingAfter: Type.Optional(Uuid),
        }),
        response: {
          200: Type.Object({ data: Type.Array(ImportRunSchema), hasMore: Type.Boolean() }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) =>
      listContractImports(deps.db, {
        limit: request.query.limit,
        startingAfter: request.query.startingAfter,
      }),
  );

  app.get(
    '/api/v1/contracts/imports/:id',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'getContractImport',
        description: 'Administrators only. Poll this to follow an import; counters update after every batch.',
        tags: ['Contracts'],
        summary: 'An import run: status and counters, updated after every batch',
        params: Type.Object({ id: Uuid }),
        response: { 200: ImportRunSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const run = await findContractImport(deps.db, request.params.id);
      if (!run) throw new AppError('not_found', 'No import run with that id.');
      return run;
    },
  );
}
