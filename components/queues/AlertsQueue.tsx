/** The alerts queue (`#/alerts`): its filters, search and sort live in the URL hash. */
import { useMemo } from 'preact/hooks';
import { filtersToParams, parseFilters, planAlerts, type QueueFilters } from '@/lib/store/queue';
import { replaceParams } from '../hooks/use-hash-route';
import { useProfile } from '../hooks/use-profile';
import { AlertsTable } from './AlertsTable';
import { FiltersPanel, SearchBox } from './FiltersPanel';
import { SelectionToolbar } from './SelectionToolbar';
import { SortPicker } from './SortPicker';
import { useNow } from './use-queue';
import { useSelection } from './use-selection';

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
