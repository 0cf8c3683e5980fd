// GET /api/v1/reports/unearned-reserve?asOf=YYYY-MM-DD (admin): the unearned-premium reserve per plan
// and purchase state as of a date, as JSON or, with `Accept: text/csv` or `?format=csv`, as CSV.
import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../platform/db/schema.js';
import { sendCsv, wantsCsv } from '../platform/http/csv-reply.js';
import { DateInput, FileResponse, Nullable, problemResponses, StringEnum } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { isCalendarDate } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import { isMonth, monthEndCsv } from './month-end.js';
import { monthEnd, unearnedReserve } from './reports.service.js';
import { unearnedReserveCsv } from './unearned-reserve.js';

const Cents = Type.Integer();
const Amounts = {
  contracts: Type.Integer({ minimum: 0 }),
  cancelledContracts: Type.Integer({ minimum: 0, description: 'Cancelled on or before the as-of date' }),
  writtenPremiumCents: Cents,
  earnedCents: Cents,
  unearnedCents: Type.Integer({
    description:
      'Pro rata by days of the term remaining, half-up per contract; nothing for a GAP addendum whose benefit was paid',
  }),
  refundedCents: Type.Integer({ description: 'Refunds of contracts cancelled on or before the as-of date' }),
};

export const UnearnedReserveSchema = Type.Object(
  {
    asOf: Type.String({ format: 'date' }),
    rows: Type.Array(Type.Object({ planCode: Type.String(), state: Type.String(), ...Amounts })),
    totals: Type.Object(Amounts),
  },
  { $id: 'UnearnedReserveReport' },
);

const Aging = {
  currentCents: Cents,
  days30Cents: Cents,
  days60Cents: Cents,
  days90PlusCents: Cents,
  balanceCents: Type.Integer({ description: 'Owed by the dealer (negative: a credit balance)' }),
};
const PremiumAmounts = {
  writtenCents: Type.Integer({ description: 'Premium written in the month (less voids), from the journal' }),
  earnedCents: Type.Integer({ description: 'Premium earned in the month, from the journal' }),
  unearnedCents: Type.Integer({ description: 'Unearned premium at the end of the month' }),
  claimsPaidCents: Type.Integer({ description: 'Claims paid out in the month' }),
  lossRatioBasisPoints: Nullable(Type.Integer(), {
    description: 'Claims paid ÷ earned premium in basis points, half-up (null when nothing was earned)',
  }),
};
const RefundCount = Type.Object({ count: Type.Integer({ minimum: 0 }), amountCents: Cents });

export const MonthEndSchema = Type.Object(
  {
    month: Type.String({ description: 'YYYY-MM' }),
    from: Type.String({ format: 'date' }),
    to: Type.String({ format: 'date' }),
    premium: Type.Array(Type.Object({ planCode: Type.String(), state: Type.String(), ...PremiumAmounts })),
    premiumTotals: Type.Object(PremiumAmounts),
    trend: Type.Array(Type.Object({ month: Type.String(), writtenCents: Cents, earnedCents: Cents }), {
      description: 'Written and earned premium for the twelve months to the report month',
    }),
    receivables: Type.Array(Type.Object({ dealerCode: Type.String(), dealerName: Type.String(), ...Aging }), {
      description: "Each dealer's receivable aged as of the month's last day",
    }),
    receivablesTotals: Type.Object(Aging),
    refunds: Type.Object(
      { paid_on_time: RefundCount, paid_late: RefundCount, due: RefundCount, overdue: RefundCount },
      { description: "Lender-event refunds as they stood at the end of the month's last day" },
    ),
  },
  { $id: 'MonthEndReport' },
);

export function registerReportRoutes(
  app: TypedApp,
  deps: { db: Kysely<Database>; today: () => string; timeZone: string },
): void {
  app.addSchema(UnearnedReserveSchema);
  app.get(
    '/api/v1/reports/unearned-reserve',
    {
      config: { access: ['admin'] },
      schema: {
        operationId: 'getUnearnedReserveReport',
        tags: ['Reports'],
        summary: 'Unearned-premium reserve per plan and state as of a date (JSON or CSV)',
        description:
          'Written premium, earned and unearned as of `asOf` (default: today in the business time zone), pro rata ' +
          'by days of each contract term. Contracts cancelled on or before the date count as refunded, not unearned. ' +
          'Send `Accept: text/csv` or `format=csv` for CSV (amounts in cents).',
        querystring: Type.Object({
          asOf: Type.Optional(DateInput('The day the reserve is computed as of')),
          format: Type.Optional(StringEnum(['json', 'csv'] as const)),
        }),
        response: {
          200: Type.Ref('UnearnedReserveReport'),
          ...problemResponses(400, 401, 403, 422),
        },
      },
    },
    async (request, reply) => {
      const asOf = request.query.asOf ?? deps.today();
      if (!isCalendarDate(asOf))
        throw new AppError('invalid_date', 'asOf is not a calendar date.', { param: 'asOf' });
      const report = await unearnedReserve(deps.db, asOf, deps.timeZone);
      if (wantsCsv(request))
        return sendCsv(reply, `unearned-reserve-${asOf}.csv`, unearnedReserveCsv(report));
      return report;
    },
  );

  app.addSchema(MonthEndSchema);
  const monthEndDescription =
    'Written, earned and unearned premium by plan and state, claims paid and the loss ratio (from the general ledger), ' +
    "every dealer's receivable aged (current / 30 / 60 / 90+ days) as of the month's last day, and the lender-event " +
    'refunds paid on time, paid late, due and overdue as of that day; with written and earned for the twelve months ' +
    'to the month. `month` defaults to the current month.';
  const monthOf = (month: string | undefined): string => {
    const value = month ?? deps.today().slice(0, 7);
    if (!isMonth(value))
      throw new AppError('invalid_date', 'month is not a month (YYYY-MM).', { param: 'month' });
    return value;
  };
  const MonthQuery = {
    month: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM' })),
  };
  const sendMonthEndCsv = async (reply: FastifyReply, month: string) =>
    sendCsv(reply, `month-end-${month}.csv`, monthEndCsv(await monthEnd(deps.db, month)));

  app.get(
    '/api/v1/reports/month-end',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['Reports'],
        operationId: 'getMonthEndReport',
        summary: 'Month-end report: premium, claims, loss ratio, receivables aging, refunds (JSON or CSV)',
        description: `${monthEndDescription} Send \`Accept: text/csv\` or \`format=csv\` for CSV.`,
        querystring: Type.Object({
          ...MonthQuery,
          format: Type.Optional(StringEnum(['json', 'csv'] as const)),
        }),
        response: { 200: Type.Ref('MonthEndReport'), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const month = monthOf(request.query.month);
      if (wantsCsv(request)) return sendMonthEndCsv(reply, month);
      return monthEnd(deps.db, month);
    },
  );

  app.get(
    '/api/v1/reports/month-end.csv',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['Reports'],
        operationId: 'getMonthEndReportCsv',
        summary: 'Month-end report as CSV',
        description: `${monthEndDescription} One line per figure: month, section, plan_code, state, dealer_code, measure, value (cents; the loss ratio in basis points).`,
        querystring: Type.Object(MonthQuery),
        response: {
          200: FileResponse('The month-end report as CSV (UTF-8)', ['text/csv']),
          ...problemResponses(400, 401, 403, 422),
        },
      },
    },
    async (request, reply) => sendMonthEndCsv(reply, monthOf(request.query.month)),
  );
}
