/**
 * The toolbar popup: open incidents by severity, search, the newest alerts, recent moves with Undo.
 *
 * It loads little (40 KB gzip at most): it reads the store through lib/store/lite.ts (plain IndexedDB, live
 * through Dexie's change notices) and the profile without zod; the move flyout, the messaging client (Undo) and
 * the connector's status are loaded when they are needed.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useNow } from '@/components/hooks/use-now';
import { useStoreQuery } from '@/components/hooks/use-store-query';
import { plural } from '@/components/labels/graph-words';
import { alertStatusLabel, formatTime, severityLabel } from '@/components/labels/values';
import { SearchBox } from '@/components/queues/SearchBox';
import { SelectionToolbar } from '@/components/queues/SelectionToolbar';
import { useSelection } from '@/components/queues/use-selection';
import { MoveSyncBadge } from '@/components/sync/MoveSyncBadge';
import '@/components/styles/workspace.css';
import type { Incident, Profile } from '@/lib/model';
import { canReadIncident } from '@/lib/model/permissions';
import { DEFAULT_PROFILE_LITE, readProfileLite, watchProfileLite } from '@/lib/settings/profile-lite';
import type { MoveRecord } from '@/lib/store/db';
import {
  connectorUsed,
  firstRows,
  incidentById,
  openIncidentsBySeverity,
  recentMoves,
} from '@/lib/store/lite';
import { DEFAULT_FILTERS } from '@/lib/store/queue/filters';
import { planAlerts, planIncidents } from '@/lib/store/queue/plan';
import { openWorkspace } from './open-workspace';

/** Severities from the highest (lib/model SEVERITIES, reversed). */
const SEVERITY_ORDER = ['high', 'medium', 'low', 'informational', 'unknown'];
const rank = (s: string) => {
  const i = SEVERITY_ORDER.indexOf(s);
  return i < 0 ? SEVERITY_ORDER.length : i;
};
const RESULTS = 8;
const NEWEST = 6;
const MOVES = 5;
/** lib/graph/state.ts SYNC_STATUS_KEY. */
export const SYNC_STATUS_KEY = 'graph.status';

function useProfile(): { profile: Profile; loaded: boolean } {
  const [state, setState] = useState({ profile: DEFAULT_PROFILE_LITE, loaded: false });
  useEffect(() => {
    const apply = (profile: Profile) => setState({ profile, loaded: true });
    void readProfileLite().then(apply);
    return watchProfileLite(apply);
  }, []);
  return state;
}

export function App() {
  return (
    <main class="popup">
      <header class="popup-head">
        <h1>Incident Mover</h1>
        <button type="button" class="primary" onClick={() => void openWorkspace()}>
          Open side panel
        </button>
      </header>
      <SeverityCounts />
      <IncidentSearch />
      <NewestAlerts />
      <RecentMoves />
      <ConnectorStatus />
    </main>
  );
}

