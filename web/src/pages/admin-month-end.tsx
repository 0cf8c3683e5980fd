import { keepPreviousData } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, type ApiSchema, apiBasePath } from '../api.js';
import { BarChart } from '../charts/bar-chart.js';
import { formatCalendarDate, formatCents } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { PremiumByMonthTable } from '../premium-by-month.js';
import { useApiQuery, useRefetch } from '../queries.js';
import { Link } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';

// The month-end report (GET /reports/month-end): written, earned and unearned premium by plan and state
// with claims paid and the loss ratio, earned against written by month and the dealers' receivables
// aging (each a chart with its table), and the lender-event refunds due and overdue; CSV download.
// Administrators only; this page and Chart.js load on demand.

type MonthEndReport = ApiSchema<'MonthEndReport'>;
type RefundState = keyof MonthEndReport['refunds'];

const numericCell = { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } as const;
const AGING = [
  ['currentCents', 'Current'],
  ['days30Cents', '30–59 days'],
  ['days60Cents', '60–89 days'],
  ['days90PlusCents', '90+ days'],
] as const;
const REFUND_LABELS: [RefundState, string][] = [
  ['paid_on_time', 'Paid on time'],
  ['paid_late', 'Paid late'],
  ['due', 'Due (deadline not passed)'],
  ['overdue', 'Overdue'],
];

