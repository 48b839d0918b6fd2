/**
 * The status after Save: what moved where, with `Undo`. Undo is itself a logged move (DESIGN §3); when the
 * background refuses it (something changed since), the refusal is shown here as a sentence.
 */
import { useState } from 'preact/hooks';
import { errorMessage, send } from '@/lib/messaging/client';
import type { MoveResult } from '@/lib/messaging/protocol';
import { redirectNote } from '@/lib/move/redirects';
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

export function MoveStatus({ result, onDismiss, onUndone }: MoveStatusProps) {
  const [state, setState] = useState<UndoState>({ kind: 'idle' });

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
  if (state.kind === 'undone') {
    const n = state.undo.movedAlertIds.length;
    text = `Undone: ${plural(n, 'alert')} ${n === 1 ? 'is' : 'are'} back where ${n === 1 ? 'it was' : 'they were'}.`;
  } else {
    text = `${moveSummary(result)}.`;
    const details = moveDetails(result);
    if (details.length) text += ` ${details.join(' ')}`;
  }

  return (
    <div
      class={state.kind === 'refused' ? 'move-status refused' : 'move-status'}
      role="status"
      aria-live="polite"
    >
      <p>{text}</p>
      {state.kind === 'undoing' && <p>Undoing…</p>}
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
