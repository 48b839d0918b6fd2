/**
 * Alert details (`#/alerts/<id>`): every field, its evidence, the incident it belongs to, its move history,
 * and the `Move alert to another incident` button (always present, as in the seed).
 */
import { Fragment } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { MoveResult } from '@/lib/messaging/protocol';
import type { Alert } from '@/lib/model';
import { canRead } from '@/lib/model/permissions';
import type { Suggestion } from '@/lib/suggest/rank';
import { useDb } from '../hooks/db-context';
import { useLiveQuery } from '../hooks/use-live-query';
import { useProfile } from '../hooks/use-profile';
import {
  alertStatusLabel,
  assigneeLabel,
  categoryName,
  detectionSourceLabel,
  formatTime,
  serviceSourceLabel,
  severityLabel,
} from '../labels/format';
import { humanize } from '../labels/graph-words';
import { MoveFlyout } from '../move/MoveFlyout';
import { MoveStatus } from '../move/MoveStatus';
import { SuggestionsFor } from '../move/SuggestedIncidents';
import { AlertEvidence } from './AlertEvidence';
import { MoveHistory } from './MoveHistory';

const HISTORY = 100;

export function AlertDetails({ id }: { id: string }) {
  const db = useDb();
  const { profile } = useProfile();
  const [moving, setMoving] = useState(false);
  const [suggestion, setSuggestion] = useState<Suggestion | undefined>();
  const [result, setResult] = useState<MoveResult | undefined>();
  const moveRef = useRef<HTMLButtonElement>(null);
  const data = useLiveQuery(async () => {
    const alert = await db.alerts.get(id);
    const incident = alert ? await db.incidents.get(alert.incidentId) : undefined;
    return { alert, incident };
  }, [db, id]);
  const history = useLiveQuery(
    () => db.activity.where('alertIds').equals(id).reverse().limit(HISTORY).toArray(),
    [db, id],
  );

  const back = (
    <a class="back" href="#/alerts">
      ← Back to the queue
    </a>
  );
  const alert = data.data?.alert;
  const readable = alert ? canRead(profile, alert.scope) : false;
  const moveButton = (
    <button
      ref={moveRef}
      type="button"
      class="primary"
      aria-haspopup="dialog"
      onClick={() => {
        setSuggestion(undefined);
        setMoving(true);
      }}
    >
      Move alert to another incident
    </button>
  );
  const flyout = moving && (
    <MoveFlyout
      alertIds={[id]}
      initialSuggestion={suggestion}
      onClose={() => {
        setMoving(false);
        queueMicrotask(() => moveRef.current?.focus());
      }}
      onMoved={(r) => {
        setMoving(false);
        setResult(r);
      }}
    />
  );
  const status = result && <MoveStatus result={result} onDismiss={() => setResult(undefined)} />;

  if (data.status === 'loading') return <p class="muted">Loading alert {id}…</p>;
  if (data.status === 'error') {
    return (
      <p role="alert" class="error">
        Alert {id} could not be read. Close and reopen the panel.
      </p>
    );
  }
  if (!alert || !readable) {
    return (
      <section class="details">
        {back}
        <h2>{alert ? `Alert ${id}` : `Alert ${id} was not found`}</h2>
        <p role={alert ? 'alert' : undefined} class="muted">
          {alert
            ? 'You don’t have access to the device group of this alert.'
            : 'It may have been deleted, or the data was cleared.'}
        </p>
        {status}
        <div>{moveButton}</div>
        {flyout}
      </section>
    );
  }

  const a = alert;
  const incident = data.data?.incident;
  return (
    <section class="details" aria-labelledby="alert-title">
      {back}
      <h2 id="alert-title">{a.title}</h2>
      {status}
      <div>{moveButton}</div>
      {flyout}
      <div class="details-suggestions">
        <SuggestionsFor
          alertIds={[id]}
          onPick={(s) => {
            setSuggestion(s);
            setMoving(true);
          }}
        />
      </div>
      <dl class="facts">
        <dt>ID</dt>
        <dd class="mono">{a.id}</dd>
        <dt>Incident</dt>
        <dd>
          <a href={`#/incidents/${encodeURIComponent(a.incidentId)}`}>
            {incident ? `${incident.displayName} (${a.incidentId})` : `Incident ${a.incidentId}`}
          </a>
        </dd>
        <dt>Severity</dt>
        <dd class={`sev sev-${a.severity}`}>{severityLabel(a.severity)}</dd>
        <dt>Status</dt>
        <dd>{alertStatusLabel(a.status)}</dd>
        <dt>Category</dt>
        <dd>{categoryName(a.category) || 'None'}</dd>
        <dt>MITRE techniques</dt>
        <dd>{a.mitreTechniques?.join(', ') || 'None'}</dd>
        <dt>Service source</dt>
        <dd>{serviceSourceLabel(a.serviceSource) || 'Unknown'}</dd>
        <dt>Detection source</dt>
        <dd>{detectionSourceLabel(a.detectionSource) || 'Unknown'}</dd>
        <dt>Device group</dt>
        <dd>{a.scope}</dd>
        <dt>Assigned to</dt>
        <dd>{assigneeLabel(a.assignedTo)}</dd>
        <dt>Created</dt>
        <dd>{formatTime(a.createdDateTime)}</dd>
        <dt>First activity</dt>
        <dd>{formatTime(a.firstActivityDateTime) || 'Unknown'}</dd>
        <dt>Last activity</dt>
        <dd>{formatTime(a.lastActivityDateTime)}</dd>
        <dt>Last update</dt>
        <dd>{formatTime(a.lastUpdateDateTime)}</dd>
        <OtherFields alert={a} />
      </dl>
      {a.description && (
        <>
          <h3>Description</h3>
          <p class="description">{a.description}</p>
        </>
      )}
      <h3>Evidence</h3>
      <AlertEvidence alert={a} />
      <h3>Move history</h3>
      {history.status === 'ready' ? <MoveHistory entries={history.data} /> : <p class="muted">Loading…</p>}
    </section>
  );
}

const SHOWN = new Set([
  'id',
  'incidentId',
  'title',
  'severity',
  'status',
  'category',
  'mitreTechniques',
  'serviceSource',
  'detectionSource',
  'scope',
  'assignedTo',
  'classification',
  'createdDateTime',
  'firstActivityDateTime',
  'lastActivityDateTime',
  'lastUpdateDateTime',
  'description',
  'evidence',
  'version',
]);

/** Graph fields this page has no special place for, shown as they are (text and numbers only). */
function OtherFields({ alert }: { alert: Alert }) {
  const rest = Object.entries(alert).filter(
    ([k, v]) =>
      !SHOWN.has(k) &&
      !k.startsWith('@') &&
      (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') &&
      v !== '',
  );
  return (
    <>
      {rest.slice(0, 40).map(([k, v]) => (
        <Fragment key={k}>
          <dt>{humanize(k)}</dt>
          <dd>{/DateTime$/.test(k) && typeof v === 'string' ? formatTime(v) : String(v)}</dd>
        </Fragment>
      ))}
    </>
  );
}
