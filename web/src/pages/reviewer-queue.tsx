import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.js';
import { formatCalendarDate, formatInstant } from '../format.js';
import { PageHeading } from '../page-heading.js';
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
}

interface WorkPage {
  data: WorkItem[];
  hasMore: boolean;
  nextCursor: string | null;
}

function Queue() {
  const [items, setItems] = useState<WorkItem[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (after: string | null) => {
    try {
      const page = await api.get<WorkPage>(
        `/work-queue?limit=50${after ? `&startingAfter=${encodeURIComponent(after)}` : ''}`,
      );
      setItems((previous) => [...(after ? (previous ?? []) : []), ...page.data]);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(problemMessage(caught, 'The work queue could not be loaded.'));
    }
  }, []);

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
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
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
      {() => <Queue />}
    </StaffOnly>
  );
}
