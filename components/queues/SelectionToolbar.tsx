/**
 * The toolbar over a list of alerts: while at least one alert is selected it shows how many and the
 * `Move alerts to another incident` button (the seed: "When one or more alerts are marked, the Move alerts to
 * another incident button appears on the toolbar"). The button opens the move flyout with the selection;
 * after the move the selection is cleared and the status (with Undo) is shown.
 */
import { useRef, useState } from 'preact/hooks';
import type { MoveResult } from '@/lib/messaging/protocol';
import { lazyChunk } from '../hooks/lazy-chunk';
import { plural } from '../labels/graph-words';
import type * as MoveUi from '../move/move-ui';
import type { Selection } from './use-selection';

/** The flyout's code, loaded the first time a toolbar opens it (one promise for every toolbar). */
const loadMoveUi = lazyChunk(() => import('../move/move-ui'));

export function SelectionToolbar({ selection, note }: { selection: Selection; note?: string }) {
  const [moving, setMoving] = useState<string[] | undefined>();
  const [result, setResult] = useState<MoveResult | undefined>();
  const [ui, setUi] = useState<typeof MoveUi | undefined>();
  const [loadError, setLoadError] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const statusRef = useRef<HTMLDivElement>(null);
  const n = selection.size;

  const close = () => {
    setMoving(undefined);
    // Back where the analyst was: the button that opened the flyout.
    queueMicrotask(() => buttonRef.current?.focus());
  };
  const moved = (r: MoveResult) => {
    setMoving(undefined);
    selection.clear();
    setResult(r);
    queueMicrotask(() => statusRef.current?.querySelector<HTMLElement>('button')?.focus());
  };

  return (
    <div class="selection-bar">
      {result && ui && (
        <div ref={statusRef}>
          <ui.MoveStatus result={result} onDismiss={() => setResult(undefined)} />
        </div>
      )}
      <div class="toolbar">
        <span class={n ? 'selected-count' : 'muted'} aria-live="polite">
          {n ? `${plural(n, 'alert')} selected` : 'Select alerts to move them to another incident.'}
          {note ? ` ${note}` : ''}
        </span>
        {n > 0 && (
          <div class="toolbar" role="toolbar" aria-label="Selected alerts">
            <button
              ref={buttonRef}
              type="button"
              class="primary"
              onClick={() => {
                setMoving([...selection.ids]);
                setLoadError(false);
                loadMoveUi().then(setUi, () => {
                  setMoving(undefined);
                  setLoadError(true);
                });
              }}
              aria-haspopup="dialog"
            >
              Move alerts to another incident
            </button>
            <button type="button" onClick={() => selection.clear()}>
              Clear selection
            </button>
          </div>
        )}
      </div>
      {loadError && (
        <p role="alert" class="error">
          The move window could not be loaded. Reload the extension and try again.
        </p>
      )}
      {moving && ui && <ui.MoveFlyout alertIds={moving} onClose={close} onMoved={moved} />}
    </div>
  );
}
