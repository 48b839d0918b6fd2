import { useEffect, useMemo } from 'preact/hooks';
import type { Alert, Incident, Profile } from '@/lib/model';
import { countQueue, planIncidentAlerts, readWindow } from '@/lib/store/queue';
import { useDb } from '../hooks/db-context';
import { useLiveQuery } from '../hooks/use-live-query';
import { InlineAlertRow, SubRowMessage } from './IncidentRows';
import { clickSelect, type Selection } from './use-selection';

/** Alerts shown inline under an expanded incident; the rest are on its page. */
const INLINE_ALERTS = 25;

/** The alerts of an expanded incident, as rows under it (the first INLINE_ALERTS; the rest on its page). */
export function InlineAlerts({
  incident,
  selection,
  profile,
  onShown,
}: {
  incident: Incident;
  selection: Selection;
  profile: Profile;
  /** The ids of the alerts shown now (for the header checkbox); undefined once none are. */
  onShown(incidentId: string, ids: string[] | undefined): void;
}) {
  const db = useDb();
  const plan = useMemo(() => planIncidentAlerts(incident.id, { profile }), [incident.id, profile]);
  const data = useLiveQuery(async () => {
    const [rows, c] = await Promise.all([readWindow(db, plan, 0, INLINE_ALERTS), countQueue(db, plan)]);
    return { rows, total: c.total };
  }, [db, plan.key]);
  const ids = data.data?.rows.map((a) => a.id);
  const idsKey = ids?.join('\n');
  useEffect(() => {
    onShown(incident.id, ids);
  }, [idsKey, incident.id, onShown]);
  useEffect(() => () => onShown(incident.id, undefined), [incident.id, onShown]);

  const listKey = `incident-inline:${incident.id}`;
  const idsBetween = async (from: number, to: number) =>
    (data.data?.rows ?? []).slice(from, to).map((a) => a.id);

  if (data.status === 'loading') {
    return <SubRowMessage tone="muted">Loading the incident’s alerts…</SubRowMessage>;
  }
  if (data.status === 'error') {
    return <SubRowMessage tone="error">The incident’s alerts could not be read.</SubRowMessage>;
  }
  const { rows, total } = data.data;
  return (
    <>
      {rows.length === 0 && (
        <SubRowMessage tone="muted">
          {incident.alertCount > 0
            ? 'None of its alerts are in device groups you can see.'
            : 'This incident has no alerts.'}
        </SubRowMessage>
      )}
      {rows.map((a: Alert, index) => (
        <InlineAlertRow
          key={a.id}
          alert={a}
          checked={selection.has(a.id)}
          onSelect={(checked, shiftKey) =>
            void clickSelect(selection, listKey, index, a.id, checked, shiftKey, idsBetween)
          }
        />
      ))}
      {total > rows.length && (
        <SubRowMessage>
          <a href={`#/incidents/${encodeURIComponent(incident.id)}`}>
            Open incident {incident.id} for the other {(total - rows.length).toLocaleString('en')}
          </a>
        </SubRowMessage>
      )}
    </>
  );
}
