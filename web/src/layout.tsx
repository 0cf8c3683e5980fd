import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { chooseLanguage, isHolderPath, type Language, syncLanguageWithPath, useTranslation } from './i18n.js';
import { PageErrorBoundary } from './page-error-boundary.js';
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

function navItems(session: Session, t: (key: string) => string): NavItem[] {
  const items: NavItem[] = [];
  if (session.status === 'signed_in' && session.user.role === 'dealer_user') {
    items.push({ label: 'Dealer portal', href: '/dealer' }, { label: 'Account', href: '/staff' });
  } else if (session.status === 'signed_in') {
    for (const page of staffPagesFor(session.user.role)) items.push({ label: page.label, href: page.href });
  } else if (session.status === 'holder_signed_in') {
    items.push({ label: t('nav.myCoverage'), href: '/my' });
    items.push({ label: t('nav.myClaims'), href: '/my/claims' });
    items.push({ label: t('nav.help'), href: '/help' });
  } else {
    items.push({ label: t('nav.signIn'), href: '/staff/sign-in' });
  }
  items.push({ label: t('nav.apiDocs'), href: '/docs', external: true });
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

const languageNames: Record<Language, string> = { en: 'English', es: 'Español' };

/** "English | Español": each name in its own language, the current one marked. */
function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <nav aria-label={t('language.switchLabel')} className="language-switch">
      {(['en', 'es'] as const).map((language, index) => (
        <span key={language}>
          {index > 0 ? <span aria-hidden="true"> | </span> : null}
          <button
            type="button"
            className="link-button"
            lang={language}
            aria-pressed={i18n.language === language}
            onClick={() => chooseLanguage(language)}
          >
            {languageNames[language]}
          </button>
        </span>
      ))}
    </nav>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const { pathname } = useLocation();
  const { t } = useTranslation();
  const items = navItems(session, t);
  const marks = currentMarks(items, pathname);
  const holderPage = isHolderPath(pathname);

  useEffect(() => syncLanguageWithPath(pathname), [pathname]);

  return (
    <>
      {/* <main> has tabIndex -1, so following the fragment moves focus there, not just the scroll. */}
      <a className="skip-link" href="#main">
        {t('layout.skip')}
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
          {holderPage ? <LanguageSwitch /> : null}
        </div>
      </header>
      <main id="main" className="site-main" tabIndex={-1}>
        <PageErrorBoundary key={pathname}>{children}</PageErrorBoundary>
      </main>
      {/* Every page, holder pages above all, links the help center and the phone numbers it lists. */}
      <footer className="site-main">
        <p className="muted">
          {t('layout.footerQuestion')} <Link href="/help">{t('layout.helpCenter')}</Link>
        </p>
      </footer>
    </>
  );
}
