// GET /api/v1/reports/unearned-reserve?asOf=YYYY-MM-DD (admin): the unearned-premium reserve per plan
// and purchase state as of a date, as JSON or, with `Accept: text/csv` or `?format=csv`, as CSV.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../platform/db/schema.js';
import { DateInput, problemResponses, StringEnum } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { isCalendarDate } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import { unearnedReserve } from './reports.service.js';
import { unearnedReserveCsv } from './unearned-reserve.js';

const Cents = Type.Integer();
const Amounts = {
  contracts: Type.Integer({ minimum: 0 }),
  cancelledContracts: Type.Integer({ minimum: 0, description: 'Cancelled on or before the as-of date' }),
  writtenPremiumCents: Cents,
  earnedCents: Cents,
  unearnedCents: Type.Integer({
    description: 'Pro rata by days of the term remaining, half-up per contract',
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

export function registerReportRoutes(
  app: TypedApp,
  deps: { db: Kysely<Database>; today: () => string },
): void {
  app.addSchema(UnearnedReserveSchema);
  app.get(
    '/api/v1/reports/unearned-reserve',
    {
      config: { access: ['admin'] },
      schema: {
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
      const report = await unearnedReserve(deps.db, asOf);
      const wantsCsv =
        request.query.format === 'csv' ||
        (request.query.format === undefined && /\btext\/csv\b/.test(request.headers.accept ?? ''));
      if (wantsCsv) {
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="unearned-reserve-${asOf}.csv"`)
          .serializer((payload: unknown) => payload as string)
          .send(unearnedReserveCsv(report));
      }
      return report;
    },
  );
}
