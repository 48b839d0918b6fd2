/** Local fields derived from Graph data; pure, shared by import, sample data, the move and sync. */
import {
  type Alert,
  type GraphAlert,
  type GraphIncident,
  highestSeverity,
  type Incident,
  LOCAL_ALERT_FIELDS,
  LOCAL_INCIDENT_FIELDS,
  UNSCOPED,
} from './model';

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

export function toStoredAlert(alert: GraphAlert, now: string): Alert {
  return {
    ...alert,
    scope: alert.scope ?? scopeOf(alert),
    version: alert.version ?? 1,
    lastUpdateDateTime: alert.lastUpdateDateTime ?? alert.createdDateTime ?? now,
    lastActivityDateTime: alert.lastActivityDateTime ?? alert.createdDateTime ?? now,
  } as Alert;
}

export interface IncidentSummary {
  alertCount: number;
  categories: string[];
  serviceSources: string[];
  detectionSources: string[];
  assets: string[];
  scopes: string[];
  severity?: string;
}

/** What an incident shows of its alerts. Severity is the highest of its alerts, unset when it has none. */
export function summarize(alerts: readonly Alert[]): IncidentSummary {
  const categories = new Set<string>();
  const serviceSources = new Set<string>();
  const detectionSources = new Set<string>();
  const assets = new Set<string>();
  const scopes = new Set<string>();
  for (const a of alerts) {
    if (a.category) categories.add(a.category);
    if (a.serviceSource) serviceSources.add(a.serviceSource);
    if (a.detectionSource) detectionSources.add(a.detectionSource);
    const { devices, users } = assetsOf(a);
    for (const d of devices) assets.add(d);
    for (const u of users) assets.add(u);
    scopes.add(a.scope);
  }
  return {
    alertCount: alerts.length,
    categories: [...categories].sort(),
    serviceSources: [...serviceSources].sort(),
    detectionSources: [...detectionSources].sort(),
    assets: [...assets].sort(),
    scopes: [...scopes].sort(),
    severity: alerts.length ? highestSeverity(alerts.map((a) => a.severity)) : undefined,
  };
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
  const { severity, ...derived } = summarize(alerts);
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
