// Dealer statements and remittances over HTTP (API.md "Money"). An admin reads any dealer's statement;
// a dealer key or dealer user reads only its own (another dealer's answers 404).
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import {
  DateInput,
  FileResponse,
  NonBlankText,
  Nullable,
  problemResponses,
  StringEnum,
  Uuid,
} from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { AppError } from '../shared/errors.js';
import { actorOf, dealerIdOf } from '../shared/principal.js';
import {
  type DealerStatementsService,
  MAX_STATEMENT_LINES,
  renderStatementPdf,
} from './dealer-statements.service.js';

const KINDS = ['contract_booked', 'contract_voided', 'chargeback', 'remittance'] as const;
const LIMIT_WORDS = MAX_STATEMENT_LINES.toLocaleString('en-US');
const Cents = (description: string) => Type.Integer({ description });

const AgingSchema = Type.Object(
  {
    currentCents: Cents('Owed for less than 30 days (a credit balance is a negative amount here)'),
    days30Cents: Cents('Owed for 30 to 59 days'),
    days60Cents: Cents('Owed for 60 to 89 days'),
    days90PlusCents: Cents('Owed for 90 days or more'),
  },
  {
    $id: 'DealerAging',
    description: 'Open-item aging as of the last day of the period; sums to the closing balance',
  },
);

const RemittanceSchema = Type.Object(
  {
    id: Type.String(),
    dealerId: Type.String(),
    amountCents: Type.Integer(),
    reference: Type.String(),
    receivedOn: Type.String({ format: 'date' }),
    status: StringEnum(['recorded', 'pending', 'matched'] as const, {
      description: 'recorded by an admin; pending: a dealer notice not yet matched; matched by an admin',
    }),
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    matchedBy: Nullable(Type.String()),
    matchedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'DealerRemittance' },
);

const StatementSchema = Type.Object(
  {
    dealer: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() }),
    from: Type.String({ format: 'date' }),
    to: Type.String({ format: 'date' }),
    detail: StringEnum(['lines', 'days'] as const, {
      description:
        `\`lines\`: a line per movement. \`days\`: the period has more than ${LIMIT_WORDS} movements, so the lines are ` +
        'summed by day and kind (each with its `count`, no contract or reference); the totals, balances and ' +
        'aging are the same either way, and the CSV has every line',
    }),
    openingBalanceCents: Cents('Owed at the start of `from` (negative: a credit balance)'),
    lines: Type.Array(
      Type.Object({
        date: Type.String({ format: 'date' }),
        kind: StringEnum(KINDS),
        amountCents: Cents('Positive raises what the dealer owes; negative lowers it'),
        count: Type.Integer({
          minimum: 1,
          description: 'How many movements the line sums: 1 for a movement, more when summed by day',
        }),
        contractId: Nullable(Type.String()),
        contractNumber: Nullable(Type.String()),
        remittanceId: Nullable(Type.String()),
        reference: Nullable(Type.String()),
        runningBalanceCents: Type.Integer(),
      }),
    ),
    totals: Type.Object({
      bookedCents: Type.Integer(),
      voidedCents: Type.Integer(),
      chargebackCents: Type.Integer(),
      remittedCents: Type.Integer(),
    }),
    closingBalanceCents: Cents(
      'opening + booked − voided + chargebacks − remitted; positive is owed by the dealer to the administrator',
    ),
    creditBalance: Type.Boolean({
      description: 'The dealer has paid more than it owes (closing balance < 0)',
    }),
    aging: Type.Ref('DealerAging'),
    pendingRemittances: Type.Array(Type.Ref('DealerRemittance')),
  },
  { $id: 'DealerStatement' },
);

const RemittanceBody = Type.Object(
  {
    amountCents: Type.Integer({
      minimum: 1,
      maximum: 100_000_000_00,
      description: 'Money received, in cents',
    }),
    reference: NonBlankText(100, { description: 'Check number, ACH trace or wire reference' }),
    receivedOn: DateInput('The day the money was received'),
  },
  { additionalProperties: false },
);

const PeriodQuery = Type.Object({
  from: Type.Optional(DateInput('First day of the period (default: the first of the month of `to`)')),
  to: Type.Optional(DateInput('Last day of the period (default: today)')),
});

/** An admin reads any dealer; a dealer key or dealer user only its own (another's is not found). */
function ownDealerOnly(request: FastifyRequest, dealerId: string): void {
  const own = dealerIdOf(request.principal);
  if (own !== null && own !== dealerId) throw new AppError('not_found', 'No dealer with that id.');
}

