// HTTP side of lender events (shared/API.md "Money", POST /api/v1/lender-events): JSON or a streamed
// CSV body; a small file answers 200 with every row's outcome, a large one 202 with the run to watch
// (GET /lender-events/runs/{id}: rows done of the total) and its report (…/results, …/report.csv).
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { IDEMPOTENCY_HEADER, idempotencyPrincipal, sendIdempotent } from '../platform/http/idempotency.js';
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
import { AppError } from '../shared/errors.js';
import { actorOf } from '../shared/principal.js';
import { LENDER_EVENT_TYPES } from './lender-event-rules.js';
import type { LenderEventsService } from './lender-events.service.js';
import { REFUND_COMPLIANCE_STATUSES } from './refund-compliance.js';

const SENDERS = ['admin', 'lender'] as const;
export const MAX_LENDER_EVENT_BYTES = 256 * 1024 * 1024;
const MAX_JSON_EVENTS = 10_000;

// Each event is checked on its own, as a CSV row is (lender-event-rules.ts): the schema documents the
// fields and their types, but the body accepts any entry (JsonBody), so that one malformed event (an
// odometer sent as text, a missing date, an unknown field) is rejected with its line, code and field while
// the others go on, instead of a 400 for the whole batch.
const LenderEventInput = Type.Object(
  {
    vin: Type.String({ description: 'The vehicle (17 characters, check digit verified)' }),
    event: StringEnum(LENDER_EVENT_TYPES),
    eventDate: Type.String({
      format: 'date',
      description: 'YYYY-MM-DD: the day the loan was paid off, the vehicle repossessed or totaled',
    }),
    odometer: Type.Optional(
      Nullable(
        Type.Integer({
          minimum: 0,
          maximum: 2_000_000,
          description:
            'Miles on the event date, a JSON number (text such as "5" rejects the event); when absent or null the refund is pro rata on days only',
        }),
      ),
    ),
    reference: Type.Optional(
      Nullable(Type.String({ maxLength: 200, description: "The lender's loan reference" })),
    ),
  },
  {
    additionalProperties: false,
    description:
      'An event. Each is checked on its own: a missing or malformed field (an odometer that is not a whole JSON number), or a field not listed here, rejects that event (its line, code and field in the results) and the others go on.',
  },
);

const JsonBody = Type.Object(
  {
    events: Type.Array(
      // Documented as an event, accepted as anything: an entry that is not an object is rejected on its
      // own line too (lender-events.service.ts), not with a 400 for the batch.
      Type.Union([LenderEventInput, Type.Unknown()]),
      { minItems: 1, maxItems: MAX_JSON_EVENTS },
    ),
  },
  { additionalProperties: false },
);

const CancellationOutcome = Type.Object({
  contractId: Type.String(),
  cancellationId: Nullable(Type.String()),
  product: ProductField,
  outcome: StringEnum(['cancelled', 'already_cancelled', 'not_in_force', 'claimed_not_cancelled'] as const, {
    description:
      'cancelled by this event; already cancelled before; not in force on the event date; a GAP addendum on a total loss (claimed, not cancelled)',
  }),
  refundCents: Nullable(Type.Integer({ minimum: 0 })),
  payee: Nullable(Type.Object({ kind: StringEnum(['holder', 'lienholder'] as const), name: Type.String() })),
  refundDueOn: Nullable(Type.String({ format: 'date' })),
});

export const LenderEventResultSchema = Type.Object(
  {
    line: Type.Integer({
      description: 'File line (CSV, the header is line 1) or position in the list (JSON, from 1)',
    }),
    vin: Type.String(),
    event: Type.String(),
    eventDate: Type.String(),
    status: StringEnum(['pending', 'cancelled', 'skipped', 'rejected'] as const),
    code: Nullable(Type.String(), {
      description:
        'skipped: already_cancelled, not_in_force, claimed_not_cancelled, duplicate_event; rejected: invalid_vin, unknown_lender_event, invalid_date, event_date_in_future, vehicle_not_found, validation_failed, invalid_encoding (a CSV row holding bytes that are not UTF-8) or a cancellation code (contract_not_active, odometer_below_sale, …)',
    }),
    detail: Nullable(Type.String()),
    param: Nullable(Type.String()),
    cancellations: Type.Array(CancellationOutcome),
  },
  { $id: 'LenderEventResult' },
);

