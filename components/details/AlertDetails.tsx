/**
 * Alert details (`#/alerts/<id>`): every field, its evidence, the incident it belongs to, its move history,
 * and the `Move alert to another incident` button (always present, as in the seed).
 */
import { Fragment } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { MoveResult } from '@/lib/messaging/protocol';
import type { ActivityEntry, Alert } from '@/lib/model';
import { canRead } from '@/lib/model/permissions';
import { useDb } from '../hooks/db-context';
import { useLiveQuery } from '../hooks/use-live-query';
import { useProfile } from '../hooks/use-profile';
import {
  activityLabel,
  alertStatusLabel,
  assigneeLabel,
  categoryName,
  detectionSourceLabel,
  formatTime,
  humanize,
  reasonLabel,
  serviceSourceLabel,
  severityLabel,
} from '../labels/format';
import { MoveFlyout } from '../move/MoveFlyout';
import { MoveStatus } from '../move/MoveStatus';
import { incidentLink } from './ActivityLog';

const HISTORY = 100;

export function AlertDetails({ id }: { id: string }) {
  const db = useDb();
  const { profile } = useProfile();
  const [moving, setMoving] = useState(false);
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
      onClick={() => setMoving(true)}
    >
      Move alert to another incident
    </button>
  );
  const flyout = moving && (
    <MoveFlyout
      alertIds={[id]}
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
      <Evidence alert={a} />
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

type EvidenceItem = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const at = (o: unknown, ...path: string[]): string => {
  let cur: unknown = o;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[p];
  }
  return str(cur);
};

const KINDS: { title: string; match: RegExp; describe(e: EvidenceItem): string[] }[] = [
  {
    title: 'Devices',
    match: /deviceEvidence$/,
    describe: (e) => [
      at(e, 'deviceDnsName') || at(e, 'hostName') || at(e, 'mdeDeviceId'),
      at(e, 'osPlatform') && `${at(e, 'osPlatform')} ${at(e, 'osBuild')}`.trim(),
      at(e, 'rbacGroupName') && `Device group: ${at(e, 'rbacGroupName')}`,
      at(e, 'riskScore') && `Risk: ${humanize(at(e, 'riskScore'))}`,
    ],
  },
  {
    title: 'Users',
    match: /userEvidence$/,
    describe: (e) => [
      at(e, 'userAccount', 'userPrincipalName') || at(e, 'userAccount', 'accountName'),
      at(e, 'userAccount', 'displayName'),
      at(e, 'userAccount', 'domainName') && `Domain: ${at(e, 'userAccount', 'domainName')}`,
    ],
  },
  {
    title: 'Mailboxes',
    match: /mailboxEvidence$/,
    describe: (e) => [at(e, 'primaryAddress'), at(e, 'displayName')],
  },
  {
    title: 'IP addresses',
    match: /ipEvidence$/,
    describe: (e) => [
      at(e, 'ipAddress'),
      at(e, 'countryLetterCode') && `Country: ${at(e, 'countryLetterCode')}`,
    ],
  },
  {
    title: 'Files',
    match: /fileEvidence$/,
    describe: (e) => [
      at(e, 'fileDetails', 'fileName'),
      at(e, 'fileDetails', 'filePath'),
      at(e, 'fileDetails', 'sha256') && `SHA-256: ${at(e, 'fileDetails', 'sha256')}`,
    ],
  },
  {
    title: 'Processes',
    match: /processEvidence$/,
    describe: (e) => [
      at(e, 'imageFile', 'fileName'),
      at(e, 'processCommandLine'),
      at(e, 'processId') && `PID ${at(e, 'processId')}`,
    ],
  },
  { title: 'URLs', match: /urlEvidence$/, describe: (e) => [at(e, 'url')] },
  {
    title: 'Email messages',
    match: /analyzedMessageEvidence$/,
    describe: (e) => [
      at(e, 'subject'),
      at(e, 'senderIp') && `Sender IP: ${at(e, 'senderIp')}`,
      at(e, 'internetMessageId'),
    ],
  },
];

function Evidence({ alert }: { alert: Alert }) {
  const items = (alert.evidence ?? []) as EvidenceItem[];
  if (items.length === 0) return <p class="muted">No evidence.</p>;
  const groups = new Map<string, string[][]>();
  for (const e of items) {
    const type = str(e['@odata.type']);
    const kind = KINDS.find((k) => k.match.test(type));
    const title = kind?.title ?? 'Other evidence';
    const lines = (
      kind
        ? kind.describe(e)
        : [
            humanize(type.replace(/^#?microsoft\.graph\.security\./, '').replace(/Evidence$/, '')) ||
              'Evidence',
          ]
    ).filter(Boolean);
    const verdict = str(e.verdict);
    if (verdict && verdict !== 'unknown') lines.push(`Verdict: ${humanize(verdict)}`);
    const list = groups.get(title) ?? [];
    list.push(lines);
    groups.set(title, list);
  }
  return (
    <div class="evidence">
      {[...groups].map(([title, list]) => (
        <section key={title} aria-label={title}>
          <h4>
            {title} ({list.length})
          </h4>
          <ul>
            {list.map((lines, i) => (
              <li key={i}>
                {lines[0]}
                {lines.length > 1 && <span class="muted"> — {lines.slice(1).join(' · ')}</span>}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

/** One line per move (a move writes entries on both sides: show the destination's). */
function MoveHistory({ entries }: { entries: (ActivityEntry & { seq: number })[] }) {
  const byMove = new Map<string, ActivityEntry & { seq: number }>();
  for (const e of entries) {
    const key = e.moveToken ?? `seq:${e.seq}`;
    const kept = byMove.get(key);
    // Prefer the destination's entry: it names where the alert went and where it came from.
    if (!kept || (e.incidentId === e.toIncidentId && kept.incidentId !== kept.toIncidentId))
      byMove.set(key, e);
  }
  const moves = [...byMove.values()].sort((x, y) => y.seq - x.seq);
  if (moves.length === 0) return <p class="muted">This alert has not been moved.</p>;
  return (
    <ol class="activity" aria-label="Move history">
      {moves.map((e) => {
        const from = e.fromIncidentIds.filter((f) => f !== e.toIncidentId);
        const others = e.alertIds.length - 1;
        return (
          <li key={e.seq} class="activity-entry">
            <h4>{activityLabel(e.kind)}</h4>
            <div class="who">
              {e.actor.displayName} · <time dateTime={e.at}>{formatTime(e.at)}</time>
            </div>
            <p>
              {from.length > 0 && (
                <>
                  From{' '}
                  {from.map((f, i) => (
                    <span key={f}>
                      {i > 0 && ', '}
                      {incidentLink(f, e.names.incidents)}
                    </span>
                  ))}{' '}
                </>
              )}
              {e.toIncidentId && <>to {incidentLink(e.toIncidentId, e.names.incidents)}</>}
              {others > 0 && ` (with ${others.toLocaleString('en')} other alert${others === 1 ? '' : 's'})`}
            </p>
            {e.comment && <blockquote aria-label="Comment">{e.comment}</blockquote>}
            {e.reasons.length > 0 && <p>Reasons: {e.reasons.map(reasonLabel).join(', ')}</p>}
          </li>
        );
      })}
    </ol>
  );
}
