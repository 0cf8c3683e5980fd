// The general ledger for administrators (docs/api.md "Money"): trial balance as of a date, the chart of
// accounts, a journal browser (cursor pages, filters by account, dates, event and contract), the journal
// as CSV for a general-ledger system, written against earned premium by month, and the month-end
// earning run (also a recurring job).
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { FileResponse, Nullable, PageQuery, problemResponses } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { addMonths, compareDates, isCalendarDate } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import { actorOf } from '../shared/principal.js';
import type { AccountingService } from './accounting.service.js';

const ADMIN = ['admin'] as const;
const DatePattern = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });

const TrialBalanceSchema = Type.Object(
  {
    asOf: Type.String({ format: 'date' }),
    accounts: Type.Array(
      Type.Object({
        code: Type.String(),
        name: Type.String(),
        type: Type.String({ description: 'asset, liability, equity, revenue or expense' }),
        debitCents: Type.Integer({
          minimum: 0,
          description: 'The net debit balance (0 when the balance is a credit)',
        }),
        creditCents: Type.Integer({
          minimum: 0,
          description: 'The net credit balance (0 when the balance is a debit)',
        }),
      }),
    ),
    totalDebitCents: Type.Integer(),
    totalCreditCents: Type.Integer(),
    balanced: Type.Boolean({ description: 'Debits equal credits (always, unless the books are broken)' }),
  },
  { $id: 'TrialBalance' },
);

const JournalEntrySchema = Type.Object(
  {
    id: Type.String(),
    entryNumber: Type.Integer(),
    effectiveOn: Type.String({ format: 'date' }),
    postedAt: Type.String({ format: 'date-time' }),
    eventType: Type.String({
      description:
        'contract_written, contracts_imported, contracts_seeded, opening_balance, cancellation, repair_claim_incurred, repair_claim_paid, rental_claim_incurred, trip_interruption_claim_incurred, roadside_request_incurred, gap_claim_paid, transfer_fee, premium_earning, …',
    }),
    eventId: Type.String(),
    eventKey: Type.String({ description: 'Unique: an event posts once' }),
    contractId: Nullable(Type.String()),
    reversesEntryId: Nullable(Type.String()),
    memo: Type.String(),
    createdBy: Type.String(),
    lines: Type.Array(
      Type.Object({
        lineNumber: Type.Integer(),
        accountCode: Type.String(),
        accountName: Type.String(),
        debitCents: Type.Integer({ minimum: 0 }),
        creditCents: Type.Integer({ minimum: 0 }),
        contractId: Nullable(Type.String()),
        planCode: Nullable(Type.String()),
        state: Nullable(Type.String()),
        dealerCode: Nullable(Type.String()),
      }),
    ),
  },
  { $id: 'JournalEntry' },
);

const JournalFilterQuery = {
  account: Type.Optional(
    Type.String({ pattern: '^\\d{4}$', description: 'Entries with a line on this account' }),
  ),
  from: Type.Optional(DatePattern('Effective on or after (YYYY-MM-DD)')),
  to: Type.Optional(DatePattern('Effective on or before (YYYY-MM-DD)')),
  eventType: Type.Optional(Type.String({ pattern: '^[a-z_]{1,64}$' })),
  eventId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  contractId: Type.Optional(
    Type.String({
      format: 'uuid',
      description:
        'Entries of this contract: its own, those with a line on it, and the summary entry of the lender-event batch that cancelled it (the cancellation names it)',
    }),
  ),
};

function checkRange(query: { from?: string | undefined; to?: string | undefined }): void {
  for (const param of ['from', 'to'] as const) {
    const value = query[param];
    if (value !== undefined && !isCalendarDate(value))
      throw new AppError('invalid_date', `${param} is not a calendar date.`, { param });
  }
  if (query.from && query.to && compareDates(query.from, query.to) > 0)
    throw new AppError('invalid_date', 'from is after to.', { param: 'from' });
}

