/**
 * The flyout's one source of data: a FlyoutReader from context (the store's, by default), read as live queries so
 * the flyout follows changes made elsewhere while it is open.
 */
import { liveQuery } from 'dexie';
import { createContext } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { dexieReader, type FlyoutReader, type IncidentChoice } from '@/lib/move/flyout-reader';
import { useDb } from '../hooks/db-context';
import type { LiveState } from '../hooks/use-live-query';

export const FlyoutReaderContext = createContext<FlyoutReader | undefined>(undefined);

export function useFlyoutReader(): FlyoutReader {
  const given = useContext(FlyoutReaderContext);
  const db = useDb();
  return useMemo(() => given ?? dexieReader(db), [given, db]);
}

/** Runs a read as a live query: it runs again whenever what it read changes. */
export function useReaderQuery<T>(
  query: (reader: FlyoutReader) => Promise<T>,
  deps: unknown[],
): LiveState<T> {
  const reader = useFlyoutReader();
  const [state, setState] = useState<LiveState<T>>({ status: 'loading', data: undefined, error: undefined });
  useEffect(() => {
    const ok = (data: T) => setState({ status: 'ready', data, error: undefined });
    const fail = (error: unknown) => setState({ status: 'error', data: undefined, error });
    const sub = liveQuery(() => query(reader)).subscribe({ next: ok, error: fail });
    return () => sub.unsubscribe();
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
