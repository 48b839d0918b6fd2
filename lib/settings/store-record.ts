/**
 * Records about the store kept outside IndexedDB on purpose (in extension storage), so they survive the browser
 * discarding the database: the witness of what the store held, and where the latest automatic backup is.
 */
import { storage } from 'wxt/utils/storage';
import type { BackupInfo } from '../data/backup';
import type { StoreWitness } from '../store/witness';

export const witnessItem = storage.defineItem<StoreWitness | null>('local:storeWitness', {
  fallback: null,
  version: 1,
});

export const backupItem = storage.defineItem<BackupInfo | null>('local:backup', {
  fallback: null,
  version: 1,
});
