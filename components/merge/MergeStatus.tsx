/**
 * The status after `Merge`: where the incidents went, with `Undo` (an unmerge, itself logged; Defender has none).
 * A refused Undo (something changed since) is shown as its sentence. With the Microsoft Graph connector on, it
 * follows the merge's fate as the store records it (read live): waiting to sync, synced (then no Undo: Defender
 * can't unmerge), the incident Defender kept when it differs, or refused by Defender and rolled back.
 */
import { useState } from 'preact/hooks';
import type { MergeResult } from '@/lib/merge';
import { errorMessage, send } from '@/lib/messaging/client';
import { useDb } from '../hooks/db-context';
import { useLiveQuery } from '../hooks/use-live-query';
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
  const db = useDb();
  const record = useLiveQuery(() => db.moves.get(result.token), [db, result.token]).data;
  const sync = record?.sync;
  const kept = record?.merge?.survivorId;
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
          : sync === 'failed'
            ? `Microsoft Defender refused the merge, so it was rolled back here: the incidents are separate again. ${record?.syncError ?? ''}`
            : mergeSummary(result)}
      </p>
      {sync === 'synced' && kept && kept !== result.survivorId && (
        <p>
          Microsoft Defender kept incident {kept} instead, so the alerts are there now and incident{' '}
          {result.survivorId} redirects to it.
        </p>
      )}
      {sync === 'pending' && <p>Waiting to sync with Microsoft Defender.</p>}
      {sync === 'synced' && <p>Synced with Microsoft Defender, which can’t unmerge incidents.</p>}
      {state.kind === 'refused' && <p class="error">{state.message}</p>}
      {state.kind !== 'undone' && sync !== 'pending' && sync !== 'synced' && sync !== 'failed' && (
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
