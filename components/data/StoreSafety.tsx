/**
 * The store's safety net as the analyst sees it: a plain notice when the browser discarded the store (with the
 * ways back), and the automatic backup's state with `Back up now` and `Restore from backup`.
 */
import { useEffect, useState } from 'preact/hooks';
import type { BackupInfo } from '@/lib/data/backup';
import { errorMessage, send } from '@/lib/messaging/client';
import { connectorSettingsItem } from '@/lib/settings/connector';
import { backupItem, witnessItem } from '@/lib/settings/store-record';
import { describeLoss } from '@/lib/store/witness';
import { useStoredItem } from '../hooks/use-stored-item';
import { DataActions } from './DataActions';

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const n = (count: number) => count.toLocaleString('en');

export function describeBackup(b: BackupInfo): string {
  return `${when(b.at)}: ${n(b.incidents)} incidents, ${n(b.alerts)} alerts, ${n(b.activity)} activity entries (${Math.max(1, Math.round(b.bytes / 1024)).toLocaleString('en')} KB)`;
}

type Outcome = { ok: boolean; text: string } | null;

function useAction() {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const run = async (job: () => Promise<string>) => {
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome({ ok: true, text: await job() });
    } catch (e) {
      setOutcome({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  return { busy, outcome, run };
}

function OutcomeMessage({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  return (
    <p role={outcome.ok ? 'status' : 'alert'} class={outcome.ok ? 'ok' : 'error'}>
      {outcome.text}
    </p>
  );
}

const restore = async () => {
  const r = await send({ type: 'backup.restore' });
  return `Restored ${n(r.incidents)} incidents, ${n(r.alerts)} alerts and ${n(r.activity)} activity entries from the backup.`;
};

/**
 * Shown instead of a welcome when the store the analyst had is gone. Asks the background to compare the store
 * with its witness once on mount, so a loss is noticed as soon as a view opens.
 */
export function LostStoreNotice({ withImport = true }: { withImport?: boolean }) {
  const witness = useStoredItem(witnessItem);
  const backup = useStoredItem(backupItem);
  const connector = useStoredItem(connectorSettingsItem);
  const { busy, outcome, run } = useAction();
  useEffect(() => {
    void send({ type: 'store.check' }).catch(() => undefined);
  }, []);

  if (!witness?.lost) return outcome ? <OutcomeMessage outcome={outcome} /> : null;
  return (
    <section class="lost-store" role="alert" aria-labelledby="lost-title">
      <h2 id="lost-title">The local store was lost</h2>
      <p>{describeLoss(witness.lost)}</p>
      <p>Ways back:</p>
      <div class="row">
        {backup && (
          <button type="button" class="primary" disabled={busy} onClick={() => run(restore)}>
            Restore from backup
          </button>
        )}
        {connector?.enabled && (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              run(async () => {
                const r = await send({ type: 'sync.now' });
                await send({ type: 'store.acknowledgeLoss' });
                return `Synced from Microsoft Defender: ${n(r.pulled)} incidents pulled.`;
              })
            }
          >
            Sync from Microsoft Defender
          </button>
        )}
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            run(async () => {
              await send({ type: 'store.acknowledgeLoss' });
              return 'Going on with an empty store.';
            })
          }
        >
          Start with an empty store
        </button>
      </div>
      {backup ? (
        <p class="muted">Latest backup: {describeBackup(backup)}.</p>
      ) : (
        <p class="muted">There is no automatic backup in this browser.</p>
      )}
      {withImport && (
        <>
          <p class="muted">Or import an export of the incidents:</p>
          <DataActions />
        </>
      )}
      <OutcomeMessage outcome={outcome} />
    </section>
  );
}

/** The options page's part: the latest backup, `Back up now`, `Restore from backup`. */
export function BackupControls() {
  const backup = useStoredItem(backupItem);
  const { busy, outcome, run } = useAction();
  const [confirming, setConfirming] = useState(false);
  return (
    <div class="backup">
      <h3>Automatic backup</h3>
      <p class="muted">
        Every 30 minutes while the store changes, a compressed copy is kept in this browser outside the
        database, so a store the browser discards can be restored.{' '}
        {backup === undefined ? '' : backup ? `Latest backup: ${describeBackup(backup)}.` : 'No backup yet.'}
      </p>
      <div class="row">
        <button
          type="button"
          disabled={busy}
          onClick={() => run(async () => `Backed up ${describeBackup(await send({ type: 'backup.now' }))}.`)}
        >
          Back up now
        </button>
        {backup &&
          (!confirming ? (
            <button type="button" disabled={busy} onClick={() => setConfirming(true)}>
              Restore from backup
            </button>
          ) : (
            <fieldset aria-label="Confirm restoring the backup" class="row confirm">
              <span>This replaces everything in the store with the backup of {when(backup.at)}.</span>
              <button
                type="button"
                class="danger"
                onClick={() => {
                  setConfirming(false);
                  void run(restore);
                }}
              >
                Replace with the backup
              </button>
              <button type="button" onClick={() => setConfirming(false)} autoFocus>
                Keep the store
              </button>
            </fieldset>
          ))}
      </div>
      <OutcomeMessage outcome={outcome} />
    </div>
  );
}
