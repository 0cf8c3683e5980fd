import { keepPreviousData } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, type ApiResponse } from '../api.js';
import { BarChart } from '../charts/bar-chart.js';
import { formatCalendarDate, formatCents } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { useApiQuery, useRefetch } from '../queries.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';

// The lender's compliance view (GET /lender-events/refunds): every refund a lender event caused, with
// its deadline and whether it was met, as counts in a chart and its table, then the refunds one by one
// (filterable by status) and a CSV download. Lenders see their own loans; administrators see all.

type Answer = ApiResponse<'get', '/lender-events/refunds'>;
type Status = keyof Answer['counts'];
const STATUSES: Status[] = ['paid_on_time', 'paid_late', 'due', 'overdue'];
const STATUS_LABELS: Record<Status, string> = {
  paid_on_time: 'Paid on time',
  paid_late: 'Paid late',
  due: 'Due',
  overdue: 'Overdue',
};
const EVENT_LABELS: Record<string, string> = {
  payoff: 'Payoff',
  repossession: 'Repossession',
  total_loss: 'Total loss',
};

const numericCell = { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } as const;

function RefundsContent() {
  const [status, setStatus] = useState<Status | ''>('');
  // The filter shown: the one last asked for with the form; its answer stays while the next loads.
  const [shownStatus, setShownStatus] = useState<Status | ''>('');
  const refundsQuery = useApiQuery(
    '/lender-events/refunds',
    { params: { query: { limit: 100, ...(shownStatus ? { status: shownStatus } : {}) } } },
    { placeholderData: keepPreviousData },
  );
  const refetch = useRefetch();
  const answer: Answer | null = refundsQuery.data ?? null;
  const error = refundsQuery.error
    ? refundsQuery.error instanceof ApiError
      ? refundsQuery.error.detail
      : 'The refunds could not be loaded.'
    : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (status === shownStatus) void refetch(['/lender-events/refunds']);
    else setShownStatus(status);
  }

  return (
    <>
      <PageHeading title="Lender-event refunds">Lender-event refunds</PageHeading>
      <p>
        Every refund a payoff, repossession or total loss caused, with the day it must be paid by (the state's
        deadline from the event date) and whether it was met.
      </p>
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      {answer ? (
        <>
          <section className="card card--wide" aria-labelledby="counts-heading">
            <h2 id="counts-heading">As of {formatCalendarDate(answer.asOf)}</h2>
            <div style={{ height: 260 }}>
              <BarChart
                labels={STATUSES.map((s) => STATUS_LABELS[s])}
                series={[{ label: 'Refunds', values: STATUSES.map((s) => answer.counts[s].count) }]}
                description={`Refunds by status: ${STATUSES.map((s) => `${STATUS_LABELS[s]} ${answer.counts[s].count}`).join(', ')}.`}
              />
            </div>
            <TableScroll labelledBy="counts-table">
              <table className="table">
                <caption id="counts-table">Refunds by status</caption>
                <thead>
                  <tr>
                    <th scope="col">Status</th>
                    <th scope="col" style={numericCell}>
                      Refunds
                    </th>
                    <th scope="col" style={numericCell}>
                      Amount
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {STATUSES.map((s) => (
                    <tr key={s}>
                      <th scope="row">{STATUS_LABELS[s]}</th>
                      <td style={numericCell}>{answer.counts[s].count}</td>
                      <td style={numericCell}>{formatCents(answer.counts[s].amountCents)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </section>
          <section className="card card--wide" aria-labelledby="list-heading">
            <h2 id="list-heading">Refunds</h2>
            <form onSubmit={submit} className="inline-form">
              <label>
                Status{' '}
                <select value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
                  <option value="">All</option>
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {STATUS_LABELS[s]}
                    </option>
                  ))}
                </select>
              </label>{' '}
              <button type="submit">Show</button>{' '}
              <a href={`/api/v1/lender-events/refunds.csv${status ? `?status=${status}` : ''}`} download>
                Download CSV
              </a>
            </form>
            {answer.data.length === 0 ? (
              <p role="status">No refunds match.</p>
            ) : (
              <TableScroll labelledBy="refunds-table">
                <table className="table">
                  <caption id="refunds-table">
                    Refunds by deadline{answer.hasMore ? ' (the first 100; download the CSV for all)' : ''}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Contract</th>
                      <th scope="col">Event</th>
                      <th scope="col">Paid to</th>
                      <th scope="col" style={numericCell}>
                        Refund
                      </th>
                      <th scope="col">Due by</th>
                      <th scope="col">Paid on</th>
                      <th scope="col">Status</th>
                    </tr>
                  </thead>
                  <tbody>
                    {answer.data.map((r) => (
                      <tr key={r.cancellationId}>
                        <td>
                          {r.contractNumber}
                          <br />
                          <span className="muted">{r.vin}</span>
                        </td>
                        <td>
                          {EVENT_LABELS[r.event] ?? r.event}, {formatCalendarDate(r.eventDate)}
                        </td>
                        <td>
                          {r.payeeName} ({r.payeeKind === 'lienholder' ? 'lender' : 'holder'})
                        </td>
                        <td style={numericCell}>{formatCents(r.refundCents)}</td>
                        <td>{formatCalendarDate(r.refundDueOn)}</td>
                        <td>{r.paidOn ? formatCalendarDate(r.paidOn) : '—'}</td>
                        <td>{STATUS_LABELS[r.status]}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}

export function LenderRefundsPage() {
  return (
    <StaffOnly roles={['admin', 'lender']} refusal="Lender-event refunds are for lenders and administrators.">
      {() => <RefundsContent />}
    </StaffOnly>
  );
}

export default LenderRefundsPage;
