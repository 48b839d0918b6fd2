/**
 * The toolbar over the incidents queue's selected incidents: how many, and `Merge incidents` while 2–5 are
 * selected (Defender merges at most five at a time). The dialog opens with them; after the merge the selection
 * is cleared and the status (with Undo) is shown.
 */
import { useRef, useState } from 'preact/hooks';
import { MAX_MERGE, type MergeResult } from '@/lib/merge';
import { plural } from '../labels/graph-words';
import type { Selection } from '../queues/use-selection';
import { MergeDialog } from './MergeDialog';
import { MergeStatus } from './MergeStatus';

export function IncidentSelectionBar({ selection }: { selection: Selection }) {
  const [merging, setMerging] = useState<string[] | undefined>();
  const [result, setResult] = useState<MergeResult | undefined>();
  const statusRef = useRef<HTMLDivElement>(null);
  const n = selection.size;
  if (!n && !result) return null;
  return (
    <div class="selection-bar">
      {result && (
        <div ref={statusRef}>
          <MergeStatus result={result} onDismiss={() => setResult(undefined)} />
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
              onClick={() => setMerging([...selection.ids])}
            >
              Merge incidents
            </button>
          )}
          <button type="button" onClick={() => selection.clear()}>
            Clear incident selection
          </button>
        </div>
      )}
      {merging && (
        <MergeDialog
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
