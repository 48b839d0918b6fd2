/**
 * Queue queries: filters, sort and search from the URL hash → a plan over one Dexie index → pages of rows.
 *
 * A plan is a range on the index the queue is sorted by (the time filter narrows it), read in one
 * direction, plus a residual `match` for everything else (status, severity, sources, search, read scope…).
 * - With no `match`, everything is native IndexedDB: count() over the range, a window by cursor.advance()
 *   (from whichever end is nearer), ids by getAllKeys. Cost does not depend on the size of the store.
 * - With a `match`, the range is scanned in keyset chunks (each its own short read transaction, so writers
 *   are not held up), at most `SCAN_CAP` records, remembering the position of every `CHECKPOINT_EVERY`th
 *   match, so a later window starts from the nearest checkpoint instead of the top. Memory held is the
 *   checkpoints (1 % of the matches) and the window, never the store.
 *
 * Pure of the DOM and of browser.*: the database, the profile and `now` are arguments.
 */
import { cmp, type IndexableType } from 'dexie';
import type { Alert, Incident, Profile } from '../model';
import { canRead, canReadIncident } from '../model/permissions';
import type { MoverDB } from './db';

export type QueueKind = 'incidents' | 'alerts';

// ---------------------------------------------------------------------------------------------------
// Filters in the URL

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

// ---------------------------------------------------------------------------------------------------
// Plans

export interface QueuePlan<T> {
  table: QueueKind;
  /** The index the rows are read in order of (a Dexie index name, compound as `[a+b]`). */
  index: string;
  /** Inclusive bounds on that index. */
  lower: IndexableType;
  upper: IndexableType;
  reverse: boolean;
  /** Residual filter; null when the range alone is the answer (everything native). */
  match: ((row: T) => boolean) | null;
  /** Identity of the plan, for caches and hook dependencies. */
  key: string;
}

/** True when the profile hides something: only then do reads need a scope check. */
export function restrictsReading(profile: Pick<Profile, 'scopes' | 'defaultAccess'>): boolean {
  return profile.defaultAccess === 'none' || Object.values(profile.scopes).includes('none');
}

const anyOf = (wanted: readonly string[]) => {
  if (wanted.length === 0) return null;
  const set = new Set(wanted);
  return (v: unknown) => typeof v === 'string' && set.has(v);
};
const anyIn = (wanted: readonly string[]) => {
  if (wanted.length === 0) return null;
  const set = new Set(wanted);
  return (vs: readonly unknown[] | null | undefined) =>
    !!vs?.some((v) => typeof v === 'string' && set.has(v));
};
const assignedMatch = (wanted: readonly string[]) => {
  if (wanted.length === 0) return null;
  const set = new Set(wanted);
  return (v: string | null | undefined) => set.has(v ? v : UNASSIGNED);
};

/** Lower-cases and strips accents, for search. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Search over an id and a name: the id exactly or by prefix, or every word of the query in the name. */
export function searchMatcher(q: string): ((id: string, name: string) => boolean) | null {
  const query = fold(q.trim());
  if (!query) return null;
  const words = query.split(/\s+/).filter(Boolean);
  return (id, name) => {
    if (id.toLowerCase().startsWith(query)) return true;
    const n = fold(name);
    return words.every((w) => n.includes(w));
  };
}

function combine<T>(tests: ((row: T) => boolean)[]): ((row: T) => boolean) | null {
  if (tests.length === 0) return null;
  if (tests.length === 1) return tests[0]!;
  return (row) => {
    for (const t of tests) if (!t(row)) return false;
    return true;
  };
}

function rangeKey(kind: QueueKind, f: QueueFilters, since: string, until: string, extra: string): string {
  return JSON.stringify([kind, filtersToParams(kind, f).toString(), since, until, extra]);
}

export interface PlanContext {
  profile: Pick<Profile, 'scopes' | 'defaultAccess'>;
  /** ISO time the relative ranges count back from. */
  now: string;
}

