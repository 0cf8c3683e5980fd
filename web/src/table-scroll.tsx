import type { ReactNode } from 'react';

// A wide table on a phone scrolls sideways inside this box instead of widening the page. The box is a
// named region with a tab stop, so keyboard users can focus it and scroll with the arrow keys.

export function TableScroll({ labelledBy, children }: { labelledBy: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1).
    <section className="table-scroll" aria-labelledby={labelledBy} tabIndex={0}>
      {children}
    </section>
  );
}
