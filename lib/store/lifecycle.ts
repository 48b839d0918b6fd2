/**
 * The store's life as a whole: its identity (a random id written when it is created, which the witness in
 * extension storage compares against), clearing it on purpose, and the counts the witness keeps.
 */
import { COUNTERS_TABLE, type CounterRow, DAY_CHARS } from './counters';
import type { MoverDB } from './db';
import type { StoreSnapshot } from './witness';

export const STORE_ID_KEY = 'storeId';

/** The store's id, written now if the store has none (a new or a recreated database). */
export async function ensureStoreId(db: MoverDB, newId: () => string): Promise<string> {
  return db.transaction('rw', db.meta, async () => {
    const row = await db.meta.get(STORE_ID_KEY);
    if (typeof row?.value === 'string') return row.value;
    const id = newId();
    await db.meta.put({ key: STORE_ID_KEY, value: id });
    return id;
  });
}

/**
 * Alerts or incidents in the store, from the counters (lib/store/counters.ts): every stored record has a created
 * time (the schema requires it), so its day rows of `createdDateTime` add up to the table's records. A few
 * thousand counter rows instead of IndexedDB's count, which visits every record (some 20 s for 200,000 alerts
 * in Chromium under load) and holds up every other read of the database meanwhile.
 */
async function countedRecords(db: MoverDB, table: 'alerts' | 'incidents'): Promise<number> {
  const prefix = [table, 'createdDateTime', DAY_CHARS];
  const rows = await db
    .table<CounterRow>(COUNTERS_TABLE)
    .where('k')
    .between(prefix, [...prefix, []], true, true)
    .toArray();
  return rows.reduce((n, row) => n + row.n, 0);
}

/** What the store holds now, with its id. */
export async function snapshotStore(db: MoverDB, newId: () => string): Promise<StoreSnapshot> {
  const storeId = await ensureStoreId(db, newId);
  const counted = db.tables.some((t) => t.name === COUNTERS_TABLE);
  const [incidents, alerts, activity] = counted
    ? await db.transaction('r', [COUNTERS_TABLE, 'activity'], () =>
        Promise.all([countedRecords(db, 'incidents'), countedRecords(db, 'alerts'), db.activity.count()]),
      )
    : await db.transaction('r', [db.incidents, db.alerts, db.activity], () =>
        Promise.all([db.incidents.count(), db.alerts.count(), db.activity.count()]),
      );
  return { storeId, incidents, alerts, activity };
}

/**
 * Empties every table in one transaction and gives the empty store a new id. The outbox too: a move queued for
 * Defender must not be sent after its record is gone.
 */
export async function clearStore(db: MoverDB, newId: () => string): Promise<string> {
  const id = newId();
  await db.transaction(
    'rw',
    [db.incidents, db.alerts, db.activity, db.moves, db.meta, db.outbox],
    async () => {
      await Promise.all([
        db.incidents.clear(),
        db.alerts.clear(),
        db.activity.clear(),
        db.moves.clear(),
        db.meta.clear(),
        db.outbox.clear(),
      ]);
      await db.meta.put({ key: STORE_ID_KEY, value: id });
    },
  );
  return id;
}
