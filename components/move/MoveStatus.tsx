/**
 * The status after Save: what moved where, with `Undo`. Undo is itself a logged move (DESIGN §3); when the
 * background refuses it (something changed since), the refusal is shown here as a sentence.
 *
 * With the Microsoft Graph connector on, the status follows the move's fate as the store records it
 * (MoveRecord.sync, read live): waiting to sync, synced, or refused by Defender and rolled back — then the
 * sentence says so and Undo is gone, since the alerts are already back where they were.
 */
import { useState } from 'preact/hooks';
import { errorMessage, send } from '@/lib/messaging/client';
import type { MoveResult } from '@/lib/messaging/protocol';
import { redirectNote } from '@/lib/move/redirects';
import { useDb } from '../hooks/db-context';
import { useLiveQuery } from '../hooks/use-live-query';
import { plural } from '../labels/graph-words';
import '../styles/move-flyout.css';

export interface MoveStatusProps {
  result: MoveResult;
  onDismiss(): void;
  /** Told when Undo worked (e.g. to keep a status open a little longer). */
  onUndone?(undo: MoveResult): void;
}

/** "Moved 2 alerts to <name> (<id>)" / "Created incident <id> <name> with 3 alerts". */
export function moveSummary(result: MoveResult): string {
  const n = result.movedAlertIds.length;
  if (result.split) {
    const created = result.split.createdIncidentIds;
    return `Split incident ${result.split.incidentId}: ${plural(n, 'alert')} moved to new ${created.length === 1 ? `incident ${created[0]} ${result.destinationName}` : `incidents ${created.join(', ')}`}`;
  }
  return result.createdIncident
    ? `Created incident ${result.destinationIncidentId} ${result.destinationName} with ${plural(n, 'alert')}`
    : `Moved ${plural(n, 'alert')} to ${result.destinationName} (${result.destinationIncidentId})`;
}

/** What else the analyst should know about a move: redirects, skipped alerts, incidents resolved. */
export function moveDetails(result: MoveResult): string[] {
  const out: string[] = [];
  if (result.redirectedFrom)
    out.push(redirectNote(result.redirectedFrom, result.destinationIncidentId, true));
  const skipped = result.skippedAlertIds.length;
  if (skipped) out.push(`${plural(skipped, 'alert')} ${skipped === 1 ? 'was' : 'were'} already there.`);
  const emptied = result.emptiedIncidentIds;
  if (emptied.length) {
    out.push(
      emptied.length === 1
        ? `Incident ${emptied[0]} had no alerts left and was resolved.`
        : `Incidents ${emptied.join(', ')} had no alerts left and were resolved.`,
    );
  }
  return out;
}

type UndoState =
  | { kind: 'idle' }
  | { kind: 'undoing' }
  | { kind: 'undone'; undo: MoveResult }
  | { kind: 'refused'; message: string };

/** What the move's sync state adds to the status, or undefined for a move made without a connector. */
function syncWords(sync: string | undefined): string | undefined {
  if (sync === 'pending') return 'Waiting to sync with Microsoft Defender.';
  if (sync === 'synced') return 'Synced with Microsoft Defender.';
  return undefined;
}

/** The sentence for a move Defender refused and that was rolled back here. */
export function refusedSummary(result: MoveResult, reason: string | undefined): string {
  const n = result.movedAlertIds.length;
  const where = result.createdIncident
    ? 'to a new incident'
    : `to ${result.destinationName} (${result.destinationIncidentId})`;
  return `Microsoft Defender refused the move of ${plural(n, 'alert')} ${where}, so it was rolled back here: ${n === 1 ? 'the alert is' : 'the alerts are'} back where ${n === 1 ? 'it was' : 'they were'}.${reason ? ` ${reason}` : ''}`;
}

export function MoveStatus({ result, onDismiss, onUndone }: MoveStatusProps) {
  const [state, setState] = useState<UndoState>({ kind: 'idle' });
  const db = useDb();
  const record = useLiveQuery(() => db.moves.get(result.undoToken), [db, result.undoToken]).data;
  const refusedBySync = record?.sync === 'failed' && state.kind !== 'undone';

  const undo = async () => {
    setState({ kind: 'undoing' });
    try {
      const undone = await send({ type: 'move.undo', token: result.undoToken });
      setState({ kind: 'undone', undo: undone });
      onUndone?.(undone);
    } catch (e) {
      setState({ kind: 'refused', message: `Undo was refused: ${errorMessage(e)}` });
    }
  };

  let text: string;
  if (refusedBySync) {
    text = refusedSummary(result, record?.syncError);
  } else if (state.kind === 'undone') {
    const n = state.undo.movedAlertIds.length;
    text = `Undone: ${plural(n, 'alert')} ${n === 1 ? 'is' : 'are'} back where ${n === 1 ? 'it was' : 'they were'}.`;
  } else {
    text = `${moveSummary(result)}.`;
    const details = moveDetails(result);
    if (details.length) text += ` ${details.join(' ')}`;
    const synced = syncWords(record?.sync);
    if (synced) text += ` ${synced}`;
  }

  return (
    <div
      class={state.kind === 'refused' || refusedBySync ? 'move-status refused' : 'move-status'}
      role="status"
      aria-live="polite"
    >
      <p>{text}</p>
      {state.kind === 'undoing' && <p>Undoing…</p>}
      {state.kind === 'refused' && !refusedBySync && <p class="error">{state.message}</p>}
      {state.kind !== 'undone' && !refusedBySync && (
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
