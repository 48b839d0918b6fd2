import { liveQuery } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '@/lib/model';
import { DEFAULT_FILTERS, UNASSIGNED } from '@/lib/store/queue/filters';
import { planAlerts, planIncidents } from '@/lib/store/queue/plan';
import { countQueue, readIds, readWindow, ScanCache } from '@/lib/store/queue/read';
import { deleteDbs, freshDb, hoursAgo, ids, makeAlert, NOW, reference, rng, seed } from './fixtures';

afterEach(deleteDbs);

describe('queue pages', () => {
  it('pages the default incidents queue exactly like a full sort-and-filter would, deep offsets included', async () => {
    const db = freshDb();
    const { incidents } = await seed(db, 1500);
    const plan = planIncidents(DEFAULT_FILTERS.incidents, { profile: DEFAULT_PROFILE, now: NOW });
    expect(plan.match).not.toBeNull();
    const want = reference(incidents, plan);
    expect(want.length).toBeGreaterThan(250);
    // Status and severity only: the counters answer, nothing is scanned.
    expect(plan.counted).toEqual({ status: ['active', 'inProgress'], severity: ['high', 'medium', 'low'] });
    const count = await countQueue(db, plan, { cache: new ScanCache(plan.key) });
    expect(count).toMatchObject({ total: want.length, capped: false, scanned: false });
    // A filter the counters don't know (here one every incident passes) makes it a scan that leaves
    // checkpoints, and windows start from them.
    const scanned = planIncidents(
      { ...DEFAULT_FILTERS.incidents, assigned: ['ana@contoso.com', 'bo@contoso.com', UNASSIGNED] },
      { profile: DEFAULT_PROFILE, now: NOW },
    );
    expect(scanned.counted).toBeUndefined();
    const cache = new ScanCache(scanned.key);
    expect(await countQueue(db, scanned, { cache })).toMatchObject({ total: want.length, scanned: true });
    expect(cache.positions.size).toBe(Math.ceil(want.length / 100));
    for (const offset of [0, 1, 99, 100, 237, want.length - 5]) {
      expect(ids(await readWindow(db, scanned, offset, 30, { cache }))).toEqual(
        ids(want.slice(offset, offset + 30)),
      );
      expect(ids(await readWindow(db, plan, offset, 30))).toEqual(ids(want.slice(offset, offset + 30)));
    }
    // Without the count's checkpoints, a window deep in the queue is still right (it scans from the top).
    expect(ids(await readWindow(db, scanned, 201, 10))).toEqual(ids(want.slice(201, 211)));
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
      // Scrolling through the middle: each window starts from the day that holds it (the counters say which).
      const cache = new ScanCache(plan.key);
      const total = want.length;
      for (let offset = 300; offset < 620; offset += 37) {
        const rows = await readWindow(db, plan, offset, 40, { cache, total });
        expect(ids(rows)).toEqual(ids(want.slice(offset, offset + 40)));
      }
      expect(cache.segments?.length).toBeGreaterThan(2);
      expect(await readIds(db, plan, 5, 9)).toEqual(ids(want.slice(5, 9)));
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

  it('stops a filtered count at the cap and says so', async () => {
    const db = freshDb();
    await seed(db, 300);
    const plan = planIncidents(
      {
        ...DEFAULT_FILTERS.incidents,
        range: 'custom',
        from: '2000-01-01',
        assigned: ['ana@contoso.com', 'bo@contoso.com', UNASSIGNED],
      },
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
});