function SeverityCounts() {
  const { profile } = useProfile();
  const counts = useStoreQuery((idb) => openIncidentsBySeverity(idb, profile), [profile]);
  const data = counts.data;
  const shown = data
    ? [...new Set([...SEVERITY_ORDER, ...Object.keys(data)])]
        .filter((s) => data[s] || ['high', 'medium', 'low'].includes(s))
        .sort((a, b) => rank(a) - rank(b))
    : [];
  return (
    <section aria-labelledby="counts-title">
      <h2 id="counts-title">Open incidents</h2>
      {counts.status === 'loading' && <p class="muted">Counting…</p>}
      {counts.status === 'error' && (
        <p role="alert" class="error">
          The incidents could not be counted.
        </p>
      )}
      {data && (
        <ul class="sev-counts">
          {shown.map((s) => (
            <li key={s}>
              <span class={`sev sev-${s}`}>{severityLabel(s)}</span>{' '}
              <strong>{(data[s] ?? 0).toLocaleString('en')}</strong>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function IncidentSearch() {
  const { profile } = useProfile();
  const [q, setQ] = useState('');
  const now = useNow(q);
  const plan = useMemo(
    () =>
      planIncidents(
        { ...DEFAULT_FILTERS.incidents, status: [], severity: [], range: 'custom', from: '', to: '', q },
        { profile, now },
      ),
    [q, profile, now],
  );
  const results = useStoreQuery(
    async (idb) => {
      if (!q.trim()) return [] as Incident[];
      const [exact, found] = await Promise.all([incidentById(idb, q.trim()), firstRows(idb, plan, RESULTS)]);
      const all =
        exact && canReadIncident(profile, exact) ? [exact, ...found.filter((i) => i.id !== exact.id)] : found;
      return all.slice(0, RESULTS);
    },
    [plan.key],
  );
  const open = (id: string) => void openWorkspace(`#/incidents/${encodeURIComponent(id)}`);
  return (
    <section aria-labelledby="search-title" class="popup-search">
      <h2 id="search-title">Find an incident</h2>
      <SearchBox label="Search for name or ID" value={q} onSearch={setQ} />
      {q.trim() && results.status === 'ready' && (
        <>
          <p class="muted" role="status">
            {results.data.length
              ? plural(results.data.length, 'match', 'matches')
              : `No incident matches “${q}”.`}
          </p>
          <ul class="search-results">
            {results.data.map((i) => (
              <li key={i.id}>
                <button type="button" class="result" onClick={() => open(i.id)}>
                  <span class="result-name">{i.displayName}</span> <span class="muted mono">{i.id}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function NewestAlerts() {
  const { profile } = useProfile();
  const now = useNow('newest');
  const selection = useSelection();
  const plan = useMemo(
    () => planAlerts({ ...DEFAULT_FILTERS.alerts, range: '30d' }, { profile, now }),
    [profile, now],
  );
  const rows = useStoreQuery((idb) => firstRows(idb, plan, NEWEST), [plan.key]);
  return (
    <section aria-labelledby="newest-title">
      <h2 id="newest-title">Newest alerts</h2>
      {rows.status === 'loading' && <p class="muted">Loading…</p>}
      {rows.status === 'error' && (
        <p role="alert" class="error">
          The newest alerts could not be read.
        </p>
      )}
      {rows.status === 'ready' && rows.data.length === 0 && (
        <p class="muted">No new alerts in the last 30 days.</p>
      )}
      {rows.status === 'ready' && rows.data.length > 0 && (
        <>
          <SelectionToolbar selection={selection} />
          <ul class="newest">
            {rows.data.map((a) => (
              <li key={a.id} data-alert-id={a.id}>
                <label>
                  <input
                    type="checkbox"
                    aria-label={`Select alert ${a.title}`}
                    checked={selection.has(a.id)}
                    onChange={(e) => selection.toggle(a.id, e.currentTarget.checked)}
                  />
                  <span class={`sev sev-${a.severity}`}>{severityLabel(a.severity)}</span> {a.title}
                </label>
                <span class="muted">
                  {' '}
                  · {alertStatusLabel(a.status)} · {formatTime(a.lastActivityDateTime)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function RecentMoves() {
  const { profile, loaded } = useProfile();
  const moves = useStoreQuery((idb) => recentMoves(idb, 20), []);
  const [messages, setMessages] = useState<Record<string, { text: string; error: boolean }>>({});
  const [busy, setBusy] = useState<string | undefined>();
  // The analyst's own moves (the store can hold others' when a connector syncs).
  const mine = (moves.data ?? []).filter((m) => !loaded || m.actor.upn === profile.upn).slice(0, MOVES);

  const undo = async (m: MoveRecord) => {
    setBusy(m.token);
    // The messaging client (and zod with it) loads on the first Undo, not with the popup.
    const client = await import('@/lib/messaging/client').catch(() => undefined);
    try {
      if (!client) throw new Error('The extension could not load what Undo needs. Reload it and try again.');
      const r = await client.send({ type: 'move.undo', token: m.token });
      setMessages((x) => ({
        ...x,
        [m.token]: { text: `Undone: ${plural(r.movedAlertIds.length, 'alert')} moved back.`, error: false },
      }));
    } catch (e) {
      const text = client ? client.errorMessage(e) : (e as Error).message;
      setMessages((x) => ({ ...x, [m.token]: { text, error: true } }));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section aria-labelledby="moves-title">
      <h2 id="moves-title">Your recent moves</h2>
      {moves.status === 'ready' && mine.length === 0 && (
        <p class="muted">You haven’t moved any alerts yet.</p>
      )}
      <ul class="moves">
        {mine.map((m) => {
          const dest = m.incidents.find((i) => i.id === m.destinationIncidentId);
          const msg = messages[m.token];
          return (
            <li key={m.token} class="move">
              <div>
                {m.merge
                  ? m.merge.kind === 'merge'
                    ? `Merge of ${plural(m.merge.mergedIncidentIds.length, 'incident')}: `
                    : 'Undo of a merge: '
                  : m.undoes
                    ? 'Undo: '
                    : ''}
                {plural(m.alerts.length, 'alert')} to{' '}
                <button
                  type="button"
                  class="link"
                  onClick={() =>
                    void openWorkspace(`#/incidents/${encodeURIComponent(m.destinationIncidentId)}`)
                  }
                >
                  {dest?.displayName ?? 'incident'} ({m.destinationIncidentId})
                </button>
              </div>
              <div class="muted">
                <time dateTime={m.at}>{formatTime(m.at)}</time>
                {m.comment ? ` · “${m.comment.length > 80 ? `${m.comment.slice(0, 80)}…` : m.comment}”` : ''}{' '}
                <MoveSyncBadge record={m} />
              </div>
              {m.undoneBy ? (
                <span class="muted">Undone</span>
              ) : m.undoes ? null : (
                <button type="button" disabled={busy === m.token} onClick={() => void undo(m)}>
                  Undo
                </button>
              )}
              {msg && (
                <p role={msg.error ? 'alert' : 'status'} class={msg.error ? 'error' : 'ok'}>
                  {msg.text}
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The connector's status (compact), loaded only once the connector has been used. */
function ConnectorStatus() {
  const used = useStoreQuery((idb) => connectorUsed(idb, SYNC_STATUS_KEY), []);
  const [view, setView] = useState<typeof import('@/components/sync/SyncStatus') | undefined>();
  useEffect(() => {
    if (used.data && !view) void import('@/components/sync/SyncStatus').then(setView, () => undefined);
  }, [used.data, view]);
  return view ? <view.SyncStatus compact /> : null;
}
