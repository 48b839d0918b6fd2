/**
 * Plain IndexedDB, the baseline every figure is compared with: one read-write transaction issuing
 * every request at once, no wrapper library. Opens the same databases Dexie created (same name,
 * current version), so the object stores, keys and indexes are the same.
 */

export function openRaw(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error(`opening ${name} is blocked by another connection`));
  });
}

export interface StoreWrites {
  put?: readonly unknown[];
  add?: readonly unknown[];
  delete?: readonly IDBValidKey[];
}

/** Writes everything in ONE read-write transaction; resolves once it has committed. */
export function rawWrite(db: IDBDatabase, writes: Record<string, StoreWrites>): Promise<void> {
  const names = Object.keys(writes);
  const tx = db.transaction(names, 'readwrite');
  const done = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
  for (const name of names) {
    const store = tx.objectStore(name);
    const w = writes[name]!;
    for (const key of w.delete ?? []) store.delete(key);
    for (const value of w.put ?? []) store.put(value);
    for (const value of w.add ?? []) store.add(value);
  }
  return done;
}

/** Every record of a store, in key order, in one request. */
export function rawGetAll<T>(db: IDBDatabase, store: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const req = db.transaction(store, 'readonly').objectStore(store).getAll();
    req.onsuccess = () => resolve(req.result as T[]);
    req.onerror = () => reject(req.error);
  });
}

export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    req.onblocked = () => resolve();
  });
}

/** The first `limit` records of an index, in the given direction (what a queue shows first). */
export function rawPage<T>(
  db: IDBDatabase,
  store: string,
  index: string,
  direction: IDBCursorDirection,
  limit: number,
) {
  return new Promise<T[]>((resolve, reject) => {
    const out: T[] = [];
    const req = db.transaction(store, 'readonly').objectStore(store).index(index).openCursor(null, direction);
    req.onsuccess = () => {
      const cursor = req.result;
      if (cursor && out.length < limit) {
        out.push(cursor.value as T);
        cursor.continue();
      } else resolve(out);
    };
    req.onerror = () => reject(req.error);
  });
}

/** Plain IndexedDB's count of an index's range from `lower` up (the baseline for a queue's count). */
export function rawCount(db: IDBDatabase, store: string, index: string, lower: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = db
      .transaction(store, 'readonly')
      .objectStore(store)
      .index(index)
      .count(IDBKeyRange.bound(lower, '\uffff'));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

const result = <T>(req: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

export interface MoveReads {
  alertIds: readonly string[];
  /** Incidents the move touches: their records and, through the incidentId index, their alerts. */
  incidentIds: readonly string[];
}

/**
 * What a hand-written move would do in plain IndexedDB: in ONE transaction, read the alerts, the
 * touched incidents and their members (all requests at once), then make the writes.
 */
export async function rawReadThenWrite(
  db: IDBDatabase,
  reads: MoveReads,
  writes: Record<string, StoreWrites>,
) {
  const names = [...new Set(['alerts', 'incidents', ...Object.keys(writes)])];
  const tx = db.transaction(names, 'readwrite');
  const done = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
  const alerts = tx.objectStore('alerts');
  const incidents = tx.objectStore('incidents');
  const byIncident = alerts.index('incidentId');
  await Promise.all([
    ...reads.alertIds.map((id) => result(alerts.get(id))),
    ...reads.incidentIds.map((id) => result(incidents.get(id))),
    ...reads.incidentIds.map((id) => result(byIncident.getAll(id))),
  ]);
  for (const name of Object.keys(writes)) {
    const store = tx.objectStore(name);
    const w = writes[name]!;
    for (const key of w.delete ?? []) store.delete(key);
    for (const value of w.put ?? []) store.put(value);
    for (const value of w.add ?? []) store.add(value);
  }
  return done;
}
