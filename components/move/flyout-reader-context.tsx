/**
 * The flyout's one source of data: a FlyoutReader from context. Extension pages get the store's reader (Dexie,
 * live); the flyout framed in a web page provides the background's (remote-reader.ts).
 */
import { liveQuery } from 'dexie';
import { createContext } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { dexieReader, type FlyoutReader, type IncidentChoice } from '@/lib/move/flyout-reader';
import { useDb } from '../hooks/db-context';
import type { LiveState } from '../hooks/use-live-query';
import { askAgain } from './remote-reader';

export const FlyoutReaderContext = createContext<FlyoutReader | undefined>(undefined);

export function useFlyoutReader(): FlyoutReader {
  const given = useContext(FlyoutReaderContext);
  const db = useDb();
  return useMemo(() => given ?? dexieReader(db), [given, db]);
}

/** How often a reader without live queries asks again, so changes made elsewhere still show. */
const POLL_MS = 2_000;

/**
 * Runs a read: as a Dexie liveQuery where the store is local; else asked again on focus and every few seconds.
 */
export function useReaderQuery<T>(
  query: (reader: FlyoutReader) => Promise<T>,
  deps: unknown[],
): LiveState<T> {
  const reader = useFlyoutReader();
  const [state, setState] = useState<LiveState<T>>({ status: 'loading', data: undefined, error: undefined });
  useEffect(() => {
    const ok = (data: T) => setState({ status: 'ready', data, error: undefined });
    const fail = (error: unknown) => setState({ status: 'error', data: undefined, error });
    if (reader.live) {
      const sub = liveQuery(() => query(reader)).subscribe({ next: ok, error: fail });
      return () => sub.unsubscribe();
    }
    let stopped = false;
    const stop = askAgain(() => {
      query(reader).then(
        (d) => !stopped && ok(d),
        (e) => !stopped && fail(e),
      );
    }, POLL_MS);
    return () => {
      stopped = true;
      stop();
    };
  }, [reader, ...deps]);
  return state;
}

/** The incidents to choose from (undefined until first read), kept current by the reader. */
export function useIncidentChoices(): readonly IncidentChoice[] | undefined {
  const list = useFlyoutReader().incidentList();
  const [rows, setRows] = useState(() => list.current());
  useEffect(() => list.subscribe(setRows), [list]);
  return rows;
}
