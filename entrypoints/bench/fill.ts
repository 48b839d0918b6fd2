/** Fills a store with a generated tenant, in batches (one transaction each) so memory stays bounded. */
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
      await db.transaction('rw', table, () => (table as typeof db.alerts).bulkPut(batch as never));
      done += batch.length;
      onProgress?.(done, total);
    }
  }
}
