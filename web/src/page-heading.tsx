import { type ReactNode, useEffect, useRef } from 'react';
import { useLocation } from './router.js';

// Every page has exactly one h1, rendered through this component: it names the page in the
// browser tab and, after an in-app navigation, takes focus so screen-reader and keyboard users
// start at the new page's title instead of wherever the old page left them.

export function PageHeading({ children, title }: { children: ReactNode; title: string }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { afterNavigation } = useLocation();

  useEffect(() => {
    document.title = title === 'Coverwise' ? title : `${title} · Coverwise`;
  }, [title]);

  useEffect(() => {
    if (afterNavigation) headingRef.current?.focus();
  }, [afterNavigation]);

  return (
    <h1 ref={headingRef} tabIndex={-1}>
      {children}
    </h1>
  );
}
