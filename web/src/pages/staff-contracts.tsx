import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../api.js';
import { contractStatusLabel } from '../contract-words.js';
import {
  type ContractSearch,
  type ContractSummary,
  contractSearchFields,
  type Page,
  searchContracts,
} from '../contracts.js';
import { useFocusWhen } from '../focus.js';
import { formatCalendarDate } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { Link, navigate, useLocation } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';

// Contract search for staff. The filters and the page cursor live in the address
// (/staff/contracts?lastName=rey&startingAfter=…), so Back returns to the previous page of results and
// a search can be bookmarked or shared with a colleague.

type SearchState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'loaded'; page: Page<ContractSummary> }
  | { status: 'failed'; message: string };

interface SearchFromAddress {
  search: ContractSearch;
  startingAfter: string | undefined;
  /** The query string without the cursor, to build "Next page" and "First page" links from. */
  baseQuery: string;
}

function readSearch(queryString: string): SearchFromAddress {
  const params = new URLSearchParams(queryString);
  const search: ContractSearch = {};
  const base = new URLSearchParams();
  for (const field of contractSearchFields) {
    const value = params.get(field)?.trim();
    if (value) {
      search[field] = value;
      base.set(field, value);
    }
  }
  return { search, startingAfter: params.get('startingAfter') ?? undefined, baseQuery: base.toString() };
}

/** VINs are typed with spaces and in lower case; the API compares the 17 characters in upper case. */
function normalizeVin(input: string): string {
  return input.replace(/[\s-]+/g, '').toUpperCase();
}

function ContractSearchForm({ initial }: { initial: ContractSearch }) {
  const [vin, setVin] = useState(initial.vin ?? '');
  const [contractNumber, setContractNumber] = useState(initial.contractNumber ?? '');
  const [lastName, setLastName] = useState(initial.lastName ?? '');
  const [formError, setFormError] = useState<string | null>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const fieldId = useId();

  useFocusWhen(alertRef, formError);

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const query = new URLSearchParams();
    if (normalizeVin(vin)) query.set('vin', normalizeVin(vin));
    if (contractNumber.trim()) query.set('contractNumber', contractNumber.trim());
    if (lastName.trim()) query.set('lastName', lastName.trim());
    if (query.size === 0) {
      setFormError('Enter a VIN, a contract number or the start of a last name.');
      return;
    }
    setFormError(null);
    navigate(`/staff/contracts?${query}`);
  };

  return (
    <>
      {formError ? (
        <div className="notice notice--error" role="alert" tabIndex={-1} ref={alertRef}>
          {formError}
        </div>
      ) : null}
      <form className="form form--inline" onSubmit={handleSubmit} aria-label="Search contracts">
        <p className="hint">Fill in any of the fields; a last name matches every name that starts with it.</p>
        <div className="field">
          <label htmlFor={`${fieldId}-vin`}>VIN</label>
          <input
            id={`${fieldId}-vin`}
            name="vin"
            type="text"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={24}
            value={vin}
            onChange={(event) => setVin(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-contract-number`}>Contract number</label>
          <input
            id={`${fieldId}-contract-number`}
            name="contractNumber"
            type="text"
            autoComplete="off"
            spellCheck={false}
            maxLength={40}
            value={contractNumber}
            onChange={(event) => setContractNumber(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-last-name`}>Last name</label>
          <input
            id={`${fieldId}-last-name`}
            name="lastName"
            type="text"
            autoComplete="off"
            maxLength={100}
            value={lastName}
            onChange={(event) => setLastName(event.target.value)}
          />
        </div>
        <button type="submit" className="button">
          Search
        </button>
      </form>
    </>
  );
}

