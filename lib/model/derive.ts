/** Local fields derived from Graph data; pure, shared by import, sample data, the move and sync. */
import {
  type Alert,
  type GraphAlert,
  type GraphIncident,
  highestSeverity,
  type Incident,
  LOCAL_ALERT_FIELDS,
  LOCAL_INCIDENT_FIELDS,
  type Tally,
  UNSCOPED,
} from './';
import { entityKeysOf } from './entities';

type Evidence = NonNullable<GraphAlert['evidence']>[number];

/** The alert's device group: the first `deviceEvidence.rbacGroupName`, else "Unscoped" (DESIGN §2). */
export function scopeOf(alert: Pick<GraphAlert, 'evidence'>): string {
  for (const e of alert.evidence ?? []) {
    if (typeof e.rbacGroupName === 'string' && e.rbacGroupName.trim()) return e.rbacGroupName.trim();
  }
  return UNSCOPED;
}

/** Impacted assets named by the evidence: devices first, then users and mailboxes. */
export function assetsOf(alert: Pick<GraphAlert, 'evidence'>): { devices: string[]; users: string[] } {
  const devices = new Set<string>();
  const users = new Set<string>();
  for (const e of alert.evidence ?? []) {
    const type = String(e['@odata.type'] ?? '');
    if (typeof e.deviceDnsName === 'string' && e.deviceDnsName) devices.add(e.deviceDnsName);
    const account = e.userAccount;
    const user = account?.userPrincipalName || account?.accountName || account?.displayName;
    if (user) users.add(user);
    if (type.endsWith('mailboxEvidence')) {
      const m = (e as Evidence & { primaryAddress?: unknown }).primaryAddress;
      if (typeof m === 'string' && m) users.add(m);
    }
  }
  return { devices: [...devices], users: [...users] };
}

/** The alert's entity keys: as stored, else computed from its evidence. */
export const alertEntities = (a: Pick<Alert, 'evidence' | 'entities'>): string[] =>
  Array.isArray(a.entities) ? a.entities : entityKeysOf(a);

export function toStoredAlert(alert: GraphAlert, now: string): Alert {
  return {
    ...alert,
    scope: alert.scope ?? scopeOf(alert),
    // Always from the evidence: a file's `entities` field is not trusted.
    entities: entityKeysOf(alert),
    version: alert.version ?? 1,
    lastUpdateDateTime: alert.lastUpdateDateTime ?? alert.createdDateTime ?? now,
    lastActivityDateTime: alert.lastActivityDateTime ?? alert.createdDateTime ?? now,
  } as Alert;
}

export type { Tally } from './';

const TALLY_FIELDS = [
  'severity',
  'category',
  'serviceSource',
  'detectionSource',
  'asset',
  'scope',
  'entity',
] as const;

export function emptyTally(): Tally {
  return {
    severity: {},
    category: {},
    serviceSource: {},
    detectionSource: {},
    asset: {},
    scope: {},
    entity: {},
  };
}

export function cloneTally(t: Tally): Tally {
  const out = emptyTally();
  for (const f of TALLY_FIELDS) out[f] = { ...t[f] };
  return out;
}

/** True for a tally that counts every field (one written before entity keys existed does not). */
export const isCompleteTally = (t: Tally | undefined): t is Tally =>
  !!(t as Partial<Tally> | undefined)?.entity;

/** Values come from imported data: a key such as `__proto__` or `constructor` must count like any other. */
function bump(counts: Record<string, number>, key: string, by: number) {
  const n = (Object.hasOwn(counts, key) ? counts[key]! : 0) + by;
  if (n > 0)
    Object.defineProperty(counts, key, { value: n, enumerable: true, writable: true, configurable: true });
  else delete counts[key];
}

