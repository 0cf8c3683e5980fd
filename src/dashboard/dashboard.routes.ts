// GET /api/v1/dashboard (staff): every chart of the staff dashboard as series with their tables.
// GET /api/v1/dashboard/{chart} answers one chart; `?format=csv` (or `Accept: text/csv`) its table as CSV.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../platform/db/schema.js';
import { sendCsv, wantsCsv } from '../platform/http/csv-reply.js';
import { problemResponses, StringEnum } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import { CHART_IDS, chartCsv } from './dashboard.js';
import { buildDashboard, dashboardChart } from './dashboard.service.js';

const ChartSchema = Type.Object(
  {
    id: StringEnum(CHART_IDS),
    title: Type.String(),
    caption: Type.String(),
    columns: Type.Array(
      Type.Object({
        key: Type.String(),
        label: Type.String(),
        kind: StringEnum(['text', 'count', 'cents', 'basis_points'] as const),
      }),
    ),
    rows: Type.Array(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
  },
  { $id: 'DashboardChart' },
);

const STAFF = ['admin', 'adjuster', 'reviewer'] as const;

export function registerDashboardRoutes(
  app: TypedApp,
  deps: { db: Kysely<Database>; today: () => CalendarDate; timeZone: string },
): void {
  app.addSchema(ChartSchema);

  app.get(
    '/api/v1/dashboard',
    {
      config: { access: STAFF },
      schema: {
        operationId: 'getDashboard',
        tags: ['Dashboard'],
        summary: 'The staff dashboard: claims, document-review SLA, loss ratio, cancellations, portfolio',
        description:
          'Each chart is one indexed aggregate query over the live tables (no pre-aggregation), as of today in ' +
          'the business time zone. Money in cents, shares in basis points.',
        response: {
          200: Type.Object({
            asOf: Type.String({ format: 'date' }),
            reviewsDueToday: Type.Integer(),
            reviewsOverdue: Type.Integer(),
            charts: Type.Array(Type.Ref('DashboardChart')),
          }),
          ...problemResponses(401, 403),
        },
      },
    },
    async () => buildDashboard(deps.db, deps.today(), deps.timeZone),
  );

  app.get(
    '/api/v1/dashboard/:chart',
    {
      config: { access: STAFF },
      schema: {
        operationId: 'getDashboardChart',
        description: "Staff. One chart's data; with format=csv its table as CSV. 404 for an unknown chart.",
        tags: ['Dashboard'],
        summary: 'One dashboard chart (JSON), or its table as CSV with format=csv',
        params: Type.Object({ chart: StringEnum(CHART_IDS) }),
        querystring: Type.Object({ format: Type.Optional(StringEnum(['json', 'csv'] as const)) }),
        response: { 200: Type.Ref('DashboardChart'), ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const today = deps.today();
      const chart = await dashboardChart(deps.db, request.params.chart, today, deps.timeZone);
      if (wantsCsv(request)) return sendCsv(reply, `${chart.id}-${today}.csv`, chartCsv(chart));
      return chart;
    },
  );
}
