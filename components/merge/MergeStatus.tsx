/**
 * The status after `Merge`: where the incidents went, with `Undo` (an unmerge, itself logged; Defender has none).
 * A refused Undo (something changed since, or the merge already went to Defender) is shown as its sentence.
 */
import { useState } from 'preact/hooks';
import type { MergeResult } from '@/lib/merge';
import { errorMessage, send } from '@/lib/messaging/client';
import { plural } from '../labels/graph-words';
import '../styles/move-flyout.css';

export function mergeSummary(r: MergeResult): string {
  const merged = r.mergedIncidentIds;
  return `Merged ${merged.length === 1 ? `incident ${merged[0]}` : `incidents ${merged.join(', ')}`} into ${r.survivorName} (${r.survivorId}): ${plural(r.movedAlertIds.length, 'alert')} moved.`;
}

export function MergeStatus({ result, onDismiss }: { result: MergeResult; onDismiss(): void }) {
  const [state, setState] = useState<
    { kind: 'idle' } | { kind: 'undoing' } | { kind: 'undone' } | { kind: 'refused'; message: string }
  >({ kind: 'idle' });
  const undo = async () => {
    setState({ kind: 'undoing' });
    try {
      await send({ type: 'merge.undo', token: result.token });
      setState({ kind: 'undone' });
    } catch (e) {
      setState({ kind: 'refused', message: `Undo was refused: ${errorMessage(e)}` });
    }
  };
  return (
    <div
      class={state.kind === 'refused' ? 'move-status refused' : 'move-status'}
      role="status"
      aria-live="polite"
    >
      <p>
        {state.kind === 'undone'
          ? `Undone: incidents ${[result.survivorId, ...result.mergedIncidentIds].join(', ')} are separate again.`
          : mergeSummary(result)}
      </p>
      {state.kind === 'refused' && <p class="error">{state.message}</p>}
      {state.kind !== 'undone' && (
        <button type="button" onClick={undo} disabled={state.kind === 'undoing'}>
          Undo
        </button>
      )}
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
