/**
 * The alerts a page showed when the analyst pressed one of our buttons. A hostile page can listen for the click on
 * our button's host (in its capture phase, before our handler) and rewrite the row, so that the click reads alerts
 * the analyst never saw; the press (pointerdown) comes before the click, so it still holds what was on screen.
 */
import type { ShownAlert } from './row-registry';

export const CHANGED_ROW_MESSAGE =
  'The page changed this row as you clicked it, so nothing was opened. Check what the row shows now and click again.';
export const CHANGED_SELECTION_MESSAGE =
  'The page changed the selected rows as you clicked, so nothing was opened. Check the selection and click again.';
/** A press this old is not the start of the click that follows (that came from the keyboard). */
const PRESS_MS = 3_000;

/**
 * What the page showed when the analyst pressed a button (a trusted pointerdown, before the click): a page script
 * that reacts to the click before ours and rewrites the row shows, at the click, alerts the analyst never saw. The
 * returned check answers the alerts as they were at the press (their titles too), or undefined when the click finds
 * other alerts there; a click from the keyboard has no press and takes the alerts as they are.
 */
export function rememberPress(button: HTMLButtonElement, read: () => ShownAlert[]) {
  let pressed: { alerts: ShownAlert[]; at: number } | undefined;
  button.addEventListener('pointerdown', (e) => {
    if (e.isTrusted !== false) pressed = { alerts: read(), at: Date.now() };
  });
  return (now: ShownAlert[]): ShownAlert[] | undefined => {
    const before = pressed;
    pressed = undefined;
    if (!before || Date.now() - before.at > PRESS_MS) return now;
    const same = before.alerts.length === now.length && before.alerts.every((a, i) => a.id === now[i]?.id);
    return same ? before.alerts : undefined;
  };
}
