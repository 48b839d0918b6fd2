/**
 * The popup's read path (lib/store/lite.ts, plain IndexedDB) answers what the store holds, agrees with the
 * queue reads it stands in for, never creates or blocks the database, and notices writes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SYNC_STATUS_KEY } from '@/entrypoints/popup/App';
import { SYNC_STATUS_KEY as GRAPH_SYNC_STATUS_KEY } from '@/lib/graph/state';
import { DEFAULT_PROFILE, INCIDENT_STATUSES } from '@/lib/model';
import { canReadIncident } from '@/lib/model/permissions';
import { DB_NAME, MoverDB } from '@/lib/store/db';
import {
  firstRows,
  incidentById,
  OPEN_STATUSES,
  openIncidentsBySeverity,
  openStore,
  recentMoves,
  STORE_NAME,
  watchStore,
} from '@/lib/store/lite';
import { DEFAULT_FILTERS } from '@/lib/store/queue/filters';
import { planAlerts, planIncidents, type QueuePlan } from '@/lib/store/queue/plan';
import { readWindow } from '@/lib/store/queue/read';
import { deleteDbs, freshDb, NOW, seed } from './queue/fixtures';

const opened: IDBDatabase[] = [];
afterEach(async () => {
  for (const idb of opened.splice(0)) idb.close();
  await deleteDbs();
});
const open = async (name: string) => {
  const idb = await openStore(name);
  if (idb) opened.push(idb);
  return idb;
};

/** Open incidents by severity, the slow way: every incident read. */
async function countOpen(db: MoverDB, profile = DEFAULT_PROFILE) {
  const want: Record<string, number> = {};
  for (const i of await db.incidents.toArray())
    if ((OPEN_STATUSES as readonly string[]).includes(i.status) && canReadIncident(profile, i))
      want[i.severity] = (want[i.severity] ?? 0) + 1;
  return want;
}

describe('the popup’s read path', () => {
  it('names the same store and keys as the rest of the extension', () => {
    expect(STORE_NAME).toBe(DB_NAME);
    expect(SYNC_STATUS_KEY).toBe(GRAPH_SYNC_STATUS_KEY);
    for (const s of OPEN_STATUSES) expect(INCIDENT_STATUSES).toContain(s);
  });

  it('counts open incidents by severity from the counters, and by reading when the profile hides some', async () => {
    const db = freshDb();
    await seed(db, 200);
    const idb = await open(db.name);
    expect(await openIncidentsBySeverity(idb, DEFAULT_PROFILE)).toEqual(await countOpen(db));
    // A move changes the counts; the counters follow.
    const some = await db.incidents.where('status').equals('resolved').first();
    await db.incidents.update(some!.id, { status: 'active', severity: 'high' });
    expect(await openIncidentsBySeverity(idb, DEFAULT_PROFILE)).toEqual(await countOpen(db));
    const restricted = { ...DEFAULT_PROFILE, scopes: { Finance: 'none' as const } };
    const want = await countOpen(db, restricted);
    expect(want).not.toEqual(await countOpen(db));
    expect(await openIncidentsBySeverity(idb, restricted)).toEqual(want);
  });

  it('reads the first rows of a plan as the queue would, an incident by id and the newest moves', async () => {
    const db = freshDb();
    await seed(db, 300);
    const idb = await open(db.name);
    const ctx = { profile: DEFAULT_PROFILE, now: NOW };
    const sameFirstRows = async <T>(plan: QueuePlan<T>) => {
      const want = await readWindow(db, plan, 0, 8);
      expect(want.length).toBeGreaterThan(0);
      expect(await firstRows(idb, plan, 8)).toEqual(want);
    };
    await sameFirstRows(planAlerts({ ...DEFAULT_FILTERS.alerts, range: '30d' }, ctx));
    await sameFirstRows(planIncidents({ ...DEFAULT_FILTERS.incidents, q: 'phishing' }, ctx));
    await sameFirstRows(planIncidents({ ...DEFAULT_FILTERS.incidents, dir: 'asc' }, ctx));
    expect(await incidentById(idb, '1003')).toEqual(await db.incidents.get('1003'));
    expect(await incidentById(idb, 'nope')).toBeUndefined();
    await db.moves.bulkPut(
      ['2026-11-01', '2026-11-03', '2026-11-02'].map((at, i) => ({ token: `t${i}`, at }) as never),
    );
    expect((await recentMoves(idb, 2)).map((m) => m.token)).toEqual(['t1', 't2']);
  });

  it('reads a store that does not exist as empty, without creating it', async () => {
    const name = `missing-${crypto.randomUUID()}`;
    const idb = await open(name);
    expect(idb).toBeNull();
    expect(await openIncidentsBySeverity(idb, DEFAULT_PROFILE)).toEqual({});
    expect(await recentMoves(idb, 5)).toEqual([]);
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(name);
    // The extension's first open then creates it with its own schema.
    const db = new MoverDB(name);
    await db.open();
    expect(db.verno).toBeGreaterThan(1);
    await db.delete();
  });

  it('steps aside for a schema upgrade, and notices writes from any connection', async () => {
    const db = freshDb();
    await seed(db, 5);
    const idb = await open(db.name);
    let changes = 0;
    const stop = watchStore(db.name, () => changes++, 10);
    await db.incidents.update('1001', { displayName: 'Renamed' });
    await expect.poll(() => changes).toBeGreaterThan(0);
    stop();
    // A next build's connection upgrades without being blocked by the popup's.
    db.close();
    const next = new MoverDB(db.name);
    next.version(db.verno + 1).stores({});
    await next.open();
    expect(next.verno).toBe(db.verno + 1);
    expect(() => idb!.transaction('incidents')).toThrow();
    next.close();
  });
});
