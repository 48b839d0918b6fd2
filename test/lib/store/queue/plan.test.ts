import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, type Incident, type Profile } from '@/lib/model';
import { DEFAULT_FILTERS } from '@/lib/store/queue/filters';
import { planAlerts, planIncidentAlerts, planIncidents } from '@/lib/store/queue/plan';
import { countQueue, readWindow } from '@/lib/store/queue/read';
import { deleteDbs, freshDb, ids, NOW, seed } from './fixtures';

afterEach(deleteDbs);

describe('queue pages', () => {
  it('hides alerts outside the analyst’s read scope from counts and pages', async () => {
    const db = freshDb();
    const { alerts, incidents } = await seed(db, 300);
    const profile: Profile = { ...DEFAULT_PROFILE, scopes: { Finance: 'none', Servers: 'read' } };
    const plan = planAlerts({ ...DEFAULT_FILTERS.alerts, status: [], range: '6m' }, { profile, now: NOW });
    const rows = await readWindow(db, plan, 0, 10_000);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((a) => a.scope === 'Finance')).toBe(false);
    expect(rows.some((a) => a.scope === 'Servers')).toBe(true);
    expect((await countQueue(db, plan)).total).toBe(rows.length);
    // An incident whose alerts are all in Finance is not in the incidents queue either.
    const financeOnly = incidents.filter((i) => i.scopes.length === 1 && i.scopes[0] === 'Finance');
    expect(financeOnly.length).toBeGreaterThan(0);
    const incPlan = planIncidents(
      { ...DEFAULT_FILTERS.incidents, status: [], severity: [], range: '6m' },
      { profile, now: NOW },
    );
    const shown = new Set(ids(await readWindow(db, incPlan, 0, 10_000)));
    for (const i of financeOnly) expect(shown.has(i.id)).toBe(false);
    // The incident's Alerts tab hides them too.
    const one = financeOnly[0]!;
    const tab = await readWindow(db, planIncidentAlerts(one.id, { profile }), 0, 100);
    expect(tab).toEqual([]);
    expect(alerts.filter((a) => a.incidentId === one.id).length).toBeGreaterThan(0);
  });

  it('searches by id prefix and by every word of the name, ignoring case and accents', async () => {
    const db = freshDb();
    await seed(db, 400);
    const ctx = { profile: DEFAULT_PROFILE, now: NOW };
    const any = { status: [], severity: [], range: 'custom' as const, from: '2000-01-01' };
    const byId = await readWindow(
      db,
      planIncidents({ ...DEFAULT_FILTERS.incidents, ...any, q: '1042' }, ctx),
      0,
      10,
    );
    expect(ids(byId)).toEqual(['1042']);
    const byName = await readWindow(
      db,
      planIncidents({ ...DEFAULT_FILTERS.incidents, ...any, q: 'RANSOMWARE detectee' }, ctx),
      0,
      500,
    );
    expect(byName.length).toBeGreaterThan(0);
    for (const i of byName) expect(i.displayName).toContain('Ransomware behavior détectée');
    const alertById = await readWindow(
      db,
      planAlerts({ ...DEFAULT_FILTERS.alerts, ...any, q: 'DA000007' }, ctx),
      0,
      5,
    );
    expect(ids(alertById)).toEqual(['da000007']);
  });

  it('filters incidents by source, category, device group, assignee (or no one) and tag', async () => {
    const db = freshDb();
    const { incidents } = await seed(db, 500);
    const ctx = { profile: DEFAULT_PROFILE, now: NOW };
    const base = {
      ...DEFAULT_FILTERS.incidents,
      status: [],
      severity: [],
      range: 'custom' as const,
      from: '2000-01-01',
    };
    const check = async (extra: Partial<typeof base>, ok: (i: Incident) => boolean) => {
      const rows = await readWindow(db, planIncidents({ ...base, ...extra }, ctx), 0, 10_000);
      expect(ids(rows).sort()).toEqual(ids(incidents.filter(ok)).sort());
      expect(rows.length).toBeGreaterThan(0);
    };
    await check({ group: ['Finance'] }, (i) => i.scopes.includes('Finance'));
    await check({ category: ['Impact'] }, (i) => i.categories.includes('Impact'));
    await check({ source: ['microsoftDefenderForOffice365'] }, (i) =>
      i.serviceSources.includes('microsoftDefenderForOffice365'),
    );
    await check({ assigned: ['(unassigned)'] }, (i) => !i.assignedTo);
    await check({ assigned: ['bo@contoso.com'] }, (i) => i.assignedTo === 'bo@contoso.com');
    await check({ tag: ['Ransomware'] }, (i) => !!i.tags?.includes('Ransomware'));
  });
});
