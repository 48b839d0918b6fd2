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

describe('a write refused for want of room', () => {
  const full = () => Object.assign(new Error('injected'), { name: 'QuotaExceededError' });

  it('is tried once more on the store the browser closed and this opened again', async () => {
    const db = new MoverDB(`once-more-${crypto.randomUUID()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
    let tries = 0;
    const result = await db.writeOnceMoreIfFull(async () => {
      tries++;
      if (tries === 1) {
        // As Chromium does after a failed write of its database files: the connection is closed under the page.
        db.close({ disableAutoOpen: false });
        throw full();
      }
      expect(db.isOpen()).toBe(true);
      await db.meta.put({ key: 'x', value: 1 });
      return 'written';
    }, 200);
    expect(result).toBe('written');
    expect(tries).toBe(2);
    expect((await db.meta.get('x'))?.value).toBe(1);
  });

  it('fails with the second refusal, and other failures are never tried again', async () => {
    const db = new MoverDB(`once-more-${crypto.randomUUID()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
    let tries = 0;
    await expect(
      db.writeOnceMoreIfFull(async () => {
        tries++;
        throw full();
      }, 50),
    ).rejects.toThrow('injected');
    expect(tries).toBe(2);
    tries = 0;
    await expect(
      db.writeOnceMoreIfFull(async () => {
        tries++;
        throw new TypeError('a bug');
      }, 50),
    ).rejects.toThrow('a bug');
    expect(tries).toBe(1);
  });
});
