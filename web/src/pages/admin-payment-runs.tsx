import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useLayoutEffect, useRef, useState } from 'react';
import { ApiError, type ApiResponse, type ApiSchema, apiBasePath, apiClient } from '../api.js';
import { BarChart } from '../charts/bar-chart.js';
import { useFocusWhen } from '../focus.js';
import { formatCalendarDate, formatCents, formatCount } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { useApiMutation, useApiQuery } from '../queries.js';
import { Link, navigate, useLocation } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';

// Payment runs for administrators: preview a run (POST /payment-runs), review what it would pay (totals by
// payee type as a chart with its table, every item with payee, method, amount and source), approve it and
// download its NACHA and positive-pay files; the runs before, newest first a page at a time, each opened
// again at /admin/payment-runs?run=<id> (an approved run's files downloaded again there or from the list);
// the OFAC SDN list upload and the holds a possible match puts on a payment (release or block with a reason).

type PaymentRun = ApiSchema<'PaymentRun'>;
type OfacHold = ApiSchema<'OfacHold'>;
type RunSummary = ApiResponse<'get', '/payment-runs'>['data'][number];

const PAGE_PATH = '/admin/payment-runs';
const RUNS_PAGE_SIZE = 20;
const runHref = (id: string) => `${PAGE_PATH}?run=${encodeURIComponent(id)}`;
const runLinkId = (id: string) => `payment-run-${id}`;
const RUN_STATUS: Record<RunSummary['status'], string> = {
  draft: 'Draft (not paid)',
  approved: 'Approved',
  discarded: 'Discarded',
};

const numericCell = { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } as const;
const PAYEE_TYPE: Record<string, string> = {
  repair_facility: 'Repair facilities',
  holder: 'Holders',
  lienholder: 'Lienholders',
};
const SOURCE: Record<string, string> = {
  repair_claim: 'Repair authorization',
  rental_claim: 'Rental',
  trip_interruption_claim: 'Trip interruption',
  roadside_request: 'Towing',
  cancellation: 'Cancellation refund',
  gap_claim: 'GAP benefit',
};

type RunItem = PaymentRun['items'][number];

/**
 * What became of an item, in words: a held, blocked or skipped item is no payment of its run, and says
 * what happens to the payment instead (a hold released after the run was approved: a later run pays it).
 */
function itemStatusWords(item: RunItem, run: PaymentRun): string {
  const match = item.ofacHold ? ` (possible match: ${item.ofacHold.matchedName})` : '';
  switch (item.status) {
    case 'ready':
      return 'Ready to pay';
    case 'paid':
      return 'Paid';
    case 'held':
      return run.status === 'approved'
        ? `Held for OFAC review, not paid by this run: once released, a later run pays it${match}`
        : `Held for OFAC review${match}`;
    case 'blocked':
      return `Blocked by OFAC review: never paid${match}`;
    case 'skipped':
      return `Not paid by this run: ${SKIP_REASON[item.skipReason ?? ''] ?? 'skipped'}${match}`;
  }
}

const SKIP_REASON: Record<string, string> = {
  already_paid: 'paid by another run or by hand first',
  amount_changed: 'its amount changed before approval, and a later run pays the new amount',
  released_after_approval: 'released by OFAC review after this run was approved, and a later run pays it',
};

/** The run's items not paid by it, counted by why (e.g. "1 paid by another run or by hand first"). */
function skippedWords(run: PaymentRun): string {
  const counts = new Map<string, number>();
  for (const item of run.items)
    if (item.status === 'skipped')
      counts.set(item.skipReason ?? '', (counts.get(item.skipReason ?? '') ?? 0) + 1);
  return [...counts]
    .map(([reason, count]) => ` Not paid by this run: ${count} ${SKIP_REASON[reason] ?? 'skipped'}.`)
    .join('');
}

function message(caught: unknown, fallback: string): string {
  return caught instanceof ApiError ? caught.detail : fallback;
}

