import type { ReactNode } from 'react';
import type { UploadProgress } from './contract-import.js';
import { TableScroll } from './table-scroll.js';

// What the CSV upload pages share (the dealer-file import, the funding reconciliation): the progress
// of an upload with its cancel button, then "Processing…" while the server reads the rows; and the
// table of the rows the server refused, each with its line, code, column and reason.

export type UploadPhase =
  | { status: 'uploading'; fileName: string; progress: UploadProgress }
  | { status: 'processing'; fileName: string };

export function percentSent(progress: UploadProgress): number | null {
  if (!progress.totalBytes) return null;
  return Math.min(100, Math.floor((progress.sentBytes / progress.totalBytes) * 100));
}

/** The progress bar of an upload (with its cancel button), then an indeterminate one while processing. */
export function UploadProgressPanel({
  id,
  phase,
  onCancel,
}: {
  id: string;
  phase: UploadPhase;
  onCancel: () => void;
}) {
  const percent = phase.status === 'uploading' ? percentSent(phase.progress) : null;
  return (
    <div className="upload-progress">
      <label htmlFor={id}>
        {phase.status === 'uploading' ? `Uploading ${phase.fileName}` : 'Processing…'}
      </label>
      {phase.status === 'uploading' && percent !== null ? (
        <>
          <progress id={id} max={100} value={percent}>
            {percent}%
          </progress>
          <span className="upload-progress__percent" aria-hidden="true">
            {percent}%
          </span>
        </>
      ) : (
        // No value: an indeterminate bar, since the server does not report how far it has read.
        <progress id={id} />
      )}
      {phase.status === 'uploading' ? (
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel upload
        </button>
      ) : (
        <p className="muted">The server is checking every row. Large files take a minute or two.</p>
      )}
    </div>
  );
}

export interface RefusedRow {
  line: number;
  code: string;
  /** The column the refusal is about, when it is about one. */
  column: string | null | undefined;
  detail: string;
}

/** The rows a CSV upload refused; the Column column shows when `showsColumn` (else when a row names one). */
export function RejectedRowsTable({
  rows,
  labelledBy,
  caption,
  showsColumn = rows.some((row) => row.column),
}: {
  rows: readonly RefusedRow[];
  labelledBy: string;
  /** A caption with the id `labelledBy`; without it, a heading outside the table carries that id. */
  caption?: ReactNode;
  showsColumn?: boolean;
}) {
  return (
    <TableScroll labelledBy={labelledBy}>
      <table className="table">
        {caption ? <caption id={labelledBy}>{caption}</caption> : null}
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Code</th>
            {showsColumn ? <th scope="col">Column</th> : null}
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.line}-${row.code}-${row.column ?? ''}`}>
              <td>{row.line}</td>
              <td>
                <code>{row.code}</code>
              </td>
              {showsColumn ? <td>{row.column ? <code>{row.column}</code> : '—'}</td> : null}
              <td>{row.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
