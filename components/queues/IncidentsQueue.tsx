/**
 * The incidents queue (`#/incidents`): virtualized, read a window at a time through the indexes; each
 * incident expands to show its alerts inline, with checkboxes for the move toolbar.
 */
import { useCallback, useMemo, useState } from 'preact/hooks';
import { filtersToParams, parseFilters, planIncidents, type QueueFilters } from '@/lib/store/queue';
import { replaceParams } from '../hooks/use-hash-route';
import { useProfile } from '../hooks/use-profile';
import { IncidentSelectionBar } from '../merge/IncidentSelectionBar';
import { MergedSearchNote } from '../merge/MergedSearchNote';
import { FiltersPanel, SearchBox } from './FiltersPanel';
import { IncidentGroup, IncidentsHeadCells, LoadingIncidentGroup } from './IncidentRows';
import { InlineAlerts } from './InlineAlerts';
import { QueueStatus } from './QueueStatus';
import { SelectionToolbar } from './SelectionToolbar';
import { SortPicker } from './SortPicker';
import { type QueueView, useNow, useQueue } from './use-queue';
import { clickSelect, useSelection } from './use-selection';
import { ROW_HEIGHT, VirtualTable } from './VirtualTable';

const COLS = 11;

export function IncidentsQueue({ params }: { params: URLSearchParams }) {
  const query = params.toString();
  const filters = useMemo(() => parseFilters('incidents', params), [query]);
  const { profile, loaded } = useProfile();
  const now = useNow(query);
  const plan = useMemo(() => planIncidents(filters, { profile, now }), [filters, profile, now]);
  const selection = useSelection();
  // Incidents selected to merge: a selection of its own, so alert moves and merges never mix.
  const incidents = useSelection();
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
  const shownIncidentIds: string[] = [];
  for (let k = 0; k < view.rowCount && shownIncidentIds.length < 200; k++) {
    const row = view.rowAt(k);
    if (row) shownIncidentIds.push(row.id);
  }
  const allIncidents = shownIncidentIds.length > 0 && shownIncidentIds.every((id) => incidents.has(id));
  const someIncidents = !allIncidents && shownIncidentIds.some((id) => incidents.has(id));

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
      {filters.q && <MergedSearchNote query={filters.q} />}
      <IncidentSelectionBar selection={incidents} />
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
            <IncidentsHeadCells
              allSelected={allSelected}
              someSelected={someSelected}
              selectDisabled={visibleAlertIds.length === 0}
              onSelectAll={() => selection.setMany(visibleAlertIds, !allSelected)}
              incidentsSelection={{
                all: allIncidents,
                some: someIncidents,
                disabled: shownIncidentIds.length === 0,
                onToggle: () => incidents.setMany(shownIncidentIds, !allIncidents),
              }}
              sortDir={filters.sort === 'lastUpdate' ? filters.dir : undefined}
              onSortLastUpdate={() =>
                update({
                  ...filters,
                  sort: 'lastUpdate',
                  dir: filters.sort === 'lastUpdate' && filters.dir === 'desc' ? 'asc' : 'desc',
                })
              }
            />
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
            if (!incident)
              return <LoadingIncidentGroup key={`row-${index}`} index={index} measure={measure} />;
            return (
              <IncidentGroup
                key={incident.id}
                index={index}
                measure={measure}
                incident={incident}
                expanded={expanded.has(incident.id)}
                onToggle={() => toggle(incident.id)}
                selected={incidents.has(incident.id)}
                onSelect={(checked, shiftKey) =>
                  void clickSelect(
                    incidents,
                    'incidents',
                    index,
                    incident.id,
                    checked,
                    shiftKey,
                    view.readIds,
                  )
                }
              >
                <InlineAlerts incident={incident} selection={selection} profile={profile} onShown={onShown} />
              </IncidentGroup>
            );
          }}
        />
      </div>
    </section>
  );
}
