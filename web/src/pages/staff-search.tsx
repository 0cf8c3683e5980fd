import { PageHeading } from '../page-heading.js';
import { Link, useLocation } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { LoadingNotice, useApiGet } from './shop-claim-parts.js';

// The answers of the staff search box (in the header of every staff page): contracts, claims and
// holders found by number, VIN, name or phone, each a link to its page.

interface SearchResult {
  type: 'contract' | 'repair_claim' | 'gap_claim' | 'holder';
  id: string;
  title: string;
  subtitle: string;
  href: string;
  matchedBy: 'number' | 'vin' | 'phone' | 'name';
}

const TYPE_WORDS: Record<SearchResult['type'], string> = {
  contract: 'Contract',
  repair_claim: 'Repair claim',
  gap_claim: 'GAP claim',
  holder: 'Holder',
};

const MATCH_WORDS: Record<SearchResult['matchedBy'], string> = {
  number: 'number',
  vin: 'VIN',
  phone: 'phone',
  name: 'name',
};

export function StaffSearchPage() {
  const { search } = useLocation();
  const q = new URLSearchParams(search).get('q')?.trim() ?? '';
  const results = useApiGet<{ data: SearchResult[] }>(
    q.length >= 2 ? `/search?q=${encodeURIComponent(q)}` : null,
  );
  return (
    <StaffOnly roles={['admin', 'adjuster', 'reviewer']} refusal="Search is for claims staff.">
      {() => (
        <>
          <PageHeading title={q ? `Search: ${q}` : 'Search'}>Search results</PageHeading>
          {q.length < 2 ? (
            <p>
              Type a contract or claim number, a VIN (or its last 6 characters), a name or a phone number.
            </p>
          ) : results.status === 'loading' ? (
            <LoadingNotice />
          ) : results.status === 'failed' ? (
            <p className="notice notice--error">{results.message}</p>
          ) : results.value.data.length === 0 ? (
            <p role="status">Nothing found for “{q}”.</p>
          ) : (
            <>
              <p role="status">
                {results.value.data.length} found for “{q}”.
              </p>
              <ul className="work-list">
                {results.value.data.map((result) => (
                  <li key={`${result.type}:${result.id}`}>
                    <Link href={result.href}>{result.title}</Link>{' '}
                    <span className="muted">
                      ({TYPE_WORDS[result.type]}, matched by {MATCH_WORDS[result.matchedBy]}) ·{' '}
                      {result.subtitle}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </StaffOnly>
  );
}
