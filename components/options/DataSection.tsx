import { useState } from 'preact/hooks';
import { exportStore, exportToParts } from '@/lib/data/export';
import { errorMessage, send } from '@/lib/messaging/client';
import { DataActions } from '../data/DataActions';
import { BackupControls, LostStoreNotice } from '../data/StoreSafety';
import { useDb } from '../hooks/db-context';
import { useLiveQuery } from '../hooks/use-live-query';

/** Import, export, sample data, and clearing the store. */
export function DataSection() {
  const db = useDb();
  const counts = useLiveQuery(
    async () => ({
      incidents: await db.incidents.count(),
      alerts: await db.alerts.count(),
      activity: await db.activity.count(),
    }),
    [db],
  );
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const doExport = async () => {
    try {
      const parts = exportToParts(await exportStore(db));
      const url = URL.createObjectURL(new Blob(parts, { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `incidents-${new Date().toISOString().slice(0, 10)}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setMessage({ ok: true, text: 'Exported the incidents, their alerts and the activity log.' });
    } catch (e) {
      setMessage({ ok: false, text: errorMessage(e) });
    }
  };

  const doClear = async () => {
    setConfirming(false);
    try {
      await send({ type: 'store.clear' });
      setMessage({ ok: true, text: 'All data was cleared.' });
    } catch (e) {
      setMessage({ ok: false, text: errorMessage(e) });
    }
  };

  return (
    <section aria-labelledby="data-title">
      <h2 id="data-title">Data</h2>
      <LostStoreNotice withImport={false} />
      <p role="status" aria-live="polite" class="muted">
        {counts.status === 'ready'
          ? `${counts.data.incidents.toLocaleString('en')} incidents, ${counts.data.alerts.toLocaleString('en')} alerts, ${counts.data.activity.toLocaleString('en')} activity entries in this browser.`
          : ''}
      </p>
      <DataActions fileInput="input" />
      <div class="row" style={{ marginTop: '8px' }}>
        <button type="button" onClick={doExport}>
          Export
        </button>
        {!confirming ? (
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Clear all data
          </button>
        ) : (
          <fieldset aria-label="Confirm clearing all data" class="row confirm">
            <span>This deletes every incident, alert and activity entry in this browser.</span>
            <button type="button" class="danger" onClick={doClear}>
              Delete everything
            </button>
            <button type="button" onClick={() => setConfirming(false)} autoFocus>
              Keep data
            </button>
          </fieldset>
        )}
      </div>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'error'}>
          {message.text}
        </p>
      )}
      <BackupControls />
    </section>
  );
}
