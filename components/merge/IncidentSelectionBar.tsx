/**
 * The toolbar over the incidents queue's selected incidents: how many, and `Merge incidents` while 2–5 are
 * selected (Defender merges at most five at a time). The dialog opens with them; after the merge the selection
 * is cleared and the status (with Undo) is shown. The dialog's code is loaded the first time it opens.
 */
import { useRef, useState } from 'preact/hooks';
import type { MergeResult } from '@/lib/merge';
import { MAX_MERGE } from '@/lib/merge/rules';
import { lazyChunk } from '../hooks/lazy-chunk';
import { plural } from '../labels/graph-words';
import type { Selection } from '../queues/use-selection';
import type * as MergeUi from './merge-ui';

/** The merge dialog's code, loaded the first time a selection bar opens it (one promise for the page). */
const loadMergeUi = lazyChunk(() => import('./merge-ui'));

export function IncidentSelectionBar({ selection }: { selection: Selection }) {
  const [merging, setMerging] = useState<string[] | undefined>();
  const [result, setResult] = useState<MergeResult | undefined>();
  const [ui, setUi] = useState<typeof MergeUi | undefined>();
  const [loadError, setLoadError] = useState(false);
  const statusRef = useRef<HTMLDivElement>(null);
  const n = selection.size;
  if (!n && !result && !loadError) return null;
  return (
    <div class="selection-bar">
      {result && ui && (
        <div ref={statusRef}>
          <ui.MergeStatus result={result} onDismiss={() => setResult(undefined)} />
        </div>
      )}
      {n > 0 && (
        <div class="toolbar" role="toolbar" aria-label="Selected incidents">
          <span class="selected-count" aria-live="polite">
            {plural(n, 'incident')} selected
            {n === 1 ? '. Select another to merge them.' : ''}
            {n > MAX_MERGE ? `. At most ${MAX_MERGE} incidents can be merged at a time.` : ''}
          </span>
          {n >= 2 && n <= MAX_MERGE && (
            <button
              type="button"
              class="primary"
              aria-haspopup="dialog"
              onClick={() => {
                // The dialog opens with the incidents selected now, once its code is there.
                const ids = [...selection.ids];
                setLoadError(false);
                loadMergeUi().then(
                  (loaded) => {
                    setUi(loaded);
                    setMerging(ids);
                  },
                  () => setLoadError(true),
                );
              }}
            >
              Merge incidents
            </button>
          )}
          <button type="button" onClick={() => selection.clear()}>
            Clear incident selection
          </button>
        </div>
      )}
      {loadError && (
        <p role="alert" class="error">
          The merge window could not be loaded. Reload the extension and try again.
        </p>
      )}
      {merging && ui && (
        <ui.MergeDialog
          incidentIds={merging}
          onClose={() => setMerging(undefined)}
          onMerged={(r) => {
            setMerging(undefined);
            selection.clear();
            setResult(r);
            queueMicrotask(() => statusRef.current?.querySelector<HTMLElement>('button')?.focus());
          }}
        />
      )}
    </div>
  );
}
