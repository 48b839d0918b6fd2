/**
 * Fills a store with a generated tenant, in batches (one transaction each) so memory stays bounded. The records
 * are new (ids shifted per slice, alerts already stored left out): added, so nothing is read before each write.
 */
import type { MoverDB } from '@/lib/store/db';
import type { Tenant } from './tenant';

const BATCH = 10_000;

export async function fillStore(
  db: MoverDB,
  tenant: Tenant,
  onProgress?: (done: number, total: number) => void,
) {
  const total = tenant.alerts.length + tenant.incidents.length;
  let done = 0;
  for (const [table, rows] of [
    [db.incidents, tenant.incidents],
    [db.alerts, tenant.alerts],
  ] as const) {
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH);
      await db.transaction('rw', table, () => (table as typeof db.alerts).bulkAdd(batch as never));
      done += batch.length;
      onProgress?.(done, total);
    }
  }
}
