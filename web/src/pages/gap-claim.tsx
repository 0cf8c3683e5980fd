import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { api } from '../api.js';
import { formatCalendarDate, formatCents, formatInstant } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { Link, type RouteProps } from '../router.js';
import { TableScroll } from '../table-scroll.js';
import {
  documentStateWords,
  type GapClaim,
  lossTypeWords,
  problemMessage,
  uploadClaimDocument,
} from './gap-shared.js';

// A holder's GAP claim: where it stands in plain words, the checklist of documents with each one's
// state and review due date, an upload with a progress bar, and the timeline of what happened.

function UploadForm({ claim, onUploaded }: { claim: GapClaim; onUploaded: () => void }) {
  const id = useId();
  const open = claim.requiredDocuments.filter(
    (item) => item.status === 'missing' || item.status === 'rejected',
  );
  const [type, setType] = useState(open[0]?.type ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [percent, setPercent] = useState<number | null | undefined>(undefined);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  useEffect(() => {
    if (!open.some((item) => item.type === type)) setType(open[0]?.type ?? '');
  }, [open, type]);

  if (open.length === 0) return null;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file || !type) {
      setMessage({ error: true, text: 'Choose the document and the file to upload.' });
      return;
    }
    setMessage(null);
    setPercent(0);
    try {
      const document = await uploadClaimDocument(claim.id, type, file, setPercent);
      setMessage({
        error: false,
        text: `Received your ${document.typeName}. We will review it by ${formatCalendarDate(document.reviewDueOn ?? '')}.`,
      });
      setFile(null);
      (event.target as HTMLFormElement).reset();
      onUploaded();
    } catch (caught) {
      setMessage({ error: true, text: problemMessage(caught, 'The upload did not work. Try again.') });
    } finally {
      setPercent(undefined);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Upload a document</h2>
      <p className="hint">PDF, JPEG, PNG or HEIC (a phone photo is fine).</p>
      {message ? (
        <div
          className={`notice ${message.error ? 'notice--error' : 'notice--success'}`}
          role={message.error ? 'alert' : 'status'}
        >
          {message.text}
        </div>
      ) : null}
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-type`}>Document</label>
          <select id={`${id}-type`} value={type} onChange={(event) => setType(event.target.value)}>
            {open.map((item) => (
              <option key={item.type} value={item.type}>
                {item.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-file`}>File</label>
          <input
            id={`${id}-file`}
            className="input--file"
            type="file"
            accept="application/pdf,image/jpeg,image/png,image/heic,.heic"
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
        </div>
        {percent !== undefined ? (
          <div className="upload-progress">
            <label htmlFor={`${id}-progress`}>Uploading {file?.name}</label>
            {percent === null ? (
              <progress id={`${id}-progress`} />
            ) : (
              <>
                <progress id={`${id}-progress`} max={100} value={percent}>
                  {percent}%
                </progress>
                <span className="upload-progress__percent" aria-hidden="true">
                  {percent}%
                </span>
              </>
            )}
          </div>
        ) : null}
        <button type="submit" className="button" disabled={percent !== undefined}>
          Upload
        </button>
      </form>
    </section>
  );
}

export function GapClaimPage({ params }: RouteProps) {
  const claimId = params.id ?? '';
  const [claim, setClaim] = useState<GapClaim | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setClaim(await api.get<GapClaim>(`/gap-claims/${encodeURIComponent(claimId)}`));
    } catch (caught) {
      setError(problemMessage(caught, 'The claim could not be loaded.'));
    }
  }, [claimId]);

  useEffect(() => {
    void load();
  }, [load]);

  if (error) {
    return (
      <>
        <PageHeading title="GAP claim">GAP claim</PageHeading>
        <div className="notice notice--error" role="alert">
          {error} <Link href="/gap-claims">Go to the GAP Claims Center</Link> to start or continue a claim.
        </div>
      </>
    );
  }
  if (!claim) {
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }

  return (
    <>
      <PageHeading title={`GAP claim ${claim.claimNumber}`}>GAP claim {claim.claimNumber}</PageHeading>
      <p className="lead" role="status">
        {claim.statusWords}
      </p>
      <dl className="facts">
        <dt>Loss</dt>
        <dd>
          {lossTypeWords[claim.lossType] ?? claim.lossType} on {formatCalendarDate(claim.dateOfLoss)}
        </dd>
        <dt>Contract</dt>
        <dd>{claim.contractNumber}</dd>
        {claim.payment ? (
          <>
            <dt>Paid</dt>
            <dd>
              {formatCents(claim.payment.amountCents)} to {claim.payment.payee.name}
            </dd>
          </>
        ) : null}
        {claim.status === 'denied' && claim.decisionReason ? (
          <>
            <dt>Reason</dt>
            <dd>{claim.decisionReason}</dd>
          </>
        ) : null}
      </dl>

      <h2 id="checklist-heading">Your documents</h2>
      <TableScroll labelledBy="checklist-heading">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Document</th>
              <th scope="col">State</th>
              <th scope="col">Note from our reviewer</th>
            </tr>
          </thead>
          <tbody>
            {claim.requiredDocuments.map((item) => (
              <tr key={item.type}>
                <th scope="row">{item.name}</th>
                <td>{documentStateWords(item)}</td>
                <td>{item.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>

      <UploadForm claim={claim} onUploaded={() => void load()} />

      <h2>What has happened</h2>
      <ol className="card-stack">
        {claim.timeline.map((event) => (
          <li key={`${event.at}-${event.action}-${event.words}`}>
            <span className="muted">{formatInstant(event.at)}</span> — {event.words}
          </li>
        ))}
      </ol>
    </>
  );
}
