import { type FormEvent, useId, useState } from 'react';
import { formatCents, formatInstant, formatMiles } from '../format.js';
import { t } from '../i18n.js';
import { PageHeading } from '../page-heading.js';
import { useApiMutation, useApiQuery } from '../queries.js';
import { Link, type RouteProps } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import {
  AuthorizationSummary,
  ClaimLinesTable,
  claimStatusLabels,
  errorMessage,
  LoadingNotice,
  type RepairClaim,
  TextAreaField,
} from './shop-claim-parts.js';

// One repair claim as its shop sees it: the per-line decisions, and once decided the authorization
// number, deductible and amount payable; when the adjuster asked a question, the form to answer it.

function AnswerQuestion({ claim }: { claim: RepairClaim }) {
  const [message, setMessage] = useState('');
  const id = useId();
  const answer = useApiMutation('post', '/repair-claims/{id}/information', {
    invalidates: ['/repair-claims/{id}', '/repair-claims'],
  });
  const error = answer.error ? errorMessage(answer.error) : null;
  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    answer.mutate({ params: { path: { id: claim.id } }, body: { message } });
  };
  return (
    <form className="form card" onSubmit={handleSubmit} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>The adjuster asks</h2>
      <p>{claim.informationRequest}</p>
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      <TextAreaField id={`${id}-answer`} label="Your answer" value={message} onChange={setMessage} />
      <button type="submit" className="button">
        Send answer
      </button>
    </form>
  );
}

/** The heading and the reason when a repair claim could not be loaded (shop and adjuster alike). */
export function ClaimLoadFailed({ error }: { error: unknown }) {
  return (
    <>
      <PageHeading title="Repair claim">Repair claim</PageHeading>
      <p className="notice notice--error">{errorMessage(error, t('common.loadFailed'))}</p>
    </>
  );
}

export function ClaimFacts({ claim }: { claim: RepairClaim }) {
  return (
    <section className="card card--wide" aria-labelledby="claim-facts-heading">
      <h2 id="claim-facts-heading">Claim</h2>
      <dl className="facts facts--wide">
        <div>
          <dt>Status</dt>
          <dd>{claimStatusLabels[claim.status]}</dd>
        </div>
        <div>
          <dt>Contract</dt>
          <dd>
            {claim.contractNumber} · {claim.planName}
          </dd>
        </div>
        <div>
          <dt>Repair facility</dt>
          <dd>{claim.facility.name}</dd>
        </div>
        <div>
          <dt>VIN and odometer</dt>
          <dd>
            {claim.vin} · {formatMiles(claim.odometer)}
          </dd>
        </div>
        <div>
          <dt>Submitted</dt>
          <dd>{formatInstant(claim.submittedAt)}</dd>
        </div>
        <div>
          <dt>Complaint / cause / correction</dt>
          <dd>
            {claim.complaint} / {claim.cause} / {claim.correction}
          </dd>
        </div>
        <div>
          <dt>Requested / eligible</dt>
          <dd>
            {formatCents(claim.requestedCents)} / {formatCents(claim.eligibleCents)}
          </dd>
        </div>
        {claim.workStartedAt ? (
          <div>
            <dt>Work started</dt>
            <dd>{formatInstant(claim.workStartedAt)} (before authorization: not payable)</dd>
          </div>
        ) : null}
        {claim.inspection.required ? (
          <div>
            <dt>Inspection</dt>
            <dd>
              {claim.inspection.inspectedAt
                ? `Done ${formatInstant(claim.inspection.inspectedAt)}: ${claim.inspection.notes ?? ''}`
                : 'Needed before approval'}
            </dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}

export function ShopClaimDetailPage({ params }: RouteProps) {
  const claim = useApiQuery('/repair-claims/{id}', { params: { path: { id: params.id ?? '' } } });
  return (
    <StaffOnly roles={['repair_facility']} refusal="This page is for repair facilities.">
      {() => {
        if (claim.isPending) return <LoadingNotice />;
        if (claim.isError) return <ClaimLoadFailed error={claim.error} />;
        const value = claim.data;
        return (
          <>
            <p className="breadcrumb">
              <Link href="/shop">Repair claims</Link>
            </p>
            <PageHeading title={`Claim ${value.claimNumber}`}>Claim {value.claimNumber}</PageHeading>
            {value.authorization?.authorizationNumber ? (
              <p className="notice notice--success" role="status">
                Authorized: number {value.authorization.authorizationNumber}, payable to you{' '}
                {formatCents(value.authorization.payableToFacilityCents)}.
              </p>
            ) : null}
            <AuthorizationSummary claim={value} />
            <h2 id="lines-heading">Lines</h2>
            <ClaimLinesTable claim={value} captionId="lines-heading" />
            {value.status === 'information_requested' ? <AnswerQuestion claim={value} /> : null}
            <ClaimFacts claim={value} />
          </>
        );
      }}
    </StaffOnly>
  );
}
