import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { MoverDB } from '../../../lib/store/db';

/** IndexedDB that refuses to open while `full` is set, as Chromium does on a full disk. */
function diskThatFills() {
  const real = new IDBFactory();
  const state = { full: true };
  const indexedDB = new Proxy(real, {
    get(target, prop) {
      if (prop !== 'open') return Reflect.get(target, prop, target);
      return (name: string, version?: number) => {
        if (!state.full) return target.open(name, version);
        // An open request that fails, as Chromium's does ("Encountered full disk while opening backing store").
        const req = target.open(`${name}-refused`, version);
        req.addEventListener('upgradeneeded', () => req.transaction?.abort());
        return req;
      };
    },
  });
  return { indexedDB: indexedDB as unknown as IDBFactory, state };
}

describe('a store whose open failed', () => {
  it('answers every query with the old failure until opened again, then works once there is room', async () => {
    const disk = diskThatFills();
    const db = new MoverDB('reopen', { indexedDB: disk.indexedDB, IDBKeyRange });
    await expect(db.meta.get('x')).rejects.toThrow();
    disk.state.full = false;
    // Dexie keeps the failure: room alone does not help.
    await expect(db.meta.get('x')).rejects.toThrow();

    await db.reopenIfOpenFailed();
    await db.meta.put({ key: 'x', value: 1 });
    expect((await db.meta.get('x'))?.value).toBe(1);
    // Open: nothing more to do.
    await db.reopenIfOpenFailed();
    expect(db.isOpen()).toBe(true);
  });

  it('stays failed (without throwing) while the disk is still full', async () => {
    const disk = diskThatFills();
    const db = new MoverDB('reopen-full', { indexedDB: disk.indexedDB, IDBKeyRange });
    await expect(db.meta.get('x')).rejects.toThrow();
    await expect(db.reopenIfOpenFailed()).resolves.toBeUndefined();
    expect(db.isOpen()).toBe(false);
  });
});
