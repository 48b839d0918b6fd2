import { liveQuery } from 'dexie';
import { createContext } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { send } from '@/lib/messaging/client';
import { dexieReader, type FlyoutReader } from '@/lib/move/flyout-reader';
import { useDb } from '../hooks/db-context';
import type { LiveState } from '../hooks/use-live-query';

/** The framed flyout's reader: the same questions, answered by the background. */
export const remoteReader: FlyoutReader = {
  live: false,
  selection: async (ids) =>
    (await send({ type: 'flyout.read', query: { kind: 'selection', alertIds: [...ids] } })) as never,
  target: async (id) =>
    (await send({ type: 'flyout.read', query: { kind: 'target', incidentId: id } })) as never,
  incidents: async () => (await send({ type: 'flyout.read', query: { kind: 'incidents' } })) as never,
  alerts: async (ids) =>
    (await send({ type: 'flyout.read', query: { kind: 'alerts', alertIds: [...ids] } })) as never,
};

export const FlyoutReaderContext = createContext<FlyoutReader | undefined>(undefined);

export function useFlyoutReader(): FlyoutReader {
  const given = useContext(FlyoutReaderContext);
  const db = useDb();
  return useMemo(() => given ?? dexieReader(db), [given, db]);
}

/** How often a reader without live queries asks again, so changes made elsewhere still show. */
const POLL_MS = 2_000;

/**
 * Runs a read: as a Dexie liveQuery where the store is local; else asked again on focus and (with `poll`) every few
 * seconds — large answers such as the incident list pass `poll: false`.
 */
export function useReaderQuery<T>(
  query: (reader: FlyoutReader) => Promise<T>,
  deps: unknown[],
  { poll = true }: { poll?: boolean } = {},
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
    const run = () =>
      query(reader).then(
        (d) => !stopped && ok(d),
        (e) => !stopped && fail(e),
      );
    void run();
    const timer = poll ? setInterval(run, POLL_MS) : undefined;
    addEventListener('focus', run);
    return () => {
      stopped = true;
      clearInterval(timer);
      removeEventListener('focus', run);
    };
  }, [reader, ...deps]);
  return state;
}
