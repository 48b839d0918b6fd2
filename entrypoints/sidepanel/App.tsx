import { useDb } from '@/components/db-context';
import { EmptyState } from '@/components/EmptyState';
import { IncidentsList } from '@/components/IncidentsList';
import { useHashRoute } from '@/components/use-hash-route';
import { useLiveQuery } from '@/components/use-live-query';

export function App() {
  const db = useDb();
  const route = useHashRoute();
  const count = useLiveQuery(() => db.incidents.count(), [db]);
  const section = route.segments[0] === 'alerts' ? 'alerts' : 'incidents';

  let body;
  if (count.status === 'loading') body = <p class="muted">Loading…</p>;
  else if (count.status === 'error') body = <p role="alert" class="error">The store could not be opened. Reload the extension.</p>;
  else if (count.data === 0) body = <EmptyState />;
  else body = <IncidentsList />;

  return (
    <div class="shell">
      <header>
        <h1>Incident Mover</h1>
        <nav aria-label="Sections">
          <a href="#/incidents" aria-current={section === 'incidents' ? 'page' : undefined}>
            Incidents
          </a>
          <a href="#/alerts" aria-current={section === 'alerts' ? 'page' : undefined}>
            Alerts
          </a>
        </nav>
      </header>
      <main>{body}</main>
    </div>
  );
}
