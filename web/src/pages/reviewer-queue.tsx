import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.js';
import { formatCalendarDate, formatInstant } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { ListControls, onRowKeys, sortRows } from '../queue-list.js';
import { Link } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';
import { problemMessage } from './gap-shared.js';

// The reviewers' work queue: everything waiting, the most urgent first, with overdue items marked.

interface WorkItem {
  kind: string;
  id: string;
  title: string;
  dueOn: string;
  overdue: boolean;
  escalated: boolean;
  receivedAt: string;
  href: string;
  details: Record<string, unknown>;
  /** Anomalies worth a second look, each with its reason (src/anomalies). */
  flags?: { code: string; reason: string }[];
  /** Who has taken the item (null = nobody). */
  assignee?: { id: string; name: string } | null;
}

const SORT_KEYS: Record<string, (item: WorkItem) => string> = {
  received: (item) => item.receivedAt,
  owner: (item) => item.assignee?.name ?? '\uffff',
  work: (item) => item.title,
};

interface WorkPage {
  data: WorkItem[];
  hasMore: boolean;
  nextCursor: string | null;
}

function Queue({ userId }: { userId: string }) {
  const [owner, setOwner] = useState('anyone');
  const [kind, setKind] = useState('');
  const [sort, setSort] = useState('');
  const [items, setItems] = useState<WorkItem[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (after: string | null) => {
      try {
        const page = await api.get<WorkPage>(
          `/work-queue?limit=50&owner=${owner}${kind ? `&kind=${kind}` : ''}${after ? `&startingAfter=${encodeURIComponent(after)}` : ''}`,
        );
        setItems((previous) => [...(after ? (previous ?? []) : []), ...page.data]);
        setCursor(page.nextCursor);
      } catch (caught) {
        setError(problemMessage(caught, 'The work queue could not be loaded.'));
      }
    },
    [owner, kind],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

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
            onChange: setOwner,
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
            onChange: setKind,
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
        <p className="muted" role="status">
          Loading…
        </p>
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
      {cursor ? (
        <button type="button" className="button button--secondary" onClick={() => void load(cursor)}>
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