function ResultsTable({ contracts, captionId }: { contracts: ContractSummary[]; captionId: string }) {
  return (
    <TableScroll labelledBy={captionId}>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Contract number</th>
            <th scope="col">Holder</th>
            <th scope="col">Vehicle</th>
            <th scope="col">Plan</th>
            <th scope="col">Status</th>
            <th scope="col">Expires</th>
          </tr>
        </thead>
        <tbody>
          {contracts.map((contract) => (
            <tr key={contract.id}>
              <th scope="row">
                <Link href={`/staff/contracts/${encodeURIComponent(contract.id)}`}>
                  {contract.contractNumber}
                </Link>
              </th>
              <td>
                {contract.holder.firstName} {contract.holder.lastName}
              </td>
              <td>
                {contract.vehicle.year} {contract.vehicle.make} {contract.vehicle.model}
              </td>
              <td>{contract.planName}</td>
              <td>{contractStatusLabel(contract.status)}</td>
              <td className="nowrap">{formatCalendarDate(contract.expiresOn)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function resultsSummary(page: Page<ContractSummary>, onLaterPage: boolean): string {
  const count = page.data.length;
  if (count === 0) return onLaterPage ? 'No more contracts match.' : 'No contracts match this search.';
  const contracts = count === 1 ? '1 contract' : `${count} contracts`;
  return page.hasMore ? `Showing ${contracts}; more match.` : `Showing ${contracts}.`;
}

function ContractSearchPage() {
  const location = useLocation();
  const { search, startingAfter, baseQuery } = readSearch(location.search);
  const resultsQuery = useQuery({
    queryKey: ['/contracts', { query: { ...search, startingAfter } }],
    queryFn: ({ signal }) => searchContracts(search, startingAfter, signal),
    enabled: baseQuery !== '',
  });
  const state: SearchState =
    baseQuery === ''
      ? { status: 'idle' }
      : resultsQuery.data
        ? { status: 'loaded', page: resultsQuery.data }
        : resultsQuery.isError
          ? {
              status: 'failed',
              message:
                resultsQuery.error instanceof ApiError
                  ? resultsQuery.error.detail
                  : 'The search did not work. Try again.',
            }
          : { status: 'loading' };
  const resultsHeadingRef = useRef<HTMLHeadingElement>(null);
  const resultsHeadingId = useId();

  // After a search or a page change in the app, start the reader at the results rather than the top.
  const { afterNavigation } = location;
  useEffect(() => {
    if (afterNavigation && resultsQuery.data) resultsHeadingRef.current?.focus();
  }, [afterNavigation, resultsQuery.data]);

  const lastContract = state.status === 'loaded' ? state.page.data.at(-1) : undefined;

  return (
    <>
      <PageHeading title="Contracts">Contracts</PageHeading>
      {/* The key resets the fields to the address's filters when Back changes the search. */}
      <ContractSearchForm key={baseQuery} initial={search} />
      {state.status === 'loading' ? (
        <p className="muted" role="status">
          Searching…
        </p>
      ) : null}
      {state.status === 'failed' ? (
        <div className="notice notice--error" role="alert">
          {state.message}
        </div>
      ) : null}
      {state.status === 'loaded' ? (
        <section aria-labelledby={resultsHeadingId} className="results">
          <h2 id={resultsHeadingId} ref={resultsHeadingRef} tabIndex={-1}>
            Results
          </h2>
          <p role="status">{resultsSummary(state.page, startingAfter !== undefined)}</p>
          {state.page.data.length > 0 ? (
            <ResultsTable contracts={state.page.data} captionId={resultsHeadingId} />
          ) : null}
          <ul className="link-list">
            {state.page.hasMore && lastContract ? (
              <li>
                <Link
                  className="button-link button--secondary"
                  href={`/staff/contracts?${baseQuery}&startingAfter=${encodeURIComponent(lastContract.id)}`}
                >
                  Next page
                </Link>
              </li>
            ) : null}
            {startingAfter ? (
              <li>
                <Link href={`/staff/contracts?${baseQuery}`}>First page</Link>
              </li>
            ) : null}
          </ul>
        </section>
      ) : null}
    </>
  );
}

export function StaffContractsPage() {
  return <StaffOnly>{() => <ContractSearchPage />}</StaffOnly>;
}
