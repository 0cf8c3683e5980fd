import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { type ApiPaths, type ApiResponse, apiClient } from '../api.js';
import { formatCalendarDate, formatInstant } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { ListControls, onRowKeys, sortRows } from '../queue-list.js';
import { Link } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';
import { problemMessage } from './gap-shared.js';

// The reviewers' work queue: everything waiting, the most urgent first, with overdue items marked.

type WorkItem = ApiResponse<'get', '/work-queue'>['data'][number];
type QueueFilter = NonNullable<ApiPaths['/work-queue']['get']['parameters']['query']>;
type Owner = NonNullable<QueueFilter['owner']>;
type Kind = NonNullable<QueueFilter['kind']>;

const SORT_KEYS: Record<string, (item: WorkItem) => string> = {
  received: (item) => item.receivedAt,
  owner: (item) => item.assignee?.name ?? '\uffff',
  work: (item) => item.title,
};

function Queue({ userId }: { userId: string }) {
  const [owner, setOwner] = useState<Owner>('anyone');
  const [kind, setKind] = useState<Kind | ''>('');
  const [sort, setSort] = useState('');
  // A new filter starts over; "Show more" fetches the page after the last one's cursor.
  const filter: QueueFilter = { owner, ...(kind ? { kind } : {}) };
  const queue = useInfiniteQuery({
    queryKey: ['/work-queue', { query: filter }],
    queryFn: ({ pageParam, signal }) =>
      apiClient.GET('/work-queue', {
        params: { query: { ...filter, limit: 50, ...(pageParam ? { startingAfter: pageParam } : {}) } },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const items = queue.data?.pages.flatMap((page) => page.data) ?? null;
  const error = queue.error ? problemMessage(queue.error, 'The work queue could not be loaded.') : null;

  return (
    <>
      <PageHeading title="Work queue">Work queue</PageHeading>
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      <ListControls
        label="Show and sort"
        controls={[
          {
            id: 'queue-owner',
            label: 'Owner',
            value: owner,
            onChange: (value) => setOwner(value as Owner),
            options: [
              { value: 'anyone', label: 'Anyone' },
              { value: 'mine', label: 'Mine' },
              { value: 'unassigned', label: 'Nobody yet' },
            ],
          },
          {
            id: 'queue-kind',
            label: 'Kind of work',
            value: kind,
            onChange: (value) => setKind(value as Kind | ''),
            options: [
              { value: '', label: 'All' },
              { value: 'gap_document_review', label: 'Document reviews' },
              { value: 'repair_claim_decision', label: 'Repair claims to decide' },
              { value: 'rental_claim', label: 'Rental claims to review' },
              { value: 'trip_interruption_claim', label: 'Trip interruption claims to review' },
            ],
          },
          {
            id: 'queue-sort',
            label: 'Sort by',
            value: sort,
            onChange: setSort,
            options: [
              { value: '', label: 'Due date' },
              { value: 'received', label: 'Received' },
              { value: 'owner', label: 'Owner' },
              { value: 'work', label: 'Work' },
            ],
          },
        ]}
      />
      {items === null ? (
        error ? null : (
          <p className="muted" role="status">
            Loading…
          </p>
        )
      ) : items.length === 0 ? (
        <p>Nothing is waiting for review.</p>
      ) : (
        <TableScroll labelledBy="queue-caption">
          <table className="table">
            <caption id="queue-caption">Ordered by due date, then by when the work arrived</caption>
            <thead>
              <tr>
                <th scope="col">Due</th>
                <th scope="col">Work</th>
                <th scope="col">For</th>
                <th scope="col">Received</th>
                <th scope="col">Owner</th>
              </tr>
            </thead>
            <tbody onKeyDown={onRowKeys}>
              {sortRows(items, sort, SORT_KEYS).map((item) => (
                <tr key={`${item.kind}-${item.id}`}>
                  <td className="nowrap">
                    {formatCalendarDate(item.dueOn)}
                    {item.overdue ? (
                      <strong className="coverage-status coverage-status--not"> Overdue</strong>
                    ) : null}
                    {item.escalated ? <span className="muted"> (escalated)</span> : null}
                  </td>
                  <td>
                    <Link href={item.href}>{item.title}</Link>
                    {item.flags && item.flags.length > 0 ? (
                      <ul className="coverage-notes" aria-label="Flags">
                        {item.flags.map((flag) => (
                          <li key={`${flag.code}:${flag.reason}`}>
                            <strong>Flag:</strong> {flag.reason}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                  <td>{String(item.details.holderName ?? '')}</td>
                  <td className="nowrap">{formatInstant(item.receivedAt)}</td>
                  <td>{item.assignee ? (item.assignee.id === userId ? 'You' : item.assignee.name) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {queue.hasNextPage ? (
        <button
          type="button"
          className="button button--secondary"
          disabled={queue.isFetchingNextPage}
          onClick={() => void queue.fetchNextPage()}
        >
          Show more
        </button>
      ) : null}
    </>
  );
}

export function ReviewerQueuePage() {
  return (
    <StaffOnly roles={['reviewer', 'adjuster']} refusal="The work queue is for reviewers and adjusters.">
      {(user) => <Queue userId={user.id} />}
    </StaffOnly>
  );
}