export function planIncidents(f: QueueFilters, ctx: PlanContext): QueuePlan<Incident> {
  const index = SORTS.incidents[f.sort as SortKey<'incidents'>] ?? SORTS.incidents.lastUpdate;
  const { since, until } = timeBounds(f, ctx.now);
  const tests: ((i: Incident) => boolean)[] = [];
  const status = anyOf(f.status);
  if (status) tests.push((i) => status(i.status));
  const severity = anyOf(f.severity);
  if (severity) tests.push((i) => severity(i.severity));
  const source = anyIn(f.source);
  if (source) tests.push((i) => source(i.serviceSources));
  const category = anyIn(f.category);
  if (category) tests.push((i) => category(i.categories));
  const group = anyIn(f.group);
  if (group) tests.push((i) => group(i.scopes));
  const assigned = assignedMatch(f.assigned);
  if (assigned) tests.push((i) => assigned(i.assignedTo));
  const tag = anyIn(f.tag);
  if (tag) tests.push((i) => tag(i.tags) || tag(i.customTags) || tag(i.systemTags));
  const search = searchMatcher(f.q);
  if (search) tests.push((i) => search(i.id, i.displayName));
  const restricted = restrictsReading(ctx.profile);
  if (restricted) tests.push((i) => canReadIncident(ctx.profile, i));
  return {
    table: 'incidents',
    index,
    lower: since,
    upper: until,
    reverse: f.dir === 'desc',
    match: combine(tests),
    key: rangeKey('incidents', f, since, until, restricted ? JSON.stringify(ctx.profile) : ''),
  };
}

export function planAlerts(f: QueueFilters, ctx: PlanContext): QueuePlan<Alert> {
  const index = SORTS.alerts[f.sort as SortKey<'alerts'>] ?? SORTS.alerts.lastActivity;
  const { since, until } = timeBounds(f, ctx.now);
  const tests = alertTests(f, ctx);
  return {
    table: 'alerts',
    index,
    lower: since,
    upper: until,
    reverse: f.dir === 'desc',
    match: combine(tests),
    key: rangeKey(
      'alerts',
      f,
      since,
      until,
      restrictsReading(ctx.profile) ? JSON.stringify(ctx.profile) : '',
    ),
  };
}

function alertTests(f: Partial<QueueFilters>, ctx: Pick<PlanContext, 'profile'>): ((a: Alert) => boolean)[] {
  const tests: ((a: Alert) => boolean)[] = [];
  const status = anyOf(f.status ?? []);
  if (status) tests.push((a) => status(a.status));
  const severity = anyOf(f.severity ?? []);
  if (severity) tests.push((a) => severity(a.severity));
  const source = anyOf(f.source ?? []);
  if (source) tests.push((a) => source(a.serviceSource));
  const detection = anyOf(f.detection ?? []);
  if (detection) tests.push((a) => detection(a.detectionSource));
  const category = anyOf(f.category ?? []);
  if (category) tests.push((a) => category(a.category));
  const group = anyOf(f.group ?? []);
  if (group) tests.push((a) => group(a.scope));
  const assigned = assignedMatch(f.assigned ?? []);
  if (assigned) tests.push((a) => assigned(a.assignedTo));
  const search = searchMatcher(f.q ?? '');
  if (search) tests.push((a) => search(a.id, a.title));
  if (restrictsReading(ctx.profile)) tests.push((a) => canRead(ctx.profile, a.scope));
  return tests;
}

/** The alerts of one incident, newest first, readable ones only (incident Alerts tab, expanded rows). */
export function planIncidentAlerts(
  incidentId: string,
  ctx: Pick<PlanContext, 'profile'>,
  f: Partial<QueueFilters> = {},
): QueuePlan<Alert> {
  return {
    table: 'alerts',
    index: '[incidentId+createdDateTime]',
    lower: [incidentId, ''],
    upper: [incidentId, '\uffff'],
    reverse: true,
    match: combine(alertTests(f, ctx)),
    key: JSON.stringify(['incident-alerts', incidentId, f, restrictsReading(ctx.profile) ? ctx.profile : '']),
  };
}

// ---------------------------------------------------------------------------------------------------
// Reading

/** Most records a filtered count examines; beyond it the queue says it was cut short. */
export const SCAN_CAP = 250_000;
export const CHECKPOINT_EVERY = 100;
const CHUNK = 1_000;
/** Reading values costs about this many times what skipping index entries natively does (Chromium). */
const SCAN_COST = 4;

export interface Position {
  key: IndexableType;
  pk: string;
}

/**
 * Known positions of rows in one plan's queue (row index → index key and primary key), kept at every
 * CHECKPOINT_EVERY-th row: a filtered count fills them all, window reads add the ones they pass. A window
 * then starts from the nearest known position instead of the top. Drop it when the data changes.
 */
