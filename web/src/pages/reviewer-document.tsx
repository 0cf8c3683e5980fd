import { type FormEvent, useId, useState } from 'react';
import type { StaffUser } from '../auth.js';
import { formatCalendarDate, formatInstant } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { useApiMutation, useApiQuery } from '../queries.js';
import { Link, type RouteProps } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { WorkOwner } from '../work-owner.js';
import { type ClaimDocument, problemMessage, ResultNotice } from './gap-shared.js';

// A reviewer's view of one document: the file itself (a PDF or image shown inline in a sandboxed
// frame, anything else as a download) beside the accept / reject decision with its reason.

const viewerStyle = { width: '100%', minHeight: '60vh', border: '1px solid #ccc' };

function Viewer({ document }: { document: ClaimDocument }) {
  const fileUrl = `/api/v1/documents/${document.id}/file`;
  if (document.contentType === 'application/pdf') {
    return <iframe style={viewerStyle} title={`${document.typeName} (PDF)`} src={`${fileUrl}?inline=true`} />;
  }
  if (document.contentType === 'image/jpeg' || document.contentType === 'image/png') {
    return (
      <img
        style={{ ...viewerStyle, minHeight: 0, height: 'auto' }}
        alt={document.typeName}
        src={`${fileUrl}?inline=true`}
      />
    );
  }
  return <p>This file type cannot be shown in the browser.</p>;
}

function Review({ documentId, user }: { documentId: string; user: StaffUser }) {
  const id = useId();
  const path = { params: { path: { id: documentId } } };
  const documentQuery = useApiQuery('/documents/{id}', path);
  const document = documentQuery.data ?? null;
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const review = useApiMutation('post', '/documents/{id}/review', {
    invalidates: ['/documents/{id}', '/work-queue', '/my-work', '/gap-claims/{id}'],
  });
  const busy = review.isPending;
  const shown =
    message ??
    (documentQuery.isError
      ? { error: true, text: problemMessage(documentQuery.error, 'The document could not be loaded.') }
      : null);

  const decide = (decision: 'accept' | 'reject', event?: FormEvent) => {
    event?.preventDefault();
    if (decision === 'reject' && !reason.trim()) {
      setMessage({ error: true, text: 'Write the reason for rejecting it; the holder reads it.' });
      return;
    }
    setMessage(null);
    review.mutate(
      { ...path, body: { decision, ...(reason.trim() ? { reason: reason.trim() } : {}) } },
      {
        onSuccess: () =>
          setMessage({
            error: false,
            text: decision === 'accept' ? 'Document accepted.' : 'Document rejected.',
          }),
        onError: (caught) =>
          setMessage({ error: true, text: problemMessage(caught, 'The review was not saved. Try again.') }),
      },
    );
  };

  return (
    <>
      <PageHeading title="Review a document">
        {document ? `Review: ${document.typeName}` : 'Review a document'}
      </PageHeading>
      <p>
        <Link href="/staff/reviews">Back to the work queue</Link>
      </p>
      <ResultNotice message={shown} />
      {document?.status === 'pending_review' ? (
        <WorkOwner kind="gap_document_review" id={document.id} user={user} noun="document review" />
      ) : null}
      {document ? (
        <div className="section-grid">
          <section className="card card--wide" aria-label="The document">
            <Viewer document={document} />
            <p>
              <a href={`/api/v1/documents/${document.id}/file`}>Download the file</a>
            </p>
          </section>
          <section className="card" aria-labelledby={`${id}-decision`}>
            <h2 id={`${id}-decision`}>Decision</h2>
            <dl className="facts">
              <dt>Received</dt>
              <dd>{formatInstant(document.receivedAt)}</dd>
              <dt>Review due by</dt>
              <dd>
                {document.reviewDueOn ? formatCalendarDate(document.reviewDueOn) : '—'}
                {document.overdue ? ' (overdue)' : ''}
              </dd>
              <dt>State</dt>
              <dd>{document.status.replace('_', ' ')}</dd>
              <dt>Claim</dt>
              <dd>
                <Link href={`/staff/gap-claims/${document.ownerId}`}>Open the claim</Link>
              </dd>
            </dl>
            {document.status === 'pending_review' ? (
              <form className="form" onSubmit={(event) => decide('reject', event)}>
                <div className="field">
                  <label htmlFor={`${id}-reason`}>Reason (the holder reads it)</label>
                  <textarea
                    id={`${id}-reason`}
                    rows={3}
                    maxLength={2000}
                    value={reason}
                    onChange={(event) => setReason(event.target.value)}
                  />
                </div>
                <button type="button" className="button" disabled={busy} onClick={() => decide('accept')}>
                  Accept
                </button>{' '}
                <button type="submit" className="button button--secondary" disabled={busy}>
                  Reject
                </button>
              </form>
            ) : (
              <p>
                {document.reviewReason
                  ? `Reason: ${document.reviewReason}`
                  : 'This document has been reviewed.'}
              </p>
            )}
          </section>
        </div>
      ) : null}
    </>
  );
}

export function ReviewerDocumentPage({ params }: RouteProps) {
  return (
    <StaffOnly roles={['reviewer', 'adjuster']} refusal="Document reviews are for reviewers and adjusters.">
      {(user) => <Review documentId={params.id ?? ''} user={user} />}
    </StaffOnly>
  );
}
