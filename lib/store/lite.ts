/**
 * A minimal read path for the toolbar popup: plain IndexedDB, no Dexie, no zod, a handful of queries. The popup
 * must open fast (40 KB gzip of JavaScript at most), and it reads little: counters, a few rows by index, the
 * recent moves. Writes still go through the background; views still update live, from the change notices Dexie
 * sends whenever a connection writes (a DOM event in the writing page, a BroadcastChannel message elsewhere).
 *
 * It never creates, upgrades or holds up the database: a store that does not exist yet reads as empty, and the
 * connection closes as soon as another one wants to upgrade the schema.
 */
import type { Incident, Profile } from '../model';
import { canReadIncident } from '../model/permissions';
import { COUNTERS_TABLE, type CounterRow, DAY_CHARS } from './counters';
import type { MoveRecord } from './db';
import type { QueuePlan } from './queue/plan';
import { restrictsReading } from './queue/plan';

/** lib/store/db.ts DB_NAME (a test checks they agree; importing it would bring Dexie). */
export const STORE_NAME = 'incident-mover';
/** The name of Dexie's change notices (its `STORAGE_MUTATED_DOM_EVENT_NAME`, Dexie 4). */
export const DEXIE_CHANGES = 'x-storagemutated-1';
/** The popup's share of DESIGN's open statuses (lib/store/queue/popup.ts OPEN_INCIDENT_STATUSES). */
export const OPEN_STATUSES = ['active', 'inProgress', 'awaitingAction'] as const;

/** An IndexedDB request as a promise of its result. */
export const done = <T>(req: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

/**
 * Opens the store at whatever version it is, or answers null when there is none (the creation is aborted, so
 * the extension's own first open still creates it with its schema).
 */
export function openStore(name = STORE_NAME, onClosed?: () => void): Promise<IDBDatabase | null> {
  return new Promise((resolve) => {
    let req: IDBOpenDBRequest;
    try {
      req = indexedDB.open(name);
    } catch {
      resolve(null);
      return;
    }
    req.onupgradeneeded = () => req.transaction?.abort();
    req.onerror = () => resolve(null);
    req.onblocked = () => resolve(null);
    req.onsuccess = () => {
      const idb = req.result;
      // Never stand in the way of a newer schema: close, and the next query opens again.
      idb.onversionchange = () => {
        idb.close();
        onClosed?.();
      };
      idb.onclose = () => onClosed?.();
      resolve(idb);
    };
  });
}

/** Calls `onChange` (at most every `delay` ms) whenever any connection writes to the store `name`. */
export function watchStore(name: string, onChange: () => void, delay = 100): () => void {
  const prefix = `idb://${name}/`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const seen = (parts: unknown) => {
    if (!parts || typeof parts !== 'object') return;
    if (!Object.keys(parts).some((k) => k.startsWith(prefix))) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, delay);
  };
  const onEvent = (e: Event) => seen((e as CustomEvent).detail);
  // The DOM event reaches this page's own writes; the channel every other context's (and, in Node, all).
  const dom = typeof addEventListener === 'function';
  if (dom) addEventListener(DEXIE_CHANGES, onEvent);
  const channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(DEXIE_CHANGES);
  if (channel) channel.onmessage = (e) => seen(e.data);
  return () => {
    clearTimeout(timer);
    if (dom) removeEventListener(DEXIE_CHANGES, onEvent);
    channel?.close();
  };
}

const hasStore = (idb: IDBDatabase, store: string) => idb.objectStoreNames.contains(store);

/**
 * Open incidents (active, in progress, awaiting action) by severity: from the counters when every incident is
 * readable, else by reading the open incidents and keeping the readable ones.
 */
export async function openIncidentsBySeverity(
  idb: IDBDatabase | null,
  profile: Pick<Profile, 'scopes' | 'defaultAccess'>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  if (!idb || !hasStore(idb, 'incidents')) return counts;
  if (!restrictsReading(profile) && hasStore(idb, COUNTERS_TABLE)) {
    const store = idb.transaction(COUNTERS_TABLE).objectStore(COUNTERS_TABLE);
    const lists = await Promise.all(
      OPEN_STATUSES.map((status) => {
        const prefix = ['incidents', 'lastUpdateDateTime', DAY_CHARS, status];
        return done(store.getAll(IDBKeyRange.bound(prefix, [...prefix, []]))) as Promise<CounterRow[]>;
      }),
    );
    for (const { k, n } of lists.flat()) counts[k[4]] = (counts[k[4]] ?? 0) + n;
    return counts;
  }
  const index = idb.transaction('incidents').objectStore('incidents').index('[status+lastUpdateDateTime]');
  await Promise.all(
    OPEN_STATUSES.map((status) =>
      eachInRange<Incident>(index.openCursor(IDBKeyRange.bound([status, ''], [status, '\uffff'])), (i) => {
        if (canReadIncident(profile, i)) counts[i.severity] = (counts[i.severity] ?? 0) + 1;
        return true;
      }),
    ),
  );
  return counts;
}

/** Walks a cursor's values until `visit` answers false or the range ends. */
function eachInRange<T>(
  req: IDBRequest<IDBCursorWithValue | null>,
  visit: (value: T) => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor || !visit(cursor.value as T)) resolve();
      else cursor.continue();
    };
  });
}

/** The first `limit` rows of a plan (the first window a queue would show), read in one cursor. */
export async function firstRows<T>(idb: IDBDatabase | null, plan: QueuePlan<T>, limit: number): Promise<T[]> {
  if (!idb || !hasStore(idb, plan.table)) return [];
  const index = idb.transaction(plan.table).objectStore(plan.table).index(plan.index);
  const out: T[] = [];
  const match = plan.match;
  await eachInRange<T>(
    index.openCursor(IDBKeyRange.bound(plan.lower, plan.upper), plan.reverse ? 'prev' : 'next'),
    (row) => {
      if (!match || match(row)) out.push(row);
      return out.length < limit;
    },
  );
  return out;
}

/** An incident by id, or undefined. */
export async function incidentById(idb: IDBDatabase | null, id: string): Promise<Incident | undefined> {
  if (!idb || !hasStore(idb, 'incidents') || !id) return undefined;
  return done(idb.transaction('incidents').objectStore('incidents').get(id)) as Promise<Incident | undefined>;
}

/** The newest `limit` move records (moves and undos, everyone's). */
export async function recentMoves(idb: IDBDatabase | null, limit: number): Promise<MoveRecord[]> {
  if (!idb || !hasStore(idb, 'moves')) return [];
  const out: MoveRecord[] = [];
  const index = idb.transaction('moves').objectStore('moves').index('at');
  await eachInRange<MoveRecord>(index.openCursor(null, 'prev'), (m) => {
    out.push(m);
    return out.length < limit;
  });
  return out;
}

/** True once the Microsoft Graph connector left a trace (a sync status, or moves in the outbox). */
export async function connectorUsed(idb: IDBDatabase | null, statusKey: string): Promise<boolean> {
  if (!idb || !hasStore(idb, 'meta') || !hasStore(idb, 'outbox')) return false;
  const tx = idb.transaction(['meta', 'outbox']);
  const [status, outbox] = await Promise.all([
    done(tx.objectStore('meta').get(statusKey)),
    done(tx.objectStore('outbox').count()),
  ]);
  return status !== undefined || outbox > 0;
}
