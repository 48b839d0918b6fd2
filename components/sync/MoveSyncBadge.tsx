/** A move's sync state in words: apart from SyncStatus.tsx, so the popup can show it without the status's code. */
import type { MoveRecord } from '@/lib/store/db';
import '../styles/sync-status.css';

const MOVE_SYNC_LABELS = {
  pending: 'Waiting to sync',
  synced: 'Synced',
  failed: 'Refused by Defender, rolled back',
  local: 'Local only',
} as const;

/** The word for a move's sync state, or '' for a move made without a connector. */
export function moveSyncLabel(record: Pick<MoveRecord, 'sync'>): string {
  return record.sync ? MOVE_SYNC_LABELS[record.sync] : '';
}

/**
 * A move's sync state for lists of recent moves (popup): pending / synced / failed, with the reason
 * of a refusal. Renders nothing for a move made without a connector.
 */
export function MoveSyncBadge({ record }: { record: Pick<MoveRecord, 'sync' | 'syncError'> }) {
  const label = moveSyncLabel(record);
  if (!label || record.sync === 'local') return null;
  return (
    <span class={`sync-badge sync-${record.sync}`} title={record.syncError}>
      {label}
      {record.sync === 'failed' && record.syncError ? (
        <span class="visually-hidden">: {record.syncError}</span>
      ) : null}
    </span>
  );
}