/** The run opened at ?run=<id>, read again whenever a change touches payment runs (an approval, a hold decided). */
function OpenRun({ id, focusOnOpen }: { id: string; focusOnOpen: boolean }) {
  const runQuery = useApiQuery('/payment-runs/{id}', { params: { path: { id } } });
  if (runQuery.isError)
    return (
      <div className="notice notice--error" role="alert">
        {message(runQuery.error, 'The payment run could not be loaded.')}{' '}
        <Link href={PAGE_PATH}>Back to the list of runs</Link>
      </div>
    );
  if (!runQuery.data)
    return (
      <p className="muted" role="status">
        Loading the payment run…
      </p>
    );
  return <RunReview run={runQuery.data} focusOnOpen={focusOnOpen} />;
}

function RunReview({ run, focusOnOpen }: { run: PaymentRun; focusOnOpen: boolean }) {
  const approval = useApiMutation('post', '/payment-runs/{id}/approval', {
    invalidates: ['/payment-runs/{id}', '/payment-runs'],
  });
  const error = approval.isError ? message(approval.error, 'The run could not be approved.') : null;
  const busy = approval.isPending;
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Opened from the list or just previewed: a keyboard or screen-reader user lands on the run.
  useFocusWhen(headingRef, focusOnOpen ? run.id : null);

  function approve() {
    approval.mutate({ params: { path: { id: run.id } } });
  }

  return (
    <section className="card card--wide" aria-labelledby="run-heading">
      <h2 id="run-heading" ref={headingRef} tabIndex={-1}>
        Payment run {run.runNumber} ({RUN_STATUS[run.status].toLowerCase()}), paying on{' '}
        {formatCalendarDate(run.payOn)}
      </h2>
      <p>
        <Link href={PAGE_PATH}>Back to the list of runs</Link>
      </p>
      <p role="status">
        {run.status === 'approved'
          ? `Paid ${run.totals.paidCount} payments, ${formatCents(run.totals.paidCents)}.`
          : `Would pay ${run.totals.achCount} by ACH (${formatCents(run.totals.achCents)}) and ${run.totals.checkCount} by check (${formatCents(run.totals.checkCents)}).`}{' '}
        {run.totals.heldCount > 0 ? `${run.totals.heldCount} held by OFAC screening.` : ''}
        {run.totals.blockedCount > 0 ? ` ${run.totals.blockedCount} blocked by OFAC screening.` : ''}
        {skippedWords(run)}
      </p>
      <figure style={{ margin: '0 0 1rem' }}>
        <BarChart
          labels={run.byPayeeType.map((row) => PAYEE_TYPE[row.payeeType] ?? row.payeeType)}
          series={[{ label: 'Amount', values: run.byPayeeType.map((row) => row.amountCents / 100) }]}
          description="Run totals by payee type: bar chart. The same numbers are in the table below."
          formatValue={(value) => formatCents(Math.round(value * 100), { wholeDollars: true })}
        />
        <figcaption>Amount to pay by payee type (held payments are left out).</figcaption>
      </figure>
      <TableScroll labelledBy="run-totals">
        <table className="table">
          <caption id="run-totals">Run totals by payee type</caption>
          <thead>
            <tr>
              <th scope="col">Payee type</th>
              <th scope="col" style={numericCell}>
                Payments
              </th>
              <th scope="col" style={numericCell}>
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {run.byPayeeType.map((row) => (
              <tr key={row.payeeType}>
                <td>{PAYEE_TYPE[row.payeeType] ?? row.payeeType}</td>
                <td style={numericCell}>{row.count}</td>
                <td style={numericCell}>{formatCents(row.amountCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {run.status === 'draft' ? (
        <p>
          <button type="button" onClick={approve} disabled={busy}>
            {busy ? 'Approving…' : 'Approve and pay'}
          </button>
        </p>
      ) : null}
      {run.status === 'approved' ? (
        <p>
          {run.files.nacha ? (
            <a href={nachaHref(run.id)} download>
              Download NACHA file
            </a>
          ) : (
            'No ACH payments.'
          )}{' '}
          {run.files.positivePay ? (
            <a href={positivePayHref(run.id)} download>
              Download positive-pay file
            </a>
          ) : (
            'No checks.'
          )}
        </p>
      ) : null}
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      <TableScroll labelledBy="run-items">
        <table className="table">
          <caption id="run-items">Items of run {run.runNumber}, each with what became of it</caption>
          <thead>
            <tr>
              <th scope="col">Payee</th>
              <th scope="col">Source</th>
              <th scope="col">Method</th>
              <th scope="col" style={numericCell}>
                Amount
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {run.items.map((item) => (
              <tr key={item.id}>
                <td>
                  {item.payee.name}
                  <br />
                  <span className="muted">{PAYEE_TYPE[item.payee.type] ?? item.payee.type}</span>
                </td>
                <td>{SOURCE[item.source.type] ?? item.source.type}</td>
                <td>
                  {item.method === 'ach'
                    ? `ACH ${item.bankAccount?.routingNumber ?? ''} ${item.bankAccount?.accountNumberMasked ?? ''}`
                    : `Check${item.checkNumber ? ` ${item.checkNumber}` : ''}`}
                </td>
                <td style={numericCell}>{formatCents(item.amountCents)}</td>
                <td>{itemStatusWords(item, run)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

const nachaHref = (id: string) => `${apiBasePath}/payment-runs/${encodeURIComponent(id)}/nacha`;
const positivePayHref = (id: string) => `${apiBasePath}/payment-runs/${encodeURIComponent(id)}/positive-pay`;

/**
 * The runs before, newest first, a page at a time: each opens again (its items, its files), and an
 * approved run's files download from its row. "Older runs" adds the next page and moves focus to its
 * first run, so a keyboard user goes on where the list grew.
 */
function RunList({ openId }: { openId: string | null }) {
  const runs = useInfiniteQuery({
    queryKey: ['/payment-runs', { query: { limit: RUNS_PAGE_SIZE } }],
    queryFn: ({ pageParam, signal }) =>
      apiClient.GET('/payment-runs', {
        params: { query: { limit: RUNS_PAGE_SIZE, ...(pageParam ? { startingAfter: pageParam } : {}) } },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => (page.hasMore ? (page.data.at(-1)?.id ?? null) : null),
  });
  const list: RunSummary[] = runs.data?.pages.flatMap((page) => page.data) ?? [];
  const [focusFrom, setFocusFrom] = useState<number | null>(null);
  // Once the next page is in, its first run takes focus (the button that asked for it is gone).
  useLayoutEffect(() => {
    const first = focusFrom === null ? undefined : list[focusFrom];
    if (!first) return;
    document.getElementById(runLinkId(first.id))?.focus();
    setFocusFrom(null);
  }, [focusFrom, list]);

  function older() {
    setFocusFrom(list.length);
    void runs.fetchNextPage();
  }

  return (
    <section className="card card--wide" aria-labelledby="runs-heading">
      <h2 id="runs-heading">All runs</h2>
      {runs.isError ? (
        <div className="notice notice--error" role="alert">
          {message(runs.error, 'The payment runs could not be loaded.')}
        </div>
      ) : null}
      {runs.isPending ? (
        <p className="muted" role="status">
          Loading the payment runs…
        </p>
      ) : list.length === 0 && !runs.isError ? (
        <p className="muted">No payment run yet: preview one above.</p>
      ) : list.length > 0 ? (
        <TableScroll labelledBy="runs-table">
          <table className="table">
            <caption id="runs-table">Payment runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Pays on</th>
                <th scope="col">Status</th>
                <th scope="col" style={numericCell}>
                  Payments
                </th>
                <th scope="col" style={numericCell}>
                  Held (OFAC)
                </th>
                <th scope="col" style={numericCell}>
                  Total
                </th>
                <th scope="col">Files</th>
              </tr>
            </thead>
            <tbody>
              {list.map((run) => (
                <tr key={run.id} aria-current={run.id === openId ? 'true' : undefined}>
                  <th scope="row">
                    <Link href={runHref(run.id)} id={runLinkId(run.id)}>
                      Run {run.runNumber}
                    </Link>
                    {run.id === openId ? <span className="muted"> (shown above)</span> : null}
                  </th>
                  <td>{formatCalendarDate(run.payOn)}</td>
                  <td>
                    {RUN_STATUS[run.status]}
                    {run.approvedBy ? <span className="muted"> by {run.approvedBy}</span> : null}
                  </td>
                  <td style={numericCell}>{formatCount(run.paymentCount)}</td>
                  <td style={numericCell}>{formatCount(run.heldCount)}</td>
                  <td style={numericCell}>
                    {formatCents(run.payableCents)}
                    <span className="visually-hidden">
                      {run.status === 'approved' ? ' paid' : run.status === 'draft' ? ' to pay' : ' not paid'}
                    </span>
                  </td>
                  <td>
                    {run.files.nacha ? (
                      <a href={nachaHref(run.id)} download>
                        NACHA<span className="visually-hidden"> file of run {run.runNumber}</span>
                      </a>
                    ) : null}
                    {run.files.nacha && run.files.positivePay ? ' · ' : null}
                    {run.files.positivePay ? (
                      <a href={positivePayHref(run.id)} download>
                        Positive pay<span className="visually-hidden"> file of run {run.runNumber}</span>
                      </a>
                    ) : null}
                    {!run.files.nacha && !run.files.positivePay ? <span className="muted">none</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {runs.isFetchingNextPage ? (
        <p className="muted" role="status">
          Loading older runs…
        </p>
      ) : runs.hasNextPage ? (
        <p>
          <button type="button" onClick={older}>
            Older runs
          </button>
        </p>
      ) : null}
    </section>
  );
}

function HoldDecision({ hold }: { hold: OfacHold }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  // A decision settles the payment in every draft run that holds it: the open run and the list read again.
  const decision = useApiMutation('post', '/ofac/holds/{id}/decision', {
    invalidates: ['/ofac/holds', '/payment-runs/{id}', '/payment-runs'],
  });
  const fieldId = `reason-${hold.id}`;

  function decide(choice: 'release' | 'block') {
    if (!reason.trim()) {
      setError('Say why.');
      return;
    }
    setError(null);
    decision.mutate(
      { params: { path: { id: hold.id } }, body: { decision: choice, reason } },
      { onError: (caught) => setError(message(caught, 'The decision could not be saved.')) },
    );
  }

  return (
    <form onSubmit={(event) => event.preventDefault()}>
      <label htmlFor={fieldId}>Reason for {hold.payeeName}</label>
      <textarea
        id={fieldId}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${fieldId}-error` : undefined}
        rows={2}
      />
      {error ? (
        <p id={`${fieldId}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="button" onClick={() => decide('release')}>
        Release
      </button>{' '}
      <button type="button" onClick={() => decide('block')}>
        Block
      </button>
    </form>
  );
}

function PaymentRunsContent() {
  const location = useLocation();
  const openId = new URLSearchParams(location.search).get('run');
  const holdsQuery = useApiQuery('/ofac/holds', { params: { query: { status: 'held', limit: 100 } } });
  const holds: OfacHold[] = holdsQuery.data?.data ?? [];
  // Previewing a run screens its payees, which may put new payments on hold; the new run opens.
  const previewRun = useApiMutation('post', '/payment-runs', {
    invalidates: ['/ofac/holds', '/payment-runs'],
    onSuccess: (run) => navigate(runHref(run.id)),
  });
  const busy = previewRun.isPending;
  const [sdnMessage, setSdnMessage] = useState<string | null>(null);
  const error = previewRun.isError
    ? message(previewRun.error, 'The run could not be previewed.')
    : holdsQuery.isError
      ? message(holdsQuery.error, 'The OFAC holds could not be loaded.')
      : null;

  function preview() {
    previewRun.mutate({ body: {} });
  }

  function uploadSdn(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = event.currentTarget.elements.namedItem('sdn-file') as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) {
      setSdnMessage('Choose sdn.csv first.');
      return;
    }
    setSdnMessage('Loading the list…');
    apiClient
      .POST('/ofac/sdn-lists', {
        // The API document does not describe the CSV body, so the file is sent as it is.
        body: file as never,
        bodySerializer: (body: unknown) => body,
        headers: { 'content-type': 'text/csv' },
      })
      .then(
        (list) => setSdnMessage(`Loaded ${list.entryCount} SDN entries.`),
        (caught: unknown) =>
          setSdnMessage(
            caught instanceof ApiError && caught.status !== 0 ? caught.detail : 'The list could not be sent.',
          ),
      );
  }

  return (
    <>
      <PageHeading title="Payment runs">Payment runs</PageHeading>
      <p>
        Repair authorizations, reimbursements, approved GAP benefits and cancellation refunds are paid in
        runs: preview what would be paid, review it, approve it, then send the files to the bank.
      </p>
      <p>
        <button type="button" onClick={preview} disabled={busy}>
          {busy ? 'Previewing…' : 'Preview a payment run'}
        </button>
      </p>
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      {openId ? <OpenRun key={openId} id={openId} focusOnOpen={location.afterNavigation} /> : null}
      <RunList openId={openId} />
      <section className="card card--wide" aria-labelledby="holds-heading">
        <h2 id="holds-heading">OFAC holds</h2>
        {holds.length === 0 ? (
          <p className="muted">No payment is held.</p>
        ) : (
          <TableScroll labelledBy="holds-table">
            <table className="table">
              <caption id="holds-table">Payments held by a possible SDN match</caption>
              <thead>
                <tr>
                  <th scope="col">Payee</th>
                  <th scope="col">Matched SDN entry</th>
                  <th scope="col" style={numericCell}>
                    Score
                  </th>
                  <th scope="col" style={numericCell}>
                    Amount
                  </th>
                  <th scope="col">Decision</th>
                </tr>
              </thead>
              <tbody>
                {holds.map((hold) => (
                  <tr key={hold.id}>
                    <td>
                      {hold.payeeName} (run {hold.runNumber})
                    </td>
                    <td>
                      {hold.matchedEntry.name} (entry {hold.matchedEntry.entNum}
                      {hold.matchedEntry.program ? `, ${hold.matchedEntry.program}` : ''})
                      {hold.matchedEntry.remarks ? (
                        <>
                          <br />
                          <span className="muted">{hold.matchedEntry.remarks}</span>
                        </>
                      ) : null}
                    </td>
                    <td style={numericCell}>{hold.score.toFixed(3)}</td>
                    <td style={numericCell}>{formatCents(hold.amountCents)}</td>
                    <td>
                      <HoldDecision hold={hold} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <form onSubmit={uploadSdn}>
          <label htmlFor="sdn-file">SDN list (sdn.csv from the Treasury)</label>
          <input id="sdn-file" name="sdn-file" type="file" accept=".csv,text/csv" />{' '}
          <button type="submit">Load the list</button>
          {sdnMessage ? <p role="status">{sdnMessage}</p> : null}
        </form>
      </section>
    </>
  );
}

export function AdminPaymentRunsPage() {
  return (
    <StaffOnly roles={['admin']} refusal="Payment runs are for administrators only.">
      {() => <PaymentRunsContent />}
    </StaffOnly>
  );
}

export default AdminPaymentRunsPage;
