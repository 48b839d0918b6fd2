/**
 * The alerts queue (`#/alerts`) and the alerts table it shares with the incident's Alerts tab: virtualized,
 * read a window at a time through the indexes, every row with its `Select alert …` checkbox.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useMemo, useState } from 'preact/hooks';
import type { Alert } from '@/lib/model';
import { assetsOf } from '@/lib/model/derive';
import {
  filtersToParams,
  parseFilters,
  planAlerts,
  type QueueFilters,
  type QueuePlan,
  SCAN_CAP,
} from '@/lib/store/queue';
import { useDb } from '../hooks/db-context';
import { replaceParams } from '../hooks/use-hash-route';
import { useLiveQuery } from '../hooks/use-live-query';
import { useProfile } from '../hooks/use-profile';
import {
  alertStatusLabel,
  categoryName,
  count,
  detectionSourceLabel,
  formatTime,
  serviceSourceLabel,
  severityLabel,
  shortList,
} from '../labels/format';
import { FiltersPanel, SearchBox } from './FiltersPanel';
import { SelectionToolbar } from './SelectionToolbar';
import { type QueueView, useNow, useQueue } from './use-queue';
import { clickSelect, SELECT_CAP, type Selection, useSelection } from './use-selection';
import { VirtualTable } from './VirtualTable';

export const ROW_HEIGHT = 36;

export function AlertsQueue({ params }: { params: URLSearchParams }) {
  const query = params.toString();
  const filters = useMemo(() => parseFilters('alerts', params), [query]);
  const { profile } = useProfile();
  const now = useNow(query);
  const plan = useMemo(() => planAlerts(filters, { profile, now }), [filters, profile, now]);
  const selection = useSelection();
  const update = (f: QueueFilters) => replaceParams(filtersToParams('alerts', f));

  return (
    <section class="queue" aria-labelledby="alerts-heading">
      <div class="queue-head">
        <h2 id="alerts-heading">Alerts</h2>
        <SearchBox
          label="Search for title or ID"
          value={filters.q}
          onSearch={(q) => update({ ...filters, q })}
        />
        <SortPicker
          value={filters.sort}
          dir={filters.dir}
          options={{ lastActivity: 'Last activity', created: 'Created' }}
          onChange={(sort, dir) => update({ ...filters, sort, dir })}
        />
      </div>
      <FiltersPanel kind="alerts" filters={filters} onChange={update} />
      <SelectionToolbar selection={selection} />
      <AlertsTable
        plan={plan}
        selection={selection}
        listKey={`alerts:${plan.key}`}
        showIncident
        sortDir={filters.sort === 'lastActivity' ? filters.dir : undefined}
        onSortLastActivity={() =>
          update({
            ...filters,
            sort: 'lastActivity',
            dir: filters.sort === 'lastActivity' && filters.dir === 'desc' ? 'asc' : 'desc',
          })
        }
        empty={
          <div class="queue-empty">
            <p>No alerts match these filters{filters.q ? ` and the search “${filters.q}”` : ''}.</p>
            <p class="muted">Widen the time range or clear some filters.</p>
          </div>
        }
      />
    </section>
  );
}

/** "Sort by" for the indexed orders, with the direction. */
export function SortPicker({
  value,
  dir,
  options,
  onChange,
}: {
  value: string;
  dir: 'asc' | 'desc';
  options: Record<string, string>;
  onChange(sort: string, dir: 'asc' | 'desc'): void;
}) {
  return (
    <label class="sort">
      Sort by{' '}
      <select
        value={`${value}:${dir}`}
        onChange={(e) => {
          const [s, d] = e.currentTarget.value.split(':');
          onChange(s!, d === 'asc' ? 'asc' : 'desc');
        }}
      >
        {Object.entries(options).flatMap(([k, label]) => [
          <option key={`${k}:desc`} value={`${k}:desc`}>
            {label}, newest first
          </option>,
          <option key={`${k}:asc`} value={`${k}:asc`}>
            {label}, oldest first
          </option>,
        ])}
      </select>
    </label>
  );
}

