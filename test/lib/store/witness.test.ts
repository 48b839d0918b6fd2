import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSample } from '../../../lib/data/sample';
import { MoverDB } from '../../../lib/store/db';
import { createStoreGuard } from '../../../lib/store/guard';
import {
  clearedWitness,
  describeLoss,
  reconcileWitness,
  type StoreWitness,
} from '../../../lib/store/witness';

const T0 = '2026-12-01T10:00:00.000Z';
const T1 = '2026-12-01T11:00:00.000Z';
const T2 = '2026-12-01T12:00:00.000Z';

describe('the witness of what the store held', () => {
  const held: StoreWitness = { storeId: 'a', incidents: 40, alerts: 200, activity: 12, changedAt: T0 };

  it('starts from what it first sees', () => {
    expect(reconcileWitness(undefined, { storeId: 'a', incidents: 0, alerts: 0, activity: 0 }, T0)).toEqual({
      storeId: 'a',
      incidents: 0,
      alerts: 0,
      activity: 0,
      changedAt: T0,
    });
  });

  it('follows changes of the same store and keeps the time of the last change', () => {
    const same = reconcileWitness(held, { storeId: 'a', incidents: 40, alerts: 200, activity: 12 }, T1);
    expect(same.changedAt).toBe(T0);
    const grown = reconcileWitness(held, { storeId: 'a', incidents: 41, alerts: 205, activity: 14 }, T1);
    expect(grown).toEqual({ storeId: 'a', incidents: 41, alerts: 205, activity: 14, changedAt: T1 });
    expect(grown.lost).toBeUndefined();
  });

  it('reports a store replaced behind its back as lost, with what it held, until acknowledged', () => {
    const w = reconcileWitness(held, { storeId: 'b', incidents: 0, alerts: 0, activity: 0 }, T1);
    expect(w.lost).toEqual({ incidents: 40, alerts: 200, activity: 12, lastChangedAt: T0, detectedAt: T1 });
    // The new store filling meanwhile (sample data, a sync) does not hide the loss.
    const later = reconcileWitness(w, { storeId: 'b', incidents: 64, alerts: 260, activity: 0 }, T2);
    expect(later.lost).toEqual(w.lost);
    expect(later.incidents).toBe(64);
    expect(describeLoss(w.lost!)).toContain('it held 40 incidents, 200 alerts and 12 activity entries');
  });

  it('does not call an empty store lost, nor one emptied on purpose', () => {
    const empty = { storeId: 'a', incidents: 0, alerts: 0, activity: 0, changedAt: T0 };
    expect(
      reconcileWitness(empty, { storeId: 'b', incidents: 0, alerts: 0, activity: 0 }, T1).lost,
    ).toBeUndefined();
    const cleared = clearedWitness('c', T1);
    expect(
      reconcileWitness(cleared, { storeId: 'c', incidents: 0, alerts: 0, activity: 0 }, T2).lost,
    ).toBeUndefined();
  });
});

describe('the store guard on a real store', () => {
  let db: MoverDB;
  let witness: StoreWitness | undefined;
  let ids = 0;
  const guard = (d: MoverDB) =>
    createStoreGuard({
      db: d,
      readWitness: async () => witness,
      writeWitness: async (w) => {
        witness = w;
      },
      now: () => T1,
      newId: () => `store-${++ids}`,
    });

  beforeEach(async () => {
    witness = undefined;
    db = new MoverDB(`witness-${Math.random()}`);
    await loadSample(db, { now: T0 });
  });
  afterEach(() => db.delete());

  it('notices a deleted database, and not a cleared one', async () => {
    const g = guard(db);
    const first = await g.check();
    expect(first.incidents).toBeGreaterThan(0);
    expect(first.lost).toBeUndefined();

    // Cleared on purpose: nothing is missed.
    await g.clear();
    expect((await g.check()).lost).toBeUndefined();
    expect(await db.incidents.count()).toBe(0);

    // Data again, then the browser throws the database away and the extension opens a new one.
    await loadSample(db, { now: T0 });
    const before = await g.check();
    const name = db.name;
    await db.delete();
    db = new MoverDB(name);
    const after = await guard(db).check();
    expect(after.lost).toMatchObject({ incidents: before.incidents, alerts: before.alerts });

    await guard(db).acknowledge();
    expect(witness?.lost).toBeUndefined();
  });

  it('counts what the store holds as counting every record would, after adds, deletes and a clear', async () => {
    const g = guard(db);
    const native = async () => ({
      incidents: await db.incidents.count(),
      alerts: await db.alerts.count(),
      activity: await db.activity.count(),
    });
    const first = await g.check();
    expect(first).toMatchObject(await native());

    const alerts = await db.alerts.limit(5).toArray();
    await db.alerts.bulkDelete(alerts.slice(0, 3).map((a) => a.id));
    await db.alerts.bulkPut(alerts.slice(3).map((a) => ({ ...a, id: `${a.id}-copy`, status: 'resolved' })));
    const incident = (await db.incidents.toCollection().first())!;
    await db.incidents.put({ ...incident, id: '999999', createdDateTime: '2020-01-01T00:00:00Z' });
    const changed = await g.check();
    expect(changed).toMatchObject(await native());
    expect(changed).toMatchObject({ alerts: first.alerts - 1, incidents: first.incidents + 1 });

    await g.clear();
    expect(await g.check()).toMatchObject({ incidents: 0, alerts: 0, activity: 0 });
  });

  it('checks the identity of the store without counting it, and counts a store it does not know', async () => {
    // No witness yet: counted.
    const g = guard(db);
    const first = await g.checkIdentity();
    expect(first.alerts).toBe(await db.alerts.count());

    // The same store: answered from the witness, without reading the tables (a count would see the new alert).
    const extra = { ...(await db.alerts.toCollection().first())!, id: 'one-more-alert' };
    await db.alerts.put(extra);
    expect(await g.checkIdentity()).toEqual(first);
    // The check after a write counts it.
    expect((await g.check()).alerts).toBe(first.alerts + 1);

    // A store replaced behind the extension's back is noticed by its id, with what the old one held.
    const name = db.name;
    await db.delete();
    db = new MoverDB(name);
    const after = await guard(db).checkIdentity();
    expect(after.lost).toMatchObject({ incidents: first.incidents, alerts: first.alerts + 1 });
    expect(after.alerts).toBe(0);
  });
});
