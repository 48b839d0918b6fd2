/**
 * Filters → a plan: a range on the index the queue is sorted by (the time filter narrows it), read in one
 * direction, plus a residual `match` for everything else (status, severity, sources, search, read scope…).
 * The profile and `now` are arguments, so plans are pure.
 */
import type { IndexableType } from 'dexie';
import type { Alert, Incident, Profile } from '../../model';
import { canRead, canReadIncident } from '../../model/permissions';
import { foldText } from '../../model/text';
import { COUNTED_FIELDS } from '../counters';
import {
  filtersToParams,
  type QueueFilters,
  type QueueKind,
  SORTS,
  type SortKey,
  timeBounds,
  UNASSIGNED,
} from './filters';

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
  /**
   * Set when the residual filter is only status and severity (each list: empty means any) and the index is a
   * time the counters bucket (lib/store/counters.ts): counts and deep windows then read the counters.
   */
  counted?: { status: string[]; severity: string[] };
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

/** Search over an id and a name: the id exactly or by prefix, or every word of the query in the name. */
export function searchMatcher(q: string): ((id: string, name: string) => boolean) | null {
  const query = foldText(q);
  if (!query) return null;
  const words = query.split(/\s+/).filter(Boolean);
  return (id, name) => {
    if (id.toLowerCase().startsWith(query)) return true;
    const n = foldText(name);
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

/** The counters answer a plan whose only filters are status and severity, over a time they bucket. */
function countedBy(
  kind: QueueKind,
  index: string,
  f: Partial<QueueFilters>,
  others: readonly (readonly string[] | undefined)[],
  restricted: boolean,
): QueuePlan<never>['counted'] {
  if (restricted || searchMatcher(f.q ?? '') || others.some((o) => o && o.length > 0)) return undefined;
  if (!(COUNTED_FIELDS[kind] as readonly string[]).includes(index)) return undefined;
  return { status: [...(f.status ?? [])], severity: [...(f.severity ?? [])] };
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
    counted: countedBy('incidents', index, f, [f.source, f.category, f.group, f.assigned, f.tag], restricted),
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
    counted: countedBy(
      'alerts',
      index,
      f,
      [f.source, f.detection, f.category, f.group, f.assigned],
      restrictsReading(ctx.profile),
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
