import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useLayoutEffect, useRef, useState } from 'react';
import { claimReference } from '../../../src/shared/claim-reference.js';
import { ApiError, apiBasePath } from '../api.js';
import type { StaffUser } from '../auth.js';
import { contractQueryOptions } from '../contracts.js';
import { FieldError, FormSummary, useFormErrors } from '../form-errors.js';
import { formatCalendarDate, formatCents, formatInstant } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { useApiMutation, useApiQuery, useRefetch } from '../queries.js';
import { Link, type RouteProps } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';
import { WorkOwner } from '../work-owner.js';

// A rental reimbursement or trip interruption claim for claims staff: what was asked and what is
// payable line by line (each limit that cut a line is named in its words), its receipts, the contract it
// is on, who owns it (take, release, assign) while it waits, and the decision: approve it (the next
// payment run pays it) or deny it with a reason.

type Kind = 'rental_claim' | 'trip_interruption_claim';

const KINDS: Record<Kind, { title: string; noun: string }> = {
  rental_claim: { title: 'Rental claim', noun: 'rental claim' },
  trip_interruption_claim: { title: 'Trip interruption claim', noun: 'trip interruption claim' },
};

/** A benefit claim's status in words (filed, decided by claims staff, then paid by a payment run). */
export function benefitStatusWords(status: string): string {
  if (status === 'submitted') return 'Filed, waiting for a decision';
  if (status === 'approved') return 'Approved: the next payment run pays it';
  if (status === 'denied') return 'Denied';
  if (status === 'paid') return 'Paid';
  return status;
}

const DENIAL_REASONS = {
  receipts_missing: 'Receipts missing',
  receipts_do_not_match: 'Receipts do not match the expenses',
  breakdown_not_covered: 'The breakdown or repair is not covered',
  expenses_not_eligible: 'The expenses are not eligible',
  duplicate_claim: 'Already claimed',
  other: 'Other (say why)',
} as const;
type DenialReason = keyof typeof DENIAL_REASONS;

/** A denial reason code in words; an unknown one as sent. */
export function benefitDenialWords(code: string): string {
  return code in DENIAL_REASONS ? DENIAL_REASONS[code as DenialReason] : code;
}

const claimChanged = [
  '/rental-claims/{id}',
  '/trip-interruption-claims/{id}',
  '/contracts/{id}/claims',
  '/my-work',
] as const;