/** What the status line says about a queue: its count, or how counting is going, or why it stopped. */
export function QueueStatus({ view, noun }: { view: QueueView<unknown>; noun: [string, string] }) {
  const [one, many] = noun;
  if (view.error) {
    return (
      <p role="alert" class="error">
        The {many} could not be read. Close and reopen the panel; if it happens again, reload the extension.
      </p>
    );
  }
  const c = view.count;
  return (
    <div class="queue-status">
      <span role="status">{c ? count(c.total, one, many) : view.loading ? `Loading ${many}…` : ''}</span>
      {!c && !view.loading && (
        <span class="muted">
          {' '}
          Counting…
          {view.progress &&
            (view.plan.match
              ? ` ${count(view.progress.matched, one, many)} found so far in ${view.progress.examined.toLocaleString('en')} checked.`
              : ` ${view.progress.matched.toLocaleString('en')} so far.`)}
        </span>
      )}
      {c?.capped && (
        <span class="warn">
          {' '}
          Only the first {SCAN_CAP.toLocaleString('en')} {many} in this time range were searched; narrow the
          time range to see the rest.
        </span>
      )}
    </div>
  );
}

interface AlertsTableProps {
  plan: QueuePlan<Alert>;
  selection: Selection;
  /** Identity of the list for Shift-click ranges (changes with the filters). */
  listKey: string;
  showIncident?: boolean;
  label?: string;
  empty: ComponentChildren;
  sortDir?: 'asc' | 'desc';
  onSortLastActivity?(): void;
}

