import { useId, useState } from 'react';
import type { ApiPaths } from '../api.js';
import { formatCalendarDate, formatCents } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { useApiQuery } from '../queries.js';
import { onRowKeys } from '../queue-list.js';
import { Link, navigate } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';
import { ownerWords, useOwners } from '../work-owner.js';
import { lossTypeWords, problemMessage } from './gap-shared.js';

// GAP claims for claims staff, newest first; by default every open claim (not paid or denied).

type Status = NonNullable<NonNullable<ApiPaths['/gap-claims']['get']['parameters']['query']>['status']>;

const statusOptions: [Status | '', string][] = [
  ['open', 'Open claims (not paid or denied)'],
  ['ready_for_calculation', 'Ready for calculation'],
  ['under_review', 'Under review'],
  ['awaiting_documents', 'Awaiting documents'],
  ['approved', 'Approved, to be paid in the next run'],
  ['paid', 'Paid'],
  ['denied', 'Denied'],
  ['', 'All'],
];

function Claims({ userId }: { userId: string }) {
  const id = useId();
  // Open claims by default (the work still to do), kept in the address so a reload keeps the choice.
  const [status, setStatusState] = useState<Status | ''>(
    () =>
      statusOptions.find(
        ([value]) => value === new URLSearchParams(window.location.search).get('status'),
      )?.[0] ?? 'open',
  );
  const setStatus = (value: Status | '') => {
    setStatusState(value);
    navigate(`/staff/gap-claims?status=${encodeURIComponent(value)}`, { replace: true });
  };
  const claims = useApiQuery('/gap-claims', {
    params: { query: { limit: 100, ...(status ? { status } : {}) } },
  });
  const rows = claims.data?.data ?? null;
  const error = claims.isError ? problemMessage(claims.error, 'The claims could not be loaded.') : null;
  const owners = useOwners('gap_claim', rows ? rows.map((row) => row.id) : null);

  return (
    <>
      <PageHeading title="GAP claims">GAP claims</PageHeading>
      <div className="field">
        <label htmlFor={`${id}-status`}>Show</label>
        <select
          id={`${id}-status`}
          value={status}
          onChange={(event) =>
            setStatus(statusOptions.find(([value]) => value === event.target.value)?.[0] ?? '')
          }
        >
          {statusOptions.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      {rows === null ? (
        error ? null : (
          <p className="muted" role="status">
            Loading…
          </p>
        )
      ) : rows.length === 0 ? (
        <p>No GAP claims with this status. Choose another under “Show”.</p>
      ) : (
        <TableScroll labelledBy={`${id}-caption`}>
          <table className="table">
            <caption id={`${id}-caption`}>GAP claims, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Claim</th>
                <th scope="col">Holder</th>
                <th scope="col">Loss</th>
                <th scope="col">Status</th>
                <th scope="col">Benefit</th>
                <th scope="col">Owner</th>
              </tr>
            </thead>
            <tbody onKeyDown={onRowKeys}>
              {rows.map((row) => (
                <tr key={row.id}>
                  <th scope="row">
                    <Link href={`/staff/gap-claims/${row.id}`}>{row.claimNumber}</Link>
                  </th>
                  <td>{row.holderName}</td>
                  <td>
                    {lossTypeWords(row.lossType)}, {formatCalendarDate(row.dateOfLoss)}
                  </td>
                  <td>{row.statusWords}</td>
                  <td>{row.benefitCents === null ? '—' : formatCents(row.benefitCents)}</td>
                  <td>{ownerWords(owners, row.id, userId)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}

export function AdjusterGapClaimsPage() {
  return (
    <StaffOnly roles={['adjuster', 'reviewer', 'admin']} refusal="GAP claims are for claims staff.">
      {(user) => <Claims userId={user.id} />}
    </StaffOnly>
  );
}
