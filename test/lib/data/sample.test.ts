import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseImport } from '../../../lib/data/import';
import {
  DEVICE_GROUPS,
  generateTenant,
  loadSample,
  MISCORRELATED_HINTS,
  type SampleTenant,
} from '../../../lib/data/sample';
import { type GraphAlert, highestSeverity, incidentSchema } from '../../../lib/model';
import { assetsOf, scopeOf } from '../../../lib/model/derive';
import { autoIncidentName } from '../../../lib/move/naming';
import { MoverDB } from '../../../lib/store/db';

const NOW = '2026-11-20T12:00:00.000Z';
const DAY = 86_400_000;
const tenant = generateTenant({ now: NOW });
const allAlerts = (t: SampleTenant) => t.incidents.flatMap((i) => i.alerts ?? []);
const assetSet = (alerts: GraphAlert[]) =>
  new Set(
    alerts.flatMap((a) =>
      Object.values(assetsOf(a))
        .flat()
        .map((x) => x.toLowerCase()),
    ),
  );

describe('generateTenant', () => {
  it('is deterministic: the same seed gives the same tenant, another seed another one', () => {
    expect(generateTenant({ now: NOW })).toEqual(tenant);
    const other = generateTenant({ now: NOW, seed: 7 });
    expect(allAlerts(other).map((a) => a.id)).not.toEqual(allAlerts(tenant).map((a) => a.id));
  });

  it('builds 64 incidents and 260 alerts by default, with ids like Defender’s', () => {
    expect(tenant.incidents).toHaveLength(64);
    expect(allAlerts(tenant)).toHaveLength(260);
    expect(tenant.incidents.map((i) => i.id)).toEqual(Array.from({ length: 64 }, (_, i) => String(2000 + i)));
    const prefixes: Record<string, RegExp> = {
      microsoftDefenderForEndpoint: /^da638\d{15}_-?\d+$/,
      microsoftDefenderForOffice365:
        /^fa[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      microsoftDefenderForIdentity: /^aa[0-9a-f-]{36}$/,
      microsoftDefenderForCloudApps: /^ca[0-9a-f]{32}$/,
      azureAdIdentityProtection: /^ad[0-9a-f]{32}$/,
      microsoft365Defender: /^ed[0-9a-f-]{36}$/,
    };
    for (const a of allAlerts(tenant)) expect(a.id).toMatch(prefixes[a.serviceSource ?? ''] ?? /^$/);
    expect(new Set(allAlerts(tenant).map((a) => a.id)).size).toBe(260);
  });

  it('sizes follow what is asked: alerts scale with incidents, and there are never more incidents than alerts', () => {
    const t = generateTenant({ now: NOW, incidents: 10 });
    expect([t.incidents.length, allAlerts(t).length]).toEqual([10, 40]);
    const few = generateTenant({ now: NOW, incidents: 20, alerts: 5 });
    expect([few.incidents.length, allAlerts(few).length]).toEqual([5, 5]);
  });

  it('nests every alert under its own incident, and every incident has an alert', () => {
    for (const incident of tenant.incidents) {
      expect(incident.alerts?.length).toBeGreaterThan(0);
      for (const alert of incident.alerts ?? []) expect(alert.incidentId).toBe(incident.id);
    }
  });

  it('passes the import schemas, and imports as it is', () => {
    for (const incident of tenant.incidents) expect(incidentSchema.safeParse(incident).success).toBe(true);
    const parsed = parseImport(JSON.stringify({ value: tenant.incidents }));
    expect(parsed.ok && parsed.data.incidents.length).toBe(64);
  });

  it('spreads severities, statuses, products and device groups as a real queue does', () => {
    const alerts = allAlerts(tenant);
    expect(new Set(alerts.map((a) => a.severity))).toEqual(
      new Set(['informational', 'low', 'medium', 'high']),
    );
    expect(new Set(tenant.incidents.map((i) => i.severity))).toEqual(
      new Set(['informational', 'low', 'medium', 'high']),
    );
    expect(new Set(alerts.map((a) => a.serviceSource)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(alerts.map((a) => scopeOf(a)))).toEqual(new Set([...DEVICE_GROUPS, 'Unscoped']));
    const statuses = new Set(tenant.incidents.map((i) => i.status));
    for (const s of ['active', 'inProgress', 'resolved']) expect(statuses).toContain(s);
    expect(new Set(alerts.map((a) => a.category)).size).toBeGreaterThanOrEqual(8);
    expect(alerts.every((a) => (a.mitreTechniques ?? []).every((t) => /^T\d{4}(\.\d{3})?$/.test(t)))).toBe(
      true,
    );
  });

  it('classifies resolved incidents, and assigns the ones being worked on', () => {
    for (const incident of tenant.incidents) {
      if (incident.status === 'resolved') {
        expect(['truePositive', 'falsePositive', 'informationalExpectedActivity']).toContain(
          incident.classification,
        );
        expect(incident.determination).not.toBe('unknown');
      } else {
        expect([incident.classification, incident.determination]).toEqual(['unknown', 'unknown']);
      }
      if (incident.status === 'inProgress') expect(incident.assignedTo).toMatch(/@contoso\.com$/);
    }
  });

  it('names incidents as Defender does and gives each the highest severity of its alerts', () => {
    for (const incident of tenant.incidents) {
      const alerts = incident.alerts ?? [];
      expect(incident.displayName).toBe(autoIncidentName(alerts));
      expect(incident.severity).toBe(highestSeverity(alerts.map((a) => a.severity)));
    }
    expect(tenant.incidents.some((i) => i.displayName.startsWith('Multi-stage incident involving'))).toBe(
      true,
    );
    expect(tenant.incidents.some((i) => i.alerts?.length === 1)).toBe(true);
  });

  it('keeps dates sane: within the last 30 days, many in the last 7, in order', () => {
    const now = Date.parse(NOW);
    const at = (s: string | null | undefined) => Date.parse(s ?? 'missing');
    for (const incident of tenant.incidents) {
      expect(at(incident.createdDateTime)).toBeGreaterThan(now - 31 * DAY);
      expect(at(incident.createdDateTime)).toBeLessThanOrEqual(at(incident.lastUpdateDateTime));
      expect(at(incident.lastUpdateDateTime)).toBeLessThanOrEqual(now);
      for (const a of incident.alerts ?? []) {
        expect(at(a.firstActivityDateTime)).toBeLessThanOrEqual(at(a.lastActivityDateTime));
        expect(at(a.createdDateTime)).toBeLessThanOrEqual(at(a.lastUpdateDateTime));
        expect(at(a.lastUpdateDateTime)).toBeLessThanOrEqual(now);
        expect(at(a.lastActivityDateTime)).toBeLessThanOrEqual(now);
        expect(at(incident.createdDateTime)).toBeLessThanOrEqual(at(a.createdDateTime));
      }
    }
    const lastWeek = tenant.incidents.filter((i) => at(i.createdDateTime) > now - 7 * DAY);
    expect(lastWeek.length).toBeGreaterThanOrEqual(tenant.incidents.length * 0.4);
  });

  it('correlates a few alerts into the wrong incident, and says which', () => {
    expect(tenant.miscorrelated.length).toBeGreaterThanOrEqual(5);
    const byId = new Map(tenant.incidents.map((i) => [i.id, i]));
    for (const hint of tenant.miscorrelated) {
      const here = byId.get(hint.incidentId)?.alerts ?? [];
      const alert = here.find((a) => a.id === hint.alertId);
      expect(alert?.title).toBe(hint.title);
      const others = here.filter((a) => a.id !== hint.alertId);
      expect(others.length).toBeGreaterThan(0);
      const own = assetSet(alert ? [alert] : []);
      // Nothing in common with the incident it sits in, and an unrelated title...
      expect([...assetSet(others)].filter((x) => own.has(x))).toEqual([]);
      expect(others.map((a) => a.title)).not.toContain(hint.title);
      // ...but the device or user of the incident it belongs with.
      const home = assetSet(byId.get(hint.belongsWithIncidentId)?.alerts ?? []);
      expect([...own].some((x) => home.has(x))).toBe(true);
    }
  });

  it('lists the default tenant’s miscorrelated alerts in MISCORRELATED_HINTS, whatever the date', () => {
    expect(MISCORRELATED_HINTS).toEqual(tenant.miscorrelated);
    expect(generateTenant({ now: '2031-02-03T04:05:06.000Z' }).miscorrelated).toEqual(MISCORRELATED_HINTS);
  });

  it('builds a mid-size tenant (20,000 alerts) with the same guarantees', () => {
    const big = generateTenant({ now: NOW, incidents: 4_000, alerts: 20_000, seed: 99 });
    const alerts = allAlerts(big);
    expect([big.incidents.length, alerts.length]).toEqual([4_000, 20_000]);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(20_000);
    expect(big.incidents.every((i) => (i.alerts?.length ?? 0) > 0)).toBe(true);
    expect(big.miscorrelated.length).toBeGreaterThanOrEqual(100);
  });
});

describe('loadSample', () => {
  let db: MoverDB;
  beforeEach(() => {
    db = new MoverDB(`t-${crypto.randomUUID()}`);
  });
  afterEach(() => db.close());

  it('writes the tenant like an import, as local data, with progress', async () => {
    const progress: number[] = [];
    const counts = await loadSample(db, { now: NOW, onProgress: (done) => progress.push(done) });
    expect(counts).toEqual({ incidents: 64, alerts: 260, activity: 0 });
    expect(await db.incidents.count()).toBe(64);
    expect(await db.alerts.count()).toBe(260);
    expect(progress.at(-1)).toBe(324);
    const incident = await db.incidents.get('2000');
    expect(incident).toMatchObject({
      origin: 'local',
      version: 1,
      alertCount: tenant.incidents[0]?.alerts?.length,
    });
    const scopes = new Set((await db.alerts.toArray()).map((a) => a.scope));
    expect(scopes).toEqual(new Set([...DEVICE_GROUPS, 'Unscoped']));
    const hint = MISCORRELATED_HINTS[0];
    expect((await db.alerts.get(hint?.alertId ?? ''))?.incidentId).toBe(hint?.incidentId);
  });
});