export function AlertsTable({
  plan,
  selection,
  listKey,
  showIncident,
  label = 'Alerts',
  empty,
  sortDir,
  onSortLastActivity,
}: AlertsTableProps) {
  const db = useDb();
  const view = useQueue(plan);
  const [note, setNote] = useState<string | undefined>();
  const [range, setRange] = useState<[number, number]>([0, 0]);

  // Names of the incidents the rows on screen belong to (a handful of gets, live).
  const visible: Alert[] = [];
  for (let i = range[0]; i <= range[1]; i++) {
    const a = view.rowAt(i);
    if (a) visible.push(a);
  }
  const incidentIds = showIncident ? [...new Set(visible.map((a) => a.incidentId))].sort() : [];
  const idsKey = incidentIds.join('\n');
  const names = useLiveQuery(async () => {
    const rows = await db.incidents.bulkGet(incidentIds);
    return new Map(rows.flatMap((r) => (r ? [[r.id, r.displayName] as const] : [])));
  }, [db, idsKey]);

  const total = view.rowCount;
  const loadedSelected = visible.length > 0 && visible.every((a) => selection.has(a.id));
  const allSelected =
    !!view.count && total > 0 && loadedSelected && selection.size >= Math.min(total, SELECT_CAP);
  const someSelected = !allSelected && visible.some((a) => selection.has(a.id));

  const selectAll = async () => {
    if (!view.count) return;
    const n = Math.min(view.count.total, SELECT_CAP);
    const ids = await view.readIds(0, n);
    selection.setMany(ids, !allSelected);
    setNote(
      !allSelected && view.count.total > SELECT_CAP
        ? `Selected the first ${SELECT_CAP.toLocaleString('en')}; narrow the filters to select the rest.`
        : undefined,
    );
  };

  const showIncidentCol = !!showIncident;
  const colSpan = showIncidentCol ? 12 : 11;
  const setQueueRange = view.setRange;
  const onRange = useCallback(
    (s: number, e: number) => {
      setQueueRange(s, e);
      setRange((r) => (r[0] === s && r[1] === e ? r : [s, e]));
    },
    [setQueueRange],
  );

  return (
    <div class="queue-body">
      <QueueStatus view={view as QueueView<unknown>} noun={['alert', 'alerts']} />
      {note && <p class="muted">{note}</p>}
      <VirtualTable
        label={label}
        count={total}
        itemHeight={ROW_HEIGHT}
        colSpan={colSpan}
        resetKey={plan.key}
        busy={view.loading || !view.count}
        onRange={onRange}
        getItemKey={(i) => view.rowAt(i)?.id ?? `row-${i}`}
        colgroup={null}
        head={
          <>
            <th scope="col" class="c-select">
              <input
                type="checkbox"
                aria-label="Select all alerts"
                title="Select all alerts in this view"
                checked={allSelected}
                indeterminate={someSelected}
                disabled={!view.count || total === 0}
                onChange={() => void selectAll()}
              />
            </th>
            <th scope="col" class="c-title">
              Title
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
            <th scope="col" class="c-cat">
              Category
            </th>
            <th scope="col" class="c-det">
              Detection source
            </th>
            <th scope="col" class="c-src">
              Service source
            </th>
            <th scope="col" class="c-assets">
              Impacted assets
            </th>
            {showIncidentCol && (
              <th scope="col" class="c-inc">
                Incident
              </th>
            )}
            <th scope="col" class="c-time c-first">
              First activity
            </th>
            <th
              scope="col"
              class="c-time"
              aria-sort={sortDir ? (sortDir === 'desc' ? 'descending' : 'ascending') : undefined}
            >
              {onSortLastActivity ? (
                <button type="button" class="th-sort" onClick={onSortLastActivity}>
                  Last activity {sortDir === 'desc' ? '↓' : sortDir === 'asc' ? '↑' : ''}
                </button>
              ) : (
                'Last activity'
              )}
            </th>
          </>
        }
        empty={
          view.count && view.count.total === 0 ? (
            empty
          ) : view.loading ? (
            <p class="queue-empty muted">Loading alerts…</p>
          ) : null
        }
        renderItem={(index) => {
          const a = view.rowAt(index);
          if (!a) {
            return (
              <tr key={`row-${index}`} data-index={index} class="vt-row vt-loading" aria-rowindex={index + 2}>
                <td class="c-select" />
                <td class="c-title muted">Loading…</td>
              </tr>
            );
          }
          const checked = selection.has(a.id);
          const { devices, users } = assetsOf(a);
          return (
            <tr
              key={a.id}
              data-index={index}
              data-nav
              data-key={`a:${a.id}`}
              data-alert-id={a.id}
              aria-rowindex={index + 2}
              class={`vt-row${checked ? ' selected' : ''}`}
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
                      view.readIds,
                    )
                  }
                />
              </td>
              <td class="c-title">
                <a data-open href={`#/alerts/${encodeURIComponent(a.id)}`} title={a.title}>
                  {a.title}
                </a>
              </td>
              <td class="c-id mono" title={a.id}>
                {a.id}
              </td>
              <td class={`c-sev sev sev-${a.severity}`}>{severityLabel(a.severity)}</td>
              <td class="c-status">{alertStatusLabel(a.status)}</td>
              <td class="c-cat">{categoryName(a.category)}</td>
              <td class="c-det">{detectionSourceLabel(a.detectionSource)}</td>
              <td class="c-src">{serviceSourceLabel(a.serviceSource)}</td>
              <td class="c-assets" title={[...devices, ...users].join(', ')}>
                {shortList([...devices, ...users])}
              </td>
              {showIncidentCol && (
                <td class="c-inc">
                  <a
                    href={`#/incidents/${encodeURIComponent(a.incidentId)}`}
                    title={names.data?.get(a.incidentId)}
                  >
                    {names.data?.get(a.incidentId) ?? a.incidentId}
                  </a>
                </td>
              )}
              <td class="c-time c-first">{formatTime(a.firstActivityDateTime)}</td>
              <td class="c-time">{formatTime(a.lastActivityDateTime)}</td>
            </tr>
          );
        }}
      />
    </div>
  );
}
