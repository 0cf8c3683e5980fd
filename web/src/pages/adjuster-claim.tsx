import { type FormEvent, useId, useState } from 'react';
import { type ApiBody, ApiError } from '../api.js';
import { FieldError, FormSummary, useFormErrors } from '../form-errors.js';
import { formatCents } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { useApiMutation, useApiQuery } from '../queries.js';
import { Link, type RouteProps } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { WorkOwner } from '../work-owner.js';
import { ClaimFacts, ClaimLoadFailed } from './shop-claim-detail.js';
import {
  AuthorizationSummary,
  ClaimLinesTable,
  errorMessage,
  LoadingNotice,
  type RepairClaim,
  reasonLabel,
  TextAreaField,
  textareaStyle,
} from './shop-claim-parts.js';

/** The denial reason matching why the rules found a line not eligible, when there is one. */
function denialReasonFor(code: string | undefined): DenialReason | '' {
  return denialReasons.find((reason) => reason === code) ?? '';
}

// The adjuster's decision screen: approve or deny each line (a denial needs a reason), or send the
// claim back to the shop with a question; record the inspection a large estimate needs first; pay the
// shop once authorized.

const denialReasons = [
  'component_not_covered',
  'wear_item',
  'maintenance_item',
  'body_glass_trim',
  'pre_existing_condition',
  'maintenance_not_proven',
  'work_started_before_authorization',
  'waiting_period',
  'contract_not_in_force',
  'not_a_failure',
  'other',
] as const;
type DenialReason = (typeof denialReasons)[number];

/** Every line starts undecided: the adjuster says approve or deny for each, nothing is pre-chosen. */
interface LineChoice {
  approved: boolean | null;
  reasonCode: DenialReason | '';
  note: string;
}

/** What a change of the claim makes stale: the claim and the lists that show it. */
const claimChanged = ['/repair-claims/{id}', '/repair-claims', '/my-work'] as const;

