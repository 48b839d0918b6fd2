/**
 * Live queries for the toolbar popup over lib/store/lite.ts (plain IndexedDB, no Dexie): the query runs once the
 * store is open and again whenever any connection writes to it.
 */
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { openStore, STORE_NAME, watchStore } from '@/lib/store/lite';
import type { LiveState } from './use-live-query';

/** The database the popup reads (tests give a fresh one). */
export const StoreNameContext = createContext(STORE_NAME);

const connections = new Map<string, Promise<IDBDatabase | null>>();

/** One connection per store, opened again after it closed (a schema upgrade) or while there is no store yet. */
function connect(name: string): Promise<IDBDatabase | null> {
  let open = connections.get(name);
  if (!open) {
    open = openStore(name, () => connections.delete(name)).then((idb) => {
      if (!idb) connections.delete(name);
      return idb;
    });
    connections.set(name, open);
  }
  return open;
}

export function useStoreQuery<T>(
  query: (idb: IDBDatabase | null) => Promise<T>,
  deps: unknown[],
): LiveState<T> {
  const name = useContext(StoreNameContext);
  const [state, setState] = useState<LiveState<T>>({ status: 'loading', data: undefined, error: undefined });
  const [changes, setChanges] = useState(0);
  useEffect(() => watchStore(name, () => setChanges((n) => n + 1)), [name]);
  useEffect(() => {
    let current = true;
    connect(name)
      .then(query)
      .catch((e: unknown) => {
        // The connection closed under the query (another one upgraded the schema): once more, on a new one.
        if (!(e instanceof DOMException && e.name === 'InvalidStateError')) throw e;
        connections.delete(name);
        return connect(name).then(query);
      })
      .then(
        (data) => current && setState({ status: 'ready', data, error: undefined }),
        (error: unknown) => {
          if (!current) return;
          console.error('[incident-mover] popup query failed', error);
          setState({ status: 'error', data: undefined, error });
        },
      );
    return () => {
      current = false;
    };
  }, [name, changes, ...deps]);
  return state;
}
