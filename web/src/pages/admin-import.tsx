import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { csvLine } from '../../../src/shared/csv.js';
import { ApiError, type ApiResponse, apiClient } from '../api.js';
import { type ImportReport, type UploadProgress, uploadDealerFile } from '../contract-import.js';
import { useFocusWhen } from '../focus.js';
import { formatCount, formatInstant } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { useApiQuery, useRefetch } from '../queries.js';
import { navigate } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';
import { RejectedRowsTable, UploadProgressPanel } from '../upload-progress.js';

// "Import a dealer file": an administrator sends a CSV of contracts sold by dealers. Uploading shows a
// progress bar, then "Processing…" while the server checks every row, then the report: rows accepted,
// rows already imported, and each rejected row with its line number and reason.

type ImportState =
  | { status: 'idle' }
  | { status: 'uploading'; fileName: string; progress: UploadProgress }
  | { status: 'processing'; fileName: string }
  | { status: 'done'; fileName: string; report: ImportReport }
  | { status: 'failed'; message: string };

/** Rows of the rejected table drawn on the page; a file with more rejects offers them as a download. */
const maxRejectedRowsShown = 500;
const sampleFileHref = '/samples/contracts-sample.csv';

function rejectedRowsCsv(report: ImportReport): string {
  const lines = report.rejected.map((row) => csvLine([row.line, row.code, row.column, row.detail]));
  return `line,code,column,detail\n${lines.join('')}`;
}

function RejectedRowsDownload({ report, fileName }: { report: ImportReport; fileName: string }) {
  const [href, setHref] = useState<string | null>(null);
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([rejectedRowsCsv(report)], { type: 'text/csv' }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [report]);
  if (!href) return null;
  return (
    <a href={href} download={`rejected-${fileName.replace(/\.csv$/i, '')}.csv`}>
      Download the first {formatCount(report.rejected.length)} rejected rows (CSV)
    </a>
  );
}

