import { useDb } from './db-context';
import { useLiveQuery } from './use-live-query';

/** A plain first list of incidents, newest update first. */
export function IncidentsList() {
  const db = useDb();
  const rows = useLiveQuery(() => db.incidents.orderBy('lastUpdateDateTime').reverse().limit(100).toArray(), [db]);
  if (rows.status !== 'ready') return <p class="muted">Loading…</p>;
  return (
    <table class="plain-list" aria-label="Incidents">
      <thead>
        <tr>
          <th scope="col">Incident name</th>
          <th scope="col">ID</th>
          <th scope="col">Severity</th>
          <th scope="col">Status</th>
          <th scope="col">Alerts</th>
        </tr>
      </thead>
      <tbody>
        {rows.data.map((i) => (
          <tr key={i.id} data-incident-id={i.id}>
            <td>
              <a href={`#/incidents/${encodeURIComponent(i.id)}`}>{i.displayName}</a>
            </td>
            <td>{i.id}</td>
            <td class={`sev sev-${i.severity}`}>{i.severity}</td>
            <td>{i.status}</td>
            <td>{i.alertCount}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
