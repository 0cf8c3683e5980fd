import { keepPreviousData } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api.js';
import { BarChart } from '../charts/bar-chart.js';
import { formatCalendarDate, formatCents } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { PremiumByMonthTable } from '../premium-by-month.js';
import { useApiMutation, useApiQuery, useRefetch } from '../queries.js';
import { Link } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';

// The trial balance as of a date (GET /accounting/trial-balance), the dealer statements tied to the
// books as of the same date (GET /accounting/dealer-reconciliation), written against earned premium by
// month as a chart with its table (GET /accounting/premium-by-month), and the month-end earning run on
// demand (POST /accounting/earning-runs). Administrators only; this page and Chart.js load on demand.

const numericCell = { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } as const;

function todayIso(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function lastMonth(): string {
  const now = new Date();
  const first = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${first.getFullYear()}-${String(first.getMonth() + 1).padStart(2, '0')}`;
}

function dealerLabel(row: { dealerCode: string | null; dealerName: string | null }): string {
  if (row.dealerCode === null) return 'No dealer named';
  return row.dealerName ? `${row.dealerCode} ${row.dealerName}` : `${row.dealerCode} (no dealer account)`;
}

/** Each dealer's statement against the books' 1100 + 1150 for it, as of the date shown. */
function DealerReconciliation({ asOf }: { asOf: string }) {
  const query = useApiQuery(
    '/accounting/dealer-reconciliation',
    { params: { query: { asOf } } },
    { placeholderData: keepPreviousData },
  );
  const view = query.data ?? null;
  const differing = view ? view.dealers.filter((row) => row.differenceCents !== 0) : [];
  return (
    <section className="card card--wide" aria-labelledby="dealer-tie-heading">
      <h2 id="dealer-tie-heading">Dealer statements against the books</h2>
      <p>
        What each dealer's statement says it owes, against the dealer receivable and chargebacks receivable
        (accounts <Link href="/admin/journal?account=1100">1100</Link> and{' '}
        <Link href="/admin/journal?account=1150">1150</Link>) the books hold for it. Premium of contracts on
        no dealer statement (no dealer account, or no dealer cost) is on{' '}
        <Link href="/admin/journal?account=1110">1110</Link>, not here.
      </p>
      {query.error ? (
        <p className="notice notice--error" role="alert">
          {query.error instanceof ApiError
            ? query.error.detail
            : 'The dealer statements could not be compared with the books.'}
        </p>
      ) : !view ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : (
        <>
          <p role="status" className={view.tiesOut ? 'muted' : 'notice notice--error'}>
            {view.tiesOut
              ? `As of ${formatCalendarDate(view.asOf)}, every dealer's statement agrees with the books.`
              : `As of ${formatCalendarDate(view.asOf)}, ${differing.length} of ${view.dealers.length} ${view.dealers.length === 1 ? 'row differs' : 'rows differ'} from the books by ${formatCents(view.totals.differenceCents)} in all.`}
          </p>
          {view.dealers.length === 0 ? (
            <p className="muted">No dealers yet.</p>
          ) : (
            <>
              <figure style={{ margin: '0 0 1rem' }}>
                <BarChart
                  labels={view.dealers.map((row) => row.dealerCode ?? 'No dealer')}
                  series={[
                    {
                      label: 'Statement',
                      values: view.dealers.map((row) => row.statementBalanceCents / 100),
                    },
                    { label: 'Books', values: view.dealers.map((row) => row.ledgerBalanceCents / 100) },
                  ]}
                  description="Each dealer's statement balance beside what the books hold for it: bar chart. The same numbers are in the table below."
                  formatValue={(value) => formatCents(Math.round(value * 100))}
                />
                <figcaption>
                  Statement and books per dealer; the bars of a dealer match when they agree.
                </figcaption>
              </figure>
              <TableScroll labelledBy="dealer-tie-table">
                <table className="table">
                  <caption id="dealer-tie-table">Dealer statements against the books (table)</caption>
                  <thead>
                    <tr>
                      <th scope="col">Dealer</th>
                      <th scope="col" style={numericCell}>
                        Statement
                      </th>
                      <th scope="col" style={numericCell}>
                        Books (1100 + 1150)
                      </th>
                      <th scope="col" style={numericCell}>
                        Difference
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {view.dealers.map((row) => (
                      <tr key={row.dealerCode ?? ''}>
                        <th scope="row">
                          {row.dealerId ? (
                            <Link href={`/admin/dealers/${row.dealerId}/statement`}>{dealerLabel(row)}</Link>
                          ) : (
                            dealerLabel(row)
                          )}
                        </th>
                        <td style={numericCell}>{formatCents(row.statementBalanceCents)}</td>
                        <td style={numericCell}>{formatCents(row.ledgerBalanceCents)}</td>
                        <td style={numericCell}>
                          {row.differenceCents === 0 ? 'Agrees' : formatCents(row.differenceCents)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th scope="row">Total</th>
                      <td style={numericCell}>{formatCents(view.totals.statementBalanceCents)}</td>
                      <td style={numericCell}>{formatCents(view.totals.ledgerBalanceCents)}</td>
                      <td style={numericCell}>
                        {view.totals.differenceCents === 0
                          ? 'Agrees'
                          : formatCents(view.totals.differenceCents)}
                      </td>
                    </tr>
                  </tfoot>
                </table>
              </TableScroll>
            </>
          )}
        </>
      )}
    </section>
  );
}

function TrialBalanceContent() {
  const [asOf, setAsOf] = useState(todayIso());
  // The date shown: the one last asked for with "Show" (what is typed is not asked until then).
  const [shownAsOf, setShownAsOf] = useState(asOf);
  const [runMonth, setRunMonth] = useState(lastMonth());
  const [runMessage, setRunMessage] = useState<{ error: boolean; text: string } | null>(null);
  // The figures of the previous date stay on screen while the next ones load.
  const balanceQuery = useApiQuery(
    '/accounting/trial-balance',
    { params: { query: { asOf: shownAsOf } } },
    { placeholderData: keepPreviousData },
  );
  const premiumQuery = useApiQuery(
    '/accounting/premium-by-month',
    { params: { query: { to: shownAsOf } } },
    { placeholderData: keepPreviousData },
  );
  const refetch = useRefetch();
  const earning = useApiMutation('post', '/accounting/earning-runs', {
    invalidates: ['/accounting/trial-balance', '/accounting/premium-by-month'],
  });
  const balance = balanceQuery.data ?? null;
  const months = premiumQuery.data?.data ?? [];
  const failure = balanceQuery.error ?? premiumQuery.error;
  const error = failure
    ? failure instanceof ApiError
      ? failure.detail
      : 'The trial balance could not be loaded.'
    : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (asOf === shownAsOf)
      void refetch([
        '/accounting/trial-balance',
        '/accounting/premium-by-month',
        '/accounting/dealer-reconciliation',
      ]);
    else setShownAsOf(asOf);
  }

  function earn(event: FormEvent) {
    event.preventDefault();
    setRunMessage(null);
    earning.mutate(
      { body: { month: runMonth } },
      {
        onSuccess: (result) =>
          setRunMessage({
            error: false,
            text:
              result.entriesPosted === 0
                ? `${result.month}: nothing new to post (the month was already earned).`
                : `${result.month}: ${result.entriesPosted} entries posted, ${formatCents(result.earnedCents)} earned.`,
          }),
        // A refusal (a month not ended, one before the latest earned) is an error, said as one.
        onError: (caught) => setRunMessage({ error: true, text: caught.detail }),
      },
    );
  }

  return (
    <>
      <PageHeading title="Trial balance">Trial balance</PageHeading>
      <p>
        Every account's balance from the journal. Browse the entries in the{' '}
        <Link href="/admin/journal">journal</Link>.
      </p>
      <form onSubmit={submit} className="inline-form">
        <label>
          As of <input type="date" value={asOf} onChange={(e) => setAsOf(e.target.value)} required />
        </label>{' '}
        <button type="submit">Show</button>
      </form>
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      {balance ? (
        <section className="card card--wide" aria-labelledby="tb-heading">
          <h2 id="tb-heading">As of {formatCalendarDate(balance.asOf)}</h2>
          <p role="status" className={balance.balanced ? 'muted' : 'notice notice--error'}>
            {balance.balanced
              ? 'Debits equal credits.'
              : 'Debits and credits differ: the books do not balance.'}
          </p>
          <TableScroll labelledBy="tb-table">
            <table className="table">
              <caption id="tb-table">Trial balance</caption>
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col" style={numericCell}>
                    Debit
                  </th>
                  <th scope="col" style={numericCell}>
                    Credit
                  </th>
                </tr>
              </thead>
              <tbody>
                {balance.accounts.map((account) => (
                  <tr key={account.code}>
                    <td>
                      <Link href={`/admin/journal?account=${account.code}`}>{account.code}</Link>
                    </td>
                    <td>{account.name}</td>
                    <td>{account.type}</td>
                    <td style={numericCell}>{account.debitCents ? formatCents(account.debitCents) : ''}</td>
                    <td style={numericCell}>{account.creditCents ? formatCents(account.creditCents) : ''}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={3}>
                    Total
                  </th>
                  <td style={numericCell}>{formatCents(balance.totalDebitCents)}</td>
                  <td style={numericCell}>{formatCents(balance.totalCreditCents)}</td>
                </tr>
              </tfoot>
            </table>
          </TableScroll>
        </section>
      ) : error ? null : (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      <DealerReconciliation asOf={shownAsOf} />
      <section className="card card--wide" aria-labelledby="premium-heading">
        <h2 id="premium-heading">Written and earned premium by month</h2>
        <figure style={{ margin: '0 0 1rem' }}>
          {months.length === 0 ? (
            <p className="muted">Nothing posted in these twelve months.</p>
          ) : (
            <BarChart
              labels={months.map((m) => m.month)}
              series={[
                { label: 'Written', values: months.map((m) => m.writtenCents / 100) },
                { label: 'Earned', values: months.map((m) => m.earnedCents / 100) },
              ]}
              description="Written and earned premium by month: bar chart. The same numbers are in the table below."
              formatValue={(value) => formatCents(Math.round(value * 100), { wholeDollars: true })}
            />
          )}
          <figcaption>
            Written: premium of contracts written (by the day they were posted). Earned: moved from unearned
            premium by the month-end runs and by cancellations.
          </figcaption>
        </figure>
        <PremiumByMonthTable
          id="premium-table"
          caption="Written and earned premium by month (table)"
          months={months}
        />
      </section>
      <section className="card card--wide" aria-labelledby="earn-heading">
        <h2 id="earn-heading">Month-end earning</h2>
        <p>
          Runs by itself on the 1st of each month for the month before. A month posts once; running it again
          posts nothing new. A run earns everything up to its month's end, so a month before the latest one
          earned cannot be run: a late booking or cancellation is caught up by the next month.
        </p>
        <form onSubmit={earn} className="inline-form">
          <label>
            Month{' '}
            <input
              type="month"
              value={runMonth}
              onChange={(e) => setRunMonth(e.target.value)}
              pattern="\d{4}-\d{2}"
              required
            />
          </label>{' '}
          <button type="submit">Earn premium</button>
        </form>
        {runMessage ? (
          runMessage.error ? (
            <p className="notice notice--error" role="alert">
              {runMessage.text}
            </p>
          ) : (
            <p role="status">{runMessage.text}</p>
          )
        ) : null}
      </section>
    </>
  );
}

export function AdminTrialBalancePage() {
  return (
    <StaffOnly roles={['admin']} refusal="The books are for administrators only.">
      {() => <TrialBalanceContent />}
    </StaffOnly>
  );
}

export default AdminTrialBalancePage;