export function registerAccountingRoutes(
  app: TypedApp,
  deps: { accounting: AccountingService; db: Kysely<Database>; clock: Clock },
): void {
  const { accounting } = deps;
  app.addSchema(TrialBalanceSchema);
  app.addSchema(JournalEntrySchema);

  app.get(
    '/api/v1/accounting/trial-balance',
    {
      config: { access: ADMIN },
      schema: {
        operationId: 'getTrialBalance',
        tags: ['Accounting'],
        summary: 'Trial balance as of a date',
        description:
          "Each account's net balance from the journal entries effective on or before `asOf` (default today in the business time zone).",
        querystring: Type.Object({ asOf: Type.Optional(DatePattern('YYYY-MM-DD')) }),
        response: { 200: Type.Ref('TrialBalance'), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => {
      const asOf = request.query.asOf ?? accounting.today();
      if (!isCalendarDate(asOf))
        throw new AppError('invalid_date', 'asOf is not a calendar date.', { param: 'asOf' });
      return accounting.trialBalance(asOf);
    },
  );

  app.get(
    '/api/v1/accounting/dealer-reconciliation',
    {
      config: { access: ADMIN },
      schema: {
        operationId: 'getDealerReconciliation',
        tags: ['Accounting'],
        summary: 'Dealer statements tied to the books as of a date',
        description:
          "Per dealer: the balance its statement shows as of `asOf` (default today in the business time zone) against the books' dealer receivable and chargebacks receivable (accounts 1100 + 1150) for that dealer code. `tiesOut` is true when every difference is zero. Premium of contracts that put no line on a dealer statement (no dealer account, or no dealer cost) is on account 1110 and is not part of this comparison. Changes nothing.",
        querystring: Type.Object({ asOf: Type.Optional(DatePattern('YYYY-MM-DD')) }),
        response: {
          200: Type.Object({
            asOf: Type.String({ format: 'date' }),
            dealers: Type.Array(
              Type.Object({
                dealerId: Nullable(Type.String({ format: 'uuid' })),
                dealerCode: Nullable(Type.String()),
                dealerName: Nullable(Type.String()),
                statementBalanceCents: Type.Integer({ description: 'Positive: owed by the dealer.' }),
                ledgerBalanceCents: Type.Integer({
                  description: 'Accounts 1100 + 1150 net debit for the dealer.',
                }),
                differenceCents: Type.Integer({ description: 'Books minus statement.' }),
              }),
            ),
            totals: Type.Object({
              statementBalanceCents: Type.Integer(),
              ledgerBalanceCents: Type.Integer(),
              differenceCents: Type.Integer(),
            }),
            tiesOut: Type.Boolean(),
          }),
          ...problemResponses(400, 401, 403, 422),
        },
      },
    },
    async (request) => {
      const asOf = request.query.asOf ?? accounting.today();
      if (!isCalendarDate(asOf))
        throw new AppError('invalid_date', 'asOf is not a calendar date.', { param: 'asOf' });
      return accounting.dealerReconciliation(asOf);
    },
  );

  app.get(
    '/api/v1/accounting/accounts',
    {
      config: { access: ADMIN },
      schema: {
        operationId: 'listAccounts',
        description: "Accounting staff. The chart of accounts with each account's type; changes nothing.",
        tags: ['Accounting'],
        summary: 'The chart of accounts',
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                code: Type.String(),
                name: Type.String(),
                type: Type.String(),
                normalBalance: Type.String(),
              }),
            ),
          }),
          ...problemResponses(401, 403),
        },
      },
    },
    async () => ({
      data: (await accounting.accounts()).map((row) => ({
        code: row.code,
        name: row.name,
        type: row.type,
        normalBalance: row.normal_balance,
      })),
    }),
  );

  app.get(
    '/api/v1/accounting/journal-entries',
    {
      config: { access: ADMIN },
      schema: {
        operationId: 'listJournalEntries',
        description:
          'Accounting staff. Balanced journal entries with their lines, newest first, a page at a time.',
        tags: ['Accounting'],
        summary: 'Journal entries with their lines, newest first',
        querystring: Type.Object({ ...JournalFilterQuery, ...PageQuery }),
        response: {
          200: Type.Object({ data: Type.Array(Type.Ref('JournalEntry')), hasMore: Type.Boolean() }),
          ...problemResponses(400, 401, 403, 422),
        },
      },
    },
    async (request) => {
      const { limit, startingAfter, ...filter } = request.query;
      checkRange(filter);
      return accounting.journalPage(filter, { limit: limit ?? 20, startingAfter });
    },
  );

  app.get(
    '/api/v1/accounting/journal.csv',
    {
      config: { access: ADMIN },
      schema: {
        operationId: 'exportJournalCsv',
        tags: ['Accounting'],
        summary: 'The journal as CSV (one row per line, oldest first) for a general-ledger system',
        description:
          'Columns: entry_number, entry_id, effective_on, posted_at, event_type, event_id, event_key, memo, line_number, ' +
          'account_code, account_name, debit, credit (decimal dollars), contract_id, plan_code, state, dealer_code. ' +
          'Streamed: any size.',
        querystring: Type.Object(JournalFilterQuery),
        response: {
          200: FileResponse('The journal lines as CSV (UTF-8), streamed', ['text/csv']),
          ...problemResponses(400, 401, 403, 422),
        },
      },
    },
    async (request, reply) => {
      checkRange(request.query);
      const name = `journal${request.query.from ? `-${request.query.from}` : ''}${request.query.to ? `-${request.query.to}` : ''}.csv`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(Readable.from(accounting.journalCsv(request.query)));
    },
  );

  app.get(
    '/api/v1/accounting/premium-by-month',
    {
      config: { access: ADMIN },
      schema: {
        operationId: 'getPremiumByMonth',
        tags: ['Accounting'],
        summary: 'Written and earned premium per month, from the journal',
        description:
          'Months of the entries effective from `from` to `to` (default: the twelve months to today).',
        querystring: Type.Object({
          from: Type.Optional(DatePattern('YYYY-MM-DD')),
          to: Type.Optional(DatePattern('YYYY-MM-DD')),
        }),
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                month: Type.String({ description: 'YYYY-MM' }),
                writtenCents: Type.Integer(),
                earnedCents: Type.Integer(),
              }),
            ),
          }),
          ...problemResponses(400, 401, 403, 422),
        },
      },
    },
    async (request) => {
      checkRange(request.query);
      const to = request.query.to ?? accounting.today();
      const from = request.query.from ?? addMonths(`${to.slice(0, 7)}-01`, -11);
      checkRange({ from, to });
      return { data: await accounting.premiumByMonth({ from, to }) };
    },
  );

  app.post(
    '/api/v1/accounting/earning-runs',
    {
      config: { access: ADMIN },
      schema: {
        operationId: 'runEarning',
        tags: ['Accounting'],
        summary: "Earn a month's premium (the month-end job, on demand)",
        description:
          'Posts one entry per plan and state moving the premium earned in `month` from unearned ' +
          'to earned premium. A month posts once: running it again posts nothing new.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: Type.Object(
          {
            month: Type.String({
              pattern: '^\\d{4}-\\d{2}$',
              description: 'YYYY-MM, a month that has ended',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            month: Type.String(),
            entriesPosted: Type.Integer({ minimum: 0 }),
            earnedCents: Type.Integer(),
          }),
          ...problemResponses(400, 401, 403, 422),
        },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 200, (run) =>
        accounting.earnMonth(run, {
          month: request.body.month,
          actor: actorOf(request.principal),
          requestId: request.id,
        }),
      );
    },
  );
}