function ImportReportSection({ report, fileName }: { report: ImportReport; fileName: string }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  const rejectedHeadingId = useId();

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const rejectedCount = report.rejectedCount ?? report.rejected.length;
  const shownRows = report.rejected.slice(0, maxRejectedRowsShown);
  return (
    <section className="card card--wide" aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} tabIndex={-1}>
        Import report for {fileName}
      </h2>
      {report.rowsRead === undefined ? null : (
        <p>
          {report.rowsRead === 1 ? '1 row' : `${formatCount(report.rowsRead)} rows`} read (the header line not
          counted).
        </p>
      )}
      <ul className="import-counts">
        <li>{formatCount(report.accepted)} accepted</li>
        <li>{formatCount(report.duplicates)} already imported</li>
        <li>{formatCount(rejectedCount)} rejected</li>
      </ul>
      {rejectedCount > 0 ? (
        <>
          <h3 id={rejectedHeadingId}>Rejected rows</h3>
          <p>
            These rows were not imported. Correct them and import a file with just those rows again; line 1 is
            the header.
          </p>
          <RejectedRowsTable rows={shownRows} labelledBy={rejectedHeadingId} />
          {shownRows.length < rejectedCount ? (
            <p>
              The first {formatCount(shownRows.length)} of {formatCount(rejectedCount)} rejected rows are
              shown.{' '}
              {report.rejected.length > shownRows.length ? (
                <RejectedRowsDownload report={report} fileName={fileName} />
              ) : null}
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** An import run as `GET /api/v1/contracts/imports` lists it. */
type ImportRun = ApiResponse<'get', '/contracts/imports'>['data'][number];

const runStatusWords: Record<ImportRun['status'], string> = {
  running: 'Running',
  finished: 'Finished',
  failed: 'Stopped part-way',
};

/** How often the runs are read again while one of them is running. */
const livePollMs = 2000;

/**
 * The latest import runs, this administrator's and others', with their counters: where a file whose
 * answer never arrived (a closed tab, a restarted server) shows how far it got. Read again every few
 * seconds while a run is going, so that a large file's progress shows as batches are written.
 */
function RecentImports({ importing }: { importing: boolean }) {
  const headingId = useId();
  const runsQuery = useApiQuery(
    '/contracts/imports',
    { params: { query: { limit: 10 } } },
    {
      refetchInterval: (query) =>
        importing || query.state.data?.data.some((run) => run.status === 'running') ? livePollMs : false,
    },
  );
  const runs: ImportRun[] | null = runsQuery.data?.data ?? null;
  const failed = runsQuery.isError;

  return (
    <section className="card card--wide" aria-labelledby={headingId}>
      <h2 id={headingId}>Recent imports</h2>
      {failed ? <p className="muted">The list of imports could not be read just now.</p> : null}
      {runs === null ? null : runs.length === 0 ? (
        <p>No dealer file has been imported yet.</p>
      ) : (
        <>
          <p className="muted">
            Counters move after every 1,000 rows. An import stopped part-way kept the rows counted as
            accepted: send the same file again to add the rest.
          </p>
          <TableScroll labelledBy={headingId}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Started</th>
                  <th scope="col">By</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="numeric">
                    Rows read
                  </th>
                  <th scope="col" className="numeric">
                    Accepted
                  </th>
                  <th scope="col" className="numeric">
                    Already imported
                  </th>
                  <th scope="col" className="numeric">
                    Rejected
                  </th>
                </tr>
              </thead>
              <tbody>
                {runs.map((run) => (
                  <tr key={run.id}>
                    <th scope="row">{run.fileName ?? '(no name)'}</th>
                    <td>{formatInstant(run.startedAt)}</td>
                    <td>{run.startedBy}</td>
                    <td>
                      {runStatusWords[run.status]}
                      {run.status === 'failed' && run.failure ? (
                        <span className="muted">
                          <br />
                          {run.failure}
                        </span>
                      ) : null}
                    </td>
                    <td className="numeric">{formatCount(run.rowsRead)}</td>
                    <td className="numeric">{formatCount(run.accepted)}</td>
                    <td className="numeric">{formatCount(run.duplicates)}</td>
                    <td className="numeric">{formatCount(run.rejected)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </section>
  );
}

const reportKey = (importId: string) => `coverwise:import-report:${importId}`;

function storeReport(fileName: string, report: ImportReport): void {
  try {
    sessionStorage.setItem(reportKey(report.importId), JSON.stringify({ fileName, report }));
  } catch {
    // Storage full or refused: the report stays on screen until the page is left.
  }
}

function readStoredReport(importId: string): { fileName: string; report: ImportReport } | null {
  try {
    const text = sessionStorage.getItem(reportKey(importId));
    const parsed = text ? (JSON.parse(text) as { fileName?: unknown; report?: ImportReport }) : null;
    if (parsed && typeof parsed.fileName === 'string' && parsed.report?.importId === importId)
      return { fileName: parsed.fileName, report: parsed.report };
  } catch {
    // Unreadable: fall back to the server's counters.
  }
  return null;
}

function ImportForm() {
  const [state, setState] = useState<ImportState>({ status: 'idle' });
  const [file, setFile] = useState<File | null>(null);
  // An import that ended here (with a report or an error) reads the recent runs again.
  const refetch = useRefetch();
  const uploadRef = useRef<AbortController | null>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const fieldId = useId();
  const progressId = `${fieldId}-progress`;

  // Leaving the page stops an upload that is still going; one that has reached the server finishes there.
  useEffect(() => () => uploadRef.current?.abort(), []);

  // A reload shows the report of the import named in the address again: in full from this tab's
  // session storage, else the run's counters from the server (the rejected rows are only in the answer).
  useEffect(() => {
    const importId = new URLSearchParams(window.location.search).get('import');
    if (!importId) return;
    const stored = readStoredReport(importId);
    if (stored) {
      setState({ status: 'done', ...stored });
      return;
    }
    let live = true;
    apiClient.GET('/contracts/imports/{id}', { params: { path: { id: importId } } }).then(
      (run) => {
        if (!live || run.status === 'running') return;
        setState({
          status: 'done',
          fileName: run.fileName ?? 'the file',
          report: {
            importId: run.id,
            rowsRead: run.rowsRead,
            accepted: run.accepted,
            duplicates: run.duplicates,
            rejected: [],
            rejectedCount: run.rejected,
          },
        });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  useFocusWhen(alertRef, state.status === 'failed');

  const busy = state.status === 'uploading' || state.status === 'processing';

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (!file) {
      setState({ status: 'failed', message: 'Choose a CSV file to import first.' });
      return;
    }
    const fileName = file.name;
    const controller = new AbortController();
    uploadRef.current = controller;
    setState({ status: 'uploading', fileName, progress: { sentBytes: 0, totalBytes: file.size } });
    try {
      const report = await uploadDealerFile(
        file,
        {
          onProgress: (progress) => setState({ status: 'uploading', fileName, progress }),
          onUploaded: () => setState({ status: 'processing', fileName }),
        },
        controller.signal,
      );
      setState({ status: 'done', fileName, report });
      storeReport(fileName, report);
      navigate(`/admin/import?import=${encodeURIComponent(report.importId)}`, { replace: true });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') {
        setState({
          status: 'failed',
          message: `The upload of ${fileName} was cancelled. Nothing was imported.`,
        });
        return;
      }
      setState({
        status: 'failed',
        message: error instanceof ApiError ? error.detail : 'The import did not work. Try again.',
      });
    } finally {
      if (uploadRef.current === controller) uploadRef.current = null;
      void refetch(['/contracts/imports']);
    }
  };

  const phaseAnnouncement =
    state.status === 'uploading'
      ? `Uploading ${state.fileName}…`
      : state.status === 'processing'
        ? `Processing ${state.fileName}…`
        : state.status === 'done'
          ? 'Import finished.'
          : '';

  return (
    <>
      {state.status === 'failed' ? (
        <div className="notice notice--error" role="alert" tabIndex={-1} ref={alertRef}>
          {state.message}
        </div>
      ) : null}
      <form className="form" onSubmit={handleSubmit}>
        <div className="field">
          <label htmlFor={`${fieldId}-file`}>Dealer file (CSV)</label>
          <p id={`${fieldId}-hint`} className="hint">
            One contract a row, the first line naming the columns, as in the{' '}
            <a href={sampleFileHref} download>
              sample file
            </a>
            .
          </p>
          <input
            id={`${fieldId}-file`}
            name="file"
            type="file"
            accept=".csv,text/csv"
            className="input--file"
            disabled={busy}
            aria-describedby={`${fieldId}-hint`}
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
        </div>
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </form>
      {/* Phase changes only: announcing every percent would drown out everything else. */}
      <p className="visually-hidden" role="status">
        {phaseAnnouncement}
      </p>
      {state.status === 'uploading' || state.status === 'processing' ? (
        <UploadProgressPanel id={progressId} phase={state} onCancel={() => uploadRef.current?.abort()} />
      ) : null}
      {state.status === 'done' ? (
        <ImportReportSection report={state.report} fileName={state.fileName} />
      ) : null}
      <RecentImports importing={state.status === 'processing'} />
    </>
  );
}

export function AdminImportPage() {
  return (
    <StaffOnly roles={['admin']} refusal="Importing dealer files is for administrators only.">
      {() => (
        <>
          <PageHeading title="Import a dealer file">Import a dealer file</PageHeading>
          <p>
            Good rows are added; rows imported before are counted and left as they are; rows with a problem
            are listed with their line number and the reason, and can be corrected and sent again.
          </p>
          <ImportForm />
        </>
      )}
    </StaffOnly>
  );
}
