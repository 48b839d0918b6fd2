import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadSample } from '../../../lib/data/sample';
import { createRouter } from '../../../lib/messaging/router';
import { DEFAULT_PROFILE } from '../../../lib/model';
import { STORAGE_FULL } from '../../../lib/model/errors';
import { MoverDB } from '../../../lib/store/db';

// A full disk as Chromium sometimes reports it: the write transaction aborted, no file error in it.
const unnamedAbort = Object.assign(new Error('The transaction was aborted.'), { name: 'AbortError' });

let db: MoverDB;
beforeEach(async () => {
  db = new MoverDB(`router-storage-${crypto.randomUUID()}`);
  await loadSample(db, { incidents: 3, alerts: 6, seed: 5, now: '2026-12-01T00:00:00.000Z' });
});
afterEach(async () => {
  vi.restoreAllMocks();
  db.close();
  await db.delete();
});

function routerWithRoom(bytes: number) {
  return createRouter({
    db,
    extensionId: 'ext',
    extensionOrigin: 'chrome-extension://ext/',
    getProfile: async () => DEFAULT_PROFILE,
    now: () => '2026-12-02T00:00:00.000Z',
    newToken: () => crypto.randomUUID(),
    session: { get: async () => undefined, set: async () => {}, remove: async () => {} },
    storageEstimate: async () => ({ usage: 1_000_000, quota: 1_000_000 + bytes }),
  });
}

async function moveWhileWritesAbort(bytes: number) {
  const [alert] = await db.alerts.limit(1).toArray();
  vi.spyOn(db, 'transaction').mockImplementation((() => Promise.reject(unnamedAbort)) as never);
  return routerWithRoom(bytes)(
    { type: 'move.run', input: { alertIds: [alert!.id], target: { kind: 'new' }, comment: 'why' } },
    { id: 'ext', url: 'chrome-extension://ext/sidepanel.html' },
  );
}

describe('a write the browser aborts without naming a reason', () => {
  it('says the browser has no room when little is left', async () => {
    expect(await moveWhileWritesAbort(64 * 1024)).toEqual({
      ok: false,
      error: { code: 'internal', message: STORAGE_FULL },
    });
  });

  it('says something went wrong, not "no room", when there is room', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const r = await moveWhileWritesAbort(10 * 1024 ** 3);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error.message).toMatch(
      /Something went wrong in the extension\. Nothing was changed/,
    );
  });
});
