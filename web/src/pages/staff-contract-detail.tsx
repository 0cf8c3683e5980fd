import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type ReactNode, useId, useRef } from 'react';
import { ApiError } from '../api.js';
import type { StaffUser } from '../auth.js';
import {
  contractStatusLabel,
  deductibleWords,
  moneyOrNotRecorded,
  productLabel,
  termWords,
} from '../contract-words.js';
import type { Contract } from '../contracts.js';
import { contractQueryOptions, fetchAuditTrail } from '../contracts.js';
import { CoverageDetails, CoverageStatusBadge } from '../coverage-details.js';
import { useFocusWhen } from '../focus.js';
import { formatCalendarDate, formatCents, formatCount, formatInstant, formatMiles } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { errorMessage, useApiQuery } from '../queries.js';
import { onRowKeys } from '../queue-list.js';
import { Link } from '../router.js';
import { actionLabel, auditDetails } from '../screen-words.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';
import { isLead, ownerWords, useOwners } from '../work-owner.js';
import { claimStatusLabels } from './shop-claim-parts.js';
import { benefitStatusWords } from './staff-benefit-claim.js';
import { StaffContractMoney } from './staff-contract-money.js';

// One contract for staff: every recorded field, the coverage as of today and the audit trail of who
// did what to it. The contract and its trail load separately so a slow trail never hides the contract.

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const headingId = useId();
  return (
    <section className="card card--section" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

function notRecorded(value: string | null | undefined): string {
  return value ? value : 'Not recorded';
}

function ContractSections({ contract }: { contract: Contract }) {
  const { holder, vehicle } = contract;
  return (
    <div className="section-grid">
      <Section title="Holder">
        <dl className="facts">
          <Fact term="Name">
            {holder.firstName} {holder.lastName}
          </Fact>
          <Fact term="Email">{notRecorded(holder.email)}</Fact>
          <Fact term="Phone">{notRecorded(holder.phone)}</Fact>
          <Fact term="Address">
            {holder.address.line1}, {holder.address.city}, {holder.address.state} {holder.address.zip}
          </Fact>
        </dl>
      </Section>
      <Section title="Vehicle">
        <dl className="facts">
          <Fact term="Vehicle">
            {vehicle.year} {vehicle.make} {vehicle.model}
          </Fact>
          <Fact term="VIN">
            <code translate="no">{vehicle.vin}</code>
          </Fact>
          <Fact term="Odometer at sale">{formatMiles(contract.odometerAtSale)}</Fact>
        </dl>
      </Section>
      <Section title="Plan and term">
        <dl className="facts">
          <Fact term="Plan">{contract.planName}</Fact>
          <Fact term="Product">{productLabel(contract.product)}</Fact>
          <Fact term="Catalog version">{String(contract.catalogVersion)}</Fact>
          <Fact term="Purchased">
            {formatCalendarDate(contract.purchaseDate)} in {contract.purchaseState}
          </Fact>
          <Fact term="Term">{termWords(contract)}</Fact>
          <Fact term="Expires">
            {formatCalendarDate(contract.expiresOn)}
            {contract.expiresAtMiles === null ? '' : ` or at ${formatMiles(contract.expiresAtMiles)}`}
          </Fact>
          <Fact term="Waiting period">
            {contract.waitingPeriodEndsOn === null && contract.waitingPeriodEndsAtMiles === null
              ? 'None'
              : [
                  contract.waitingPeriodEndsOn
                    ? `until ${formatCalendarDate(contract.waitingPeriodEndsOn)}`
                    : null,
                  contract.waitingPeriodEndsAtMiles === null
                    ? null
                    : `until ${formatMiles(contract.waitingPeriodEndsAtMiles)}`,
                ]
                  .filter(Boolean)
                  .join(' or ')}
          </Fact>
        </dl>
      </Section>
      <Section title="Money">
        <dl className="facts">
          <Fact term="Price">{formatCents(contract.priceCents)}</Fact>
          {contract.product === 'vsc' ? (
            <Fact term="Deductible">{deductibleWords(contract.deductibleCents)}</Fact>
          ) : null}
          {contract.product === 'gap' || contract.amountFinancedCents !== null ? (
            <Fact term="Amount financed">{moneyOrNotRecorded(contract.amountFinancedCents)}</Fact>
          ) : null}
          {contract.product === 'gap' || contract.msrpCents !== null ? (
            <Fact term="MSRP">{moneyOrNotRecorded(contract.msrpCents)}</Fact>
          ) : null}
        </dl>
      </Section>
      <Section title="Lienholder">
        <p>{contract.lienholder ? contract.lienholder.name : 'No lienholder recorded.'}</p>
      </Section>
      <Section title="Selling dealer">
        <p>
          {contract.sellingDealer ? (
            <>
              {contract.sellingDealer.name} <span className="muted">({contract.sellingDealer.code})</span>
            </>
          ) : (
            'No selling dealer recorded.'
          )}
        </p>
      </Section>
    </div>
  );
}

function AuditTrail({ contractId }: { contractId: string }) {
  const headingId = useId();
  // "Show more events" fetches the page after the last event read.
  const trail = useInfiniteQuery({
    queryKey: ['/contracts/{id}/audit', { path: { id: contractId } }],
    queryFn: ({ pageParam, signal }) => fetchAuditTrail(contractId, pageParam, signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => (page.hasMore ? page.data.at(-1)?.id : undefined),
  });
  const events = trail.data?.pages.flatMap((page) => page.data) ?? [];
  // A failed first page replaces the table; a failed later page is said under the events read so far.
  const failure = trail.isError ? errorMessage(trail.error, 'The audit trail could not be loaded.') : null;
  const loadingMore = trail.isFetchingNextPage;
  const loadMore = () => void trail.fetchNextPage();

  return (
    <section className="card card--wide" aria-labelledby={headingId}>
      <h2 id={headingId}>Audit trail</h2>
      {trail.isPending ? (
        <p className="muted" role="status">
          Loading the audit trail…
        </p>
      ) : null}
      {failure && !trail.data ? (
        <div className="notice notice--error" role="alert">
          {failure}
        </div>
      ) : null}
      {trail.data && events.length === 0 ? <p>Nothing has been recorded yet.</p> : null}
      {trail.data && events.length > 0 ? (
        <>
          <TableScroll labelledBy={headingId}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Details</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {events.map((event) => (
                  <tr key={event.id}>
                    <td className="nowrap">
                      <time dateTime={event.occurredAt}>{formatInstant(event.occurredAt)}</time>
                    </td>
                    <td>{event.actor.label}</td>
                    <td>{actionLabel(event.action)}</td>
                    <td>{auditDetails(event.data) || '—'}</td>
                    <td>{event.reason ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          {failure && trail.isFetchNextPageError ? (
            <div className="notice notice--error" role="alert">
              {errorMessage(trail.error, 'More events could not be loaded. Try again.')}
            </div>
          ) : null}
          {trail.hasNextPage ? (
            <button
              type="button"
              className="button button--secondary"
              onClick={loadMore}
              disabled={loadingMore}
            >
              {loadingMore ? 'Loading…' : 'Show more events'}
            </button>
          ) : (
            <p className="muted">
              {events.length === 1 ? '1 event' : `${formatCount(events.length)} events`} in all.
            </p>
          )}
        </>
      ) : null}
    </section>
  );
}

/**
 * The contract's repair claims: number (a link to the claim's page), when submitted, status, the
 * authorization number and what is payable to the shop. Read from the same answer as the benefit claims.
 */
function RepairClaims({ contractId }: { contractId: string }) {
  const headingId = useId();
  const claimsQuery = useApiQuery('/contracts/{id}/claims', { params: { path: { id: contractId } } });
  const claims = claimsQuery.data?.repairClaims ?? null;
  return (
    <section className="card card--wide" aria-labelledby={headingId}>
      <h2 id={headingId}>Repair claims</h2>
      {claimsQuery.isError ? (
        <div className="notice notice--error" role="alert">
          {errorMessage(claimsQuery.error, 'The repair claims could not be loaded.')}
        </div>
      ) : claims === null ? (
        <p className="muted" role="status">
          Loading the repair claims…
        </p>
      ) : claims.length === 0 ? (
        <p>No repair claims on this contract.</p>
      ) : (
        <TableScroll labelledBy={headingId}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Claim</th>
                <th scope="col">Submitted</th>
                <th scope="col">Status</th>
                <th scope="col">Authorization</th>
                <th scope="col">Payable to the shop</th>
              </tr>
            </thead>
            <tbody onKeyDown={onRowKeys}>
              {claims.map((claim) => (
                <tr key={claim.id}>
                  <th scope="row">
                    <Link href={`/adjuster/claims/${encodeURIComponent(claim.id)}`}>{claim.claimNumber}</Link>
                  </th>
                  <td className="nowrap">{formatInstant(claim.submittedAt)}</td>
                  <td>{claimStatusLabels[claim.status] ?? claim.status}</td>
                  <td className="nowrap">{claim.authorization?.authorizationNumber ?? '—'}</td>
                  <td className="nowrap">
                    {claim.authorization ? formatCents(claim.authorization.payableToFacilityCents) : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

/**
 * The contract's rental and trip interruption claims, each with its owner and a link to its page
 * (where it is taken, released or assigned). For the roles that work them: adjusters, administrators.
 */
function BenefitClaims({ contractId, userId }: { contractId: string; userId: string }) {
  const headingId = useId();
  const claimsQuery = useApiQuery('/contracts/{id}/claims', { params: { path: { id: contractId } } });
  const claims = claimsQuery.data ?? null;
  const error = claimsQuery.isError
    ? errorMessage(claimsQuery.error, 'The benefit claims could not be loaded.')
    : null;
  const rentalOwners = useOwners('rental_claim', claims ? claims.rentalClaims.map((c) => c.id) : null);
  const tripOwners = useOwners(
    'trip_interruption_claim',
    claims ? claims.tripInterruptionClaims.map((c) => c.id) : null,
  );
  const rows = claims
    ? [
        ...claims.rentalClaims.map((claim) => ({
          claim,
          title: 'Rental',
          href: `/staff/rental-claims/${claim.id}`,
          owner: ownerWords(rentalOwners, claim.id, userId),
        })),
        ...claims.tripInterruptionClaims.map((claim) => ({
          claim,
          title: 'Trip interruption',
          href: `/staff/trip-interruption-claims/${claim.id}`,
          owner: ownerWords(tripOwners, claim.id, userId),
        })),
      ]
    : [];
  return (
    <section className="card card--wide" aria-labelledby={headingId}>
      <h2 id={headingId}>Benefit claims</h2>
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : claims === null ? (
        <p className="muted" role="status">
          Loading the benefit claims…
        </p>
      ) : rows.length === 0 ? (
        <p>No rental or trip interruption claims on this contract.</p>
      ) : (
        <TableScroll labelledBy={headingId}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Claim</th>
                <th scope="col">Filed</th>
                <th scope="col">Status</th>
                <th scope="col">Payable</th>
                <th scope="col">Owner</th>
              </tr>
            </thead>
            <tbody onKeyDown={onRowKeys}>
              {rows.map((row) => (
                <tr key={row.claim.id}>
                  <th scope="row">
                    <Link href={row.href}>{row.title}</Link>
                  </th>
                  <td className="nowrap">{formatInstant(row.claim.createdAt)}</td>
                  <td>{benefitStatusWords(row.claim.status)}</td>
                  <td className="nowrap">{formatCents(row.claim.payableCents)}</td>
                  <td>{row.owner}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

function ContractDetail({ contractId, user }: { contractId: string; user: StaffUser }) {
  const contractQuery = useQuery(contractQueryOptions(contractId));
  const coverageHeadingId = useId();
  const errorRef = useRef<HTMLDivElement>(null);
  const notFound = contractQuery.error instanceof ApiError && contractQuery.error.status === 404;
  const failed = contractQuery.isError && !notFound;

  useFocusWhen(errorRef, failed);

  if (contractQuery.isPending) {
    return (
      <p className="muted" role="status">
        Loading the contract…
      </p>
    );
  }
  if (notFound) {
    return (
      <>
        <PageHeading title="Contract not found">Contract not found</PageHeading>
        <p>
          There is no contract with this identifier. <Link href="/staff/contracts">Search contracts</Link>.
        </p>
      </>
    );
  }
  if (contractQuery.isError) {
    return (
      <>
        <PageHeading title="Contract">Contract</PageHeading>
        <div className="notice notice--error" role="alert" tabIndex={-1} ref={errorRef}>
          {errorMessage(contractQuery.error, 'The contract could not be loaded. Try again.')}
        </div>
      </>
    );
  }

  const contract: Contract = contractQuery.data;
  return (
    <>
      <p className="breadcrumb">
        <Link href="/staff/contracts">Contracts</Link>
      </p>
      <PageHeading title={`Contract ${contract.contractNumber}`}>
        Contract {contract.contractNumber}
      </PageHeading>
      <p className="lead">
        {contract.planName} for {contract.holder.firstName} {contract.holder.lastName} · status{' '}
        {contractStatusLabel(contract.status)}
      </p>
      <ContractSections contract={contract} />
      <section className="card card--wide" aria-labelledby={coverageHeadingId}>
        <h2 id={coverageHeadingId}>Coverage on {formatCalendarDate(contract.coverage.asOf)}</h2>
        <CoverageStatusBadge contract={contract} />
        <CoverageDetails contract={contract} audience="staff" />
      </section>
      <StaffContractMoney
        contractId={contract.id}
        active={contract.status === 'active'}
        today={contract.coverage.asOf}
      />
      {contract.product === 'vsc' && isLead(user) ? <RepairClaims contractId={contract.id} /> : null}
      {contract.product === 'vsc' && isLead(user) ? (
        <BenefitClaims contractId={contract.id} userId={user.id} />
      ) : null}
      <AuditTrail contractId={contract.id} />
    </>
  );
}

export function StaffContractDetailPage({ params }: { params: Record<string, string> }) {
  const contractId = params.id ?? '';
  return <StaffOnly>{(user) => <ContractDetail contractId={contractId} user={user} />}</StaffOnly>;
}
