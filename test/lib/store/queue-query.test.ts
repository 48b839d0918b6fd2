import { cmp, liveQuery } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { type Alert, DEFAULT_PROFILE, type Incident, type Profile } from '@/lib/model';
import { toStoredAlert, toStoredIncident } from '@/lib/model/derive';
import { MoverDB } from '@/lib/store/db';
import {
  countQueue,
  DEFAULT_FILTERS,
  filtersToParams,
  openIncidentsBySeverity,
  parseFilters,
  planAlerts,
  planIncidentAlerts,
  planIncidents,
  type QueuePlan,
  readIds,
  readWindow,
  ScanCache,
  timeBounds,
} from '@/lib/store/queue-query';

const NOW = '2026-11-30T12:00:00.000Z';
const dbs: MoverDB[] = [];
function freshDb() {
  const db = new MoverDB(`t-${crypto.randomUUID()}`);
  dbs.push(db);
  return db;
}
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});

/** A small deterministic random generator, so failures reproduce. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const hoursAgo = (h: number) => new Date(Date.parse(NOW) - h * 3_600_000).toISOString();

const STATUSES = ['new', 'inProgress', 'resolved'] as const;
const SEVERITIES = ['high', 'medium', 'low', 'informational'] as const;
const GROUPS = ['Servers', 'Workstations', 'Finance'] as const;
const TITLES = [
  'Suspicious PowerShell',
  'Ransomware behavior détectée',
  'Phishing email',
  'Impossible travel',
];

function makeAlert(r: () => number, i: number, incidentId: string, at: string): Alert {
  return toStoredAlert(
    {
      id: `da${String(i).padStart(6, '0')}`,
      incidentId,
      title: `${pick(r, TITLES)} ${i}`,
      severity: pick(r, SEVERITIES),
      status: pick(r, STATUSES),
      category: pick(r, ['Execution', 'Impact', 'InitialAccess']),
      serviceSource: pick(r, ['microsoftDefenderForEndpoint', 'microsoftDefenderForOffice365']),
      detectionSource: 'antivirus',
      createdDateTime: at,
      lastActivityDateTime: at,
      evidence: [
        {
          '@odata.type': '#microsoft.graph.security.deviceEvidence',
          deviceDnsName: `host-${i % 17}`,
          rbacGroupName: pick(r, GROUPS),
        },
      ],
    },
    NOW,
  );
}

/** `n` incidents with 1–3 alerts each, spread over ~300 days, some sharing the same update time. */
async function seed(db: MoverDB, n: number, seedValue = 1) {
  const r = rng(seedValue);
  const incidents: Incident[] = [];
  const alerts: Alert[] = [];
  let a = 0;
  for (let i = 0; i < n; i++) {
    const id = String(1000 + i);
    // Every 7th incident shares a timestamp with the one before: ties must page correctly.
    const at = hoursAgo(i % 7 === 0 ? Math.floor((i - 1) * 5) : Math.floor(r() * 7200));
    const mine: Alert[] = [];
    const k = 1 + Math.floor(r() * 3);
    for (let j = 0; j < k; j++) mine.push(makeAlert(r, a++, id, hoursAgo(Math.floor(r() * 7200))));
    alerts.push(...mine);
    incidents.push(
      toStoredIncident(
        {
          id,
          displayName: `Incident ${pick(r, TITLES)} ${i}`,
          status: pick(r, ['active', 'inProgress', 'resolved', 'awaitingAction']),
          severity: pick(r, SEVERITIES),
          assignedTo: r() < 0.5 ? null : pick(r, ['ana@contoso.com', 'bo@contoso.com']),
          tags: r() < 0.3 ? ['Ransomware'] : [],
          createdDateTime: at,
          lastUpdateDateTime: at,
        },
        mine,
        NOW,
      ),
    );
  }
  await db.incidents.bulkPut(incidents);
  await db.alerts.bulkPut(alerts);
  return { incidents, alerts };
}

