/**
 * The incidents table's header cells, incident row groups and the alert rows shown under an expanded
 * incident, from props alone (IncidentsQueue and InlineAlerts read the data and the selection).
 */
import type { ComponentChildren } from 'preact';
import type { Alert, Incident } from '@/lib/model';
import { assetsOf } from '@/lib/model/derive';
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

export function IncidentsHeadCells({
  allSelected,
  someSelected,
  selectDisabled,
  onSelectAll,
  sortDir,
  onSortLastUpdate,
  incidentsSelection,
}: {
  /** The header checkbox over the incident rows shown (selection for `Merge incidents`). */
  incidentsSelection?: { all: boolean; some: boolean; disabled: boolean; onToggle(): void };
  allSelected: boolean;
  someSelected: boolean;
  selectDisabled: boolean;
  onSelectAll(): void;
  /** Set while the queue is sorted by last update. */
  sortDir: 'asc' | 'desc' | undefined;
  onSortLastUpdate(): void;
}) {
  return (
    <>
      <th scope="col" class="c-select two">
        <input
          type="checkbox"
          aria-label="Select all alerts in expanded incidents"
          title="Select all alerts shown under expanded incidents"
          checked={allSelected}
          indeterminate={someSelected}
          disabled={selectDisabled}
          onChange={onSelectAll}
        />
        {incidentsSelection && (
          <input
            type="checkbox"
            aria-label="Select all incidents shown"
            title="Select every incident row shown (to merge them)"
            checked={incidentsSelection.all}
            indeterminate={incidentsSelection.some}
            disabled={incidentsSelection.disabled}
            onChange={incidentsSelection.onToggle}
          />
        )}
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
        aria-sort={sortDir ? (sortDir === 'desc' ? 'descending' : 'ascending') : undefined}
      >
        <button type="button" class="th-sort" onClick={onSortLastUpdate}>
          Last update {sortDir ? (sortDir === 'desc' ? '↓' : '↑') : ''}
        </button>
      </th>
    </>
  );
}

/** A row group whose incident is still being read. */
export function LoadingIncidentGroup({
  index,
  measure,
}: {
  index: number;
  measure(el: Element | null): void;
}) {
  return (
    <tbody data-index={index} ref={measure}>
      <tr class="vt-row vt-loading">
        <td class="c-select two" />
        <td class="c-title muted">Loading…</td>
      </tr>
    </tbody>
  );
}

/** One incident as a row group: its row, then (when expanded) `children`, the rows of its alerts. */
export function IncidentGroup({
  index,
  measure,
  incident: i,
  expanded,
  onToggle,
  selected,
  onSelect,
  children,
}: {
  /** The incident's `Select incident <id>` checkbox (for `Merge incidents`), when the queue offers it. */
  selected?: boolean;
  onSelect?(checked: boolean, shiftKey: boolean): void;
  index: number;
  measure(el: Element | null): void;
  incident: Incident;
  expanded: boolean;
  onToggle(): void;
  children?: ComponentChildren;
}) {
  const href = `#/incidents/${encodeURIComponent(i.id)}`;
  return (
    <tbody data-index={index} ref={measure} class={expanded ? 'expanded' : undefined}>
      <tr
        data-nav
        data-key={`i:${i.id}`}
        data-incident-id={i.id}
        class={`vt-row incident-row${selected ? ' selected' : ''}`}
      >
        <td class="c-select two">
          {onSelect && (
            <input
              type="checkbox"
              aria-label={`Select incident ${i.id}`}
              checked={!!selected}
              onClick={(e) => onSelect(e.currentTarget.checked, e.shiftKey)}
            />
          )}
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
      {expanded && children}
    </tbody>
  );
}

/** A line of text under an expanded incident (loading, an error, none shown, the rest elsewhere). */
export function SubRowMessage({ tone, children }: { tone?: 'muted' | 'error'; children: ComponentChildren }) {
  return (
    <tr class="sub-row">
      <td />
      <td class={`c-title msg${tone ? ` ${tone}` : ''}`} role={tone === 'error' ? 'alert' : undefined}>
        {children}
      </td>
    </tr>
  );
}

/** An alert under an expanded incident, with its `Select alert …` checkbox. */
export function InlineAlertRow({
  alert: a,
  checked,
  onSelect,
}: {
  alert: Alert;
  checked: boolean;
  /** The checkbox was clicked: its new state, and whether Shift was held (a range). */
  onSelect(checked: boolean, shiftKey: boolean): void;
}) {
  const { devices, users } = assetsOf(a);
  return (
    <tr
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
          onClick={(e) => onSelect(e.currentTarget.checked, e.shiftKey)}
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
}
