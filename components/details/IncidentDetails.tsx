/**
 * Incident details (`#/incidents/<id>`): its facts, and the tabs `Alerts` (its alerts with checkboxes and the
 * move toolbar) and `Activity log`. The tab lives in the hash (`?tab=activity`) so it can be linked.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import type { MergeResult } from '@/lib/merge';
import type { MoveResult } from '@/lib/messaging/protocol';
import { canReadIncident } from '@/lib/model/permissions';
import { planIncidentAlerts } from '@/lib/store/queue';
import { useDb } from '../hooks/db-context';
import { replaceParams } from '../hooks/use-hash-route';
import { useLiveQuery } from '../hooks/use-live-query';
import { useProfile } from '../hooks/use-profile';
import {
  assigneeLabel,
  categoryName,
  formatTime,
  incidentStatusLabel,
  serviceSourceLabel,
  severityLabel,
} from '../labels/format';
import { humanize, plural } from '../labels/graph-words';
import { MergeDialog } from '../merge/MergeDialog';
import { MergeStatus } from '../merge/MergeStatus';
import { MoveStatus } from '../move/MoveStatus';
import { AlertsTable } from '../queues/AlertsTable';
import { SelectionToolbar } from '../queues/SelectionToolbar';
import { useSelection } from '../queues/use-selection';
import { ActivityLog } from './ActivityLog';
import { SplitDialog } from './SplitDialog';

const TABS = [
  { id: 'alerts', label: 'Alerts' },
  { id: 'activity', label: 'Activity log' },
] as const;

export function IncidentDetails({ id, params }: { id: string; params: URLSearchParams }) {
  const db = useDb();
  const { profile } = useProfile();
  const incident = useLiveQuery(() => db.incidents.get(id), [db, id]);
  const tab = params.get('tab') === 'activity' ? 'activity' : 'alerts';
  const selection = useSelection();
  const plan = useMemo(() => planIncidentAlerts(id, { profile }), [id, profile]);
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const [splitting, setSplitting] = useState(false);
  const [splitResult, setSplitResult] = useState<MoveResult | undefined>();
  const [merging, setMerging] = useState(false);
  const [merged, setMerged] = useState<MergeResult | undefined>();
  const splitRef = useRef<HTMLButtonElement>(null);

  const back = (
    <a class="back" href="#/incidents">
      ← Back to the queue
    </a>
  );
  if (incident.status === 'loading') return <p class="muted">Loading incident {id}…</p>;
  if (incident.status === 'error') {
    return (
      <p role="alert" class="error">
        Incident {id} could not be read. Close and reopen the panel.
      </p>
    );
  }
  const i = incident.data;
  if (!i) {
    return (
      <section class="details">
        {back}
        <h2>Incident {id} was not found</h2>
        <p class="muted">
          It may have been deleted, or the data was cleared. Search the queue for it by name or ID.
        </p>
      </section>
    );
  }
  if (!canReadIncident(profile, i)) {
    return (
      <section class="details">
        {back}
        <h2>Incident {id}</h2>
        <p role="alert">You don’t have access to this incident’s device groups.</p>
      </section>
    );
  }

  const select = (t: string) => {
    const p = new URLSearchParams(params);
    if (t === 'alerts') p.delete('tab');
    else p.set('tab', t);
    replaceParams(p);
  };
  const onTabKey = (e: KeyboardEvent, index: number) => {
    const next =
      e.key === 'ArrowRight'
        ? (index + 1) % TABS.length
        : e.key === 'ArrowLeft'
          ? (index + TABS.length - 1) % TABS.length
          : -1;
    if (next < 0) return;
    e.preventDefault();
    select(TABS[next]!.id);
    tabRefs.current[next]?.focus();
  };
  const tags = [...new Set([...(i.tags ?? []), ...(i.customTags ?? []), ...(i.systemTags ?? [])])];

  return (
    <section class="details" aria-labelledby="incident-title">
      {back}
      <h2 id="incident-title">{i.displayName}</h2>
      {i.status === 'redirected' && (
        <p class="notice" role="note">
          This incident was redirected (merged) into{' '}
          {i.redirectIncidentId ? (
            <a href={`#/incidents/${encodeURIComponent(i.redirectIncidentId)}`}>
              incident {i.redirectIncidentId}
            </a>
          ) : (
            'another incident'
          )}
          . Work on that one; alerts can’t be moved into this one.
        </p>
      )}
      <dl class="facts">
        <dt>ID</dt>
        <dd class="mono">{i.id}</dd>
        <dt>Severity</dt>
        <dd class={`sev sev-${i.severity}`}>{severityLabel(i.severity)}</dd>
        <dt>Status</dt>
        <dd>{incidentStatusLabel(i.status)}</dd>
        <dt>Assigned to</dt>
        <dd>{assigneeLabel(i.assignedTo)}</dd>
        <dt>Classification</dt>
        <dd>
          {i.classification ? humanize(i.classification) : 'Not set'}
          {i.determination && i.determination !== 'unknown' ? ` (${humanize(i.determination)})` : ''}
        </dd>
        <dt>Tags</dt>
        <dd>
          {tags.length
            ? tags.map((t) => (
                <span key={t} class="tag">
                  {t}
                </span>
              ))
            : 'None'}
        </dd>
        <dt>Alerts</dt>
        <dd>{plural(i.alertCount, 'alert')}</dd>
        <dt>Categories</dt>
        <dd>{i.categories.map(categoryName).join(', ') || 'None'}</dd>
        <dt>Service sources</dt>
        <dd>{i.serviceSources.map(serviceSourceLabel).join(', ') || 'None'}</dd>
        <dt>Impacted assets</dt>
        <dd>{i.assets.join(', ') || 'None'}</dd>
        <dt>Created</dt>
        <dd>{formatTime(i.createdDateTime)}</dd>
        <dt>Last update</dt>
        <dd>{formatTime(i.lastUpdateDateTime)}</dd>
      </dl>
      {i.description && <p class="description">{i.description}</p>}
      {splitResult && <MoveStatus result={splitResult} onDismiss={() => setSplitResult(undefined)} />}
      {i.status !== 'redirected' && (
        <div class="details-actions">
          <button
            ref={splitRef}
            type="button"
            aria-haspopup="dialog"
            onClick={() => {
              setSplitResult(undefined);
              setSplitting(true);
            }}
          >
            Split incident
          </button>
          <button
            type="button"
            aria-haspopup="dialog"
            onClick={() => {
              setMerged(undefined);
              setMerging(true);
            }}
          >
            Merge incidents
          </button>
        </div>
      )}
      {merged && <MergeStatus result={merged} onDismiss={() => setMerged(undefined)} />}
      {merging && (
        <MergeDialog
          incidentIds={[i.id]}
          pickOther
          onClose={() => setMerging(false)}
          onMerged={(r) => {
            setMerging(false);
            setMerged(r);
          }}
        />
      )}
      {splitting && (
        <SplitDialog
          incidentId={i.id}
          onClose={() => {
            setSplitting(false);
            queueMicrotask(() => splitRef.current?.focus());
          }}
          onSplit={(r) => {
            setSplitting(false);
            setSplitResult(r);
          }}
        />
      )}

      <div class="tabs" role="tablist" aria-label="Incident">
        {TABS.map((t, index) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[index] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => select(t.id)}
            onKeyDown={(e) => onTabKey(e, index)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div class="tabpanel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'alerts' ? (
          <>
            <SelectionToolbar selection={selection} />
            <AlertsTable
              plan={plan}
              selection={selection}
              listKey={`incident:${i.id}`}
              empty={
                <p class="queue-empty muted">
                  {i.alertCount > 0
                    ? 'None of its alerts are in device groups you can see.'
                    : 'This incident has no alerts left.'}
                </p>
              }
            />
          </>
        ) : (
          <ActivityLog incidentId={i.id} />
        )}
      </div>
    </section>
  );
}
