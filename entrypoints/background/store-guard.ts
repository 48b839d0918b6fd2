/**
 * The browser side of the store's safety net: the witness and backup records in extension storage, backup
 * files in the origin-private file system (outside IndexedDB, so they outlive a discarded database), and the
 * alarm that makes a backup when the store changed. The logic is in lib/store/guard.ts and lib/data/backup.ts.
 */
import { browser } from 'wxt/browser';
import { type BackupFiles, createBackupService } from '@/lib/data/backup';
import { backupItem, witnessItem } from '@/lib/settings/store-record';
import type { MoverDB } from '@/lib/store/db';
import { createStoreGuard, watchWrites } from '@/lib/store/guard';

export const BACKUP_ALARM = 'backup';
const BACKUP_EVERY_MINUTES = 30;

function opfsFiles(): BackupFiles {
  const dir = () => navigator.storage.getDirectory();
  return {
    async write(name, data) {
      const handle = await (await dir()).getFileHandle(name, { create: true });
      const writable = await handle.createWritable();
      await writable.write(data);
      await writable.close();
    },
    async read(name) {
      try {
        return await (await (await dir()).getFileHandle(name)).getFile();
      } catch {
        return undefined;
      }
    },
  };
}

export function createStoreSafety(db: MoverDB, now: () => string) {
  const guard = createStoreGuard({
    db,
    readWitness: async () => (await witnessItem.getValue()) ?? undefined,
    writeWitness: (w) => witnessItem.setValue(w),
    now,
    newId: () => crypto.randomUUID(),
  });
  const backup = createBackupService({
    db,
    files: opfsFiles(),
    readInfo: async () => (await backupItem.getValue()) ?? undefined,
    writeInfo: (info) => backupItem.setValue(info),
    witness: async () => (await witnessItem.getValue()) ?? undefined,
    now,
  });
  watchWrites(db, guard.noteWrite);
  return {
    guard,
    backup,
    start() {
      // Created once: creating it again at every start of the worker would push the first backup back each time.
      void browser.alarms.get(BACKUP_ALARM).then((existing) => {
        if (!existing) void browser.alarms.create(BACKUP_ALARM, { periodInMinutes: BACKUP_EVERY_MINUTES });
      });
      void guard.checkIdentity().catch((e) => console.error('[incident-mover] store check failed', e));
    },
    onAlarm(name: string) {
      if (name !== BACKUP_ALARM) return;
      void guard
        .check()
        .then(() => backup.periodic())
        .catch((e) => console.error('[incident-mover] backup failed', e));
    },
  };
}
