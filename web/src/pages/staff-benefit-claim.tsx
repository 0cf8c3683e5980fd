import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { ApiError } from '../api.js';
import type { StaffUser } from '../auth.js';
import { contractQueryOptions } from '../contracts.js';
import { formatCalendarDate, formatCents, formatInstant } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { useApiQuery } from '../queries.js';
import { Link, type RouteProps } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';
import { WorkOwner } from '../work-owner.js';

// A rental reimbursement or trip interruption claim for claims staff: what was asked and what is
// payable line by line (each limit that cut a line is named in its words), the contract it is on, and
// who owns it (take, release, assign) while it waits for the payment run.

type Kind = 'rental_claim' | 'trip_interruption_claim';

const KINDS: Record<Kind, { title: string; noun: string }> = {
  rental_claim: { title: 'Rental claim', noun: 'rental claim' },
  trip_interruption_claim: { title: 'Trip interruption claim', noun: 'trip interruption claim' },
};

/** A benefit claim's status in words (they are filed, then paid by a payment run). */
export function benefitStatusWords(status: string): string {
  if (status === 'submitted') return 'Filed, waiting for the payment run';
  if (status === 'paid') return 'Paid';
  return status;
}

function Detail({ kind, claimId, user }: { kind: Kind; claimId: string; user: StaffUser }) {
  const id = useId();
  const words = KINDS[kind];
  const init = { params: { path: { id: claimId } } };
  const rental = useApiQuery('/rental-claims/{id}', init, { enabled: kind === 'rental_claim' });
  const trip = useApiQuery('/trip-interruption-claims/{id}', init, {
    enabled: kind === 'trip_interruption_claim',
  });
  const claimQuery = kind === 'rental_claim' ? rental : trip;
  const claim = claimQuery.data ?? null;
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

  const heading = contractNumber ? `${words.title} on contract ${contractNumber}` : words.title;
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
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>{benefitStatusWords(claim.status)}</dd>
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
        <div>
          <dt>Asked for</dt>
          <dd>{formatCents(claim.requestedCents)}</dd>
        </div>
        <div>
          <dt>Payable</dt>
          <dd>{formatCents(claim.payableCents)}</dd>
        </div>
      </dl>
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
