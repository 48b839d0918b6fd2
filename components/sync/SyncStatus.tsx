import { useState } from 'preact/hooks';
import { parseSyncStatus, SYNC_STATUS_KEY } from '@/lib/graph/state';
import { errorMessage, send } from '@/lib/messaging/client';
import { useDb } from '../hooks/db-context';
import { useLiveQuery } from '../hooks/use-live-query';
import { plural } from '../labels/graph-words';
import '../styles/sync-status.css';

const DAY_MS = 86_400_000;
const when = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '');

/**
 * The Microsoft Defender connector's status, live: signed in or not, last sync with counts, what is
 * running, moves waiting or refused, the last error in words, and `Sync now`.
 * `compact` (popup): shows nothing until the connector was used.
 */
export function SyncStatus({ compact = false }: { compact?: boolean }) {
  const db = useDb();
  const live = useLiveQuery(async () => {
    const [row, queued, sending, failed] = await Promise.all([
      db.meta.get(SYNC_STATUS_KEY),
      db.outbox.where('state').equals('queued').count(),
      db.outbox.where('state').equals('sending').count(),
      // Refusals of the last day: older ones are history (each move keeps its own badge).
      db.outbox
        .where('state')
        .equals('failed')
        .filter((i) => Date.parse(i.createdAt) > Date.now() - DAY_MS)
        .count(),
    ]);
    return { status: parseSyncStatus(row?.value), waiting: queued + sending, failed };
  }, [db]);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  if (live.status !== 'ready') return null;
  const { status, waiting, failed } = live.data;
  const used = status.signedIn || !!status.lastSyncAt || waiting > 0 || !!status.lastError;
  if (compact && !used) return null;

  const syncNow = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const r = await send({ type: 'sync.now' });
      setMessage({
        ok: true,
        text: `Synced: ${plural(r.pulled, 'incident')} received, ${plural(r.pushed, 'move')} sent.`,
      });
    } catch (e) {
      setMessage({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const running =
    status.phase === 'pulling'
      ? `Receiving incidents${status.progress ? ` (${plural(status.progress.incidents, 'incident')} so far)` : ''}…`
      : status.phase === 'pushing'
        ? 'Sending moves…'
        : '';

  return (
    <section class={`sync-status${compact ? ' compact' : ''}`} aria-labelledby="sync-status-title">
      <h3 id="sync-status-title">Microsoft Defender sync</h3>
      <div role="status" aria-live="polite">
        <p>
          {status.signedIn ? 'Signed in.' : 'Signed out.'}{' '}
          {status.lastSyncAt
            ? `Last synced ${when(status.lastSyncAt)}: ${plural(status.lastPulled ?? 0, 'incident')} received${status.lastPullFull ? ' (full)' : ''}, ${plural(status.lastPushed ?? 0, 'move')} sent.`
            : 'Not synced yet.'}
        </p>
        {running && <p>{running}</p>}
        {waiting > 0 && <p>{plural(waiting, 'move')} waiting to be sent to Microsoft Defender.</p>}
        {failed > 0 && (
          <p class="error">{plural(failed, 'move')} refused by Microsoft Defender and rolled back here.</p>
        )}
      </div>
      {status.lastError && (
        <p role="alert" class="error">
          {status.lastError}
          {status.retryAt ? ` It will try again at ${new Date(status.retryAt).toLocaleTimeString()}.` : ''}
        </p>
      )}
      <div class="row">
        <button type="button" onClick={syncNow} disabled={busy || !status.signedIn}>
          Sync now
        </button>
        {message && (
          <span role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'error'}>
            {message.text}
          </span>
        )}
      </div>
    </section>
  );
}

export { MoveSyncBadge, moveSyncLabel } from './MoveSyncBadge';
