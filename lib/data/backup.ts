/**
 * Automatic backups: a compact snapshot of the store (our export, gzip-compressed) written to files that live
 * outside IndexedDB (the background uses the origin-private file system), so a store the browser discards can
 * be restored. Two slots: a new backup is written into the slot not in use and only then becomes the latest,
 * so a crash while writing never leaves no backup. Files are injected, so this is tested without a browser.
 */
import { MoverError } from '../model/errors';
import type { MoverDB } from '../store/db';
import { STORE_ID_KEY } from '../store/lifecycle';
import type { StoreWitness } from '../store/witness';
import { exportStore, exportToParts } from './export';
import { parseImport, writeImport } from './import';

/** The files a backup is kept in (the origin-private file system in the background; memory in tests). */
export interface BackupFiles {
  write(name: string, data: Blob): Promise<void>;
  read(name: string): Promise<Blob | undefined>;
}

/** What the latest backup holds; kept next to the witness in extension storage. */
export interface BackupInfo {
  file: string;
  at: string;
  incidents: number;
  alerts: number;
  activity: number;
  bytes: number;
}

export const BACKUP_SLOTS = ['backup-a.json.gz', 'backup-b.json.gz'] as const;
/** Compressed size past which a backup is not kept (it would crowd the browser's storage quota). */
export const MAX_BACKUP_BYTES = 256 * 1024 * 1024;

const compress = (data: Blob) =>
  new Response(data.stream().pipeThrough(new CompressionStream('gzip'))).blob();
const decompress = (data: Blob) =>
  new Response(data.stream().pipeThrough(new DecompressionStream('gzip'))).text();

/** Writes a backup of the whole store into the free slot and returns what the new latest backup holds. */
export async function writeBackup(
  db: MoverDB,
  files: BackupFiles,
  previous: BackupInfo | undefined,
  now: string,
): Promise<BackupInfo> {
  const body = await exportStore(db);
  const alerts = body.value.reduce((n, i) => n + ((i.alerts as unknown[] | undefined)?.length ?? 0), 0);
  const blob = await compress(new Blob(exportToParts(body), { type: 'application/json' }));
  if (blob.size > MAX_BACKUP_BYTES) {
    throw new MoverError(
      'validation',
      `The backup would take ${Math.round(blob.size / 1024 / 1024)} MB, more than the ${MAX_BACKUP_BYTES / 1024 / 1024} MB kept; the previous backup stays. Export the store from the options page instead.`,
    );
  }
  const file = previous?.file === BACKUP_SLOTS[0] ? BACKUP_SLOTS[1] : BACKUP_SLOTS[0];
  await files.write(file, blob);
  return {
    file,
    at: now,
    incidents: body.value.length,
    alerts,
    activity: body.activity.length,
    bytes: blob.size,
  };
}

export interface RestoreCounts {
  incidents: number;
  alerts: number;
  activity: number;
}

/**
 * Replaces the store with the latest backup, in one transaction: a backup that can't be read changes nothing.
 * The store keeps its id (the witness follows it). Undo records and the sync outbox are not in a backup.
 */
export async function restoreBackup(
  db: MoverDB,
  files: BackupFiles,
  info: BackupInfo | undefined,
  now: string,
): Promise<RestoreCounts> {
  const blob = info ? await files.read(info.file) : undefined;
  if (!info || !blob) throw new MoverError('not-found', 'There is no backup to restore.');
  let text: string;
  try {
    text = await decompress(blob);
  } catch {
    throw new MoverError(
      'validation',
      `The backup of ${info.at.slice(0, 16).replace('T', ' ')} UTC is damaged and can't be read. Nothing was changed.`,
    );
  }
  const parsed = parseImport(text);
  if (!parsed.ok) {
    throw new MoverError(
      'validation',
      `The backup of ${info.at.slice(0, 16).replace('T', ' ')} UTC can't be read. Nothing was changed.`,
      parsed.problems,
    );
  }
  return db.transaction(
    'rw',
    [db.incidents, db.alerts, db.activity, db.moves, db.outbox, db.meta],
    async () => {
      const storeId = await db.meta.get(STORE_ID_KEY);
      await Promise.all([
        db.incidents.clear(),
        db.alerts.clear(),
        db.activity.clear(),
        db.moves.clear(),
        db.outbox.clear(),
        db.meta.clear(),
      ]);
      if (storeId) await db.meta.put(storeId);
      const r = await writeImport(db, parsed.data, { now });
      return { incidents: r.incidents, alerts: r.alerts, activity: r.activity };
    },
  );
}

export interface BackupServiceDeps {
  db: MoverDB;
  files: BackupFiles;
  readInfo(): Promise<BackupInfo | undefined>;
  writeInfo(info: BackupInfo): Promise<void>;
  /** The witness: when the store last changed, and whether it was lost (then the old backup must stay). */
  witness(): Promise<StoreWitness | undefined>;
  now(): string;
}

export function createBackupService(deps: BackupServiceDeps) {
  const backUpNow = async () => {
    const info = await writeBackup(deps.db, deps.files, await deps.readInfo(), deps.now());
    await deps.writeInfo(info);
    return info;
  };
  return {
    /** A backup on the analyst's request. */
    async now(): Promise<BackupInfo> {
      if ((await deps.witness())?.lost) {
        throw new MoverError(
          'conflict',
          'The store was lost and the latest backup is the way back: restore it, or choose to start with an empty store, before making a new backup.',
        );
      }
      return backUpNow();
    },
    /**
     * The periodic backup: only when the store changed since the last one, never of an empty store, and never
     * while a lost store is unresolved (the backup is the way back; a new one must not replace it).
     */
    async periodic(): Promise<BackupInfo | undefined> {
      const [info, witness] = await Promise.all([deps.readInfo(), deps.witness()]);
      if (witness?.lost) return undefined;
      if (info && witness && witness.changedAt <= info.at) return undefined;
      if ((await deps.db.incidents.count()) === 0) return undefined;
      return backUpNow();
    },
    restore: async () => restoreBackup(deps.db, deps.files, await deps.readInfo(), deps.now()),
  };
}

export type BackupService = ReturnType<typeof createBackupService>;