function DecisionForm({ claim }: { claim: RepairClaim }) {
  const [choices, setChoices] = useState<Record<string, LineChoice>>(() =>
    Object.fromEntries(
      claim.lines.map((line) => [
        line.id,
        // A line the rules found not eligible has its reason ready, but is still not decided.
        { approved: null, reasonCode: line.eligible ? '' : denialReasonFor(line.reasonCode), note: '' },
      ]),
    ),
  );
  const [question, setQuestion] = useState('');
  const form = useFormErrors();
  const id = useId();
  const decide = useApiMutation('post', '/repair-claims/{id}/authorization', { invalidates: claimChanged });
  const error = decide.error ? errorMessage(decide.error) : null;
  // Busy from the click until the claim is read again (the form then closes or starts afresh).
  const busy = decide.isPending || decide.isSuccess;
  const send = (body: ApiBody<'post', '/repair-claims/{id}/authorization'>) =>
    decide.mutate({ params: { path: { id: claim.id } }, body });

  const handleDecide = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errors: Record<string, string> = {};
    for (const line of claim.lines) {
      const choice = choices[line.id]!;
      if (choice.approved === null)
        errors[`decision-${line.id}`] = `Approve or deny line ${line.lineNumber}.`;
      else if (!choice.approved && !choice.reasonCode)
        errors[`reason-${line.id}`] = `Choose why line ${line.lineNumber} is denied.`;
      else if (!choice.approved && choice.reasonCode === 'other' && !choice.note.trim())
        errors[`note-${line.id}`] = `Write the reason for line ${line.lineNumber}: the shop reads it.`;
    }
    if (Object.keys(errors).length > 0) return form.show(errors);
    form.clear();
    void send({
      lines: claim.lines.map((line) => {
        const choice = choices[line.id]!;
        return {
          id: line.id,
          approved: choice.approved === true,
          ...(choice.approved
            ? {}
            : {
                ...(choice.reasonCode ? { reasonCode: choice.reasonCode } : {}),
                ...(choice.note.trim() ? { note: choice.note.trim() } : {}),
              }),
        };
      }),
    });
  };

  const approvedCents = claim.lines
    .filter((l) => choices[l.id]?.approved === true)
    .reduce((t, l) => t + l.eligibleCents, 0);

  return (
    <>
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      <form
        className="form form--wide card card--wide"
        onSubmit={handleDecide}
        aria-labelledby={`${id}-decide`}
        ref={form.formRef}
        noValidate
      >
        <h2 id={`${id}-decide`}>Decide each line</h2>
        <FormSummary form={form} />
        {claim.lines.map((line) => {
          const choice = choices[line.id]!;
          const set = (change: Partial<LineChoice>) =>
            setChoices((current) => ({ ...current, [line.id]: { ...choice, ...change } }));
          const decisionId = `${id}-${line.id}-decision`;
          return (
            <fieldset key={line.id} className="card card--section">
              <legend>
                Line {line.lineNumber}: {line.description} ({line.componentGroupName}),{' '}
                {line.eligible ? `eligible up to ${formatCents(line.eligibleCents)}` : 'not eligible'}
                {line.reasonCode ? ` — ${reasonLabel(line.reasonCode)}` : ''}
              </legend>
              <div className="field field--checkbox">
                <input
                  type="radio"
                  id={`${id}-${line.id}-approve`}
                  name={`${id}-${line.id}`}
                  checked={choice.approved === true}
                  disabled={!line.eligible}
                  onChange={() => set({ approved: true })}
                  {...form.fieldProps(`decision-${line.id}`, decisionId)}
                />
                <label htmlFor={`${id}-${line.id}-approve`}>Approve line {line.lineNumber}</label>
              </div>
              <div className="field field--checkbox">
                <input
                  type="radio"
                  id={`${id}-${line.id}-deny`}
                  name={`${id}-${line.id}`}
                  checked={choice.approved === false}
                  onChange={() => set({ approved: false })}
                  {...(line.eligible ? {} : form.fieldProps(`decision-${line.id}`, decisionId))}
                />
                <label htmlFor={`${id}-${line.id}-deny`}>Deny line {line.lineNumber}</label>
              </div>
              <FieldError id={decisionId} message={form.errors[`decision-${line.id}`]} />
              {choice.approved === false ? (
                <>
                  <div className="field">
                    <label htmlFor={`${id}-${line.id}-reason`}>
                      Reason for denying line {line.lineNumber}
                    </label>
                    <select
                      id={`${id}-${line.id}-reason`}
                      value={choice.reasonCode}
                      onChange={(e) => set({ reasonCode: denialReasonFor(e.target.value) })}
                      {...form.fieldProps(`reason-${line.id}`, `${id}-${line.id}-reason`)}
                    >
                      <option value="">Choose a reason</option>
                      {denialReasons.map((code) => (
                        <option key={code} value={code}>
                          {reasonLabel(code)}
                        </option>
                      ))}
                    </select>
                    <FieldError id={`${id}-${line.id}-reason`} message={form.errors[`reason-${line.id}`]} />
                  </div>
                  {choice.reasonCode === 'other' ? (
                    <div className="field">
                      <label htmlFor={`${id}-${line.id}-note`}>
                        The reason, in words the shop reads (line {line.lineNumber})
                      </label>
                      <textarea
                        id={`${id}-${line.id}-note`}
                        rows={2}
                        maxLength={1000}
                        style={textareaStyle}
                        value={choice.note}
                        onChange={(e) => set({ note: e.target.value })}
                        {...form.fieldProps(`note-${line.id}`, `${id}-${line.id}-note`)}
                      />
                      <FieldError id={`${id}-${line.id}-note`} message={form.errors[`note-${line.id}`]} />
                    </div>
                  ) : null}
                </>
              ) : null}
            </fieldset>
          );
        })}
        <p>Approved lines total {formatCents(approvedCents)} before the deductible.</p>
        <button type="submit" className="button" disabled={busy}>
          Record decision
        </button>
      </form>
      <form
        className="form card"
        aria-labelledby={`${id}-ask`}
        onSubmit={(event) => {
          event.preventDefault();
          void send({ requestInformation: question });
        }}
      >
        <h2 id={`${id}-ask`}>Or ask the shop</h2>
        <TextAreaField
          id={`${id}-question`}
          label="Question for the shop"
          value={question}
          onChange={setQuestion}
        />
        <button type="submit" className="button button--secondary" disabled={busy}>
          Send back for information
        </button>
      </form>
    </>
  );
}

