/**
 * Search box and filters over a queue. Every change goes straight to the URL hash (the queue reads its
 * filters from there), so a view can be linked and survives a reload.
 */
import { useEffect, useId, useState } from 'preact/hooks';
import { ALERT_STATUSES, INCIDENT_STATUSES, KILL_CHAIN, SERVICE_SOURCES } from '@/lib/model';
import {
  DEFAULT_FILTERS,
  distinctValues,
  FILTERS_OF,
  type ListFilter,
  type QueueFilters,
  type QueueKind,
  TIME_RANGES,
  type TimeRange,
  UNASSIGNED,
} from '@/lib/store/queue';
import { useDb } from '../hooks/db-context';

import { useLiveQuery } from '../hooks/use-live-query';
import {
  alertStatusLabel,
  assigneeLabel,
  categoryName,
  DETECTION_SOURCES,
  detectionSourceLabel,
  formatDay,
  incidentStatusLabel,
  serviceSourceLabel,
  severityLabel,
  TIME_RANGE_LABELS,
  TIME_RANGE_PHRASES,
} from '../labels/format';

/** Also here for the queues that import it with the filters. */
export { SearchBox } from './SearchBox';

const SEVERITY_VALUES = ['high', 'medium', 'low', 'informational', 'unknown'];

const TITLES: Record<ListFilter, string> = {
  status: 'Status',
  severity: 'Severity',
  source: 'Service source',
  detection: 'Detection source',
  category: 'Category',
  group: 'Device group',
  assigned: 'Assigned to',
  tag: 'Tags',
};

function labelFor(kind: QueueKind, name: ListFilter, value: string): string {
  switch (name) {
    case 'status':
      return kind === 'incidents' ? incidentStatusLabel(value) : alertStatusLabel(value);
    case 'severity':
      return severityLabel(value);
    case 'source':
      return serviceSourceLabel(value);
    case 'detection':
      return detectionSourceLabel(value);
    case 'category':
      return categoryName(value);
    case 'assigned':
      return assigneeLabel(value);
    default:
      return value;
  }
}

/** One line saying what the queue shows, e.g. "Status: Active, In progress · Severity: High · 6 months". */
export function describeFilters(kind: QueueKind, f: QueueFilters): string {
  const parts: string[] = [];
  for (const name of FILTERS_OF[kind]) {
    const values = f[name];
    if (values.length)
      parts.push(`${TITLES[name]}: ${values.map((v) => labelFor(kind, name, v)).join(', ')}`);
  }
  if (f.range === 'custom') {
    parts.push(
      f.from && f.to
        ? `${formatDay(f.from)} to ${formatDay(f.to)}`
        : f.from
          ? `Since ${formatDay(f.from)}`
          : `Until ${formatDay(f.to)}`,
    );
  } else parts.push(TIME_RANGE_PHRASES[f.range]);
  return parts.join(' · ');
}

interface PanelProps {
  kind: QueueKind;
  filters: QueueFilters;
  onChange(f: QueueFilters): void;
}

/** The `Filters` disclosure: checkbox groups per filter, the time range, and Reset. */
export function FiltersPanel({ kind, filters, onChange }: PanelProps) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const d = DEFAULT_FILTERS[kind];
  const changed =
    FILTERS_OF[kind].filter((n) => !sameSet(filters[n], d[n])).length + (filters.range !== d.range ? 1 : 0);
  const isDefault = changed === 0;
  return (
    <div class="filters">
      <div class="filters-line">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={`${id}-panel`}
          onClick={() => setOpen(!open)}
        >
          Filters{changed ? ` (${changed} changed)` : ''}
        </button>
        <span class="muted filters-summary">{describeFilters(kind, filters)}</span>
        {!isDefault && (
          <button
            type="button"
            class="link"
            onClick={() =>
              onChange({ ...DEFAULT_FILTERS[kind], q: filters.q, sort: filters.sort, dir: filters.dir })
            }
          >
            Reset filters
          </button>
        )}
      </div>
      {open && (
        <section id={`${id}-panel`} class="filters-panel" aria-label="Filters">
          <PanelBody kind={kind} filters={filters} onChange={onChange} />
        </section>
      )}
    </div>
  );
}

function sameSet(a: readonly string[], b: readonly string[]) {
  return a.length === b.length && a.every((v) => b.includes(v));
}

