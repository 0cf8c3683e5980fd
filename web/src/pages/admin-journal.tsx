import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, apiBasePath, apiClient } from '../api.js';
import { formatCalendarDate, formatCents } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { Link, navigate, useLocation } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';

// The journal browser (GET /accounting/journal-entries): entries newest first with their lines, filtered
// by account, dates, event and contract, a page at a time; the same filter downloads the journal as CSV.
// A lender-event batch's summary entry (no contract of its own) links to its run's row-by-row report.

const FILTERS = ['account', 'from', 'to', 'eventType', 'eventId', 'contractId'] as const;
type Filter = Record<(typeof FILTERS)[number], string>;
const numericCell = { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } as const;

function filterFrom(search: string): Filter {
  const params = new URLSearchParams(search);
  return Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? ''])) as Filter;
}

function queryOf(filter: Filter): string {
  const params = new URLSearchParams();
  for (const key of FILTERS) if (filter[key]) params.set(key, filter[key]);
  return params.toString();
}

function JournalContent() {
  const { search } = useLocation();
  const applied = filterFrom(search);
  const appliedQuery = queryOf(applied);
  const [draft, setDraft] = useState<Filter>(applied);
  // A new filter (the query string) starts over; "Older entries" fetches the next page after the last.
  const filter = Object.fromEntries(FILTERS.filter((key) => applied[key]).map((key) => [key, applied[key]]));
  const journal = useInfiniteQuery({
    queryKey: ['/accounting/journal-entries', { query: filter }],
    queryFn: ({ pageParam, signal }) =>
      apiClient.GET('/accounting/journal-entries', {
        params: { query: { ...filter, limit: 25, ...(pageParam ? { startingAfter: pageParam } : {}) } },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => (page.hasMore ? (page.data.at(-1)?.id ?? null) : null),
  });
  const entries = journal.data?.pages.flatMap((page) => page.data) ?? [];
  const loading = journal.isPending || journal.isFetchingNextPage;
  const error = journal.error
    ? journal.error instanceof ApiError
      ? journal.error.detail
      : 'The journal could not be loaded.'
    : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    const query = queryOf(draft);
    navigate(`/admin/journal${query ? `?${query}` : ''}`);
  }

  const field = (key: keyof Filter, label: string, type = 'text') => (
    <label>
      {label}{' '}
      <input type={type} value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
    </label>
  );

  return (
    <>
      <PageHeading title="Journal">Journal</PageHeading>
      <p>
        Every posted entry, newest first; each balances (the database refuses one that does not). See the{' '}
        <Link href="/admin/trial-balance">trial balance</Link>.
      </p>
      <form onSubmit={submit} className="inline-form" aria-label="Filter the journal">
        {field('account', 'Account')} {field('from', 'From', 'date')} {field('to', 'To', 'date')}{' '}
        {field('eventType', 'Event')} {field('eventId', 'Event id')} {field('contractId', 'Contract id')}{' '}
        <button type="submit">Filter</button>
      </form>
      <p>
        <a href={`${apiBasePath}/accounting/journal.csv${appliedQuery ? `?${appliedQuery}` : ''}`} download>
          Download these entries as CSV
        </a>
      </p>
      {error ? (
        <div className="notice notice--error" role="alert">
          {error}
        </div>
      ) : null}
      <TableScroll labelledBy="journal-table">
        <table className="table">
          <caption id="journal-table">Journal entries</caption>
          <thead>
            <tr>
              <th scope="col">No.</th>
              <th scope="col">Date</th>
              <th scope="col">Event</th>
              <th scope="col">Account</th>
              <th scope="col" style={numericCell}>
                Debit
              </th>
              <th scope="col" style={numericCell}>
                Credit
              </th>
              <th scope="col">Plan / state / dealer</th>
            </tr>
          </thead>
          <tbody>
            {entries.flatMap((entry) =>
              entry.lines.map((line, index) => (
                <tr key={`${entry.id}-${line.lineNumber}`}>
                  {index === 0 ? (
                    <>
                      <td rowSpan={entry.lines.length}>{entry.entryNumber}</td>
                      <td rowSpan={entry.lines.length}>{formatCalendarDate(entry.effectiveOn)}</td>
                      <td rowSpan={entry.lines.length}>
                        <strong>{entry.eventType}</strong>
                        <br />
                        <span className="muted">{entry.memo}</span>
                        {entry.contractId ? (
                          <>
                            <br />
                            <Link href={`/staff/contracts/${entry.contractId}`}>contract</Link>
                          </>
                        ) : null}
                        {entry.eventType === 'lender_event_batch' ? (
                          <>
                            <br />
                            <a
                              href={`${apiBasePath}/lender-events/runs/${encodeURIComponent(entry.eventId)}/report.csv`}
                              download
                            >
                              the run's report, row by row (CSV)
                            </a>
                          </>
                        ) : null}
                      </td>
                    </>
                  ) : null}
                  <td>
                    {line.accountCode} {line.accountName}
                  </td>
                  <td style={numericCell}>{line.debitCents ? formatCents(line.debitCents) : ''}</td>
                  <td style={numericCell}>{line.creditCents ? formatCents(line.creditCents) : ''}</td>
                  <td>{[line.planCode, line.state, line.dealerCode].filter(Boolean).join(' / ')}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </TableScroll>
      {loading ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : entries.length === 0 ? (
        <p className="muted">No entries match.</p>
      ) : null}
      {journal.hasNextPage && !loading ? (
        <button type="button" onClick={() => void journal.fetchNextPage()}>
          Older entries
        </button>
      ) : null}
    </>
  );
}

export function AdminJournalPage() {
  return (
    <StaffOnly roles={['admin']} refusal="The books are for administrators only.">
      {() => <JournalContent />}
    </StaffOnly>
  );
}

export default AdminJournalPage;