function TextActionForm(props: {
  heading: string;
  label: string;
  button: string;
  onSubmit: (text: string) => void;
  error: unknown;
}) {
  const [text, setText] = useState('');
  const error = props.error ? errorMessage(props.error) : null;
  const id = useId();
  return (
    <form
      className="form card"
      aria-labelledby={`${id}-heading`}
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit(text);
      }}
    >
      <h2 id={`${id}-heading`}>{props.heading}</h2>
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-text`}>{props.label}</label>
        <input
          id={`${id}-text`}
          required
          maxLength={100}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <button type="submit" className="button">
        {props.button}
      </button>
    </form>
  );
}

/**
 * Puts right the odometer reading the shop typed (read again from the dashboard, a photo or the
 * invoice): the reading counts for later cancellations and transfers, and a claim still waiting for its
 * decision is assessed again with it. Folded away: most claims never need it.
 */
function OdometerCorrection({ claim }: { claim: RepairClaim }) {
  const [odometer, setOdometer] = useState('');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const form = useFormErrors();
  const id = useId();
  const correct = useApiMutation('post', '/repair-claims/{id}/odometer-correction', {
    invalidates: claimChanged,
  });
  const busy = correct.isPending;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const errors: Record<string, string> = {};
    const miles = Number(odometer.replaceAll(',', '').trim());
    if (!/^\d+$/.test(odometer.replaceAll(',', '').trim()))
      errors.odometer = 'Enter the right reading in whole miles, e.g. 31000.';
    else if (miles === claim.odometer) errors.odometer = `${odometer} is already the claim's reading.`;
    if (!reason.trim())
      errors.reason = 'Say what shows the right reading (a photo of the dashboard, the invoice).';
    if (Object.keys(errors).length > 0) return form.show(errors);
    form.clear();
    setDone(null);
    try {
      const updated = await correct.mutateAsync({
        params: { path: { id: claim.id } },
        body: { odometer: miles, reason: reason.trim() },
      });
      setDone(
        `The reading is now ${updated.odometer.toLocaleString('en-US')} miles (was ${claim.odometer.toLocaleString('en-US')}).`,
      );
      setOdometer('');
      setReason('');
    } catch (caught) {
      const detail = caught instanceof ApiError ? caught.detail : '';
      form.showProblem(caught, { odometer: detail, reason: detail });
    }
  };

  return (
    <details className="card">
      <summary>Correct the odometer reading ({claim.odometer.toLocaleString('en-US')} miles)</summary>
      <p role="status">{done}</p>
      <form
        className="form"
        onSubmit={submit}
        ref={form.formRef}
        noValidate
        aria-labelledby={`${id}-heading`}
      >
        <h2 id={`${id}-heading`} className="visually-hidden">
          Correct the odometer reading
        </h2>
        <FormSummary form={form} />
        <p>
          When the shop typed the reading wrong. It counts for later cancellations and transfers
          {claim.status === 'submitted' || claim.status === 'information_requested'
            ? ', and the lines are assessed again with it.'
            : '; the decision on this claim stays as it is.'}
        </p>
        <div className="field">
          <label htmlFor={`${id}-odometer`}>Right reading (miles)</label>
          <input
            id={`${id}-odometer`}
            inputMode="numeric"
            autoComplete="off"
            value={odometer}
            onChange={(e) => setOdometer(e.target.value)}
            {...form.fieldProps('odometer', `${id}-odometer`)}
          />
          <FieldError id={`${id}-odometer`} message={form.errors.odometer} />
        </div>
        <TextAreaField
          id={`${id}-reason`}
          label="What shows it"
          value={reason}
          onChange={setReason}
          error={form.errors.reason}
          fieldProps={form.fieldProps('reason', `${id}-reason`)}
        />
        <button type="submit" className="button button--secondary" disabled={busy}>
          {busy ? 'Correcting…' : 'Correct the reading'}
        </button>
      </form>
    </details>
  );
}

export function AdjusterClaimPage({ params }: RouteProps) {
  const path = { params: { path: { id: params.id ?? '' } } };
  const claim = useApiQuery('/repair-claims/{id}', path);
  const inspect = useApiMutation('post', '/repair-claims/{id}/inspection', { invalidates: claimChanged });
  const pay = useApiMutation('post', '/repair-claims/{id}/payment', { invalidates: claimChanged });
  return (
    <StaffOnly roles={['adjuster', 'admin']} refusal="Deciding claims is for adjusters.">
      {(user) => {
        if (claim.isPending) return <LoadingNotice />;
        if (claim.isError) return <ClaimLoadFailed error={claim.error} />;
        const value = claim.data;
        const needsInspection = value.inspection.required && !value.inspection.inspectedAt;
        return (
          <>
            <p className="breadcrumb">
              <Link href="/adjuster/claims">Claim queue</Link>
            </p>
            <PageHeading title={`Claim ${value.claimNumber}`}>Claim {value.claimNumber}</PageHeading>
            {value.status === 'submitted' ? (
              <WorkOwner kind="repair_claim_decision" id={value.id} user={user} noun="claim" />
            ) : null}
            <ClaimFacts claim={value} />
            <OdometerCorrection claim={value} />
            {value.contractEnded && (value.status === 'submitted' || value.status === 'authorized') ? (
              // Said before the adjuster decides: approving or paying is refused (409 contract_not_active).
              <div className="notice notice--error">
                <strong>Contract not in force for this claim.</strong> {value.contractEnded.detail}
              </div>
            ) : null}
            <h2 id="adjuster-lines-heading">Lines</h2>
            <ClaimLinesTable claim={value} captionId="adjuster-lines-heading" />
            <AuthorizationSummary claim={value} />
            {value.status === 'submitted' && needsInspection ? (
              <TextActionForm
                heading="Inspection needed first"
                label="Inspection findings"
                button="Record inspection"
                error={inspect.error}
                onSubmit={(notes) => inspect.mutate({ ...path, body: { notes } })}
              />
            ) : null}
            {value.status === 'submitted' && user.role === 'adjuster' ? (
              // A new reading of the claim starts the form afresh.
              <DecisionForm key={claim.dataUpdatedAt} claim={value} />
            ) : null}
            {value.status === 'authorized' ? (
              <TextActionForm
                heading={`Pay ${value.facility.name} ${formatCents(value.authorization?.payableToFacilityCents ?? 0)} by check`}
                label="Check number"
                button="Record payment"
                error={pay.error}
                onSubmit={(reference) => pay.mutate({ ...path, body: { method: 'check', reference } })}
              />
            ) : null}
          </>
        );
      }}
    </StaffOnly>
  );
}
