import { type FormEvent, Fragment, useEffect, useId, useMemo, useRef, useState } from 'react';
import { ApiError, type ApiResponse, apiBasePath } from '../api.js';
import type { StaffUser } from '../auth.js';
import { BarChart } from '../charts/bar-chart.js';
import { type UploadProgress, uploadCsvFile } from '../contract-import.js';
import { formatCalendarDate, formatCents, formatCount, formatInstant, maskVin } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { errorMessage, useApiQuery, useRefetch } from '../queries.js';
import { Link, navigate, useLocation } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';
import { RejectedRowsTable, UploadProgressPanel } from '../upload-progress.js';

// Funding reconciliation (POST /funding-uploads, GET /funding-uploads/:id/reconciliation): an
// administrator (or a lender, for its own deals) uploads the lender's funded deals as CSV, with a
// progress bar for a large file, and reads the upload's report (rows read, accepted, each rejected row
// with its line); then, per dealer, what was financed but never registered, registered but not remitted
// past N days, and priced differently — counts as a chart and its table, each exception with its masked
// VIN, contract number and amounts, and the whole list as a CSV download.

type UploadAnswer = ApiResponse<'post', '/funding-uploads'>;
type RecentUpload = ApiResponse<'get', '/funding-uploads'>['data'][number];
type Reconciliation = ApiResponse<'get', '/funding-uploads/{id}/reconciliation'>;
type DealerReconciliation = Reconciliation['dealers'][number];
type FundingException = DealerReconciliation['exceptions'][number];
type ExceptionKind = FundingException['kind'];

type UploadState =
  | { status: 'idle' }
  | { status: 'uploading'; fileName: string; progress: UploadProgress }
  | { status: 'processing'; fileName: string }
  | { status: 'done'; fileName: string; answer: UploadAnswer };

type Field = 'lienholder' | 'file';

const KIND_WORDS: Record<ExceptionKind, string> = {
  financed_not_registered: 'Financed, not registered',
  registered_not_remitted: 'Registered, not remitted',
  price_mismatch: 'Price mismatch',
};
const COUNT_COLUMNS = [
  ['financedNotRegistered', 'Financed, not registered'],
  ['registeredNotRemitted', 'Registered, not remitted'],
  ['priceMismatches', 'Price mismatches'],
] as const;
const PRODUCT_WORDS: Record<string, string> = { vsc: 'Service contract', gap: 'GAP' };

/** Dealers drawn in the chart (most exceptions first); the table lists every dealer. */
const MAX_CHART_DEALERS = 20;
/** Exception rows drawn on the page in all; the CSV download has every one. */
const MAX_EXCEPTION_ROWS = 500;
const numericCell = { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } as const;

function exceptionCount(dealer: DealerReconciliation): number {
  return dealer.financedNotRegistered + dealer.registeredNotRemitted + dealer.priceMismatches;
}

function UploadReport({ answer, fileName }: { answer: UploadAnswer; fileName: string }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <section className="card card--wide" aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} tabIndex={-1}>
        Upload report for {fileName}
      </h2>
      <ul className="import-counts">
        <li>{formatCount(answer.rowsRead)} rows read (the header line not counted)</li>
        <li>{formatCount(answer.accepted)} accepted</li>
        <li>{formatCount(answer.rejectedCount)} rejected</li>
      </ul>
      {answer.rejectedCount > 0 ? (
        <RejectedRowsTable
          rows={answer.rejected.map((row) => ({ ...row, column: row.param }))}
          labelledBy={`${headingId}-rejected`}
          showsColumn
          caption={
            <>
              Rejected rows (line 1 is the header)
              {answer.rejected.length < answer.rejectedCount
                ? `: the first ${formatCount(answer.rejected.length)} of ${formatCount(answer.rejectedCount)}`
                : ''}
            </>
          }
        />
      ) : null}
    </section>
  );
}

