import type { MoveResult } from '@/lib/protocol';

export interface MoveFlyoutProps {
  /** The alerts to move (ids as selected; unknown or unreadable ones are shown as such). */
  alertIds: string[];
  /** Closed without moving (Cancel, Escape). */
  onClose(): void;
  /** The move succeeded: the flyout has closed itself; show a MoveStatus for the result. */
  onMoved(result: MoveResult): void;
}

/** The move flyout (DESIGN §4). First version: the dialog and its buttons; the form follows. */
export function MoveFlyout({ alertIds, onClose }: MoveFlyoutProps) {
  const title = alertIds.length === 1 ? 'Move alert to another incident' : 'Move multiple alerts to another incident';
  return (
    <div class="move-flyout" role="dialog" aria-modal="true" aria-labelledby="move-flyout-title">
      <h2 id="move-flyout-title">{title}</h2>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
    </div>
  );
}
