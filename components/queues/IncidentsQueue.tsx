/**
 * The incidents queue (`#/incidents`): virtualized, read a window at a time through the indexes; each
 * incident expands to show its alerts inline, with checkboxes for the move toolbar.
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Alert, Incident, Profile } from '@/lib/model';
import { assetsOf } from '@/lib/model/derive';
import {
  countQueue,
  filtersToParams,
  parseFilters,
  planIncidentAlerts,
  planIncidents,
  type QueueFilters,
  readWindow,
} from '@/lib/store/queue';
import { useDb } from '../hooks/db-context';
import { replaceParams } from '../hooks/use-hash-route';
import { useLiveQuery } from '../hooks/use-live-query';
import { useProfile } from '../hooks/use-profile';
import {
  alertStatusLabel,
  assigneeLabel,
  categoryName,
  formatTime,
  incidentStatusLabel,
  serviceSourceLabel,
  severityLabel,
  shortList,
} from '../labels/format';
import { QueueStatus, SortPicker } from './AlertsQueue';
import { FiltersPanel, SearchBox } from './FiltersPanel';
import { SelectionToolbar } from './SelectionToolbar';
import { type QueueView, useNow, useQueue } from './use-queue';
import { clickSelect, type Selection, useSelection } from './use-selection';
import { VirtualTable } from './VirtualTable';

const ROW_HEIGHT = 36;
/** Alerts shown inline under an expanded incident; the rest are on its page. */
const INLINE_ALERTS = 25;
const COLS = 11;

