import { type RefObject, useLayoutEffect } from 'react';

/**
 * Moves focus to `ref`'s element whenever `when` becomes (or changes to another) truthy value: an
 * alert that has just appeared, a confirmation, a field to fix. Focus moves in the same commit that
 * puts the element on the page (a layout effect, not a passive one), so a screen reader announces it
 * at once and nothing that reads the page can see the element shown but not yet focused.
 */
export function useFocusWhen(ref: RefObject<HTMLElement | null>, when: unknown): void {
  useLayoutEffect(() => {
    if (when) ref.current?.focus();
  }, [ref, when]);
}
