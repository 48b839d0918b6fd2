import { useState } from 'preact/hooks';
import { errorMessage, send } from '@/lib/client';
import type { MoveResult } from '@/lib/protocol';

export interface MoveStatusProps {
  result: MoveResult;
  onDismiss(): void;
}

/** The status after Save: what moved where, with Undo. First version. */
export function MoveStatus({ result, onDismiss }: MoveStatusProps) {
  const [message, setMessage] = useState<string | undefined>();
  const n = result.movedAlertIds.length;
  const text = result.createdIncident
    ? `Created incident ${result.destinationIncidentId} ${result.destinationName} with ${n} alert${n === 1 ? '' : 's'}`
    : `Moved ${n} alert${n === 1 ? '' : 's'} to ${result.destinationName} (${result.destinationIncidentId})`;
  const undo = async () => {
    try {
      await send({ type: 'move.undo', token: result.undoToken });
      setMessage('The move was undone.');
    } catch (e) {
      setMessage(errorMessage(e));
    }
  };
  return (
    <div class="move-status" role="status">
      <p>{message ?? text}</p>
      <button type="button" onClick={undo}>
        Undo
      </button>
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
