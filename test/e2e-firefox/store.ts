import type { Page } from 'puppeteer-core';

export interface StoredAlert {
  id: string;
  incidentId: string;
}

/** Reads the store from an extension page, as a tool would (to pick ids for a test, not to assert the UI). */
export function readAlerts(page: Page): Promise<StoredAlert[]> {
  return page.evaluate(
    () =>
      new Promise<StoredAlert[]>((resolve, reject) => {
        const req = indexedDB.open('incident-mover');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const get = req.result.transaction('alerts').objectStore('alerts').getAll();
          get.onsuccess = () => {
            resolve(get.result.map((a) => ({ id: a.id, incidentId: a.incidentId })));
            req.result.close();
          };
        };
      }),
  );
}

/** How many records each object store holds. */
export function readCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const req = indexedDB.open('incident-mover');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const names = [...db.objectStoreNames];
          const tx = db.transaction(names);
          const counts = names.map((n) => tx.objectStore(n).count());
          tx.oncomplete = () => {
            resolve(Object.fromEntries(names.map((n, i) => [n, counts[i]!.result])));
            db.close();
          };
        };
      }),
  );
}

/** Alerts from distinct incidents, so moves between them are real. */
export function alertsFromDistinctIncidents(alerts: StoredAlert[], n: number): StoredAlert[] {
  const seen = new Set<string>();
  const out: StoredAlert[] = [];
  for (const a of alerts) {
    if (seen.has(a.incidentId)) continue;
    seen.add(a.incidentId);
    out.push(a);
    if (out.length === n) break;
  }
  return out;
}
