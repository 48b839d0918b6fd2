import type { ComponentChildren } from 'preact';
import { EmptyState } from '@/components/data/EmptyState';
import { LostStoreNotice } from '@/components/data/StoreSafety';
import { AlertDetails } from '@/components/details/AlertDetails';
import { IncidentDetails } from '@/components/details/IncidentDetails';
import { useDb } from '@/components/hooks/db-context';
import { useHashRoute } from '@/components/hooks/use-hash-route';
import { useLiveQuery } from '@/components/hooks/use-live-query';
import { useStoredItem } from '@/components/hooks/use-stored-item';
import { AlertsQueue } from '@/components/queues/AlertsQueue';
import { IncidentsQueue } from '@/components/queues/IncidentsQueue';
import '@/components/styles/workspace.css';
import { witnessItem } from '@/lib/settings/store-record';

export function App() {
  const db = useDb();
  const route = useHashRoute();
  // Whether the store has any incident: one key, not a count of them all.
  const any = useLiveQuery(async () => (await db.incidents.limit(1).primaryKeys()).length > 0, [db]);
  const lost = useStoredItem(witnessItem)?.lost;
  const [section, id] = route.segments;
  const current = section === 'alerts' ? 'alerts' : 'incidents';

  let body: ComponentChildren;
  // While `any` is read, the view is already mounted and reading its own rows (a queue's first window does not
  // wait for this read first); an empty store then shows the empty state instead.
  if (any.status === 'error')
    body = (
      <p role="alert" class="error">
        The store could not be opened. Reload the extension.
      </p>
    );
  else if (any.status === 'ready' && !any.data) body = lost ? null : <EmptyState />;
  else if (current === 'alerts')
    body = id ? <AlertDetails key={id} id={id} /> : <AlertsQueue params={route.params} />;
  else
    body = id ? (
      <IncidentDetails key={id} id={id} params={route.params} />
    ) : (
      <IncidentsQueue params={route.params} />
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