function ExceptionsTable({ dealer, rows }: { dealer: DealerReconciliation; rows: FundingException[] }) {
  const captionId = useId();
  return (
    <TableScroll labelledBy={captionId}>
      <table className="table">
        <caption id={captionId}>
          Exceptions of dealer {dealer.dealerCode}
          {rows.length < dealer.exceptions.length
            ? ` (the first ${formatCount(rows.length)} of ${formatCount(dealer.exceptions.length)}; the CSV has all)`
            : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Exception</th>
            <th scope="col">Line</th>
            <th scope="col">VIN</th>
            <th scope="col">Product</th>
            <th scope="col">Contract</th>
            <th scope="col">Funded on</th>
            <th scope="col" style={numericCell}>
              Amount financed
            </th>
            <th scope="col" style={numericCell}>
              Contract price
            </th>
            <th scope="col" style={numericCell}>
              Difference
            </th>
            <th scope="col" style={numericCell}>
              Days since sale
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.kind}-${row.line}`}>
              <th scope="row">{KIND_WORDS[row.kind]}</th>
              <td>{row.line}</td>
              <td>{maskVin(row.vin)}</td>
              <td>{PRODUCT_WORDS[row.product] ?? row.product}</td>
              <td>{row.contractNumber ?? 'Not registered'}</td>
              <td>{formatCalendarDate(row.fundedOn)}</td>
              <td style={numericCell}>{formatCents(row.amountFinancedCents)}</td>
              <td style={numericCell}>{row.priceCents === null ? '—' : formatCents(row.priceCents)}</td>
              <td style={numericCell}>
                {row.differenceCents === null ? '—' : formatCents(row.differenceCents)}
              </td>
              <td style={numericCell}>{row.daysSinceSale === null ? '—' : formatCount(row.daysSinceSale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function ReconciliationView({ report }: { report: Reconciliation }) {
  const totals = useMemo(() => {
    const sum = (pick: (dealer: DealerReconciliation) => number) =>
      report.dealers.reduce((total, dealer) => total + pick(dealer), 0);
    return {
      deals: sum((d) => d.deals),
      matched: sum((d) => d.matched),
      financedNotRegistered: sum((d) => d.financedNotRegistered),
      registeredNotRemitted: sum((d) => d.registeredNotRemitted),
      priceMismatches: sum((d) => d.priceMismatches),
    };
  }, [report]);
  const withExceptions = report.dealers.filter((dealer) => exceptionCount(dealer) > 0);
  const charted = useMemo(
    () =>
      [...report.dealers]
        .filter((dealer) => exceptionCount(dealer) > 0)
        .sort((a, b) => exceptionCount(b) - exceptionCount(a) || (a.dealerCode < b.dealerCode ? -1 : 1))
        .slice(0, MAX_CHART_DEALERS),
    [report],
  );
  const labels = useMemo(() => charted.map((dealer) => dealer.dealerCode), [charted]);
  const series = useMemo(
    () => COUNT_COLUMNS.map(([key, label]) => ({ label, values: charted.map((dealer) => dealer[key]) })),
    [charted],
  );
  let budget = MAX_EXCEPTION_ROWS;
  const shown = withExceptions.map((dealer) => {
    const rows = dealer.exceptions.slice(0, Math.max(0, budget));
    budget -= rows.length;
    return { dealer, rows };
  });

  return (
    <>
      <section className="card card--wide" aria-labelledby="reconciliation-heading">
        <h2 id="reconciliation-heading">
          Reconciliation with {report.lienholderName} as of {formatCalendarDate(report.asOf)}
        </h2>
        <p>
          Each funded deal is matched to the registered contract on the same VIN and product. A contract sold
          through a dealer is "not remitted" when the dealer's remittances do not cover its dealer cost{' '}
          {formatCount(report.remittanceDays)} days after the sale.
        </p>
        <dl className="facts">
          <dt>Funded deals</dt>
          <dd>{formatCount(totals.deals)}</dd>
          <dt>Matched to a contract</dt>
          <dd>{formatCount(totals.matched)}</dd>
          {COUNT_COLUMNS.map(([key, label]) => (
            <Fragment key={key}>
              <dt>{label}</dt>
              <dd>{formatCount(totals[key])}</dd>
            </Fragment>
          ))}
        </dl>
        <p>
          <a href={`${apiBasePath}/funding-uploads/${report.uploadId}/reconciliation.csv`} download>
            Download the exceptions (CSV)
          </a>
        </p>
      </section>
      <section className="card card--wide" aria-labelledby="per-dealer-heading">
        <h2 id="per-dealer-heading">Exceptions per dealer</h2>
        {charted.length === 0 ? (
          <p role="status">Every funded deal is registered, remitted and priced as financed.</p>
        ) : (
          <figure style={{ margin: '0 0 1rem' }}>
            <BarChart
              labels={labels}
              series={series}
              description={`Exceptions per dealer: bar chart of ${charted.length} dealer(s). The same numbers are in the table below.`}
            />
            <figcaption>
              {withExceptions.length > charted.length
                ? `The ${charted.length} dealers with the most exceptions; the table lists every dealer.`
                : 'Dealers with at least one exception; the table lists every dealer.'}
            </figcaption>
          </figure>
        )}
        <TableScroll labelledBy="per-dealer-table">
          <table className="table">
            <caption id="per-dealer-table">Exceptions per dealer (table)</caption>
            <thead>
              <tr>
                <th scope="col">Dealer</th>
                <th scope="col" style={numericCell}>
                  Deals
                </th>
                <th scope="col" style={numericCell}>
                  Matched
                </th>
                {COUNT_COLUMNS.map(([key, label]) => (
                  <th key={key} scope="col" style={numericCell}>
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.dealers.map((dealer) => (
                <tr key={dealer.dealerCode}>
                  <th scope="row">{dealer.dealerCode}</th>
                  <td style={numericCell}>{formatCount(dealer.deals)}</td>
                  <td style={numericCell}>{formatCount(dealer.matched)}</td>
                  {COUNT_COLUMNS.map(([key]) => (
                    <td key={key} style={numericCell}>
                      {formatCount(dealer[key])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">All dealers</th>
                <td style={numericCell}>{formatCount(totals.deals)}</td>
                <td style={numericCell}>{formatCount(totals.matched)}</td>
                {COUNT_COLUMNS.map(([key]) => (
                  <td key={key} style={numericCell}>
                    {formatCount(totals[key])}
                  </td>
                ))}
              </tr>
            </tfoot>
          </table>
        </TableScroll>
      </section>
      {withExceptions.length > 0 ? (
        <section className="card card--wide" aria-labelledby="exceptions-heading">
          <h2 id="exceptions-heading">Exceptions</h2>
          <p className="muted">
            VINs show their last six characters; amounts are the lender's amount financed for the add-on
            against the registered contract's price (difference = financed − price).
          </p>
          {shown.map(({ dealer, rows }) =>
            rows.length > 0 ? (
              <div key={dealer.dealerCode}>
                <h3>Dealer {dealer.dealerCode}</h3>
                <ExceptionsTable dealer={dealer} rows={rows} />
              </div>
            ) : null,
          )}
          {budget <= 0 ? (
            <p>
              The first {formatCount(MAX_EXCEPTION_ROWS)} exceptions are shown; download the CSV for every
              one.
            </p>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

function FundingContent({ user }: { user: StaffUser }) {
  const fieldId = useId();
  const asksLienholder = user.role === 'admin';
  const [lienholder, setLienholder] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [state, setState] = useState<UploadState>({ status: 'idle' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const uploadRef = useRef<AbortController | null>(null);
  const lienholderRef = useRef<HTMLInputElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  // Leaving the page stops an upload that is still going.
  useEffect(() => () => uploadRef.current?.abort(), []);

  // The reconciliation of the upload named in the address (the one just sent, or after a reload or
  // from a shared link the one named there); without one, of the newest upload the caller may read.
  const refetch = useRefetch();
  const recentQuery = useApiQuery('/funding-uploads', { params: { query: { limit: 10 } } });
  const recent = recentQuery.data?.data ?? [];
  const uploadId = new URLSearchParams(useLocation().search).get('upload') ?? recent[0]?.uploadId ?? null;
  const reportQuery = useApiQuery(
    '/funding-uploads/{id}/reconciliation',
    { params: { path: { id: uploadId ?? '' } } },
    { enabled: uploadId !== null },
  );

  const showErrors = (found: Partial<Record<Field, string>>) => {
    setErrors(found);
    if (found.lienholder) lienholderRef.current?.focus();
    else if (found.file) fileRef.current?.focus();
  };

  const busy = state.status === 'uploading' || state.status === 'processing';
  // A new upload hides the last one's reconciliation until its own is read.
  const report = busy ? null : (reportQuery.data ?? null);
  const reportError =
    !busy && reportQuery.isError
      ? errorMessage(reportQuery.error, 'The reconciliation could not be loaded.')
      : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found: Partial<Record<Field, string>> = {};
    if (asksLienholder && lienholder.trim() === '')
      found.lienholder = 'Enter the lender whose funded deals these are.';
    if (!file) found.file = 'Choose the funded-deals CSV file to upload.';
    if (found.lienholder || found.file || !file) {
      showErrors(found);
      return;
    }
    setErrors({});
    const fileName = file.name;
    const controller = new AbortController();
    uploadRef.current = controller;
    setState({ status: 'uploading', fileName, progress: { sentBytes: 0, totalBytes: file.size } });
    try {
      const query = new URLSearchParams();
      if (asksLienholder) query.set('lienholder', lienholder.trim());
      const answer = await uploadCsvFile<UploadAnswer>(
        '/funding-uploads',
        query,
        file,
        {
          onProgress: (progress) => setState({ status: 'uploading', fileName, progress }),
          onUploaded: () => setState({ status: 'processing', fileName }),
        },
        controller.signal,
      );
      setState({ status: 'done', fileName, answer });
      void refetch(['/funding-uploads']);
      navigate(`/admin/funding?upload=${encodeURIComponent(answer.uploadId)}`, { replace: true });
    } catch (caught) {
      setState({ status: 'idle' });
      if (caught instanceof DOMException && caught.name === 'AbortError') {
        showErrors({ file: `The upload of ${fileName} was cancelled. Nothing was saved.` });
        return;
      }
      const detail = caught instanceof ApiError ? caught.detail : 'The upload did not work. Try again.';
      // The lender's name is its own field; every other refusal (header, size, type) is about the file.
      showErrors(
        caught instanceof ApiError && caught.param === 'lienholder'
          ? { lienholder: detail }
          : { file: detail },
      );
    } finally {
      if (uploadRef.current === controller) uploadRef.current = null;
    }
  };

  const phaseAnnouncement =
    state.status === 'uploading'
      ? `Uploading ${state.fileName}…`
      : state.status === 'processing'
        ? `Processing ${state.fileName}…`
        : state.status === 'done'
          ? 'Upload finished.'
          : '';
  const describedBy = (field: Field, hint?: string) =>
    [hint, errors[field] ? `${fieldId}-${field}-error` : null].filter(Boolean).join(' ') || undefined;

  return (
    <>
      <PageHeading title="Funding reconciliation">Funding reconciliation</PageHeading>
      <p>
        Upload a lender's funded deals to find, per dealer, the add-ons the loan paid for that were never
        registered, the contracts whose dealer has not remitted, and the deals financed at another price than
        the contract's.
      </p>
      <section className="card" aria-labelledby={`${fieldId}-upload-heading`}>
        <h2 id={`${fieldId}-upload-heading`}>Upload funded deals</h2>
        <form className="form" onSubmit={submit} noValidate aria-label="Upload funded deals">
          {asksLienholder ? (
            <div className="field">
              <label htmlFor={`${fieldId}-lienholder`}>Lender (lienholder name)</label>
              <input
                id={`${fieldId}-lienholder`}
                ref={lienholderRef}
                value={lienholder}
                maxLength={200}
                required
                disabled={busy}
                aria-invalid={errors.lienholder ? true : undefined}
                aria-describedby={describedBy('lienholder')}
                onChange={(event) => setLienholder(event.target.value)}
              />
              {errors.lienholder ? (
                <p id={`${fieldId}-lienholder-error`} className="field-error">
                  {errors.lienholder}
                </p>
              ) : null}
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={`${fieldId}-file`}>Funded deals (CSV)</label>
            <p id={`${fieldId}-file-hint`} className="hint">
              One deal a row; the first line names the columns <code>vin</code>, <code>product</code> (vsc or
              gap), <code>amount_financed_cents</code>, <code>funded_on</code> (YYYY-MM-DD) and{' '}
              <code>dealer_code</code>.
            </p>
            <input
              id={`${fieldId}-file`}
              ref={fileRef}
              type="file"
              accept=".csv,text/csv"
              className="input--file"
              required
              disabled={busy}
              aria-invalid={errors.file ? true : undefined}
              aria-describedby={describedBy('file', `${fieldId}-file-hint`)}
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
            {errors.file ? (
              <p id={`${fieldId}-file-error`} className="field-error">
                {errors.file}
              </p>
            ) : null}
          </div>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Uploading…' : 'Upload and reconcile'}
          </button>
        </form>
        {/* Phase changes only: announcing every percent would drown out everything else. */}
        <p className="visually-hidden" role="status">
          {phaseAnnouncement}
        </p>
        {state.status === 'uploading' || state.status === 'processing' ? (
          <UploadProgressPanel
            id={`${fieldId}-progress`}
            phase={state}
            onCancel={() => uploadRef.current?.abort()}
          />
        ) : null}
      </section>
      {state.status === 'done' ? <UploadReport answer={state.answer} fileName={state.fileName} /> : null}
      {reportError ? (
        <div className="notice notice--error" role="alert">
          {reportError}
        </div>
      ) : null}
      {report ? <ReconciliationView report={report} /> : null}
      {recent.length > 0 ? <RecentUploads uploads={recent} shown={uploadId} /> : null}
    </>
  );
}

/** The newest uploads, each a link to its reconciliation; the one shown is marked. */
function RecentUploads({ uploads, shown }: { uploads: readonly RecentUpload[]; shown: string | null }) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Recent uploads</h2>
      <ul>
        {uploads.map((upload) => (
          <li key={upload.uploadId}>
            <Link
              href={`/admin/funding?upload=${encodeURIComponent(upload.uploadId)}`}
              aria-current={upload.uploadId === shown ? 'page' : undefined}
            >
              {upload.fileName ?? 'Funded deals'}
            </Link>{' '}
            — {upload.lienholderName}, {formatCount(upload.rowsRead)} {upload.rowsRead === 1 ? 'row' : 'rows'}
            , {formatInstant(upload.uploadedAt)}
            {upload.uploadId === shown ? ' (shown above)' : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function AdminFundingPage() {
  return (
    <StaffOnly
      roles={['admin', 'lender']}
      refusal="Funding reconciliation is for administrators and lenders."
    >
      {(user) => <FundingContent user={user} />}
    </StaffOnly>
  );
}

export default AdminFundingPage;