export class ScanCache {
  readonly positions = new Map<number, Position>();
  constructor(readonly planKey: string) {}

  /** The known position nearest at or before `index`. */
  nearest(index: number): { index: number; pos: Position } | undefined {
    const exact = Math.floor(index / CHECKPOINT_EVERY) * CHECKPOINT_EVERY;
    const hit = this.positions.get(exact);
    if (hit) return { index: exact, pos: hit };
    let best: { index: number; pos: Position } | undefined;
    for (const [i, pos] of this.positions)
      if (i <= index && (!best || i > best.index)) best = { index: i, pos };
    return best;
  }

  note(index: number, pos: Position): void {
    if (index % CHECKPOINT_EVERY === 0) this.positions.set(index, pos);
  }
}

export interface QueueCount {
  /** Rows in the queue (matches among the examined records). */
  total: number;
  /** Records examined (the whole range unless the scan stopped at the cap). */
  examined: number;
  /** True when the scan stopped at the cap: rows beyond it are not in the queue. */
  capped: boolean;
  /** True when counting needed a scan (a filter or search that no index answers). */
  scanned: boolean;
}

export interface CountOptions {
  cache?: ScanCache;
  cap?: number;
  /** Called after each chunk of a scan with what is known so far. */
  onProgress?(progress: { matched: number; examined: number }): void;
  /** Stops a scan early (a newer query replaced it); the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

type Row = { id: string } & Record<string, unknown>;

function tableOf(db: MoverDB, plan: QueuePlan<never>) {
  return db.table<Row, string>(plan.table);
}

function rangeCollection(
  db: MoverDB,
  plan: QueuePlan<never>,
  lower: IndexableType,
  upper: IndexableType,
  reverse: boolean,
) {
  const c = tableOf(db, plan).where(plan.index).between(lower, upper, true, true);
  return reverse ? c.reverse() : c;
}

function indexKeyOf(index: string, row: Row): IndexableType {
  if (index.startsWith('[')) {
    return index
      .slice(1, -1)
      .split('+')
      .map((k) => row[k] as IndexableType) as IndexableType;
  }
  return row[index] as IndexableType;
}

const positionOf = (plan: QueuePlan<never>, row: Row): Position => ({
  key: indexKeyOf(plan.index, row),
  pk: row.id,
});

/**
 * Visits records of the plan's range in order, from `begin` (inclusive or not), in keyset chunks, until
 * `visit` returns false, the range ends or `maxExamined` records were visited.
 * Each chunk is read in its own explicit read transaction: Dexie does not keep explicit-transaction results
 * in its liveQuery cache (which would otherwise hold every chunk in memory), and writers wait at most a chunk.
 */
async function scan(
  db: MoverDB,
  plan: QueuePlan<never>,
  begin: { pos: Position; inclusive: boolean } | null,
  visit: (row: Row, pos: Position) => boolean,
  opts: { maxExamined?: number; afterChunk?(examined: number): void; signal?: AbortSignal } = {},
): Promise<{ examined: number; ended: boolean }> {
  const table = tableOf(db, plan);
  const maxExamined = opts.maxExamined ?? Number.POSITIVE_INFINITY;
  const dir = plan.reverse ? -1 : 1;
  let lower = plan.lower;
  let upper = plan.upper;
  let examined = 0;
  let from = begin;
  let want = CHUNK;
  // Records seen so far that share the last seen key: the next chunk starts at that key again and skips them.
  let run = 0;
  for (;;) {
    opts.signal?.throwIfAborted();
    if (from) {
      if (plan.reverse) upper = from.pos.key;
      else lower = from.pos.key;
    }
    const rows = await db.transaction('r', table, () =>
      rangeCollection(db, plan, lower, upper, plan.reverse).limit(want).toArray(),
    );
    let last: Position | undefined;
    for (const row of rows) {
      const pos = positionOf(plan, row);
      if (from && cmp(pos.key, from.pos.key) === 0) {
        const c = dir * cmp(pos.pk, from.pos.pk);
        if (c < 0 || (c === 0 && !from.inclusive)) continue;
      }
      const prev = last ?? from?.pos;
      run = prev && cmp(prev.key, pos.key) === 0 ? run + 1 : 1;
      examined++;
      last = pos;
      if (!visit(row, pos) || examined >= maxExamined) return { examined, ended: false };
    }
    opts.afterChunk?.(examined);
    if (rows.length < want) return { examined, ended: true };
    if (!last) {
      // A whole chunk of records already seen (one key shared by many records, or a checkpoint deep in a run).
      want *= 2;
      continue;
    }
    from = { pos: last, inclusive: false };
    want = CHUNK + run;
  }
}

/**
 * Counts the queue's rows. Native (IndexedDB count over the range) when the plan has no residual filter;
 * else one scan, stopped at the cap, that fills `cache` with a position every CHECKPOINT_EVERY matches.
 */
export async function countQueue(
  db: MoverDB,
  plan: QueuePlan<never>,
  opts: CountOptions = {},
): Promise<QueueCount> {
  if (!plan.match) {
    const total = await countInSlices(db, plan, opts);
    return { total, examined: total, capped: false, scanned: false };
  }
  const match = plan.match as (row: Row) => boolean;
  const cap = opts.cap ?? SCAN_CAP;
  const cache = opts.cache;
  let total = 0;
  const { examined, ended } = await scan(
    db,
    plan,
    null,
    (row, pos) => {
      if (match(row)) {
        cache?.note(total, pos);
        total++;
      }
      return true;
    },
    {
      maxExamined: cap,
      signal: opts.signal,
      afterChunk: (n) => opts.onProgress?.({ matched: total, examined: n }),
    },
  );
  return { total, examined, capped: !ended && examined >= cap, scanned: true };
}

const SLICES = 10;
const isoTime = (k: unknown) => (typeof k === 'string' ? Date.parse(k) : Number.NaN);

/**
 * A native count of the plan's range. IndexedDB counts by walking the range (Chromium: seconds for 200,000
 * entries), so a time-ordered range is counted in slices from the end the queue starts at, narrow first and
 * doubling, reporting after each: the queue can be scrolled through what is counted while the rest is.
 */
async function countInSlices(db: MoverDB, plan: QueuePlan<never>, opts: CountOptions): Promise<number> {
  const whole = () => rangeCollection(db, plan, plan.lower, plan.upper, false).count();
  if (!opts.onProgress) return whole();
  const [first, last] = await Promise.all([
    rangeCollection(db, plan, plan.lower, plan.upper, plan.reverse).limit(1).keys(),
    rangeCollection(db, plan, plan.lower, plan.upper, !plan.reverse).limit(1).keys(),
  ]);
  const from = isoTime(first[0]);
  const to = isoTime(last[0]);
  if (Number.isNaN(from) || Number.isNaN(to) || from === to) return whole();
  const dir = plan.reverse ? -1 : 1;
  const span = Math.abs(to - from);
  const unit = span / (2 ** SLICES - 1);
  let total = 0;
  let edge = first[0] as string;
  for (let k = 1; k <= SLICES; k++) {
    opts.signal?.throwIfAborted();
    const next =
      k === SLICES ? (last[0] as string) : new Date(from + dir * unit * (2 ** k - 1)).toISOString();
    // From `edge` (included) to `next` (excluded, but for the last slice) in the queue's order: the slices
    // partition the range whatever the boundaries' spelling (`…:00Z` vs `…:00.000Z`).
    const c = plan.reverse
      ? tableOf(db, plan)
          .where(plan.index)
          .between(next, edge, k === SLICES, true)
      : tableOf(db, plan)
          .where(plan.index)
          .between(edge, next, true, k === SLICES);
    total += await c.count();
    edge = next;
    opts.onProgress({ matched: total, examined: total });
  }
  return total;
}

/**
 * The rows at [offset, offset+limit) of the queue. Without a residual filter: native offsets from the
 * nearer end, or a short keyset read from a known nearby position. With one: a scan from the nearest
 * known position in `cache` (a filtered count leaves one every CHECKPOINT_EVERY rows).
 * Pass `total` (from countQueue) for windows past the first: it saves a count.
 */
export async function readWindow<T>(
  db: MoverDB,
  plan: QueuePlan<T>,
  offset: number,
  limit: number,
  opts: { cache?: ScanCache; total?: number; signal?: AbortSignal } = {},
): Promise<T[]> {
  if (limit <= 0 || offset < 0) return [];
  if (opts.total !== undefined && offset >= opts.total) return [];
  const cache = opts.cache?.planKey === plan.key ? opts.cache : undefined;
  const record = (rows: Row[], first: number) => {
    if (cache) {
      for (let i = 0; i < rows.length; i++) cache.note(first + i, positionOf(plan, rows[i]!));
    }
    return rows as unknown as T[];
  };
  const near = cache?.nearest(offset);
  const fromNear = near ? (offset - near.index) * SCAN_COST : Number.POSITIVE_INFINITY;

  if (!plan.match) {
    if (offset === 0) {
      const rows = await rangeCollection(db, plan, plan.lower, plan.upper, plan.reverse)
        .limit(limit)
        .toArray();
      return record(rows, 0);
    }
    const total = opts.total ?? (await rangeCollection(db, plan, plan.lower, plan.upper, false).count());
    if (offset >= total) return [];
    const end = Math.min(total, offset + limit);
    const fromEnd = total - end;
    if (near && fromNear < Math.min(offset, fromEnd))
      return readFromPosition(db, plan, near, offset, limit, cache);
    if (fromEnd < offset) {
      // Nearer the end: read backwards from it, so the last page costs what the first does.
      const rows = await rangeCollection(db, plan, plan.lower, plan.upper, !plan.reverse)
        .offset(fromEnd)
        .limit(end - offset)
        .toArray();
      return record(rows.reverse(), offset);
    }
    const rows = await rangeCollection(db, plan, plan.lower, plan.upper, plan.reverse)
      .offset(offset)
      .limit(end - offset)
      .toArray();
    return record(rows, offset);
  }
  return readFromPosition(db, plan, near ?? null, offset, limit, cache, opts.signal);
}

async function readFromPosition<T>(
  db: MoverDB,
  plan: QueuePlan<T>,
  start: { index: number; pos: Position } | null,
  offset: number,
  limit: number,
  cache: ScanCache | undefined,
  signal?: AbortSignal,
): Promise<T[]> {
  const match = (plan.match ?? (() => true)) as (row: Row) => boolean;
  let index = start ? start.index : 0;
  const out: Row[] = [];
  await scan(
    db,
    plan,
    start ? { pos: start.pos, inclusive: true } : null,
    (row, pos) => {
      if (!match(row)) return true;
      cache?.note(index, pos);
      if (index >= offset) out.push(row);
      index++;
      return out.length < limit;
    },
    { signal },
  );
  return out as unknown as T[];
}

/** The ids at [from, to) of the queue (range selection, select all); keys only where no filter applies. */
export async function readIds(
  db: MoverDB,
  plan: QueuePlan<never>,
  from: number,
  to: number,
  opts: { cache?: ScanCache; total?: number } = {},
): Promise<string[]> {
  if (to <= from) return [];
  if (!plan.match) {
    const c = rangeCollection(db, plan, plan.lower, plan.upper, plan.reverse);
    return (await (from > 0 ? c.offset(from) : c).limit(to - from).primaryKeys()) as string[];
  }
  const rows = await readWindow<Row>(db, plan as QueuePlan<Row>, from, to - from, opts);
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------------
// Small reads for the popup and filters

export const OPEN_INCIDENT_STATUSES = ['active', 'inProgress', 'awaitingAction'] as const;

/**
 * Open incidents (active, in progress, awaiting action) by severity, read through the status index,
 * readable ones only.
 */
export async function openIncidentsBySeverity(
  db: MoverDB,
  profile: Pick<Profile, 'scopes' | 'defaultAccess'>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const restricted = restrictsReading(profile);
  for (const status of OPEN_INCIDENT_STATUSES) {
    const plan: QueuePlan<Incident> = {
      table: 'incidents',
      index: '[status+lastUpdateDateTime]',
      lower: [status, ''],
      upper: [status, '\uffff'],
      reverse: false,
      match: null,
      key: status,
    };
    await scan(db, plan, null, (row) => {
      const i = row as unknown as Incident;
      if (!restricted || canReadIncident(profile, i)) counts[i.severity] = (counts[i.severity] ?? 0) + 1;
      return true;
    });
  }
  return counts;
}

/** Distinct values of an index (filter options), e.g. device groups from `alerts.scope`. */
export async function distinctValues(db: MoverDB, table: QueueKind, index: string): Promise<string[]> {
  const keys = await db.table(table).orderBy(index).uniqueKeys();
  return keys.filter((k): k is string => typeof k === 'string' && k !== '');
}