const RunSchema = Type.Object(
  {
    runId: Type.String(),
    status: StringEnum(['receiving', 'queued', 'running', 'finished', 'failed'] as const),
    source: StringEnum(['json', 'csv'] as const),
    fileName: Nullable(Type.String()),
    rowsTotal: Type.Integer(),
    rowsDone: Type.Integer({ description: 'Progress: rows applied (or rejected) so far' }),
    cancelled: Type.Integer(),
    skipped: Type.Integer(),
    rejected: Type.Integer(),
    failure: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'LenderEventRun' },
);

const SubmitAnswer = Type.Object({
  run: Type.Ref('LenderEventRun'),
  results: Type.Array(Type.Ref('LenderEventResult'), {
    description:
      'Every row, in order (200 only; a queued run answers [] — read /results once it has finished)',
  }),
});

export function registerLenderEventRoutes(
  app: TypedApp,
  deps: { lenderEvents: LenderEventsService; db: Kysely<Database>; clock: Clock; maxBytes?: number },
): void {
  const { lenderEvents } = deps;
  const maxBytes = deps.maxBytes ?? MAX_LENDER_EVENT_BYTES;
  app.addSchema(LenderEventResultSchema);
  app.addSchema(RunSchema);

  void app.register(async (scoped: TypedApp) => {
    // JSON as everywhere; text/csv handed through as the request stream (never buffered).
    scoped.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));

    scoped.post(
      '/api/v1/lender-events',
      {
        config: { access: SENDERS },
        bodyLimit: maxBytes,
        schema: {
          tags: ['Lender events'],
          operationId: 'submitLenderEvents',
          summary:
            'Report payoffs, repossessions and total losses: every add-on in force on the vehicle is cancelled',
          description:
            'Body: JSON `{events:[{vin, event, eventDate, odometer?, reference?}]}` (up to 10,000) or `text/csv` of any size ' +
            'with the header `vin,event,event_date[,odometer][,reference]`. Each event cancels every VSC and GAP addendum in force ' +
            'on the vehicle as of the event date through the cancellation use case (refund by the state rules, paid to the holder ' +
            'after a payoff and to the lienholder after a repossession or total loss, due by refundDueOn); what is already cancelled ' +
            'is skipped; a GAP addendum on a total loss is claimed, not cancelled. A bad row is rejected with its line, code and ' +
            "param (the JSON field, or the CSV column as the file's header writes it) and the rest go on. An event already " +
            'applied (same VIN, event and date) changes nothing (duplicate_event); the same ' +
            'Idempotency-Key with the same body answers the first run. A lender user reaches only loans naming its lienholder. ' +
            'Up to COVERWISE_LENDER_EVENTS_INLINE_ROWS rows are applied before the answer (200); larger files are applied by a ' +
            'background job (202): watch GET /api/v1/lender-events/runs/{id}.',
          headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 255 })) }),
          querystring: Type.Object({
            fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
          }),
          body: {
            content: {
              'application/json': { schema: JsonBody },
              'text/csv': { schema: Type.Unknown({ description: 'CSV text, header first' }) },
            },
          } as never,
          response: {
            200: SubmitAnswer,
            202: SubmitAnswer,
            ...problemResponses(400, 401, 403, 409, 413, 415, 422),
          },
        },
      },
      async (request, reply) => {
        const header = request.headers[IDEMPOTENCY_HEADER];
        const options = {
          principal: request.principal!,
          actor: actorOf(request.principal),
          fileName: request.query.fileName ?? null,
          requestId: request.id,
          idempotency:
            typeof header === 'string' ? { principal: idempotencyPrincipal(request), key: header } : null,
          maxBytes,
        };
        const body = request.body as Readable | { events: unknown[] } | undefined;
        let answer: Awaited<ReturnType<LenderEventsService['receiveCsv']>>;
        if (body && typeof (body as Readable).iterator === 'function') {
          // Refused part-way, the rest of the body is read and dropped after the answer (streamed-body.ts).
          answer = await lenderEvents.receiveCsv(
            streamedBody(request, reply, 'Send the events as application/json or text/csv.'),
            options,
          );
        } else if (body && Array.isArray((body as { events?: unknown }).events)) {
          answer = await lenderEvents.receiveJson((body as { events: unknown[] }).events, options);
        } else {
          throw new AppError('unsupported_media_type', 'Send the events as application/json or text/csv.');
        }
        const finished = answer.run.status === 'finished';
        const results = finished
          ? (
              await lenderEvents.results(request.principal!, answer.run.runId, {
                afterLine: 0,
                limit: 10_001,
              })
            ).data
          : [];
        return reply.code(finished ? 200 : 202).send({ run: answer.run, results });
      },
    );
  });

  app.get(
    '/api/v1/lender-events/runs',
    {
      config: { access: SENDERS },
      schema: {
        tags: ['Lender events'],
        operationId: 'listLenderEventRuns',
        description: 'Staff see every run; a lender sees its own. Newest first.',
        summary: 'Lender-event runs, newest first (a lender sees its own)',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }),
        response: {
          200: Type.Object({ data: Type.Array(Type.Ref('LenderEventRun')) }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => ({ data: await lenderEvents.runs(request.principal!, request.query.limit) }),
  );

  app.get(
    '/api/v1/lender-events/runs/:id',
    {
      config: { access: SENDERS },
      schema: {
        tags: ['Lender events'],
        operationId: 'getLenderEventRun',
        description: 'Poll this to follow a run; progress updates after every batch.',
        summary: 'A run: status and progress (rows done of the total), updated after every batch',
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Ref('LenderEventRun'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => lenderEvents.run(request.principal!, request.params.id),
  );

  app.get(
    '/api/v1/lender-events/runs/:id/results',
    {
      config: { access: SENDERS },
      schema: {
        tags: ['Lender events'],
        operationId: 'listLenderEventResults',
        description: "Each row's outcome, code and contract, in file order; page with startingAfter.",
        summary: "A run's rows with their outcomes, in file order, a page at a time",
        params: Type.Object({ id: Uuid }),
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          afterLine: Type.Integer({
            minimum: 0,
            default: 0,
            description: 'The last line of the page before',
          }),
        }),
        response: {
          200: Type.Object({ data: Type.Array(Type.Ref('LenderEventResult')), hasMore: Type.Boolean() }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) =>
      lenderEvents.results(request.principal!, request.params.id, {
        afterLine: request.query.afterLine,
        limit: request.query.limit,
      }),
  );

  app.get(
    '/api/v1/lender-events/runs/:id/report.csv',
    {
      config: { access: SENDERS },
      schema: {
        tags: ['Lender events'],
        operationId: 'downloadLenderEventReport',
        description:
          'Staff, or the lender for its own run. The CSV is streamed, so large runs start downloading at once.',
        summary:
          "A run's report as CSV: line, outcome, code, contract ids, refunds, payees and due dates (streamed)",
        params: Type.Object({ id: Uuid }),
        response: {
          200: FileResponse("The run's report as CSV (UTF-8), streamed", ['text/csv']),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      await lenderEvents.run(request.principal!, request.params.id);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="lender-events-${request.params.id}.csv"`)
        .send(Readable.from(lenderEvents.reportCsv(request.principal!, request.params.id)));
    },
  );

  app.addSchema(RefundSchema);

  app.get(
    '/api/v1/lender-events/refunds',
    {
      config: { access: SENDERS },
      schema: {
        tags: ['Lender events'],
        operationId: 'listLenderEventRefunds',
        summary:
          "The lender's compliance view: every lender-event refund with its deadline and whether it was met",
        description:
          'status: paid_on_time (paid on or before refundDueOn), paid_late, due (unpaid, deadline not passed), overdue. ' +
          'Ordered by deadline; `counts` covers every refund the caller may see, whatever the filter. A lender sees its own loans.',
        querystring: Type.Object({
          status: Type.Optional(StringEnum(REFUND_COMPLIANCE_STATUSES)),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
          startingAfter: Type.Optional(Uuid),
        }),
        response: {
          200: Type.Object({
            asOf: Type.String({
              format: 'date',
              description: 'The business day the statuses are computed for',
            }),
            counts: Type.Object(
              Object.fromEntries(
                REFUND_COMPLIANCE_STATUSES.map((status) => [
                  status,
                  Type.Object({ count: Type.Integer(), amountCents: Type.Integer() }),
                ]),
              ),
            ),
            data: Type.Array(Type.Ref('LenderEventRefund')),
            hasMore: Type.Boolean(),
          }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) =>
      lenderEvents.refunds(request.principal!, {
        status: request.query.status ?? null,
        startingAfter: request.query.startingAfter ?? null,
        limit: request.query.limit,
      }),
  );

  app.get(
    '/api/v1/lender-events/refunds.csv',
    {
      config: { access: SENDERS },
      schema: {
        tags: ['Lender events'],
        operationId: 'downloadLenderEventRefunds',
        description:
          'Compliance staff. Every refund lender events triggered with its payee and due date, streamed as CSV.',
        summary: 'The compliance view as CSV (streamed)',
        querystring: Type.Object({ status: Type.Optional(StringEnum(REFUND_COMPLIANCE_STATUSES)) }),
        response: {
          200: FileResponse('Lender-event refunds as CSV (UTF-8), streamed', ['text/csv']),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) =>
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="lender-event-refunds.csv"')
        .send(Readable.from(lenderEvents.refundsCsv(request.principal!, request.query.status ?? null))),
  );

  app.post(
    '/api/v1/lender-events/refunds/:cancellationId/payment',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['Lender events'],
        operationId: 'recordLenderEventRefundPayment',
        description:
          'Accounting staff. Marks the refund paid and posts refunds payable against cash; 409 when it was already paid.',
        summary: 'Record that a lender-event refund was paid (posts refunds payable against cash)',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        params: Type.Object({ cancellationId: Uuid }),
        body: Type.Object(
          {
            paidOn: Type.String({ maxLength: 32, description: 'YYYY-MM-DD, today or before' }),
            reference: Type.String({
              minLength: 1,
              maxLength: 200,
              description: 'Check number or ACH trace',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('LenderEventRefund'), ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        lenderEvents.recordRefundPayment(
          run,
          request.params.cancellationId,
          request.body,
          actorOf(request.principal),
          request.id,
        ),
      );
    },
  );
}

const RefundSchema = Type.Object(
  {
    cancellationId: Type.String(),
    contractId: Type.String(),
    contractNumber: Type.String(),
    vin: Type.String(),
    event: StringEnum(LENDER_EVENT_TYPES),
    eventDate: Type.String({ format: 'date' }),
    lienholderName: Nullable(Type.String()),
    refundCents: Type.Integer({ minimum: 0 }),
    payeeKind: StringEnum(['holder', 'lienholder'] as const),
    payeeName: Type.String(),
    refundDueOn: Type.String({ format: 'date' }),
    paidOn: Nullable(Type.String({ format: 'date' })),
    status: StringEnum(REFUND_COMPLIANCE_STATUSES),
  },
  { $id: 'LenderEventRefund' },
);
