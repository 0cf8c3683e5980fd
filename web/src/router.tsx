import {
  type AnchorHTMLAttributes,
  createContext,
  type MouseEvent,
  type ReactNode,
  useContext,
  useEffect,
  useState,
} from 'react';

// A small History-API router: the app has a handful of paths (a few with one parameter, such as
// /staff/contracts/:id), so a routing library would cost more bytes than it saves. Location lives in React state (not an external store) so that a
// navigation and a session change made in the same tick render together, never half-applied.

export interface RouterLocation {
  pathname: string;
  /** The query string including its '?', or '' (search pages keep their filters here). */
  search: string;
  /** Whatever the navigation passed as `state` (also restored on back/forward and reload). */
  state: unknown;
  /** False on the first page load, true after any in-app navigation; pages move focus only then. */
  afterNavigation: boolean;
}

/** What the router gives the page a route shows: the parameters of its path (':id' → params.id). */
export interface RouteProps {
  params: Record<string, string>;
}

export interface NavigateOptions {
  replace?: boolean;
  state?: unknown;
}

const LocationContext = createContext<RouterLocation | null>(null);
let setLocationFromNavigation: ((location: RouterLocation) => void) | undefined;

function readLocation(afterNavigation: boolean): RouterLocation {
  return {
    pathname: normalizePath(window.location.pathname),
    search: window.location.search,
    state: window.history.state,
    afterNavigation,
  };
}

/** '/staff/' and '/staff' are the same page. */
export function normalizePath(pathname: string): string {
  return pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
}

/**
 * The parameters of `pattern` (segments written ':name') found in `pathname`, or null when the path
 * does not match. Parameters are decoded; an empty or undecodable segment does not match.
 */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const patternSegments = pattern.split('/');
  const pathSegments = normalizePath(pathname).split('/');
  if (patternSegments.length !== pathSegments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, patternSegment] of patternSegments.entries()) {
    const pathSegment = pathSegments[index] ?? '';
    if (patternSegment.startsWith(':')) {
      if (pathSegment === '') return null;
      try {
        params[patternSegment.slice(1)] = decodeURIComponent(pathSegment);
      } catch {
        return null;
      }
    } else if (patternSegment !== pathSegment) {
      return null;
    }
  }
  return params;
}

export function navigate(to: string, options: NavigateOptions = {}): void {
  if (options.replace) window.history.replaceState(options.state ?? null, '', to);
  else window.history.pushState(options.state ?? null, '', to);
  window.scrollTo(0, 0);
  setLocationFromNavigation?.(readLocation(true));
}

export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(() => readLocation(false));
  useEffect(() => {
    setLocationFromNavigation = setLocation;
    // A fragment link (the skip link) also fires popstate; the page has not changed, so keep the
    // location as it is rather than re-running navigation effects such as moving focus.
    const onPopState = () => {
      const next = readLocation(true);
      setLocation((previous) =>
        previous.pathname === next.pathname && previous.search === next.search ? previous : next,
      );
    };
    window.addEventListener('popstate', onPopState);
    return () => {
      setLocationFromNavigation = undefined;
      window.removeEventListener('popstate', onPopState);
    };
  }, []);
  return <LocationContext value={location}>{children}</LocationContext>;
}

export function useLocation(): RouterLocation {
  const location = useContext(LocationContext);
  if (!location) throw new Error('useLocation must be used inside <RouterProvider>');
  return location;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string };

/** An in-app link: a plain left click navigates without reloading; modified clicks open as usual. */
export function Link({ href, onClick, ...rest }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
    if (event.defaultPrevented || event.button !== 0 || modified || rest.target) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handleClick} {...rest} />;
}

/** Replaces the current entry, so Back does not bounce the user into the redirect again. */
export function Redirect({ to, state }: { to: string; state?: unknown }) {
  useEffect(() => navigate(to, { replace: true, state }), [to, state]);
  return null;
}
