import type { Page } from '@playwright/test';

export interface StoredAlert {
  id: string;
  incidentId: string;
  title: string;
  scope: string;
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
            resolve(
              get.result.map((a) => ({ id: a.id, incidentId: a.incidentId, title: a.title, scope: a.scope })),
            );
            req.result.close();
          };
        };
      }),
  );
}

export function readCounts(page: Page): Promise<{ alerts: number; activity: number }> {
  return page.evaluate(
    () =>
      new Promise<{ alerts: number; activity: number }>((resolve) => {
        const req = indexedDB.open('incident-mover');
        req.onsuccess = () => {
          const tx = req.result.transaction(['alerts', 'activity']);
          const a = tx.objectStore('alerts').count();
          const b = tx.objectStore('activity').count();
          tx.oncomplete = () => {
            resolve({ alerts: a.result, activity: b.result });
            req.result.close();
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
