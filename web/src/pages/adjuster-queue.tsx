import { useId } from 'react';
import { formatCents, formatInstant } from '../format.js';
import { t } from '../i18n.js';
import { PageHeading } from '../page-heading.js';
import { errorMessage, useApiQuery } from '../queries.js';
import { onRowKeys } from '../queue-list.js';
import { Link, useLocation } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { ownerWords, useOwners } from '../work-owner.js';
import { LoadingNotice } from './shop-claim-parts.js';

// The adjuster's queue: repair claims waiting for a decision, oldest first, a page at a time (the
// cursor lives in the address so Back returns to the previous page).

export function AdjusterQueuePage() {
  const { search } = useLocation();
  const startingAfter = new URLSearchParams(search).get('startingAfter');
  const page = useApiQuery('/repair-claims', {
    params: { query: { status: 'submitted', limit: 20, ...(startingAfter ? { startingAfter } : {}) } },
  });
  const captionId = useId();
  const owners = useOwners(
    'repair_claim_decision',
    page.data ? page.data.data.map((claim) => claim.id) : null,
  );
  return (
    <StaffOnly roles={['adjuster', 'admin']} refusal="The claim queue is for adjusters.">
      {(user) => (
        <>
          <PageHeading title="Claim queue">Claim queue</PageHeading>
          <p className="lead">Repair claims waiting for a decision, oldest first.</p>
          {page.isPending ? <LoadingNotice /> : null}
          {page.isError ? (
            <p className="notice notice--error">{errorMessage(page.error, t('common.loadFailed'))}</p>
          ) : null}
          {page.isSuccess ? (
            page.data.data.length === 0 ? (
              <p>No claims are waiting.</p>
            ) : (
              <>
                <h2 id={captionId}>
                  Waiting ({page.data.data.length}
                  {page.data.hasMore ? '+' : ''})
                </h2>
                {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1). */}
                <section className="table-scroll" aria-labelledby={captionId} tabIndex={0}>
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">Claim</th>
                        <th scope="col">Submitted</th>
                        <th scope="col">Facility</th>
                        <th scope="col">Plan</th>
                        <th scope="col">Requested</th>
                        <th scope="col">Eligible</th>
                        <th scope="col">Inspection</th>
                        <th scope="col">Owner</th>
                      </tr>
                    </thead>
                    <tbody onKeyDown={onRowKeys}>
                      {page.data.data.map((claim) => (
                        <tr key={claim.id}>
                          <th scope="row">
                            <Link href={`/adjuster/claims/${encodeURIComponent(claim.id)}`}>
                              {claim.claimNumber}
                            </Link>
                          </th>
                          <td className="nowrap">{formatInstant(claim.submittedAt)}</td>
                          <td>{claim.facility.name}</td>
                          <td>{claim.planName}</td>
                          <td className="nowrap">{formatCents(claim.requestedCents)}</td>
                          <td className="nowrap">{formatCents(claim.eligibleCents)}</td>
                          <td>
                            {claim.inspection.required
                              ? claim.inspection.inspectedAt
                                ? 'Done'
                                : 'Needed'
                              : '—'}
                          </td>
                          <td>{ownerWords(owners, claim.id, user.id)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </section>
                {page.data.hasMore ? (
                  <p>
                    <Link
                      href={`/adjuster/claims?startingAfter=${encodeURIComponent(page.data.data.at(-1)?.id ?? '')}`}
                    >
                      Next page
                    </Link>
                  </p>
                ) : null}
              </>
            )
          ) : null}
        </>
      )}
    </StaffOnly>
  );
}
