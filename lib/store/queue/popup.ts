/** Small reads for the filter options. (The popup reads through lib/store/lite.ts, without Dexie.) */
import type { MoverDB } from '../db';
import type { QueueKind } from './filters';

/** Distinct values of an index (filter options), e.g. device groups from `alerts.scope`. */
export async function distinctValues(db: MoverDB, table: QueueKind, index: string): Promise<string[]> {
  const keys = await db.table(table).orderBy(index).uniqueKeys();
  return keys.filter((k): k is string => typeof k === 'string' && k !== '');
}
