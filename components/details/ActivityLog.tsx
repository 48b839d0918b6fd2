/**
 * An incident's activity log, newest first: who, when, what, the comment and the reasons, with links to
 * the incidents and alerts an entry names. Names come from the entry's snapshot (a later rename does not
 * rewrite history).
 */
import Dexie from 'dexie';
import { useId, useState } from 'preact/hooks';
import { ACTIVITY_KINDS, type ActivityEntry } from '@/lib/model';
import { useDb } from '../hooks/db-context';
import { useLiveQuery } from '../hooks/use-live-query';
import { activityLabel, formatTime } from '../labels/format';
import { plural, reasonLabel } from '../labels/graph-words';

const PAGE = 50;
/** Alerts listed per entry before "and N more". */
const LISTED_ALERTS = 20;

type Entry = ActivityEntry & { seq: number };

export function ActivityLog({ incidentId }: { incidentId: string }) {
  const db = useDb();
  const selectId = useId();
  const [kind, setKind] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const entries = useLiveQuery(async () => {
    let c = db.activity
      .where('[incidentId+seq]')
      .between([incidentId, Dexie.minKey], [incidentId, Dexie.maxKey])
      .reverse();
    if (kind) c = c.filter((e) => e.kind === kind);
    const rows = await c.limit(limit + 1).toArray();
    return { rows: rows.slice(0, limit), more: rows.length > limit };
  }, [db, incidentId, kind, limit]);

  return (
    <div class="activity-log">
      <div class="activity-filter">
        <label for={selectId}>Show</label>
        <select
          id={selectId}
          value={kind}
          onChange={(e) => {
            setKind(e.currentTarget.value);
            setLimit(PAGE);
          }}
        >
          <option value="">All activity</option>
          {ACTIVITY_KINDS.map((k) => (
            <option key={k} value={k}>
              {activityLabel(k)}
            </option>
          ))}
        </select>
      </div>
      {entries.status === 'loading' && <p class="muted">Loading the activity log…</p>}
      {entries.status === 'error' && (
        <p role="alert" class="error">
          The activity log could not be read. Close and reopen the panel.
        </p>
      )}
      {entries.status === 'ready' && entries.data.rows.length === 0 && (
        <p class="muted">{kind ? `No “${activityLabel(kind)}” entries.` : 'No activity yet.'}</p>
      )}
      {entries.status === 'ready' && entries.data.rows.length > 0 && (
        <ol class="activity" aria-label="Activity log entries">
          {entries.data.rows.map((e) => (
            <ActivityItem key={e.seq} entry={e} />
          ))}
        </ol>
      )}
      {entries.status === 'ready' && entries.data.more && (
        <button type="button" onClick={() => setLimit(limit + PAGE)}>
          Show older entries
        </button>
      )}
    </div>
  );
}

export function incidentLink(id: string, names: Record<string, string>) {
  const name = Object.hasOwn(names, id) ? names[id] : undefined;
  return <a href={`#/incidents/${encodeURIComponent(id)}`}>{name ? `${name} (${id})` : `Incident ${id}`}</a>;
}

function alertLink(id: string, names: Record<string, string>) {
  const name = Object.hasOwn(names, id) ? names[id] : undefined;
  return <a href={`#/alerts/${encodeURIComponent(id)}`}>{name ? `${name} (${id})` : id}</a>;
}

/** "3 alerts moved from A to B", in words, from the entry itself. */
export function entrySummary(e: Entry): string {
  const n = plural(e.alertIds.length, 'alert');
  switch (e.kind) {
    case 'alertCorrelated':
      return `${n} correlated with this incident.`;
    case 'alertMovedOut':
      return `${n} moved to another incident.`;
    case 'incidentCreated':
      return `Incident created with ${n}.`;
    case 'incidentResolvedEmpty':
      return 'Resolved automatically: no alerts left.';
    case 'incidentReopened':
      return 'Reopened: its alerts are back.';
    case 'moveUndone':
      return `A move of ${n} was undone.`;
    case 'incidentsMerged': {
      const merged = e.fromIncidentIds.map((id) => {
        const name = Object.hasOwn(e.names.incidents, id) ? e.names.incidents[id] : undefined;
        return name ? `${name} (${id})` : `incident ${id}`;
      });
      return `Merged ${merged.join(', ')} into this incident: ${n} moved in.`;
    }
    case 'mergedInto':
      return `Merged into incident ${e.toIncidentId ?? ''}: ${n} moved there, and this incident now redirects to it.`;
    case 'mergeUndone':
      return e.toIncidentId === e.incidentId
        ? `A merge was undone: ${n} came back from incident ${e.fromIncidentIds[0] ?? ''}.`
        : `A merge was undone: ${n} went back to incident${e.fromIncidentIds.length === 1 ? '' : 's'} ${e.fromIncidentIds.join(', ')}.`;
    default:
      return e.alertIds.length ? `${n} involved.` : '';
  }
}

function ActivityItem({ entry: e }: { entry: Entry }) {
  const alerts = e.alertIds.slice(0, LISTED_ALERTS);
  const from = e.fromIncidentIds.filter((id) => id !== e.incidentId);
  const headingId = useId();
  return (
    <li class="activity-entry" aria-labelledby={headingId}>
      <h3 id={headingId}>{activityLabel(e.kind)}</h3>
      <div class="who">
        {e.actor.displayName}
        {e.actor.upn && e.actor.upn !== 'system' ? ` (${e.actor.upn})` : ''} ·{' '}
        <time dateTime={e.at}>{formatTime(e.at)}</time>
      </div>
      <p>{entrySummary(e)}</p>
      {(from.length > 0 || (e.toIncidentId && e.toIncidentId !== e.incidentId)) && (
        <dl class="facts">
          {from.length > 0 && (
            <>
              <dt>From</dt>
              <dd>
                {from.map((id, i) => (
                  <span key={id}>
                    {i > 0 && ', '}
                    {incidentLink(id, e.names.incidents)}
                  </span>
                ))}
              </dd>
            </>
          )}
          {e.toIncidentId && e.toIncidentId !== e.incidentId && (
            <>
              <dt>To</dt>
              <dd>{incidentLink(e.toIncidentId, e.names.incidents)}</dd>
            </>
          )}
        </dl>
      )}
      {alerts.length > 0 && (
        <ul aria-label="Alerts in this entry">
          {alerts.map((id) => (
            <li key={id}>{alertLink(id, e.names.alerts)}</li>
          ))}
          {e.alertIds.length > alerts.length && (
            <li>and {(e.alertIds.length - alerts.length).toLocaleString('en')} more</li>
          )}
        </ul>
      )}
      {e.comment && <blockquote aria-label="Comment">{e.comment}</blockquote>}
      {e.reasons.length > 0 && <p>Reasons: {e.reasons.map(reasonLabel).join(', ')}</p>}
    </li>
  );
}
