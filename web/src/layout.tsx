import { type FormEvent, type ReactNode, useState } from 'react';
import { Link, navigate, useLocation } from './router.js';
import { type Session, useSession } from './session.js';
import { staffPagesFor } from './staff-pages.js';

// The frame every page shares: a skip link, the header with the main navigation, and <main>.

interface NavItem {
  label: string;
  href: string;
  /** Pages outside the web app (the API docs) load normally instead of through the router. */
  external?: boolean;
}

function navItems(session: Session): NavItem[] {
  const items: NavItem[] = [];
  if (session.status === 'signed_in' && session.user.role === 'dealer_user') {
    items.push({ label: 'Dealer portal', href: '/dealer' }, { label: 'Account', href: '/staff' });
  } else if (session.status === 'signed_in') {
    for (const page of staffPagesFor(session.user.role)) items.push({ label: page.label, href: page.href });
  } else if (session.status === 'holder_signed_in') {
    items.push({ label: 'My coverage', href: '/my' });
    items.push({ label: 'My claims', href: '/my/claims' });
    items.push({ label: 'Help', href: '/help' });
  } else {
    items.push({ label: 'Sign in', href: '/staff/sign-in' });
  }
  items.push({ label: 'API docs', href: '/docs', external: true });
  return items;
}

/**
 * 'page' for the item of the page itself; 'true' for the section a sub-page belongs to (a contract
 * under Contracts), so the reader still sees where they are. Only the longest matching item is marked.
 */
function currentMarks(items: readonly NavItem[], pathname: string): Map<string, 'page' | 'true'> {
  const marks = new Map<string, 'page' | 'true'>();
  const exact = items.find((item) => item.href === pathname);
  if (exact) return marks.set(exact.href, 'page');
  const section = items
    .filter((item) => item.href !== '/' && pathname.startsWith(`${item.href}/`))
    .sort((first, second) => second.href.length - first.href.length)[0];
  if (section) marks.set(section.href, 'true');
  return marks;
}

/** The staff search box: every page of the roles that may search shows it in the header. */
function StaffSearch() {
  const { pathname, search } = useLocation();
  const current = pathname === '/staff/search' ? (new URLSearchParams(search).get('q') ?? '') : '';
  const [query, setQuery] = useState(current);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const q = query.trim();
    if (q) navigate(`/staff/search?q=${encodeURIComponent(q)}`);
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: a form with the search role is the landmark every browser knows.
    <form
      role="search"
      aria-label="Contracts, claims and holders"
      className="staff-search"
      onSubmit={onSubmit}
    >
      <label htmlFor="staff-search-input">Find a contract, claim or holder</label>
      <input
        id="staff-search-input"
        type="search"
        value={query}
        minLength={2}
        maxLength={100}
        placeholder="Number, VIN, name or phone"
        onChange={(event) => setQuery(event.target.value)}
      />
      <button type="submit" className="button button--secondary">
        Search
      </button>
    </form>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const { pathname } = useLocation();
  const items = navItems(session);
  const marks = currentMarks(items, pathname);

  return (
    <>
      {/* <main> has tabIndex -1, so following the fragment moves focus there, not just the scroll. */}
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link className="brand" href="/">
            Coverwise
          </Link>
          <nav aria-label="Main">
            <ul className="nav-list">
              {items.map((item) => (
                <li key={item.href}>
                  {item.external ? (
                    <a href={item.href}>{item.label}</a>
                  ) : (
                    <Link href={item.href} aria-current={marks.get(item.href)}>
                      {item.label}
                    </Link>
                  )}
                </li>
              ))}
            </ul>
          </nav>
          {session.status === 'signed_in' && ['admin', 'adjuster', 'reviewer'].includes(session.user.role) ? (
            <StaffSearch key={pathname} />
          ) : null}
        </div>
      </header>
      <main id="main" className="site-main" tabIndex={-1}>
        {children}
      </main>
      {/* Every page, holder pages above all, links the help center and the phone numbers it lists. */}
      <footer className="site-main">
        <p className="muted">
          Questions about your coverage, a claim or a cancellation? <Link href="/help">Help center</Link>
        </p>
      </footer>
    </>
  );
}
