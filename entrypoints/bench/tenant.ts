/**
 * Sample tenants for the bench, from lib/data/sample's `generateTenant`, turned into the records the
 * store holds and into a Graph-shaped import file (`{"value": [incident + alerts…]}` as
 * `GET /security/incidents?$expand=alerts` returns it, without our local fields).
 */

import {
  type Alert,
  type GraphAlert,
  type GraphIncident,
  type Incident,
  LOCAL_ALERT_FIELDS,
  LOCAL_INCIDENT_FIELDS,
} from '@/lib/model';
import { toStoredAlert, toStoredIncident } from '@/lib/model/derive';
import type { SampleDataModule } from './modules';

export interface Tenant {
  incidents: Incident[];
  alerts: Alert[];
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Shifts numeric incident ids by `offset`, so slices generated separately add up to one store. */
const shifted = (id: unknown, offset: number) => {
  const s = String(id);
  return offset && /^\d{1,15}$/.test(s) ? String(Number(s) + offset) : s;
};

/**
 * Accepts `{incidents, alerts}` (stored or Graph records) or incidents with nested `alerts`. Incident
 * ids are shifted by `idOffset`; alerts already seen (`seen`, shared across slices) are left out.
 */
export function normalizeTenant(generated: unknown, now: string, idOffset = 0, seen?: Set<string>): Tenant {
  const root = isObject(generated) ? generated : { incidents: generated };
  const incidentList = Array.isArray(root.incidents)
    ? (root.incidents as Obj[])
    : Array.isArray(root.value)
      ? (root.value as Obj[])
      : [];
  const flat: GraphAlert[] = Array.isArray(root.alerts) ? (root.alerts as GraphAlert[]) : [];
  if (!flat.length)
    for (const inc of incidentList) if (Array.isArray(inc.alerts)) flat.push(...(inc.alerts as GraphAlert[]));
  if (!incidentList.length || !flat.length) {
    throw new Error('generateTenant returned no incidents or no alerts in a shape the bench knows');
  }
  const alerts: Alert[] = [];
  for (const a of flat) {
    if (seen?.has(a.id)) continue;
    seen?.add(a.id);
    alerts.push(toStoredAlert(idOffset ? { ...a, incidentId: shifted(a.incidentId, idOffset) } : a, now));
  }
  const byIncident = new Map<string, Alert[]>();
  for (const a of alerts) {
    const list = byIncident.get(a.incidentId);
    if (list) list.push(a);
    else byIncident.set(a.incidentId, [a]);
  }
  const incidents = incidentList.map((inc) => {
    const { alerts: _nested, ...rest } = inc as GraphIncident;
    const id = shifted(inc.id, idOffset);
    return toStoredIncident({ ...rest, id } as GraphIncident, byIncident.get(id) ?? [], now, 'local');
  });
  return { incidents, alerts };
}

export interface SliceOptions {
  alerts: number;
  incidents: number;
  seed: number;
  /** Added to every (numeric) incident id, so this slice does not overwrite earlier ones. */
  idOffset?: number;
}

export function generate(lib: SampleDataModule, slice: SliceOptions, now: string, seen?: Set<string>) {
  const { idOffset = 0, ...size } = slice;
  return normalizeTenant(lib.generateTenant({ ...size, now }), now, idOffset, seen);
}

const LOCAL_INCIDENT: readonly string[] = [...LOCAL_INCIDENT_FIELDS];
const LOCAL_ALERT: readonly string[] = LOCAL_ALERT_FIELDS;
const without = (record: object, fields: readonly string[]) =>
  Object.fromEntries(Object.entries(record).filter(([k]) => !fields.includes(k)));

/** The tenant as a Graph `security/incidents?$expand=alerts` response body, local fields dropped. */
export function toGraphFile(tenant: Tenant): string {
  const byIncident = new Map<string, Obj[]>();
  for (const a of tenant.alerts) {
    const list = byIncident.get(a.incidentId) ?? [];
    list.push(without(a, LOCAL_ALERT));
    byIncident.set(a.incidentId, list);
  }
  const value = tenant.incidents.map((i) => ({
    ...without(i, LOCAL_INCIDENT),
    alerts: byIncident.get(i.id) ?? [],
  }));
  return JSON.stringify({
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#security/incidents(alerts())',
    value,
  });
}
