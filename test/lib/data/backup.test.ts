import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BackupFiles, type BackupInfo, createBackupService } from '../../../lib/data/backup';
import { exportStore } from '../../../lib/data/export';
import { loadSample } from '../../../lib/data/sample';
import { DEFAULT_PROFILE } from '../../../lib/model';
import { moveAlerts } from '../../../lib/move/move';
import { MoverDB } from '../../../lib/store/db';
import type { StoreWitness } from '../../../lib/store/witness';

const NOW = '2026-12-01T10:00:00.000Z';

function memoryFiles() {
  const files = new Map<string, Blob>();
  const api: BackupFiles = {
    write: async (name, data) => {
      files.set(name, data);
    },
    read: async (name) => files.get(name),
  };
  return { files, api };
}

describe('automatic backups', () => {
  let db: MoverDB;
  let info: BackupInfo | undefined;
  let witness: StoreWitness | undefined;
  let mem: ReturnType<typeof memoryFiles>;
  let clock = 0;
  const service = () =>
    createBackupService({
      db,
      files: mem.api,
      readInfo: async () => info,
      writeInfo: async (i) => {
        info = i;
      },
      witness: async () => witness,
      now: () => new Date(Date.parse(NOW) + ++clock * 60_000).toISOString(),
    });

  beforeEach(async () => {
    info = undefined;
    witness = undefined;
    mem = memoryFiles();
    db = new MoverDB(`backup-${Math.random()}`);
    await loadSample(db, { now: NOW });
  });
  afterEach(() => db.delete());

  it('restores a deleted store exactly as it was, activity log included', async () => {
    const alert = (await db.alerts.toArray())[0]!;
    const other = (await db.incidents.toArray()).find((i) => i.id !== alert.incidentId)!;
    await moveAlerts(
      db,
      {
        alertIds: [alert.id],
        target: { kind: 'existing', incidentId: other.id },
        comment: 'Same host',
        reasons: [],
      },
      {
        actor: { displayName: 'Kai', upn: 'kai@contoso.com' },
        profile: DEFAULT_PROFILE,
        now: () => NOW,
        newToken: () => 'tok-1',
      },
    );
    const before = await exportStore(db);
    const made = await service().now();
    expect(made).toMatchObject({ incidents: before.value.length, activity: before.activity.length });
    expect(made.alerts).toBe(await db.alerts.count());
    // Compact: far smaller than the JSON it holds.
    expect(made.bytes).toBeLessThan(JSON.stringify(before).length / 4);

    const name = db.name;
    await db.delete();
    db = new MoverDB(name);
    expect(await db.incidents.count()).toBe(0);

    const restored = await service().restore();
    expect(restored.alerts).toBe(made.alerts);
    expect(await exportStore(db)).toEqual(before);
  });

  it('writes into the other slot, so the previous backup stays until the new one is whole', async () => {
    const first = await service().now();
    const second = await service().now();
    expect(second.file).not.toBe(first.file);
    expect(mem.files.size).toBe(2);
    const third = await service().now();
    expect(third.file).toBe(first.file);
    expect(mem.files.size).toBe(2); // bounded: never more than two snapshots
  });

  it('skips the periodic backup when nothing changed, for an empty store, and while a loss is unresolved', async () => {
    witness = { storeId: 's', incidents: 1, alerts: 1, activity: 0, changedAt: NOW };
    const made = await service().periodic();
    expect(made).toBeDefined();
    expect(await service().periodic()).toBeUndefined(); // no change since
    witness = { ...witness, changedAt: '2027-01-01T00:00:00.000Z' };
    witness.lost = { incidents: 9, alerts: 9, activity: 0, lastChangedAt: NOW, detectedAt: NOW };
    expect(await service().periodic()).toBeUndefined();
    await expect(service().now()).rejects.toThrow(/restore it, or choose to start with an empty store/);
    expect(info).toEqual(made);
  });

  it('refuses a damaged backup with a sentence and changes nothing', async () => {
    const made = await service().now();
    mem.files.set(made.file, new Blob(['not gzip at all']));
    const count = await db.alerts.count();
    await expect(service().restore()).rejects.toThrow(/is damaged and can't be read. Nothing was changed/);
    expect(await db.alerts.count()).toBe(count);
  });

  it('says so when there is no backup', async () => {
    await expect(service().restore()).rejects.toThrow('There is no backup to restore.');
  });
});