/** Adds (`by` 1) or removes (`by` -1) one alert's values; changes `t`. */
export function tallyAlert(t: Tally, a: Alert, by: 1 | -1): Tally {
  bump(t.severity, a.severity, by);
  if (a.category) bump(t.category, a.category, by);
  if (a.serviceSource) bump(t.serviceSource, a.serviceSource, by);
  if (a.detectionSource) bump(t.detectionSource, a.detectionSource, by);
  const { devices, users } = assetsOf(a);
  for (const asset of new Set([...devices, ...users])) bump(t.asset, asset, by);
  bump(t.scope, a.scope, by);
  t.entity ??= {};
  for (const key of alertEntities(a)) bump(t.entity, key, by);
  return t;
}

export function tallyOf(alerts: readonly Alert[]): Tally {
  const t = emptyTally();
  for (const a of alerts) tallyAlert(t, a, 1);
  return t;
}

export interface IncidentSummary {
  alertCount: number;
  categories: string[];
  serviceSources: string[];
  detectionSources: string[];
  assets: string[];
  scopes: string[];
  entities: string[];
  tally: Tally;
  severity?: string;
}

const keys = (counts: Record<string, number>) => Object.keys(counts).sort();

/** What an incident shows of its alerts, from their tally. Severity is the highest, unset when it has none. */
export function summaryOf(tally: Tally): IncidentSummary {
  // Every alert has exactly one scope, so the scope counts add up to the alert count.
  const alertCount = Object.values(tally.scope).reduce((n, c) => n + c, 0);
  return {
    alertCount,
    categories: keys(tally.category),
    serviceSources: keys(tally.serviceSource),
    detectionSources: keys(tally.detectionSource),
    assets: keys(tally.asset),
    scopes: keys(tally.scope),
    entities: keys(tally.entity ?? {}),
    tally,
    severity: alertCount ? highestSeverity(Object.keys(tally.severity)) : undefined,
  };
}

/** What an incident shows of its alerts. Severity is the highest of its alerts, unset when it has none. */
export function summarize(alerts: readonly Alert[]): IncidentSummary {
  return summaryOf(tallyOf(alerts));
}

/**
 * The incident after its alert set changed (a move, an undo, a sync rollback): derived fields recomputed,
 * severity the highest of its alerts (kept as it was when none are left), version bumped, updated `at`.
 */
export function withAlerts(
  incident: Incident,
  alerts: readonly Alert[],
  at: string,
  changes: Partial<Incident> = {},
): Incident {
  return withTally(incident, tallyOf(alerts), at, changes);
}

/** The same as `withAlerts`, from the tally of the incident's alerts after the change. */
export function withTally(
  incident: Incident,
  tally: Tally,
  at: string,
  changes: Partial<Incident> = {},
): Incident {
  const { severity, ...derived } = summaryOf(tally);
  return {
    ...incident,
    ...derived,
    severity: severity ?? incident.severity,
    ...changes,
    version: incident.version + 1,
    lastUpdateDateTime: at,
  };
}

export function toStoredIncident(
  incident: GraphIncident,
  alerts: readonly Alert[],
  now: string,
  origin: Incident['origin'] = 'imported',
): Incident {
  const { alerts: _omit, ...rest } = incident;
  const s = summarize(alerts);
  return {
    ...rest,
    version: incident.version ?? 1,
    origin: incident.origin ?? origin,
    lastUpdateDateTime: incident.lastUpdateDateTime ?? incident.createdDateTime ?? now,
    alertCount: s.alertCount,
    categories: s.categories,
    serviceSources: s.serviceSources,
    detectionSources: s.detectionSources,
    assets: s.assets,
    scopes: s.scopes,
    entities: s.entities,
    tally: s.tally,
  } as Incident;
}

/** An incident back in Graph's shape with its alerts, local fields kept so a re-import is identical. */
export function toGraphIncident(incident: Incident, alerts: readonly Alert[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...incident };
  for (const f of LOCAL_INCIDENT_FIELDS) if (f !== 'version' && f !== 'origin') delete out[f];
  out.alerts = alerts.map((a) => ({ ...a }));
  return out;
}

export const DERIVED_FIELDS: readonly string[] = LOCAL_INCIDENT_FIELDS.filter(
  (f) => f !== 'version' && f !== 'origin',
);
export { LOCAL_ALERT_FIELDS };
