/** Modal behaviour for a dialog: focus in on open, Tab kept inside, focus given back to the opener on close. */
import type { TargetedKeyboardEvent } from 'preact';
import { useEffect } from 'preact/hooks';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[hidden]'));
}

/**
 * Traps focus in `ref`'s element while mounted: focuses `initial()` (else the first focusable) on open and gives
 * focus back to the element that had it on close. Returns the keydown handler that wraps Tab at the ends.
 */
export function useFocusTrap(
  ref: { current: HTMLElement | null },
  initial: () => HTMLElement | null | undefined,
) {
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const root = ref.current;
    (initial() ?? (root ? focusables(root)[0] : undefined))?.focus();
    const keepInside = (e: FocusEvent) => {
      const dialog = ref.current;
      if (dialog && e.target instanceof Node && !dialog.contains(e.target)) focusables(dialog)[0]?.focus();
    };
    document.addEventListener('focusin', keepInside);
    return () => {
      document.removeEventListener('focusin', keepInside);
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (e: TargetedKeyboardEvent<HTMLElement>) => {
    if (e.key !== 'Tab' || !ref.current) return;
    const list = focusables(ref.current);
    const first = list[0];
    const last = list[list.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
}
