import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateTenant, loadSample } from '../../../lib/data/sample';
import { createImportSession, IMPORT_STORAGE_FULL } from '../../../lib/messaging/import-session';
import type { ImportProgress } from '../../../lib/messaging/protocol';
import { MoverDB } from '../../../lib/store/db';

const NOW = '2026-12-01T00:00:00.000Z';
// A full disk as Chromium mostly reports it: a bare UnknownError, no file error named.
const bare = Object.assign(new Error('Unknown error'), { name: 'UnknownError' });

let db: MoverDB;
beforeEach(async () => {
  db = new MoverDB(`import-storage-${crypto.randomUUID()}`);
  await loadSample(db, { incidents: 3, alerts: 6, seed: 5, now: NOW });
});
afterEach(async () => {
  vi.restoreAllMocks();
  db.close();
  await db.delete();
});

async function importWhileWritesFail(roomBytes: number) {
  const file = JSON.stringify({
    value: generateTenant({ incidents: 4, alerts: 12, seed: 9, now: NOW }).incidents,
  });
  const posted: ImportProgress[] = [];
  const receive = createImportSession({
    db,
    now: () => NOW,
    post: (m) => posted.push(m),
    storageEstimate: async () => ({ usage: 5_000_000, quota: 5_000_000 + roomBytes }),
  });
  await receive({ type: 'chunk', text: file });
  vi.spyOn(db, 'transaction').mockImplementation((() => Promise.reject(bare)) as never);
  await receive({ type: 'end', fileName: 'incidents.json' });
  vi.restoreAllMocks();
  return posted.find((m) => m.type === 'error');
}

describe('an import whose write the browser refuses without a reason', () => {
  it('says there is no room and nothing was imported when little room is left; the store is unchanged', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const before = await db.alerts.count();
    expect((await importWhileWritesFail(64 * 1024))?.message).toBe(IMPORT_STORAGE_FULL);
    expect(IMPORT_STORAGE_FULL).toMatch(/no room left .* so nothing was imported/);
    expect(await db.alerts.count()).toBe(before);
  });

  it('says the import failed, not "no room", when there is room', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect((await importWhileWritesFail(10 * 1024 ** 3))?.message).toBe(
      'The import failed while writing. Nothing was changed; try again.',
    );
  });
});
