/** The alerts table's header cells and rows, from props alone (AlertsTable reads the data and the selection). */
import type { Alert } from '@/lib/model';
import { assetsOf } from '@/lib/model/derive';
import {
  alertStatusLabel,
  categoryName,
  detectionSourceLabel,
  formatTime,
  serviceSourceLabel,
  severityLabel,
  shortList,
} from '../labels/format';

export function AlertsHeadCells({
  showIncident,
  allSelected,
  someSelected,
  selectDisabled,
  onSelectAll,
  sortDir,
  onSortLastActivity,
}: {
  showIncident: boolean;
  allSelected: boolean;
  someSelected: boolean;
  selectDisabled: boolean;
  onSelectAll(): void;
  sortDir?: 'asc' | 'desc';
  onSortLastActivity?(): void;
}) {
  return (
    <>
      <th scope="col" class="c-select">
        <input
          type="checkbox"
          aria-label="Select all alerts"
          title="Select all alerts in this view"
          checked={allSelected}
          indeterminate={someSelected}
          disabled={selectDisabled}
          onChange={onSelectAll}
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
      {showIncident && (
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
  );
}

/** A row whose alert is still being read. */
export function LoadingAlertRow({ index }: { index: number }) {
  return (
    <tr data-index={index} class="vt-row vt-loading" aria-rowindex={index + 2}>
      <td class="c-select" />
      <td class="c-title muted">Loading…</td>
    </tr>
  );
}

export function AlertRow({
  alert: a,
  index,
  checked,
  showIncident,
  incidentName,
  onSelect,
}: {
  alert: Alert;
  index: number;
  checked: boolean;
  showIncident: boolean;
  /** The name of the alert's incident, once read. */
  incidentName: string | undefined;
  /** The checkbox was clicked: its new state, and whether Shift was held (a range). */
  onSelect(checked: boolean, shiftKey: boolean): void;
}) {
  const { devices, users } = assetsOf(a);
  return (
    <tr
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
          onClick={(e) => onSelect(e.currentTarget.checked, e.shiftKey)}
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
      {showIncident && (
        <td class="c-inc">
          <a href={`#/incidents/${encodeURIComponent(a.incidentId)}`} title={incidentName}>
            {incidentName ?? a.incidentId}
          </a>
        </td>
      )}
      <td class="c-time c-first">{formatTime(a.firstActivityDateTime)}</td>
      <td class="c-time">{formatTime(a.lastActivityDateTime)}</td>
    </tr>
  );
}
