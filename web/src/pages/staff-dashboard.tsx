import { useMemo } from 'react';
import { ApiError, type ApiSchema, apiBasePath } from '../api.js';
import { BarChart, type BarSeries } from '../charts/bar-chart.js';
import { formatCalendarDate, formatCents, formatCount } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { useApiQuery } from '../queries.js';
import { SignInAlerts } from '../sign-in-alerts.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';

// The staff dashboard: each chart of GET /api/v1/dashboard drawn with Chart.js, with its numbers as a
// table and a CSV download. This page and Chart.js are a chunk of their own, loaded only here.

type DashboardChart = ApiSchema<'DashboardChart'>;
type ColumnKind = DashboardChart['columns'][number]['kind'];

const claimKindWords: Record<string, string> = {
  repair: 'Repair',
  gap: 'GAP',
  rental: 'Rental',
  trip_interruption: 'Trip interruption',
};

/** A code in plain words: 'BASIC_GUARD' → 'Basic Guard', 'ready_for_calculation' → 'Ready for calculation'. */
function codeWords(code: string): string {
  if (/^[A-Z0-9_]+$/.test(code) && code.includes('_'))
    return code
      .toLowerCase()
      .split('_')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join(' ');
  if (/^[a-z0-9_]+$/.test(code)) {
    const words = code.replaceAll('_', ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return code;
}

/** A text cell as people read it: claim kinds, statuses and plan codes in words. */
function textWords(key: string, value: string): string {
  if (key === 'kind') return claimKindWords[value] ?? codeWords(value);
  if (key === 'status' || key === 'planCode') return codeWords(value);
  return value;
}

function formatCell(value: string | number | undefined, kind: ColumnKind, key = ''): string {
  if (value === undefined) return '';
  if (kind === 'text') return textWords(key, String(value));
  const number = Number(value);
  if (kind === 'cents') return formatCents(number);
  if (kind === 'basis_points') return `${(number / 100).toFixed(1)}%`;
  return formatCount(number);
}

const numericCell = { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } as const;
const dollars = (cents: number) => formatCents(Math.round(cents), { wholeDollars: true });
const MAX_STATES_DRAWN = 15;

/** What each chart draws: the category labels, the bar series and how values read. */
function seriesOf(chart: DashboardChart): {
  labels: string[];
  series: BarSeries[];
  stacked: boolean;
  money: boolean;
  /** The series drawn against its own scale on the right, if any. */
  rightAxisSeries?: string;
} {
  const column = (key: string) => chart.columns.find((c) => c.key === key)?.label ?? key;
  const pick = (
    keys: string[],
    labelOf: (row: Record<string, string | number>) => string,
    stacked: boolean,
  ) => ({
    labels: chart.rows.map(labelOf),
    series: keys.map((key) => ({
      label: column(key),
      values: chart.rows.map((row) => Number(row[key] ?? 0)),
    })),
    stacked,
    money: keys.some((key) => chart.columns.find((c) => c.key === key)?.kind === 'cents'),
  });
  switch (chart.id) {
    case 'claims_by_status':
      return pick(
        ['age0to7', 'age8to30', 'age31plus'],
        (r) => `${textWords('kind', String(r.kind))}: ${textWords('status', String(r.status)).toLowerCase()}`,
        true,
      );
    case 'document_reviews_sla':
      return pick(['due', 'onTime'], (r) => String(r.week), false);
    case 'loss_ratio_by_plan':
      // Paid claims are a small fraction of premium: on one scale their bars vanish, so they get a
      // scale of their own on the right (each axis says which).
      return {
        ...pick(
          ['writtenPremiumCents', 'paidClaimsCents'],
          (r) => textWords('planCode', String(r.planCode)),
          false,
        ),
        rightAxisSeries: column('paidClaimsCents'),
      };
    case 'cancellations_by_month':
      return pick(['refundCents'], (r) => String(r.month), false);
    case 'portfolio_by_tier_state': {
      // States on the axis (the largest ones), plans stacked in each.
      const totals = new Map<string, number>();
      for (const row of chart.rows)
        totals.set(String(row.state), (totals.get(String(row.state)) ?? 0) + Number(row.contracts));
      const states = [...totals.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, MAX_STATES_DRAWN)
        .map(([state]) => state);
      const plans = [...new Set(chart.rows.map((row) => String(row.planCode)))];
      return {
        labels: states,
        series: plans.map((plan) => ({
          label: textWords('planCode', plan),
          values: states.map((state) =>
            chart.rows
              .filter((row) => row.planCode === plan && row.state === state)
              .reduce((sum, row) => sum + Number(row.contracts), 0),
          ),
        })),
        stacked: true,
        money: false,
      };
    }
    default:
      return pick(
        chart.columns.filter((c) => c.kind === 'count').map((c) => c.key),
        (r) => String(r[chart.columns[0]?.key ?? ''] ?? ''),
        false,
      );
  }
}

function ChartSection({ chart }: { chart: DashboardChart }) {
  const drawn = useMemo(() => {
    const { labels, series, stacked, money, rightAxisSeries } = seriesOf(chart);
    // Money is drawn in dollars; the table keeps exact cents.
    return {
      labels,
      stacked,
      money,
      series: (money ? series.map((s) => ({ ...s, values: s.values.map((v) => v / 100) })) : series).map(
        (s) => (s.label === rightAxisSeries ? { ...s, axis: 'right' as const } : s),
      ),
    };
  }, [chart]);
  const headingId = `${chart.id}-heading`;
  const tableId = `${chart.id}-table`;
  return (
    <section className="card card--wide" aria-labelledby={headingId}>
      <h2 id={headingId}>{chart.title}</h2>
      <figure style={{ margin: '0 0 1rem' }}>
        {chart.rows.length === 0 ? (
          <p className="muted">Nothing to show yet.</p>
        ) : (
          <BarChart
            labels={drawn.labels}
            series={drawn.series}
            stacked={drawn.stacked}
            description={`${chart.title}: bar chart. The same numbers are in the table below.`}
            {...(drawn.money ? { formatValue: (value: number) => dollars(value * 100) } : {})}
          />
        )}
        <figcaption>{chart.caption}</figcaption>
      </figure>
      <TableScroll labelledBy={tableId}>
        <table className="table">
          <caption id={tableId}>{chart.title} (table)</caption>
          <thead>
            <tr>
              {chart.columns.map((c) => (
                <th key={c.key} scope="col">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {chart.rows.map((row, index) => (
              // Rows have no id of their own; their order is the server's and stable.
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are replaced whole, never reordered.
              <tr key={index}>
                {chart.columns.map((c) => (
                  <td key={c.key} style={c.kind === 'text' ? undefined : numericCell}>
                    {formatCell(row[c.key], c.kind, c.key)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <p>
        <a href={`${apiBasePath}/dashboard/${chart.id}?format=csv`} download>
          Download “{chart.title}” as CSV
        </a>
      </p>
    </section>
  );
}

function DashboardContent() {
  const dashboardQuery = useApiQuery('/dashboard', undefined);
  const dashboard = dashboardQuery.data ?? null;
  const error = dashboardQuery.error
    ? dashboardQuery.error instanceof ApiError
      ? dashboardQuery.error.detail
      : 'The dashboard could not be loaded.'
    : null;

  return (
    <>
      <PageHeading title="Dashboard">Dashboard</PageHeading>
      <SignInAlerts />
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      {dashboard ? (
        <>
          <p className="muted">As of {formatCalendarDate(dashboard.asOf)}.</p>
          <section className="card card--wide" aria-labelledby="reviews-heading">
            <h2 id="reviews-heading">Document reviews</h2>
            <dl className="facts">
              <div>
                <dt>Due today</dt>
                <dd>{formatCount(dashboard.reviewsDueToday)}</dd>
              </div>
              <div>
                <dt>Overdue</dt>
                <dd>{formatCount(dashboard.reviewsOverdue)}</dd>
              </div>
            </dl>
          </section>
          {dashboard.charts.map((chart) => (
            <ChartSection key={chart.id} chart={chart} />
          ))}
        </>
      ) : error ? null : (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
    </>
  );
}

export function StaffDashboardPage() {
  return (
    <StaffOnly
      roles={['admin', 'adjuster', 'reviewer']}
      refusal="The dashboard is for administrators, adjusters and reviewers."
    >
      {() => <DashboardContent />}
    </StaffOnly>
  );
}

export default StaffDashboardPage;