/** What a plan must return: every row in range that matches, in index order then primary key. */
function reference<T extends { id: string }>(rows: T[], plan: QueuePlan<T>): T[] {
  const key = (row: T) => (row as Record<string, unknown>)[plan.index] as string;
  const inRange = rows.filter((row) => {
    const k = key(row);
    return k !== undefined && cmp(k, plan.lower) >= 0 && cmp(k, plan.upper) <= 0;
  });
  const sorted = inRange.sort((x, y) => cmp(key(x), key(y)) || cmp(x.id, y.id));
  if (plan.reverse) sorted.reverse();
  return plan.match ? sorted.filter(plan.match) : sorted;
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe('filters in the URL', () => {
  it('reads the issue defaults when the hash has no params', () => {
    const inc = parseFilters('incidents', new URLSearchParams());
    expect(inc.status).toEqual(['active', 'inProgress']);
    expect(inc.severity).toEqual(['high', 'medium', 'low']);
    expect(inc.range).toBe('6m');
    expect(inc.sort).toBe('lastUpdate');
    expect(inc.dir).toBe('desc');
    const al = parseFilters('alerts', new URLSearchParams());
    expect(al.status).toEqual(['new', 'inProgress']);
    expect(al.range).toBe('7d');
    expect(al.sort).toBe('lastActivity');
  });

  it('writes only what differs from the defaults, and reads it back', () => {
    const f = {
      ...DEFAULT_FILTERS.incidents,
      severity: [],
      group: ['Servers, EU'],
      q: 'ransom',
      dir: 'asc' as const,
    };
    const params = filtersToParams('incidents', f);
    expect(params.toString()).toBe('severity=&group=Servers%2C+EU&q=ransom&dir=asc');
    expect(parseFilters('incidents', params)).toEqual(f);
    expect(filtersToParams('incidents', DEFAULT_FILTERS.incidents).toString()).toBe('');
  });

  it('falls back to defaults for malformed values instead of failing', () => {
    const f = parseFilters(
      'alerts',
      new URLSearchParams('range=forever&sort=__proto__&dir=sideways&from=yesterday'),
    );
    expect(f.range).toBe('7d');
    expect(f.sort).toBe('lastActivity');
    expect(f.dir).toBe('desc');
    expect(f.from).toBe('');
    // A custom range without dates is no range at all: back to the default.
    expect(parseFilters('alerts', new URLSearchParams('range=custom')).range).toBe('7d');
  });

  it('ignores filters that do not apply to the queue', () => {
    expect(parseFilters('alerts', new URLSearchParams('tag=x')).tag).toEqual([]);
    expect(parseFilters('incidents', new URLSearchParams('detection=x')).detection).toEqual([]);
  });

  it('turns time ranges into ISO bounds', () => {
    expect(timeBounds({ range: '1d', from: '', to: '' }, NOW).since).toBe('2026-11-29T12:00:00.000Z');
    expect(timeBounds({ range: '6m', from: '', to: '' }, NOW).since).toBe('2026-05-30T12:00:00.000Z');
    expect(timeBounds({ range: 'custom', from: '2026-01-02', to: '2026-01-03' }, NOW)).toEqual({
      since: '2026-01-02T00:00:00.000Z',
      until: '2026-01-03T23:59:59.999Z',
    });
  });
});

describe('queue pages', () => {
  it('pages the default incidents queue exactly like a full sort-and-filter would, deep offsets included', async () => {
    const db = freshDb();
    const { incidents } = await seed(db, 1500);
    const plan = planIncidents(DEFAULT_FILTERS.incidents, { profile: DEFAULT_PROFILE, now: NOW });
    expect(plan.match).not.toBeNull();
    const want = reference(incidents, plan);
    expect(want.length).toBeGreaterThan(250);
    const cache = new ScanCache(plan.key);
    const count = await countQueue(db, plan, { cache });
    expect(count).toMatchObject({ total: want.length, capped: false, scanned: true });
    expect(cache.positions.size).toBe(Math.ceil(want.length / 100));
    for (const offset of [0, 1, 99, 100, 237, want.length - 5]) {
      expect(ids(await readWindow(db, plan, offset, 30, { cache }))).toEqual(
        ids(want.slice(offset, offset + 30)),
      );
    }
    // Without the count's checkpoints, a window deep in the queue is still right (it scans from the top).
    expect(ids(await readWindow(db, plan, 201, 10))).toEqual(ids(want.slice(201, 211)));
    // The newest first, and only the statuses and severities of the default view.
    for (const i of want) {
      expect(['active', 'inProgress']).toContain(i.status);
      expect(['high', 'medium', 'low']).toContain(i.severity);
    }
  });

  it('reads an unfiltered queue natively from either end, in both directions', async () => {
    const db = freshDb();
    const { alerts } = await seed(db, 800);
    for (const dir of ['desc', 'asc'] as const) {
      const f = { ...DEFAULT_FILTERS.alerts, status: [], range: '6m' as const, dir };
      const plan = planAlerts(f, { profile: DEFAULT_PROFILE, now: NOW });
      expect(plan.match).toBeNull();
      const want = reference(alerts, plan);
      const count = await countQueue(db, plan);
      expect(count).toMatchObject({ total: want.length, scanned: false });
      for (const offset of [0, 10, Math.floor(want.length / 2), want.length - 7]) {
        expect(ids(await readWindow(db, plan, offset, 20))).toEqual(ids(want.slice(offset, offset + 20)));
      }
      expect(await readWindow(db, plan, want.length, 20)).toEqual([]);
      // Scrolling through the middle: each window starts from a position the one before it left behind.
      const cache = new ScanCache(plan.key);
      const total = want.length;
      for (let offset = 300; offset < 620; offset += 37) {
        const rows = await readWindow(db, plan, offset, 40, { cache, total });
        expect(ids(rows)).toEqual(ids(want.slice(offset, offset + 40)));
      }
      expect(cache.positions.size).toBeGreaterThan(2);
      expect(await readIds(db, plan, 5, 9)).toEqual(ids(want.slice(5, 9)));
    }
  });

  it('counts a time range natively in slices, reporting as it goes, to the same total', async () => {
    const db = freshDb();
    const r = rng(3);
    // 1,023 minutes from the oldest to the newest: the slices' edges fall on whole minutes (newest - (2^k - 1)
    // minutes), and alerts sit exactly on every edge, between them, and twice on some.
    const minutes = [0, 1, 2, 3, 5, 7, 15, 15, 31, 40, 63, 127, 255, 256, 511, 700, 1023, 1023];
    const alerts = minutes.map((m, i) => makeAlert(r, i, '1', hoursAgo(1 + m / 60)));
    await db.alerts.bulkPut(alerts);
    for (const dir of ['desc', 'asc'] as const) {
      const plan = planAlerts(
        { ...DEFAULT_FILTERS.alerts, status: [], dir },
        { profile: DEFAULT_PROFILE, now: NOW },
      );
      const seen: number[] = [];
      const count = await countQueue(db, plan, { onProgress: (p) => seen.push(p.matched) });
      expect(count.total).toBe(alerts.length);
      expect(seen).toHaveLength(10);
      expect(seen.at(-1)).toBe(alerts.length);
      expect([...seen].sort((x, y) => x - y)).toEqual(seen);
      // Newest first: the first slice is the newest minute.
      if (dir === 'desc') expect(seen[0]).toBe(1);
    }
  });

  it('pages correctly through thousands of alerts that share one timestamp', async () => {
    const db = freshDb();
    const r = rng(7);
    const at = hoursAgo(3);
    const alerts = Array.from({ length: 2_500 }, (_, i) => makeAlert(r, i, '1', at));
    await db.alerts.bulkPut(alerts);
    const plan = planAlerts(
      { ...DEFAULT_FILTERS.alerts, status: ['new'] },
      { profile: DEFAULT_PROFILE, now: NOW },
    );
    const want = reference(alerts, plan);
    const cache = new ScanCache(plan.key);
    expect((await countQueue(db, plan, { cache })).total).toBe(want.length);
    for (const offset of [0, 333, 700, want.length - 3]) {
      expect(ids(await readWindow(db, plan, offset, 40, { cache }))).toEqual(
        ids(want.slice(offset, offset + 40)),
      );
    }
  });

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

  it('stops a filtered count at the cap and says so', async () => {
    const db = freshDb();
    await seed(db, 300);
    const plan = planIncidents(
      { ...DEFAULT_FILTERS.incidents, range: 'custom', from: '2000-01-01' },
      { profile: DEFAULT_PROFILE, now: NOW },
    );
    const count = await countQueue(db, plan, { cap: 100 });
    expect(count.capped).toBe(true);
    expect(count.examined).toBe(100);
    expect(count.total).toBeLessThan(100);
    expect((await countQueue(db, plan)).capped).toBe(false);
  });

  it('updates a live count when the background writes (explicit transactions are observed)', async () => {
    const db = freshDb();
    const { incidents } = await seed(db, 50);
    const plan = planIncidents(
      { ...DEFAULT_FILTERS.incidents, status: ['active'], severity: [], range: 'custom', from: '2000-01-01' },
      { profile: DEFAULT_PROFILE, now: NOW },
    );
    const values: number[] = [];
    const sub = liveQuery(() => countQueue(db, plan)).subscribe((c) => values.push(c.total));
    await expect.poll(() => values.length).toBe(1);
    const target = incidents.find((i) => i.status !== 'active')!;
    await db.incidents.update(target.id, { status: 'active' });
    await expect.poll(() => values.at(-1)).toBe(values[0]! + 1);
    sub.unsubscribe();
  });

  it('counts open incidents by severity for the popup', async () => {
    const db = freshDb();
    const { incidents } = await seed(db, 200);
    const counts = await openIncidentsBySeverity(db, DEFAULT_PROFILE);
    const want: Record<string, number> = {};
    for (const i of incidents) {
      if (['active', 'inProgress', 'awaitingAction'].includes(i.status))
        want[i.severity] = (want[i.severity] ?? 0) + 1;
    }
    expect(counts).toEqual(want);
  });
});