export function registerDealerStatementRoutes(
  app: TypedApp,
  deps: { statements: DealerStatementsService; db: Kysely<Database>; clock: Clock },
): void {
  const { statements } = deps;
  app.addSchema(AgingSchema);
  app.addSchema(RemittanceSchema);
  app.addSchema(StatementSchema);
  const READERS = ['admin', 'dealer', 'dealer_user'] as const;

  app.get(
    '/api/v1/dealers/:id/statement',
    {
      config: { access: [...READERS] },
      schema: {
        tags: ['Money'],
        operationId: 'getDealerStatement',
        summary: "A dealer's statement for a period: opening balance, movements, closing balance and aging",
        description:
          'Bookings (dealer cost), voids, cancellation chargebacks and remittances between `from` and `to` ' +
          '(inclusive), with the balance after each; aging (current / 30 / 60 / 90+ days) as of `to`. A positive ' +
          'balance is owed by the dealer; a remittance above the balance leaves a credit balance (negative). ' +
          `A period of more than ${LIMIT_WORDS} movements answers them summed by day and kind (\`detail: days\`); one of ` +
          `more than ${LIMIT_WORDS} lines even by day is 422 statement_period_too_long on \`from\` (the CSV has any period). ` +
          'A dealer key or dealer user reads only its own dealer.',
        params: Type.Object({ id: Uuid }),
        querystring: PeriodQuery,
        response: { 200: Type.Ref('DealerStatement'), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      ownDealerOnly(request, request.params.id);
      return statements.statement(request.params.id, request.query);
    },
  );

  app.get(
    '/api/v1/dealers/:id/statement.csv',
    {
      config: { access: [...READERS] },
      schema: {
        tags: ['Money'],
        operationId: 'getDealerStatementCsv',
        summary: "A dealer's statement as CSV",
        description:
          'Columns: date, kind, contract_number, reference, amount_cents, balance_cents; the first row is the ' +
          'opening balance, then one row per movement, the closing balance and the aging buckets. Streamed: ' +
          'every movement of any period, from one snapshot. A bad period or dealer is refused before the ' +
          'answer starts; an error after it started cuts the answer short (no closing balance row).',
        params: Type.Object({ id: Uuid }),
        querystring: PeriodQuery,
        response: {
          200: FileResponse("The dealer's statement as CSV (UTF-8)", ['text/csv']),
          ...problemResponses(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      ownDealerOnly(request, request.params.id);
      const csv = await statements.statementCsv(request.params.id, request.query);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="statement-${csv.dealer.code.replace(/[^A-Za-z0-9_-]/g, '_')}-${csv.from}-${csv.to}.csv"`,
        )
        .send(csv.body);
    },
  );

  app.get(
    '/api/v1/dealers/:id/statement.pdf',
    {
      config: { access: [...READERS] },
      schema: {
        tags: ['Money'],
        operationId: 'getDealerStatementPdf',
        description:
          'Staff, or the dealer for its own statement. The same figures as the JSON statement for the period, rendered as a PDF (summed by day when the JSON statement is); 422 on a bad period.',
        summary: "A dealer's statement as a PDF to send to the dealer",
        params: Type.Object({ id: Uuid }),
        querystring: PeriodQuery,
        response: {
          200: FileResponse("The dealer's statement (PDF)", ['application/pdf']),
          ...problemResponses(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      ownDealerOnly(request, request.params.id);
      const view = await statements.statement(request.params.id, request.query);
      const pdf = await renderStatementPdf(view);
      return reply
        .header('content-type', 'application/pdf')
        .header(
          'content-disposition',
          `attachment; filename="statement-${view.dealer.code.replace(/[^A-Za-z0-9_-]/g, '_')}-${view.from}-${view.to}.pdf"`,
        )
        .send(pdf);
    },
  );

  app.post(
    '/api/v1/dealers/:id/remittances',
    {
      config: { access: [...READERS] },
      schema: {
        tags: ['Money'],
        operationId: 'createDealerRemittance',
        summary: 'Record a remittance (admin), or send a remittance notice (the dealer itself)',
        description:
          "An admin's remittance is recorded at once: it lowers the dealer's balance (a remittance above the " +
          'balance leaves a credit balance) and posts cash against the dealer receivable. A dealer key or dealer ' +
          'user sends a notice for its own dealer: status `pending`, nothing moves until an admin matches it. ' +
          '`receivedOn` is a day of the account: after tomorrow (business time zone; a day of slack for a browser east of it) or before the account existed (the ' +
          'earlier of the day the dealer was added and its first account event) is 422 `invalid_date` on receivedOn. ' +
          'Idempotent with an Idempotency-Key header.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        params: Type.Object({ id: Uuid }),
        body: RemittanceBody,
        response: {
          201: Type.Ref('DealerRemittance'),
          ...problemResponses(400, 401, 403, 404, 409, 422, 429),
        },
      },
    },
    async (request, reply) => {
      ownDealerOnly(request, request.params.id);
      const byDealer = dealerIdOf(request.principal) !== null;
      return sendIdempotent(deps, request, reply, 201, (run) =>
        (byDealer ? statements.noticeRemittance : statements.recordRemittance)(
          run,
          request.params.id,
          request.body,
          actorOf(request.principal),
          request.id,
        ),
      );
    },
  );

  app.get(
    '/api/v1/dealers/:id/remittances',
    {
      config: { access: [...READERS] },
      schema: {
        tags: ['Money'],
        operationId: 'listDealerRemittances',
        description:
          'Staff, or the dealer for its own. The last 100 remittances and remittance notices, newest first.',
        summary: "A dealer's remittances and remittance notices, newest first (the last 100)",
        params: Type.Object({ id: Uuid }),
        querystring: Type.Object({
          status: Type.Optional(StringEnum(['recorded', 'pending', 'matched'] as const)),
        }),
        response: {
          200: Type.Object({ data: Type.Array(Type.Ref('DealerRemittance')), hasMore: Type.Boolean() }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      ownDealerOnly(request, request.params.id);
      return statements.remittances(request.params.id, request.query.status);
    },
  );

  app.post(
    '/api/v1/dealers/:id/remittances/:remittanceId/match',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['Money'],
        operationId: 'matchDealerRemittance',
        summary: "Match a dealer's remittance notice to money received: it then lowers the balance",
        description:
          'Only a `pending` notice is matched (otherwise 409 remittance_not_pending); posts cash against the dealer receivable.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        params: Type.Object({ id: Uuid, remittanceId: Uuid }),
        response: { 200: Type.Ref('DealerRemittance'), ...problemResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        statements.matchRemittance(
          run,
          request.params.id,
          request.params.remittanceId,
          actorOf(request.principal),
          request.id,
        ),
      );
    },
  );
}