export function IncidentsQueue({ params }: { params: URLSearchParams }) {
  const query = params.toString();
  const filters = useMemo(() => parseFilters('incidents', params), [query]);
  const { profile, loaded } = useProfile();
  const now = useNow(query);
  const plan = useMemo(() => planIncidents(filters, { profile, now }), [filters, profile, now]);
  const selection = useSelection();
  const view = useQueue(plan);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  // Alerts shown under expanded incidents, for the header checkbox ("select all visible").
  const [shownAlerts, setShownAlerts] = useState<ReadonlyMap<string, string[]>>(() => new Map());
  const update = (f: QueueFilters) => replaceParams(filtersToParams('incidents', f));

  const toggle = (id: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const onShown = useCallback(
    (incidentId: string, ids: string[] | undefined) =>
      setShownAlerts((prev) => {
        const before = prev.get(incidentId);
        if (ids && before && before.join('\n') === ids.join('\n')) return prev;
        if (!ids && !before) return prev;
        const next = new Map(prev);
        if (ids) next.set(incidentId, ids);
        else next.delete(incidentId);
        return next;
      }),
    [],
  );
  const visibleAlertIds = [...shownAlerts.values()].flat();
  const allSelected = visibleAlertIds.length > 0 && visibleAlertIds.every((id) => selection.has(id));
  const someSelected = !allSelected && visibleAlertIds.some((id) => selection.has(id));

  if (loaded && !profile.canViewIncidentsQueue) {
    return (
      <section class="queue">
        <h2>Incidents</h2>
        <p role="alert">
          You need the “View incidents queue” permission to see incidents. Ask your administrator, or change
          it in the extension’s options.
        </p>
      </section>
    );
  }

  return (
    <section class="queue" aria-labelledby="incidents-heading">
      <div class="queue-head">
        <h2 id="incidents-heading">Incidents</h2>
        <SearchBox
          label="Search for name or ID"
          value={filters.q}
          onSearch={(q) => update({ ...filters, q })}
        />
        <SortPicker
          value={filters.sort}
          dir={filters.dir}
          options={{ lastUpdate: 'Last update', created: 'Created' }}
          onChange={(sort, dir) => update({ ...filters, sort, dir })}
        />
      </div>
      <FiltersPanel kind="incidents" filters={filters} onChange={update} />
      <SelectionToolbar selection={selection} />
      <div class="queue-body">
        <QueueStatus view={view as QueueView<unknown>} noun={['incident', 'incidents']} />
        <VirtualTable
          label="Incidents"
          class="incidents-table"
          count={view.rowCount}
          itemHeight={ROW_HEIGHT}
          groups
          colSpan={COLS}
          resetKey={plan.key}
          busy={view.loading || !view.count}
          onRange={view.setRange}
          getItemKey={(i) => view.rowAt(i)?.id ?? `row-${i}`}
          colgroup={null}
          head={
            <>
              <th scope="col" class="c-select">
                <input
                  type="checkbox"
                  aria-label="Select all alerts in expanded incidents"
                  title="Select all alerts shown under expanded incidents"
                  checked={allSelected}
                  indeterminate={someSelected}
                  disabled={visibleAlertIds.length === 0}
                  onChange={() => selection.setMany(visibleAlertIds, !allSelected)}
                />
              </th>
              <th scope="col" class="c-title">
                Incident name
              </th>
              <th scope="col" class="c-id">
                ID
              </th>
              <th scope="col" class="c-sev">
                Severity
              </th>
              <th scope="col" class="c-status">
                Status
              </th>
              <th scope="col" class="c-count">
                Alerts
              </th>
              <th scope="col" class="c-cat">
                Categories
              </th>
              <th scope="col" class="c-assets">
                Impacted assets
              </th>
              <th scope="col" class="c-src">
                Service sources
              </th>
              <th scope="col" class="c-assigned">
                Assigned to
              </th>
              <th
                scope="col"
                class="c-time"
                aria-sort={
                  filters.sort === 'lastUpdate'
                    ? filters.dir === 'desc'
                      ? 'descending'
                      : 'ascending'
                    : undefined
                }
              >
                <button
                  type="button"
                  class="th-sort"
                  onClick={() =>
                    update({
                      ...filters,
                      sort: 'lastUpdate',
                      dir: filters.sort === 'lastUpdate' && filters.dir === 'desc' ? 'asc' : 'desc',
                    })
                  }
                >
                  Last update {filters.sort === 'lastUpdate' ? (filters.dir === 'desc' ? '↓' : '↑') : ''}
                </button>
              </th>
            </>
          }
          empty={
            view.count?.total === 0 ? (
              <div class="queue-empty">
                <p>No incidents match these filters{filters.q ? ` and the search “${filters.q}”` : ''}.</p>
                <p class="muted">Widen the time range or clear some filters.</p>
              </div>
            ) : view.loading ? (
              <p class="queue-empty muted">Loading incidents…</p>
            ) : null
          }
          renderItem={(index, measure) => {
            const incident = view.rowAt(index);
            if (!incident) {
              return (
                <tbody key={`row-${index}`} data-index={index} ref={measure}>
                  <tr class="vt-row vt-loading">
                    <td class="c-select" />
                    <td class="c-title muted">Loading…</td>
                  </tr>
                </tbody>
              );
            }
            return (
              <IncidentGroup
                key={incident.id}
                index={index}
                measure={measure}
                incident={incident}
                expanded={expanded.has(incident.id)}
                onToggle={() => toggle(incident.id)}
                selection={selection}
                profile={profile}
                onShown={onShown}
              />
            );
          }}
        />
      </div>
    </section>
  );
}

interface GroupProps {
  index: number;
  measure(el: Element | null): void;
  incident: Incident;
  expanded: boolean;
  onToggle(): void;
  selection: Selection;
  profile: Profile;
  onShown(incidentId: string, ids: string[] | undefined): void;
}

function IncidentGroup({
  index,
  measure,
  incident: i,
  expanded,
  onToggle,
  selection,
  profile,
  onShown,
}: GroupProps) {
  const href = `#/incidents/${encodeURIComponent(i.id)}`;
  return (
    <tbody data-index={index} ref={measure} class={expanded ? 'expanded' : undefined}>
      <tr data-nav data-key={`i:${i.id}`} data-incident-id={i.id} class="vt-row incident-row">
        <td class="c-select">
          <button
            type="button"
            class="expand"
            data-expand
            aria-expanded={expanded}
            aria-label={`Expand incident ${i.id}`}
            onClick={onToggle}
          >
            <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>
          </button>
        </td>
        <td class="c-title">
          <a data-open href={href} title={i.displayName}>
            {i.displayName}
          </a>
        </td>
        <td class="c-id mono">{i.id}</td>
        <td class={`c-sev sev sev-${i.severity}`}>{severityLabel(i.severity)}</td>
        <td class="c-status">{incidentStatusLabel(i.status)}</td>
        <td class="c-count">{i.alertCount.toLocaleString('en')}</td>
        <td class="c-cat" title={i.categories.map(categoryName).join(', ')}>
          {shortList(i.categories.map(categoryName))}
        </td>
        <td class="c-assets" title={i.assets.join(', ')}>
          {shortList(i.assets)}
        </td>
        <td class="c-src" title={i.serviceSources.map(serviceSourceLabel).join(', ')}>
          {shortList(i.serviceSources.map(serviceSourceLabel), 1)}
        </td>
        <td class="c-assigned">{assigneeLabel(i.assignedTo)}</td>
        <td class="c-time">{formatTime(i.lastUpdateDateTime)}</td>
      </tr>
      {expanded && <InlineAlerts incident={i} selection={selection} profile={profile} onShown={onShown} />}
    </tbody>
  );
}

/** The alerts of an expanded incident, as rows under it (the first INLINE_ALERTS; the rest on its page). */
function InlineAlerts({
  incident,
  selection,
  profile,
  onShown,
}: {
  incident: Incident;
  selection: Selection;
  profile: Profile;
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
    return (
      <tr class="sub-row">
        <td />
        <td class="c-title msg muted">Loading the incident’s alerts…</td>
      </tr>
    );
  }
  if (data.status === 'error') {
    return (
      <tr class="sub-row">
        <td />
        <td class="c-title msg error" role="alert">
          The incident’s alerts could not be read.
        </td>
      </tr>
    );
  }
  const { rows, total } = data.data;
  return (
    <>
      {rows.length === 0 && (
        <tr class="sub-row">
          <td />
          <td class="c-title msg muted">
            {incident.alertCount > 0
              ? 'None of its alerts are in device groups you can see.'
              : 'This incident has no alerts.'}
          </td>
        </tr>
      )}
      {rows.map((a: Alert, index) => {
        const checked = selection.has(a.id);
        const { devices, users } = assetsOf(a);
        return (
          <tr
            key={a.id}
            data-nav
            data-key={`a:${a.id}`}
            data-alert-id={a.id}
            class={`vt-row sub-row${checked ? ' selected' : ''}`}
          >
            <td class="c-select">
              <input
                type="checkbox"
                data-select
                aria-label={`Select alert ${a.title}`}
                checked={checked}
                onClick={(e) =>
                  void clickSelect(
                    selection,
                    listKey,
                    index,
                    a.id,
                    e.currentTarget.checked,
                    e.shiftKey,
                    idsBetween,
                  )
                }
              />
            </td>
            <td class="c-title sub-title">
              <a data-open href={`#/alerts/${encodeURIComponent(a.id)}`} title={a.title}>
                {a.title}
              </a>
            </td>
            <td class="c-id mono" title={a.id}>
              {a.id}
            </td>
            <td class={`c-sev sev sev-${a.severity}`}>{severityLabel(a.severity)}</td>
            <td class="c-status">{alertStatusLabel(a.status)}</td>
            <td class="c-count" />
            <td class="c-cat">{categoryName(a.category)}</td>
            <td class="c-assets">{shortList([...devices, ...users])}</td>
            <td class="c-src">{serviceSourceLabel(a.serviceSource)}</td>
            <td class="c-assigned">{a.assignedTo ?? ''}</td>
            <td class="c-time">{formatTime(a.lastActivityDateTime)}</td>
          </tr>
        );
      })}
      {total > rows.length && (
        <tr class="sub-row">
          <td />
          <td class="c-title msg">
            <a href={`#/incidents/${encodeURIComponent(incident.id)}`}>
              Open incident {incident.id} for the other {(total - rows.length).toLocaleString('en')}
            </a>
          </td>
        </tr>
      )}
    </>
  );
}
