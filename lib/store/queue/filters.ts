/**
 * A queue's filters, sort and search as the URL hash spells them: parsed leniently (anything malformed
 * falls back to the default) and written back as the shortest params, so a view can be linked.
 */

export type QueueKind = 'incidents' | 'alerts';

export const TIME_RANGES = ['1d', '3d', '7d', '30d', '6m', 'custom'] as const;
export type TimeRange = (typeof TIME_RANGES)[number];

export const SORTS = {
  incidents: { lastUpdate: 'lastUpdateDateTime', created: 'createdDateTime' },
  alerts: { lastActivity: 'lastActivityDateTime', created: 'createdDateTime' },
} as const;
export type SortKey<K extends QueueKind = QueueKind> = keyof (typeof SORTS)[K] & string;

/** Value of the `assigned` filter that stands for "no one". */
export const UNASSIGNED = '(unassigned)';

export interface QueueFilters {
  /** Each list: empty means "any". */
  status: string[];
  severity: string[];
  /** Service source (incident: any of its alerts'). */
  source: string[];
  /** Detection source (alerts only). */
  detection: string[];
  /** MITRE category (incident: any of its alerts'). */
  category: string[];
  /** Device group (alert scope; incident: any of its alerts'). */
  group: string[];
  /** Assigned to; `UNASSIGNED` for no one. */
  assigned: string[];
  /** Incident tags (tags, custom and system tags). Incidents only. */
  tag: string[];
  range: TimeRange;
  /** Custom range, `YYYY-MM-DD`, inclusive (UTC days). */
  from: string;
  to: string;
  /** Search: incident name or ID / alert title or ID. */
  q: string;
  sort: string;
  dir: 'asc' | 'desc';
}

export const LIST_FILTERS = [
  'status',
  'severity',
  'source',
  'detection',
  'category',
  'group',
  'assigned',
  'tag',
] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

const BASE: QueueFilters = {
  status: [],
  severity: [],
  source: [],
  detection: [],
  category: [],
  group: [],
  assigned: [],
  tag: [],
  range: '6m',
  from: '',
  to: '',
  q: '',
  sort: 'lastUpdate',
  dir: 'desc',
};

/** The defaults: incidents New/Active and In progress, High/Medium/Low, six months; alerts New and In progress, seven days. */
export const DEFAULT_FILTERS: Record<QueueKind, Readonly<QueueFilters>> = {
  incidents: {
    ...BASE,
    status: ['active', 'inProgress'],
    severity: ['high', 'medium', 'low'],
    range: '6m',
    sort: 'lastUpdate',
  },
  alerts: { ...BASE, status: ['new', 'inProgress'], range: '7d', sort: 'lastActivity' },
};

/** Filters that apply to each queue (the others are ignored in its URL). */
export const FILTERS_OF: Record<QueueKind, readonly ListFilter[]> = {
  incidents: ['status', 'severity', 'source', 'category', 'group', 'assigned', 'tag'],
  alerts: ['status', 'severity', 'source', 'detection', 'category', 'group', 'assigned'],
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_VALUES = 50;
const MAX_VALUE = 500;

/**
 * Reads filters from the hash's params. A missing param means the default; a param present once and
 * empty (`status=`) means "any". Anything malformed falls back to the default rather than failing.
 */
export function parseFilters(kind: QueueKind, params: URLSearchParams): QueueFilters {
  const d = DEFAULT_FILTERS[kind];
  const f: QueueFilters = { ...d };
  for (const name of FILTERS_OF[kind]) {
    if (!params.has(name)) continue;
    const values = params
      .getAll(name)
      .map((v) => v.trim())
      .filter((v) => v && v.length <= MAX_VALUE)
      .slice(0, MAX_VALUES);
    f[name] = [...new Set(values)];
  }
  const range = params.get('range');
  if (range && (TIME_RANGES as readonly string[]).includes(range)) f.range = range as TimeRange;
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  f.from = DAY.test(from) ? from : '';
  f.to = DAY.test(to) ? to : '';
  if (f.range === 'custom' && !f.from && !f.to) f.range = d.range;
  f.q = (params.get('q') ?? '').slice(0, MAX_VALUE);
  const sort = params.get('sort');
  if (sort && Object.hasOwn(SORTS[kind], sort)) f.sort = sort;
  const dir = params.get('dir');
  if (dir === 'asc' || dir === 'desc') f.dir = dir;
  return f;
}

/** The shortest params that read back as these filters (defaults left out), so links stay short. */
export function filtersToParams(kind: QueueKind, f: QueueFilters): URLSearchParams {
  const d = DEFAULT_FILTERS[kind];
  const p = new URLSearchParams();
  for (const name of FILTERS_OF[kind]) {
    const values = f[name];
    if (sameSet(values, d[name])) continue;
    if (values.length === 0) p.append(name, '');
    else for (const v of values) p.append(name, v);
  }
  if (f.range !== d.range) p.set('range', f.range);
  if (f.range === 'custom') {
    if (f.from) p.set('from', f.from);
    if (f.to) p.set('to', f.to);
  }
  if (f.q.trim()) p.set('q', f.q);
  if (f.sort !== d.sort) p.set('sort', f.sort);
  if (f.dir !== d.dir) p.set('dir', f.dir);
  return p;
}

export function isDefaultFilters(kind: QueueKind, f: QueueFilters): boolean {
  return filtersToParams(kind, f).toString() === '';
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((v) => s.has(v));
}

/** The time bounds of a range as ISO strings (inclusive); `''`/`'\uffff'` when open. */
export function timeBounds(
  f: Pick<QueueFilters, 'range' | 'from' | 'to'>,
  now: string,
): { since: string; until: string } {
  const end = '\uffff';
  if (f.range === 'custom') {
    return {
      since: f.from ? `${f.from}T00:00:00.000Z` : '',
      until: f.to ? `${f.to}T23:59:59.999Z` : end,
    };
  }
  const t = new Date(now);
  if (f.range === '6m') t.setUTCMonth(t.getUTCMonth() - 6);
  else t.setTime(t.getTime() - { '1d': 1, '3d': 3, '7d': 7, '30d': 30 }[f.range] * 86_400_000);
  return { since: t.toISOString(), until: end };
}
