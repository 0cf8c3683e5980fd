import type { ApiResponse } from '../api.js';
import { t } from '../i18n.js';
import { PageHeading } from '../page-heading.js';
import { errorMessage, useApiQuery } from '../queries.js';
import { Link, useLocation } from '../router.js';
import { StaffOnly } from '../staff-only.js';
import { LoadingNotice } from './shop-claim-parts.js';

// The answers of the staff search box (in the header of every staff page): contracts, claims and
// holders found by number, VIN, name or phone, each a link to its page.

type SearchResult = ApiResponse<'get', '/search'>['data'][number];

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
  const results = useApiQuery('/search', { params: { query: { q } } }, { enabled: q.length >= 2 });
  return (
    <StaffOnly roles={['admin', 'adjuster', 'reviewer']} refusal="Search is for claims staff.">
      {() => (
        <>
          <PageHeading title={q ? `Search: ${q}` : 'Search'}>Search results</PageHeading>
          {q.length < 2 ? (
            <p>
              Type a contract or claim number, a VIN (or its last 6 characters), a name or a phone number.
            </p>
          ) : results.isPending ? (
            <LoadingNotice />
          ) : results.isError ? (
            <p className="notice notice--error">{errorMessage(results.error, t('common.loadFailed'))}</p>
          ) : results.data.data.length === 0 ? (
            <p role="status">Nothing found for “{q}”.</p>
          ) : (
            <>
              <p role="status">
                {results.data.data.length} found for “{q}”.
              </p>
              <ul className="work-list">
                {results.data.data.map((result) => (
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
