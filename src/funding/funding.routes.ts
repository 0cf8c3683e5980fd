// HTTP side of funding reconciliation: a lender uploads its funded deals (text/csv, streamed) and reads
// the per-dealer report as JSON or CSV.
import { Type } from 'typebox';
import {
  FileResponse,
  Nullable,
  ProductField,
  problemResponses,
  StringEnum,
  Uuid,
} from '../platform/http/schemas.js';
import { streamedBody } from '../platform/http/streamed-body.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { actorOf } from '../shared/principal.js';
import type { FundingService } from './funding.service.js';

const READERS = ['admin', 'lender'] as const;
const MAX_BYTES = 256 * 1024 * 1024;

const Exception = Type.Object({
  kind: StringEnum(['financed_not_registered', 'registered_not_remitted', 'price_mismatch'] as const),
  line: Type.Integer(),
  vin: Type.String(),
  product: ProductField,
  amountFinancedCents: Type.Integer(),
  fundedOn: Type.String({ format: 'date' }),
  contractId: Nullable(Type.String()),
  contractNumber: Nullable(Type.String()),
  priceCents: Nullable(Type.Integer()),
  differenceCents: Nullable(Type.Integer(), {
    description: 'Financed minus price (price_mismatch)',
  }),
  daysSinceSale: Nullable(Type.Integer(), { description: 'registered_not_remitted' }),
});

const Report = Type.Object({
  uploadId: Type.String(),
  lienholderName: Type.String(),
  asOf: Type.String({ format: 'date' }),
  remittanceDays: Type.Integer({ description: 'COVERWISE_FUNDING_REMITTANCE_DAYS' }),
  dealers: Type.Array(
    Type.Object({
      dealerCode: Type.String(),
      deals: Type.Integer(),
      matched: Type.Integer(),
      financedNotRegistered: Type.Integer(),
      registeredNotRemitted: Type.Integer(),
      priceMismatches: Type.Integer(),
      exceptions: Type.Array(Exception),
    }),
  ),
});

export function registerFundingRoutes(app: TypedApp, deps: { funding: FundingService }): void {
  const { funding } = deps;
  void app.register(async (scoped: TypedApp) => {
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
    scoped.post(
      '/api/v1/funding-uploads',
      {
        config: { access: READERS },
        bodyLimit: MAX_BYTES,
        schema: {
          tags: ['Lender events'],
          operationId: 'uploadFundedDeals',
          summary: "Upload a lender's funded deals (text/csv, streamed) for reconciliation with the registry",
          description:
            'Header: vin,product,amount_financed_cents,funded_on,dealer_code (any order; case, `_` and spaces ignored). ' +
            "A bad row is rejected with its line, code and param (the column as the file's header writes it) and the rest " +
            'are kept: invalid_vin, unknown_product, invalid_amount, invalid_date (not a date, or a funded_on after ' +
            'tomorrow), unknown_dealer (a dealer_code neither on file nor the selling dealer of a registered contract), ' +
            'validation_failed, invalid_encoding (the row holds bytes that are not UTF-8: the file is read as UTF-8, a ' +
            'byte-order mark allowed). A lender uploads its own deals; an administrator names the lienholder.',
          querystring: Type.Object({
            lienholder: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
          }),
          response: {
            201: Type.Object({
              uploadId: Type.String(),
              lienholderName: Type.String(),
              rowsRead: Type.Integer(),
              accepted: Type.Integer(),
              rejected: Type.Array(
                Type.Object({
                  line: Type.Integer(),
                  code: Type.String(),
                  detail: Type.String(),
                  param: Nullable(Type.String()),
                }),
              ),
              rejectedCount: Type.Integer(),
            }),
            ...problemResponses(400, 401, 403, 413, 415),
          },
        },
      },
      async (request, reply) => {
        // Refused part-way, the rest of the body is read and dropped after the answer (streamed-body.ts).
        const source = streamedBody(request, reply, 'Send the funded deals as text/csv.');
        const result = await funding.upload(source, {
          principal: request.principal!,
          actor: actorOf(request.principal),
          ...(request.query.lienholder ? { lienholder: request.query.lienholder } : {}),
          fileName: request.query.fileName ?? null,
          requestId: request.id,
          maxBytes: MAX_BYTES,
        });
        return reply.code(201).send(result);
      },
    );
  });

  app.get(
    '/api/v1/funding-uploads',
    {
      config: { access: READERS },
      schema: {
        tags: ['Lender events'],
        operationId: 'listFundingUploads',
        description:
          'Accounting staff. The newest funded-deals uploads first (a lender sees only its own), so the reconciliation dashboard can open the latest.',
        summary: 'Recent funded-deals uploads, newest first',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
        }),
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                uploadId: Type.String({ format: 'uuid' }),
                lienholderName: Type.String(),
                fileName: Nullable(Type.String()),
                rowsRead: Type.Integer(),
                uploadedBy: Type.String(),
                uploadedAt: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => ({ data: await funding.recent(request.principal!, request.query.limit ?? 20) }),
  );

  app.get(
    '/api/v1/funding-uploads/:id/reconciliation',
    {
      config: { access: READERS },
      schema: {
        tags: ['Lender events'],
        operationId: 'getFundingReconciliation',
        description:
          'Accounting staff. Exceptions found by comparing a lender funding upload with registered contracts and remittances, grouped by dealer.',
        summary:
          'Per dealer: financed but not registered, registered but not remitted past N days, price mismatches',
        params: Type.Object({ id: Uuid }),
        response: { 200: Report, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => funding.report(request.principal!, request.params.id),
  );

  app.get(
    '/api/v1/funding-uploads/:id/reconciliation.csv',
    {
      config: { access: READERS },
      schema: {
        tags: ['Lender events'],
        operationId: 'downloadFundingReconciliation',
        description: 'Accounting staff. The same exceptions as the JSON view, one a CSV row.',
        summary: 'The reconciliation exceptions as CSV, one a row',
        params: Type.Object({ id: Uuid }),
        response: {
          200: FileResponse('The reconciliation exceptions as CSV (UTF-8)', ['text/csv']),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) =>
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="funding-reconciliation-${request.params.id}.csv"`,
        )
        .send(await funding.reportCsv(request.principal!, request.params.id)),
  );
}
