import type { ReactNode } from 'react';
import { Link, useLocation } from './router.js';
import { type Session, useSession } from './session.js';

// The frame every page shares: a skip link, the header with the main navigation, and <main>.

interface NavItem {
  label: string;
  href: string;
  /** Pages outside the web app (the API docs) load normally instead of through the router. */
  external?: boolean;
}

function navItems(session: Session): NavItem[] {
  const items: NavItem[] = [];
  if (session.status === 'signed_in') items.push({ label: 'Staff home', href: '/staff' });
  else items.push({ label: 'Sign in', href: '/staff/sign-in' });
  items.push({ label: 'API docs', href: '/docs', external: true });
  return items;
}

export function Layout({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const { pathname } = useLocation();

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
              {navItems(session).map((item) => (
                <li key={item.href}>
                  {item.external ? (
                    <a href={item.href}>{item.label}</a>
                  ) : (
                    <Link href={item.href} aria-current={pathname === item.href ? 'page' : undefined}>
                      {item.label}
                    </Link>
                  )}
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" className="site-main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