function lastMonth(): string {
  const now = new Date();
  const first = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${first.getFullYear()}-${String(first.getMonth() + 1).padStart(2, '0')}`;
}

function ratio(basisPoints: number | null): string {
  return basisPoints === null ? '—' : `${(basisPoints / 100).toFixed(2)}%`;
}

const dollars = (value: number) => formatCents(Math.round(value * 100), { wholeDollars: true });

function MonthEndContent() {
  const [month, setMonth] = useState(lastMonth());
  // The month shown: the one last asked for with "Show"; its report stays while the next one loads.
  const [shownMonth, setShownMonth] = useState(month);
  const reportQuery = useApiQuery(
    '/reports/month-end',
    { params: { query: { month: shownMonth } } },
    { placeholderData: keepPreviousData },
  );
  const refetch = useRefetch();
  const report: MonthEndReport | null = reportQuery.data ?? null;
  const loading = reportQuery.isFetching;
  const error = reportQuery.error
    ? reportQuery.error instanceof ApiError
      ? reportQuery.error.detail
      : 'The month-end report could not be loaded.'
    : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (month === shownMonth) void refetch(['/reports/month-end']);
    else setShownMonth(month);
  }

  return (
    <>
      <PageHeading title="Month-end report">Month-end report</PageHeading>
      <p>
        Premium, claims and the loss ratio from the general ledger (see the{' '}
        <Link href="/admin/trial-balance">trial balance</Link>), the dealers' receivables and the lender-event
        refunds, for one month.
      </p>
      <form onSubmit={submit} className="inline-form">
        <label>
          Month{' '}
          <input
            type="month"
            value={month}
            onChange={(e) => setMonth(e.target.value)}
            pattern="\d{4}-\d{2}"
            aria-describedby={error ? 'month-error' : undefined}
            required
          />
        </label>{' '}
        <button type="submit">Show</button>{' '}
        <a href={`${apiBasePath}/reports/month-end.csv?month=${encodeURIComponent(month)}`} download>
          Download CSV
        </a>
      </form>
      {error ? (
        <div id="month-error" className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      {loading ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : null}
      {report ? (
        <>
          <section className="card card--wide" aria-labelledby="premium-heading">
            <h2 id="premium-heading">
              Premium and claims, {formatCalendarDate(report.from)} to {formatCalendarDate(report.to)}
            </h2>
            <TableScroll labelledBy="premium-table">
              <table className="table">
                <caption id="premium-table">Premium and claims by plan and state</caption>
                <thead>
                  <tr>
                    <th scope="col">Plan</th>
                    <th scope="col">State</th>
                    <th scope="col" style={numericCell}>
                      Written
                    </th>
                    <th scope="col" style={numericCell}>
                      Earned
                    </th>
                    <th scope="col" style={numericCell}>
                      Unearned at month end
                    </th>
                    <th scope="col" style={numericCell}>
                      Claims paid
                    </th>
                    <th scope="col" style={numericCell}>
                      Loss ratio
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {report.premium.length === 0 ? (
                    <tr>
                      <td colSpan={7}>Nothing posted for this month.</td>
                    </tr>
                  ) : (
                    report.premium.map((row) => (
                      <tr key={`${row.planCode}/${row.state}`}>
                        <td>{row.planCode}</td>
                        <td>{row.state}</td>
                        <td style={numericCell}>{formatCents(row.writtenCents)}</td>
                        <td style={numericCell}>{formatCents(row.earnedCents)}</td>
                        <td style={numericCell}>{formatCents(row.unearnedCents)}</td>
                        <td style={numericCell}>{formatCents(row.claimsPaidCents)}</td>
                        <td style={numericCell}>{ratio(row.lossRatioBasisPoints)}</td>
                      </tr>
                    ))
                  )}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row" colSpan={2}>
                      Total
                    </th>
                    <td style={numericCell}>{formatCents(report.premiumTotals.writtenCents)}</td>
                    <td style={numericCell}>{formatCents(report.premiumTotals.earnedCents)}</td>
                    <td style={numericCell}>{formatCents(report.premiumTotals.unearnedCents)}</td>
                    <td style={numericCell}>{formatCents(report.premiumTotals.claimsPaidCents)}</td>
                    <td style={numericCell}>{ratio(report.premiumTotals.lossRatioBasisPoints)}</td>
                  </tr>
                </tfoot>
              </table>
            </TableScroll>
            <p className="muted">Loss ratio: claims paid in the month ÷ premium earned in the month.</p>
          </section>

          <section className="card card--wide" aria-labelledby="trend-heading">
            <h2 id="trend-heading">Earned and written premium by month</h2>
            <figure style={{ margin: '0 0 1rem' }}>
              {report.trend.length === 0 ? (
                <p className="muted">Nothing posted in these twelve months.</p>
              ) : (
                <BarChart
                  labels={report.trend.map((m) => m.month)}
                  series={[
                    { label: 'Written', values: report.trend.map((m) => m.writtenCents / 100) },
                    { label: 'Earned', values: report.trend.map((m) => m.earnedCents / 100) },
                  ]}
                  description="Earned and written premium by month: bar chart. The same numbers are in the table below."
                  formatValue={dollars}
                />
              )}
              <figcaption>The twelve months to {report.month}, from the journal.</figcaption>
            </figure>
            <PremiumByMonthTable
              id="trend-table"
              caption="Earned and written premium by month (table)"
              months={report.trend}
            />
          </section>

          <section className="card card--wide" aria-labelledby="aging-heading">
            <h2 id="aging-heading">Dealer receivables aging as of {formatCalendarDate(report.to)}</h2>
            <figure style={{ margin: '0 0 1rem' }}>
              <BarChart
                labels={AGING.map(([, label]) => label)}
                series={[
                  {
                    label: 'Owed by dealers',
                    values: AGING.map(([key]) => report.receivablesTotals[key] / 100),
                  },
                ]}
                description="Dealer receivables by age: bar chart. The same numbers are in the table below."
                formatValue={dollars}
              />
              <figcaption>
                Every dealer's balance by the age of its open charges; a credit balance shows as a negative
                current amount.
              </figcaption>
            </figure>
            <TableScroll labelledBy="aging-table">
              <table className="table">
                <caption id="aging-table">Dealer receivables aging (table)</caption>
                <thead>
                  <tr>
                    <th scope="col">Dealer</th>
                    {AGING.map(([key, label]) => (
                      <th key={key} scope="col" style={numericCell}>
                        {label}
                      </th>
                    ))}
                    <th scope="col" style={numericCell}>
                      Balance
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {report.receivables.length === 0 ? (
                    <tr>
                      <td colSpan={6}>No dealer owes anything or holds a credit.</td>
                    </tr>
                  ) : (
                    report.receivables.map((row) => (
                      <tr key={row.dealerCode}>
                        <td>
                          {row.dealerCode} {row.dealerName}
                        </td>
                        {AGING.map(([key]) => (
                          <td key={key} style={numericCell}>
                            {formatCents(row[key])}
                          </td>
                        ))}
                        <td style={numericCell}>{formatCents(row.balanceCents)}</td>
                      </tr>
                    ))
                  )}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">Total</th>
                    {AGING.map(([key]) => (
                      <td key={key} style={numericCell}>
                        {formatCents(report.receivablesTotals[key])}
                      </td>
                    ))}
                    <td style={numericCell}>{formatCents(report.receivablesTotals.balanceCents)}</td>
                  </tr>
                </tfoot>
              </table>
            </TableScroll>
          </section>

          <section className="card card--wide" aria-labelledby="refunds-heading">
            <h2 id="refunds-heading">Lender-event refunds as of {formatCalendarDate(report.to)}</h2>
            <TableScroll labelledBy="refunds-table">
              <table className="table">
                <caption id="refunds-table">Lender-event refunds by deadline</caption>
                <thead>
                  <tr>
                    <th scope="col">Refunds</th>
                    <th scope="col" style={numericCell}>
                      Count
                    </th>
                    <th scope="col" style={numericCell}>
                      Amount
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {REFUND_LABELS.map(([state, label]) => (
                    <tr key={state}>
                      <th scope="row">{label}</th>
                      <td style={numericCell}>{report.refunds[state].count}</td>
                      <td style={numericCell}>{formatCents(report.refunds[state].amountCents)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <p>
              Each refund with its deadline is in <Link href="/lender/refunds">lender refunds</Link>.
            </p>
          </section>
        </>
      ) : null}
    </>
  );
}

export function AdminMonthEndPage() {
  return (
    <StaffOnly roles={['admin']} refusal="The month-end report is for administrators only.">
      {() => <MonthEndContent />}
    </StaffOnly>
  );
}

export default AdminMonthEndPage;
