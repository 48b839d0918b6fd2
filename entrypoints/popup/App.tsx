import { useMemo, useState } from 'preact/hooks';
import { useDb } from '@/components/hooks/db-context';
import { useLiveQuery } from '@/components/hooks/use-live-query';
import { useProfile } from '@/components/hooks/use-profile';
import { alertStatusLabel, formatTime, severityLabel } from '@/components/labels/format';
import { plural } from '@/components/labels/graph-words';
import { SearchBox } from '@/components/queues/FiltersPanel';
import { SelectionToolbar } from '@/components/queues/SelectionToolbar';
import { useNow } from '@/components/queues/use-queue';
import { useSelection } from '@/components/queues/use-selection';
import { MoveSyncBadge, SyncStatus } from '@/components/sync/SyncStatus';
import '@/components/styles/workspace.css';
import { errorMessage, send } from '@/lib/messaging/client';
import { type Incident, severityRank } from '@/lib/model';
import { canReadIncident } from '@/lib/model/permissions';
import type { MoveRecord } from '@/lib/store/db';
import {
  DEFAULT_FILTERS,
  openIncidentsBySeverity,
  planAlerts,
  planIncidents,
  readWindow,
} from '@/lib/store/queue';
import { openWorkspace } from './open-workspace';

const SEVERITY_ORDER = ['high', 'medium', 'low', 'informational', 'unknown'];
const RESULTS = 8;
const NEWEST = 6;
const MOVES = 5;

/** The toolbar popup: open incidents by severity, search, the newest alerts, recent moves with Undo. */
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
      <SyncStatus compact />
    </main>
  );
}

function SeverityCounts() {
  const db = useDb();
  const { profile } = useProfile();
  const counts = useLiveQuery(() => openIncidentsBySeverity(db, profile), [db, profile]);
  const data = counts.data;
  const shown = data
    ? [...new Set([...SEVERITY_ORDER, ...Object.keys(data)])]
        .filter((s) => data[s] || ['high', 'medium', 'low'].includes(s))
        .sort((a, b) => severityRank(b) - severityRank(a))
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
  const db = useDb();
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
  const results = useLiveQuery(async () => {
    if (!q.trim()) return [] as Incident[];
    const exact = await db.incidents.get(q.trim());
    const found = await readWindow(db, plan, 0, RESULTS);
    const all =
      exact && canReadIncident(profile, exact) ? [exact, ...found.filter((i) => i.id !== exact.id)] : found;
    return all.slice(0, RESULTS);
  }, [db, plan.key]);
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
  const db = useDb();
  const { profile } = useProfile();
  const now = useNow('newest');
  const selection = useSelection();
  const plan = useMemo(
    () => planAlerts({ ...DEFAULT_FILTERS.alerts, range: '30d' }, { profile, now }),
    [profile, now],
  );
  const rows = useLiveQuery(() => readWindow(db, plan, 0, NEWEST), [db, plan.key]);
  return (
    <section aria-labelledby="newest-title">
      <h2 id="newest-title">Newest alerts</h2>
      {rows.status === 'loading' && <p class="muted">Loading…</p>}
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
  const db = useDb();
  const { profile, loaded } = useProfile();
  const moves = useLiveQuery(() => db.moves.orderBy('at').reverse().limit(20).toArray(), [db]);
  const [messages, setMessages] = useState<Record<string, { text: string; error: boolean }>>({});
  const [busy, setBusy] = useState<string | undefined>();
  // The analyst's own moves (the store can hold others' when a connector syncs).
  const mine = (moves.data ?? []).filter((m) => !loaded || m.actor.upn === profile.upn).slice(0, MOVES);

  const undo = async (m: MoveRecord) => {
    setBusy(m.token);
    try {
      const r = await send({ type: 'move.undo', token: m.token });
      setMessages((x) => ({
        ...x,
        [m.token]: { text: `Undone: ${plural(r.movedAlertIds.length, 'alert')} moved back.`, error: false },
      }));
    } catch (e) {
      setMessages((x) => ({ ...x, [m.token]: { text: errorMessage(e), error: true } }));
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
                {m.undoes ? 'Undo: ' : ''}
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
