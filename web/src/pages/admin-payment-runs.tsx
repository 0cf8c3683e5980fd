import { type FormEvent, useState } from 'react';
import { ApiError, type ApiSchema, apiBasePath, apiClient } from '../api.js';
import { BarChart } from '../charts/bar-chart.js';
import { formatCalendarDate, formatCents } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { useApiMutation, useApiQuery } from '../queries.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';

// Payment runs for administrators: preview a run (POST /payment-runs), review what it would pay (totals by
// payee type as a chart with its table, every item with payee, method, amount and source), approve it and
// download its NACHA and positive-pay files; the OFAC SDN list upload and the holds a possible match puts
// on a payment (release or block with a reason).

type PaymentRun = ApiSchema<'PaymentRun'>;
type OfacHold = ApiSchema<'OfacHold'>;

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

function message(caught: unknown, fallback: string): string {
  return caught instanceof ApiError ? caught.detail : fallback;
}

function RunReview({ run, onChanged }: { run: PaymentRun; onChanged: (run: PaymentRun) => void }) {
  const approval = useApiMutation('post', '/payment-runs/{id}/approval', { onSuccess: onChanged });
  const error = approval.isError ? message(approval.error, 'The run could not be approved.') : null;
  const busy = approval.isPending;

  function approve() {
    approval.mutate({ params: { path: { id: run.id } } });
  }

  return (
    <section className="card card--wide" aria-labelledby="run-heading">
      <h2 id="run-heading">
        Payment run {run.runNumber} ({run.status}), paying on {formatCalendarDate(run.payOn)}
      </h2>
      <p role="status">
        {run.status === 'approved'
          ? `Paid ${run.totals.paidCount} payments, ${formatCents(run.totals.paidCents)}.`
          : `Would pay ${run.totals.achCount} by ACH (${formatCents(run.totals.achCents)}) and ${run.totals.checkCount} by check (${formatCents(run.totals.checkCents)}).`}{' '}
        {run.totals.heldCount > 0 ? `${run.totals.heldCount} held by OFAC screening.` : ''}
        {run.totals.skippedCount > 0 ? ` ${run.totals.skippedCount} were paid by another run first.` : ''}
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
            <a href={`${apiBasePath}/payment-runs/${run.id}/nacha`} download>
              Download NACHA file
            </a>
          ) : (
            'No ACH payments.'
          )}{' '}
          {run.files.positivePay ? (
            <a href={`${apiBasePath}/payment-runs/${run.id}/positive-pay`} download>
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
          <caption id="run-items">Payments in run {run.runNumber}</caption>
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
                <td>
                  {item.status}
                  {item.ofacHold ? ` (possible match: ${item.ofacHold.matchedName})` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

function HoldDecision({ hold }: { hold: OfacHold }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const decision = useApiMutation('post', '/ofac/holds/{id}/decision', { invalidates: ['/ofac/holds'] });
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
  const [run, setRun] = useState<PaymentRun | null>(null);
  const holdsQuery = useApiQuery('/ofac/holds', { params: { query: { status: 'held', limit: 100 } } });
  const holds: OfacHold[] = holdsQuery.data?.data ?? [];
  // Previewing a run screens its payees, which may put new payments on hold.
  const previewRun = useApiMutation('post', '/payment-runs', {
    invalidates: ['/ofac/holds'],
    onSuccess: setRun,
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
      {run ? <RunReview run={run} onChanged={setRun} /> : null}
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