function PanelBody({ kind, filters, onChange }: PanelProps) {
  const db = useDb();
  // Values present in the store, read from index keys only (no records): device groups, sources, people.
  const options = useLiveQuery(async () => {
    const [groups, sources, categories, assignees] = await Promise.all([
      distinctValues(db, 'alerts', 'scope'),
      distinctValues(db, 'alerts', 'serviceSource'),
      distinctValues(db, 'alerts', 'category'),
      distinctValues(db, 'incidents', 'assignedTo'),
    ]);
    return { groups, sources, categories, assignees };
  }, [db]);
  const o = options.data;
  const union = (
    known: readonly string[],
    more: readonly string[] | undefined,
    chosen: readonly string[],
  ) => [...new Set([...known, ...(more ?? []), ...chosen])];
  const values: Record<ListFilter, string[]> = {
    status: union(kind === 'incidents' ? INCIDENT_STATUSES : ALERT_STATUSES, [], filters.status),
    severity: union(SEVERITY_VALUES, [], filters.severity),
    source: union(SERVICE_SOURCES, o?.sources, filters.source),
    detection: union(DETECTION_SOURCES, [], filters.detection),
    category: union(KILL_CHAIN, o?.categories, filters.category),
    group: union([], o?.groups, filters.group),
    assigned: union([UNASSIGNED], o?.assignees, filters.assigned),
    tag: [],
  };
  const set = (name: ListFilter, value: string, on: boolean) => {
    const current = filters[name];
    const next = on ? [...current, value] : current.filter((v) => v !== value);
    onChange({ ...filters, [name]: next });
  };
  return (
    <>
      <TimeRangeField filters={filters} onChange={onChange} />
      {FILTERS_OF[kind].map((name) =>
        name === 'tag' ? (
          <TagField key={name} tags={filters.tag} onChange={(tag) => onChange({ ...filters, tag })} />
        ) : (
          <fieldset key={name} class="filter-group">
            <legend>{TITLES[name]}</legend>
            {name === 'group' && options.status === 'loading' && <span class="muted">Loading…</span>}
            {name === 'group' && o && values.group.length === 0 && (
              <span class="muted">No device groups yet.</span>
            )}
            {values[name].map((value) => (
              <label key={value} class="check">
                <input
                  type="checkbox"
                  checked={filters[name].includes(value)}
                  onChange={(e) => set(name, value, e.currentTarget.checked)}
                />
                {labelFor(kind, name, value)}
              </label>
            ))}
            {filters[name].length > 0 && (
              <button type="button" class="link" onClick={() => onChange({ ...filters, [name]: [] })}>
                Any {TITLES[name].toLowerCase()}
              </button>
            )}
          </fieldset>
        ),
      )}
    </>
  );
}

function TimeRangeField({ filters, onChange }: { filters: QueueFilters; onChange(f: QueueFilters): void }) {
  const name = useId();
  const today = new Date().toISOString().slice(0, 10);
  const pick = (range: TimeRange) =>
    onChange(
      range === 'custom'
        ? { ...filters, range, from: filters.from || today, to: filters.to || today }
        : { ...filters, range, from: '', to: '' },
    );
  return (
    <fieldset class="filter-group">
      <legend>Time range</legend>
      {TIME_RANGES.map((r) => (
        <label key={r} class="check">
          <input type="radio" name={name} checked={filters.range === r} onChange={() => pick(r)} />
          {TIME_RANGE_LABELS[r]}
        </label>
      ))}
      {filters.range === 'custom' && (
        <div class="custom-range">
          <label>
            From{' '}
            <input
              type="date"
              value={filters.from}
              max={filters.to || undefined}
              onChange={(e) => onChange({ ...filters, from: e.currentTarget.value })}
            />
          </label>
          <label>
            To{' '}
            <input
              type="date"
              value={filters.to}
              min={filters.from || undefined}
              onChange={(e) => onChange({ ...filters, to: e.currentTarget.value })}
            />
          </label>
        </div>
      )}
    </fieldset>
  );
}

function TagField({ tags, onChange }: { tags: string[]; onChange(tags: string[]): void }) {
  const [text, setText] = useState(tags.join(', '));
  const joined = tags.join(', ');
  useEffect(() => setText(joined), [joined]);
  const commit = () => {
    const next = [
      ...new Set(
        text
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ];
    if (next.join('\n') !== tags.join('\n')) onChange(next);
  };
  return (
    <fieldset class="filter-group">
      <legend>Tags</legend>
      <label>
        Tags (comma-separated){' '}
        <input
          type="text"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onBlur={commit}
          onKeyDown={(e) => e.key === 'Enter' && commit()}
        />
      </label>
    </fieldset>
  );
}
