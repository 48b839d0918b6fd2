import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { LostStoreNotice } from '@/components/data/StoreSafety';
import { useDb } from '@/components/hooks/db-context';
import { useHashRoute } from '@/components/hooks/use-hash-route';
import { useLiveQuery } from '@/components/hooks/use-live-query';
import { useStoredItem } from '@/components/hooks/use-stored-item';
import { AlertsQueue } from '@/components/queues/AlertsQueue';
import { IncidentsQueue } from '@/components/queues/IncidentsQueue';
import '@/components/styles/workspace.css';
import { lazyChunk } from '@/components/hooks/lazy-chunk';
import { witnessItem } from '@/lib/settings/store-record';
import type * as OtherViews from './other-views';

/** The views other than the queues, loaded the first time one is shown (one promise for the page). */
const loadOtherViews = lazyChunk(() => import('./other-views'));

function useOtherViews(needed: boolean): { views?: typeof OtherViews; failed: boolean } {
  const [state, setState] = useState<{ views?: typeof OtherViews; failed: boolean }>({ failed: false });
  useEffect(() => {
    if (!needed || state.views) return;
    loadOtherViews().then(
      (views) => setState({ views, failed: false }),
      (e: unknown) => {
        console.error('[incident-mover] view failed to load', e);
        setState({ failed: true });
      },
    );
  }, [needed, state.views]);
  return state;
}

export function App() {
  const db = useDb();
  const route = useHashRoute();
  // Whether the store has any incident: one key, not a count of them all.
  const any = useLiveQuery(async () => (await db.incidents.limit(1).primaryKeys()).length > 0, [db]);
  const lost = useStoredItem(witnessItem)?.lost;
  const [section, id] = route.segments;
  const current = section === 'alerts' ? 'alerts' : 'incidents';

  const empty = any.status === 'ready' && !any.data;
  const other = useOtherViews((empty && !lost) || (any.status !== 'error' && !!id));
  const views = other.views;
  const waiting = other.failed ? (
    <p role="alert" class="error">
      This view could not be loaded. Close and reopen the panel.
    </p>
  ) : (
    <p class="muted">Loading…</p>
  );

  let body: ComponentChildren;
  // While `any` is read, the view is already mounted and reading its own rows (a queue's first window does not
  // wait for this read first); an empty store then shows the empty state instead.
  if (any.status === 'error')
    body = (
      <p role="alert" class="error">
        The store could not be opened. Reload the extension.
      </p>
    );
  else if (empty) body = lost ? null : views ? <views.EmptyState /> : waiting;
  else if (current === 'alerts')
    body = !id ? (
      <AlertsQueue params={route.params} />
    ) : views ? (
      <views.AlertDetails key={id} id={id} />
    ) : (
      waiting
    );
  else
    body = !id ? (
      <IncidentsQueue params={route.params} />
    ) : views ? (
      <views.IncidentDetails key={id} id={id} params={route.params} />
    ) : (
      waiting
    );

  return (
    <div class="shell">
      <header>
        <h1>Incident Mover</h1>
        <nav aria-label="Sections">
          <a href="#/incidents" aria-current={current === 'incidents' ? (id ? 'true' : 'page') : undefined}>
            Incidents
          </a>
          <a href="#/alerts" aria-current={current === 'alerts' ? (id ? 'true' : 'page') : undefined}>
            Alerts
          </a>
        </nav>
      </header>
      <main>
        <LostStoreNotice />
        {body}
      </main>
    </div>
  );
}
