import { type FormEvent, useId, useRef, useState } from 'react';
import type { ApiBody } from '../api.js';
import type { StaffUser } from '../auth.js';
import { useFocusWhen } from '../focus.js';
import { FieldError, FormSummary, useFormErrors } from '../form-errors.js';
import { formatCalendarDate, formatCents, formatInstant } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { useApiMutation, useApiQuery } from '../queries.js';
import { Link, type RouteProps } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';
import { WorkOwner } from '../work-owner.js';
import { documentStateWords, lossTypeWords, problemMessage, ResultNotice } from './gap-shared.js';

// An adjuster's GAP claim: the documents and their reviews, the benefit calculation with each line,
// then approval (the benefit is owed to the lienholder and the next payment run pays it) or denial
// with a reason.

const benefitFields = [
  ['payoffCents', 'Loan payoff on the date of loss'],
  ['acvCents', 'Actual cash value (insurer)'],
  ['primaryDeductibleCents', 'Primary insurance deductible'],
  ['pastDueCents', 'Past-due payments'],
  ['lateFeesCents', 'Late fees'],
  ['addOnRefundsCents', 'Refunds of cancelled add-ons'],
] as const;

/** '25,000.00' or '25000' → 2500000 cents; '' → undefined (empty is not zero); null when it is not an amount. */
export function parseDollars(input: string): number | null | undefined {
  const cleaned = input.replace(/[$,\s]/g, '');
  if (cleaned === '') return undefined;
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** What a decision on a GAP claim makes stale: the claim and the lists of work it is in. */
const claimChanged = ['/gap-claims/{id}', '/gap-claims', '/work-queue', '/my-work'] as const;

function ClaimDetail({ claimId, user }: { claimId: string; user: StaffUser }) {
  const id = useId();
  const path = { params: { path: { id: claimId } } };
  const claimQuery = useApiQuery('/gap-claims/{id}', path);
  const claim = claimQuery.data ?? null;
  const calculateBenefit = useApiMutation('post', '/gap-claims/{id}/benefit', { invalidates: claimChanged });
  const approval = useApiMutation('post', '/gap-claims/{id}/approval', { invalidates: claimChanged });
  const denial = useApiMutation('post', '/gap-claims/{id}/denial', { invalidates: claimChanged });
  const [amounts, setAmounts] = useState<Record<string, string>>({});
  const [denialReason, setDenialReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  // The confirmation replaces the button that asked for it: focus follows, so it is read out at once.
  useFocusWhen(confirmRef, confirming);
  const calculator = useFormErrors();
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  /** Runs an action (the claim is read again once it succeeded); its answer (or `done`) is the success sentence. */
  const run = async <Answer,>(action: () => Promise<Answer>, done: string | ((answer: Answer) => string)) => {
    setBusy(true);
    setMessage(null);
    try {
      const answer = await action();
      setMessage({ error: false, text: typeof done === 'string' ? done : done(answer) });
    } catch (caught) {
      setMessage({ error: true, text: problemMessage(caught, 'That did not work. Try again.') });
    } finally {
      setBusy(false);
    }
  };

  const calculate = (event: FormEvent) => {
    event.preventDefault();
    const body: Partial<Record<(typeof benefitFields)[number][0], number>> = {};
    const errors: Record<string, string> = {};
    // Every figure is asked for: an empty field is a figure not yet known, never $0.00.
    for (const [name, label] of benefitFields) {
      const cents = parseDollars(amounts[name] ?? '');
      if (cents === undefined)
        errors[name] = `Enter the ${label.toLowerCase()}, in dollars (0 when there is none).`;
      else if (cents === null) errors[name] = `${label}: enter an amount in dollars, such as 21000.00.`;
      else body[name] = cents;
    }
    if (Object.keys(errors).length > 0) return calculator.show(errors);
    calculator.clear();
    setConfirming(false);
    // Every field was filled in (the loop above refused any that was not), so the body is complete.
    const complete = body as ApiBody<'post', '/gap-claims/{id}/benefit'>;
    void run(() => calculateBenefit.mutateAsync({ ...path, body: complete }), 'Benefit calculated.');
  };

  const approve = () => {
    setConfirming(false);
    void run(
      () => approval.mutateAsync({ ...path, body: {} }),
      (answer) =>
        answer.status === 'approved'
          ? 'Approved, to be paid in the next payment run.'
          : 'The amount is above your approval limit: the payment is proposed and waits for a second adjuster.',
    );
  };

  if (!claim) {
    return claimQuery.isError ? (
      <div className="notice notice--error" role="alert">
        {problemMessage(claimQuery.error, 'The claim could not be loaded.')}
      </div>
    ) : (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }
  const isAdjuster = user.role === 'adjuster';
  const ready = claim.status === 'ready_for_calculation';

  return (
    <>
      <PageHeading title={`GAP claim ${claim.claimNumber}`}>GAP claim {claim.claimNumber}</PageHeading>
      <p>
        <Link href="/staff/gap-claims">All GAP claims</Link>
      </p>
      <ResultNotice message={message} />
      {claim.status !== 'paid' && claim.status !== 'denied' ? (
        <WorkOwner kind="gap_claim" id={claim.id} user={user} noun="GAP claim" />
      ) : null}
      <dl className="facts">
        <dt>Status</dt>
        <dd>{claim.statusWords}</dd>
        <dt>Holder</dt>
        <dd>{claim.holderName}</dd>
        <dt>Contract</dt>
        <dd>{claim.contractNumber}</dd>
        <dt>Loss</dt>
        <dd>
          {lossTypeWords(claim.lossType)} on {formatCalendarDate(claim.dateOfLoss)}
        </dd>
        <dt>Lienholder (payee)</dt>
        <dd>{claim.lienholderName ?? 'None on file'}</dd>
      </dl>

      <h2 id={`${id}-documents`}>Documents</h2>
      <TableScroll labelledBy={`${id}-documents`}>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Document</th>
              <th scope="col">State</th>
              <th scope="col">Reviewer's reason</th>
            </tr>
          </thead>
          <tbody>
            {claim.requiredDocuments.map((item) => (
              <tr key={item.type}>
                <th scope="row">
                  {item.documentId ? (
                    <Link href={`/staff/reviews/${item.documentId}`}>{item.name}</Link>
                  ) : (
                    item.name
                  )}
                </th>
                <td>{documentStateWords(item)}</td>
                <td>{item.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>

      <section className="card" aria-labelledby={`${id}-benefit`}>
        <h2 id={`${id}-benefit`}>Benefit</h2>
        {claim.benefit ? (
          <table className="table">
            <caption className="visually-hidden">Benefit calculation</caption>
            <tbody>
              {claim.benefit.lines.map((line) => (
                <tr key={line.label}>
                  <td>{line.label}</td>
                  <td className="nowrap">{formatCents(line.amountCents)}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">GAP benefit</th>
                <th scope="col" className="nowrap">
                  {formatCents(claim.benefit.benefitCents)}
                </th>
              </tr>
            </tbody>
          </table>
        ) : (
          <p>Not calculated yet.</p>
        )}
        {ready && isAdjuster ? (
          <form className="form" onSubmit={calculate} noValidate ref={calculator.formRef}>
            <FormSummary form={calculator} />
            {benefitFields.map(([name, label]) => (
              <div className="field" key={name}>
                <label htmlFor={`${id}-${name}`}>{label} ($)</label>
                <input
                  id={`${id}-${name}`}
                  inputMode="decimal"
                  className="input--short"
                  required
                  value={amounts[name] ?? ''}
                  onChange={(event) => setAmounts({ ...amounts, [name]: event.target.value })}
                  {...calculator.fieldProps(name, `${id}-${name}`)}
                />
                <FieldError id={`${id}-${name}`} message={calculator.errors[name]} />
              </div>
            ))}
            <button type="submit" className="button" disabled={busy}>
              Calculate the benefit
            </button>
          </form>
        ) : null}
        {claim.paymentProposal ? (
          <p className="notice notice--success" role="status">
            Payment of {formatCents(claim.paymentProposal.amountCents)} to {claim.lienholderName} proposed by{' '}
            {claim.paymentProposal.proposedBy} on {formatInstant(claim.paymentProposal.proposedAt)}.{' '}
            {claim.paymentProposal.proposedByUserId === user.id
              ? 'A second adjuster must approve it.'
              : 'It needs your approval as the second adjuster.'}
          </p>
        ) : null}
        {ready && isAdjuster && claim.benefit && claim.paymentProposal?.proposedByUserId !== user.id ? (
          confirming ? (
            <section className="card" aria-labelledby={`${id}-confirm`}>
              <p id={`${id}-confirm`}>
                <strong>
                  Approve paying {formatCents(claim.benefit.benefitCents)} to {claim.lienholderName}?
                </strong>{' '}
                The GAP benefit of claim {claim.claimNumber} goes to the lender in the next payment run; this
                cannot be undone here.
              </p>
              <p className="button-row">
                <button type="button" className="button" disabled={busy} onClick={approve} ref={confirmRef}>
                  Yes, approve paying {formatCents(claim.benefit.benefitCents)} to {claim.lienholderName}
                </button>{' '}
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() => setConfirming(false)}
                >
                  Cancel
                </button>
              </p>
            </section>
          ) : (
            <p>
              <button type="button" className="button" disabled={busy} onClick={() => setConfirming(true)}>
                {claim.paymentProposal ? 'Approve the proposed payment' : 'Approve paying'}{' '}
                {formatCents(claim.benefit.benefitCents)} to {claim.lienholderName}
              </button>
            </p>
          )
        ) : null}
        {claim.status === 'approved' && claim.benefit ? (
          <p role="status">
            Approved: {formatCents(claim.benefit.benefitCents)} to {claim.lienholderName}, to be paid in the
            next payment run.
          </p>
        ) : null}
        {claim.payment ? (
          <p role="status">
            Paid {formatCents(claim.payment.amountCents)} to {claim.payment.payee.name} on{' '}
            {formatInstant(claim.payment.paidAt)}.
          </p>
        ) : null}
      </section>

      {isAdjuster && (claim.status === 'under_review' || ready) ? (
        <section className="card" aria-labelledby={`${id}-deny`}>
          <h2 id={`${id}-deny`}>Deny the claim</h2>
          <form
            className="form"
            onSubmit={(event) => {
              event.preventDefault();
              void run(
                () => denial.mutateAsync({ ...path, body: { reason: denialReason } }),
                'The claim was denied.',
              );
            }}
          >
            <div className="field">
              <label htmlFor={`${id}-denial`}>Reason (the holder reads it)</label>
              <textarea
                id={`${id}-denial`}
                rows={3}
                required
                value={denialReason}
                onChange={(event) => setDenialReason(event.target.value)}
              />
            </div>
            <button
              type="submit"
              className="button button--secondary"
              disabled={busy || !denialReason.trim()}
            >
              Deny
            </button>
          </form>
        </section>
      ) : null}

      <h2>Timeline</h2>
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

export function AdjusterGapClaimPage({ params }: RouteProps) {
  return (
    <StaffOnly roles={['adjuster', 'reviewer', 'admin']} refusal="GAP claims are for claims staff.">
      {(user) => <ClaimDetail claimId={params.id ?? ''} user={user} />}
    </StaffOnly>
  );
}