/** Approve the claim as filed, or deny it with a reason (and words, required for "other"). */
function DecisionForm({
  kind,
  claimId,
  receipts,
  onDecided,
}: {
  kind: Kind;
  claimId: string;
  receipts: number;
  /** Called once the decision is recorded (the claim is then read again and this form goes). */
  onDecided: () => void;
}) {
  const id = useId();
  const form = useFormErrors();
  const [choice, setChoice] = useState<'approve' | 'deny' | null>(null);
  const [reasonCode, setReasonCode] = useState<DenialReason | ''>('');
  const [reason, setReason] = useState('');
  const rental = useApiMutation('post', '/rental-claims/{id}/decision', { invalidates: claimChanged });
  const trip = useApiMutation('post', '/trip-interruption-claims/{id}/decision', {
    invalidates: claimChanged,
  });
  const refetch = useRefetch();
  // Trip interruption without a receipt can only be denied: approving it is not offered.
  const approvable = !(kind === 'trip_interruption_claim' && receipts === 0);
  const decide = kind === 'rental_claim' ? rental : trip;
  // Busy from the click until the claim is read again (the form then gives way to the decision).
  const busy = decide.isPending || decide.isSuccess;

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (choice === null)
      errors.decision = approvable
        ? 'Approve or deny the claim.'
        : 'Deny the claim, or wait for its receipts.';
    else if (choice === 'deny' && reasonCode === '') errors.reasonCode = 'Choose why the claim is denied.';
    else if (choice === 'deny' && reasonCode === 'other' && !reason.trim())
      errors.reason = 'Write the reason: the holder reads it.';
    if (Object.keys(errors).length > 0) return form.show(errors);
    form.clear();
    const body =
      choice === 'approve'
        ? { decision: 'approve' as const }
        : {
            decision: 'deny' as const,
            reasonCode: reasonCode as DenialReason,
            ...(reason.trim() ? { reason: reason.trim() } : {}),
          };
    const init = { params: { path: { id: claimId } }, body };
    const onError = (error: unknown) => {
      form.showProblem(error);
      // Someone else decided it first: read the claim again, so the decision that stands is shown.
      if (error instanceof ApiError && error.code === 'benefit_claim_decided') void refetch(claimChanged);
    };
    if (kind === 'rental_claim') rental.mutate(init, { onError, onSuccess: onDecided });
    else trip.mutate(init, { onError, onSuccess: onDecided });
  };

  return (
    <form
      className="form form--wide card card--wide"
      onSubmit={handleSubmit}
      aria-labelledby={`${id}-heading`}
      ref={form.formRef}
      noValidate
    >
      <h2 id={`${id}-heading`}>Decide the claim</h2>
      <FormSummary form={form} />
      {kind === 'trip_interruption_claim' && receipts === 0 ? (
        <p>
          No receipt is attached: trip interruption is paid against receipts, so it can only be denied until
          the holder sends them.
        </p>
      ) : null}
      <fieldset>
        <legend>Decision</legend>
        {approvable ? (
          <div className="field field--checkbox">
            <input
              type="radio"
              id={`${id}-approve`}
              name={`${id}-decision`}
              checked={choice === 'approve'}
              onChange={() => setChoice('approve')}
              {...form.fieldProps('decision', `${id}-decision`)}
            />
            <label htmlFor={`${id}-approve`}>Approve as filed</label>
          </div>
        ) : null}
        <div className="field field--checkbox">
          <input
            type="radio"
            id={`${id}-deny`}
            name={`${id}-decision`}
            checked={choice === 'deny'}
            onChange={() => setChoice('deny')}
            {...(approvable ? {} : form.fieldProps('decision', `${id}-decision`))}
          />
          <label htmlFor={`${id}-deny`}>Deny</label>
        </div>
        <FieldError id={`${id}-decision`} message={form.errors.decision} />
      </fieldset>
      {choice === 'deny' ? (
        <>
          <div className="field">
            <label htmlFor={`${id}-reason-code`}>Reason for denying</label>
            <select
              id={`${id}-reason-code`}
              value={reasonCode}
              onChange={(event) => setReasonCode(event.target.value as DenialReason | '')}
              {...form.fieldProps('reasonCode', `${id}-reason-code`)}
            >
              <option value="">Choose a reason</option>
              {Object.entries(DENIAL_REASONS).map(([code, words]) => (
                <option key={code} value={code}>
                  {words}
                </option>
              ))}
            </select>
            <FieldError id={`${id}-reason-code`} message={form.errors.reasonCode} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-reason`}>
              The reason in words the holder reads{reasonCode === 'other' ? '' : ' (optional)'}
            </label>
            <textarea
              id={`${id}-reason`}
              rows={2}
              maxLength={1000}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              {...form.fieldProps('reason', `${id}-reason`)}
            />
            <FieldError id={`${id}-reason`} message={form.errors.reason} />
          </div>
        </>
      ) : null}
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Saving…' : 'Record the decision'}
      </button>
    </form>
  );
}

function Detail({ kind, claimId, user }: { kind: Kind; claimId: string; user: StaffUser }) {
  const id = useId();
  const statusRef = useRef<HTMLSpanElement>(null);
  const [decided, setDecided] = useState(false);
  const words = KINDS[kind];
  const init = { params: { path: { id: claimId } } };
  const rental = useApiQuery('/rental-claims/{id}', init, { enabled: kind === 'rental_claim' });
  const trip = useApiQuery('/trip-interruption-claims/{id}', init, {
    enabled: kind === 'trip_interruption_claim',
  });
  const claimQuery = kind === 'rental_claim' ? rental : trip;
  const claim = claimQuery.data ?? null;
  // The decision recorded here: once the claim is read again, its new status takes the focus.
  const decidedStatus = decided && claim && claim.status !== 'submitted' ? claim.status : null;
  useLayoutEffect(() => {
    if (decidedStatus) statusRef.current?.focus();
  }, [decidedStatus]);
  const contractQuery = useQuery({
    ...contractQueryOptions(claim?.contractId ?? ''),
    enabled: claim !== null,
  });
  const contractNumber = contractQuery.data?.contractNumber ?? null;
  const caught = claimQuery.error;
  const error = !caught
    ? null
    : caught instanceof ApiError && caught.status === 404
      ? `There is no ${words.noun} with this identifier.`
      : caught instanceof ApiError
        ? caught.detail
        : `The ${words.noun} could not be loaded. Try again.`;

  if (!claim)
    return error ? (
      <>
        <PageHeading title={words.title}>{words.title}</PageHeading>
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      </>
    ) : (
      <p className="muted" role="status">
        Loading…
      </p>
    );

  const reference = claimReference(kind, claim.id);
  const heading = contractNumber
    ? `${words.title} on contract ${contractNumber} (${reference})`
    : `${words.title} ${reference}`;
  return (
    <>
      <p className="breadcrumb">
        <Link href={`/staff/contracts/${encodeURIComponent(claim.contractId)}`}>
          {contractNumber ? `Contract ${contractNumber}` : 'The contract'}
        </Link>
      </p>
      <PageHeading title={heading}>{heading}</PageHeading>
      {claim.status === 'submitted' ? (
        <WorkOwner kind={kind} id={claim.id} user={user} noun={words.noun} />
      ) : null}
      {claim.status === 'submitted' ? (
        <DecisionForm
          kind={kind}
          claimId={claim.id}
          receipts={claim.receipts.length}
          onDecided={() => setDecided(true)}
        />
      ) : null}
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>
            {/* Focused once a decision is recorded here (the form that had focus is gone). */}
            <span ref={statusRef} tabIndex={-1}>
              {benefitStatusWords(claim.status)}
            </span>
          </dd>
        </div>
        <div>
          <dt>Filed</dt>
          <dd>{formatInstant(claim.createdAt)}</dd>
        </div>
        {claim.status === 'submitted' && claim.reviewDueOn ? (
          <div>
            <dt>Review due</dt>
            <dd>{formatCalendarDate(claim.reviewDueOn)}</dd>
          </div>
        ) : null}
        {'breakdownOn' in claim && claim.breakdownOn ? (
          <div>
            <dt>Breakdown</dt>
            <dd>
              {formatCalendarDate(claim.breakdownOn)}
              {claim.milesFromHome === undefined ? '' : `, ${claim.milesFromHome} miles from home`}
            </dd>
          </div>
        ) : null}
        {claim.decision ? (
          <div>
            <dt>{claim.status === 'denied' ? 'Denied' : 'Approved'}</dt>
            <dd>
              {formatInstant(claim.decision.decidedAt)} by {claim.decision.decidedBy}
              {claim.decision.reasonCode ? `: ${benefitDenialWords(claim.decision.reasonCode)}` : ''}
              {claim.decision.reason ? ` (${claim.decision.reason})` : ''}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Asked for</dt>
          <dd>{formatCents(claim.requestedCents)}</dd>
        </div>
        <div>
          <dt>Payable</dt>
          <dd>
            {claim.status === 'denied'
              ? `Not paid (denied; ${formatCents(claim.payableCents)} was payable as filed)`
              : formatCents(claim.payableCents)}
          </dd>
        </div>
      </dl>
      <h2 id={`${id}-receipts`}>Receipts</h2>
      {claim.receipts.length === 0 ? (
        <p>No receipt is attached.</p>
      ) : (
        <ul className="link-list" aria-labelledby={`${id}-receipts`}>
          {claim.receipts.map((receipt, index) => (
            <li key={receipt.id}>
              <a
                href={`${apiBasePath}/documents/${encodeURIComponent(receipt.id)}/file`}
                target="_blank"
                rel="noreferrer"
              >
                {receipt.originalName ?? `Receipt ${index + 1}`}
              </a>{' '}
              <span className="muted">received {formatInstant(receipt.receivedAt)}</span>
            </li>
          ))}
        </ul>
      )}
      <h2 id={`${id}-lines`}>Expenses</h2>
      <TableScroll labelledBy={`${id}-lines`}>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Expense</th>
              <th scope="col">Day</th>
              <th scope="col">Asked for</th>
              <th scope="col">Payable</th>
            </tr>
          </thead>
          <tbody>
            {claim.lines.map((line, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the lines are fixed once filed and never reorder.
              <tr key={index}>
                <th scope="row">{line.label}</th>
                <td className="nowrap">{line.date ? formatCalendarDate(line.date) : '—'}</td>
                <td className="nowrap">{formatCents(line.requestedCents)}</td>
                <td className="nowrap">{formatCents(line.payableCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

export function StaffRentalClaimPage({ params }: RouteProps) {
  return (
    <StaffOnly roles={['adjuster', 'admin']} refusal="Benefit claims are for adjusters.">
      {(user) => <Detail kind="rental_claim" claimId={params.id ?? ''} user={user} />}
    </StaffOnly>
  );
}

export function StaffTripClaimPage({ params }: RouteProps) {
  return (
    <StaffOnly roles={['adjuster', 'admin']} refusal="Benefit claims are for adjusters.">
      {(user) => <Detail kind="trip_interruption_claim" claimId={params.id ?? ''} user={user} />}
    </StaffOnly>
  );
}
