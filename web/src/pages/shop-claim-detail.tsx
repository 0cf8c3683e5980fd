import { type FormEvent, useId, useState } from 'react';
import { api } from '../api.js';
import { formatCents, formatInstant, formatMiles } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { Link, type RouteProps } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import {
  AuthorizationSummary,
  ClaimLinesTable,
  claimStatusLabels,
  errorMessage,
  LoadingNotice,
  type RepairClaim,
  textareaStyle,
  useApiGet,
} from './shop-claim-parts.js';

// One repair claim as its shop sees it: the per-line decisions, and once decided the authorization
// number, deductible and amount payable; when the adjuster asked a question, the form to answer it.

function AnswerQuestion({ claim, onAnswered }: { claim: RepairClaim; onAnswered: () => void }) {
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    try {
      await api.post(`/repair-claims/${encodeURIComponent(claim.id)}/information`, { message });
      onAnswered();
    } catch (caught) {
      setError(errorMessage(caught));
    }
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
      <div className="field">
        <label htmlFor={`${id}-answer`}>Your answer</label>
        <textarea
          rows={3}
          style={textareaStyle}
          id={`${id}-answer`}
          required
          maxLength={2000}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
        />
      </div>
      <button type="submit" className="button">
        Send answer
      </button>
    </form>
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
  const [version, setVersion] = useState(0);
  const claim = useApiGet<RepairClaim>(`/repair-claims/${encodeURIComponent(params.id ?? '')}`, version);
  return (
    <StaffOnly roles={['repair_facility']} refusal="This page is for repair facilities.">
      {() => {
        if (claim.status === 'loading') return <LoadingNotice />;
        if (claim.status === 'failed')
          return (
            <>
              <PageHeading title="Repair claim">Repair claim</PageHeading>
              <p className="notice notice--error">{claim.message}</p>
            </>
          );
        const value = claim.value;
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
            {value.status === 'information_requested' ? (
              <AnswerQuestion claim={value} onAnswered={() => setVersion((v) => v + 1)} />
            ) : null}
            <ClaimFacts claim={value} />
          </>
        );
      }}
    </StaffOnly>
  );
}
