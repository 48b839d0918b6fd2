import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';

export type LiveState<T> =
  | { status: 'loading'; data: undefined; error: undefined }
  | { status: 'ready'; data: T; error: undefined }
  | { status: 'error'; data: undefined; error: unknown };

/**
 * Subscribes to a Dexie liveQuery: the view updates by itself whenever the data it read changes,
 * in this page, another page, or the background.
 */
export function useLiveQuery<T>(query: () => Promise<T> | T, deps: unknown[]): LiveState<T> {
  const [state, setState] = useState<LiveState<T>>({ status: 'loading', data: undefined, error: undefined });
  useEffect(() => {
    const sub = liveQuery(query).subscribe({
      next: (data) => setState({ status: 'ready', data, error: undefined }),
      error: (error) => {
        console.error('[incident-mover] query failed', error);
        setState({ status: 'error', data: undefined, error });
      },
    });
    return () => sub.unsubscribe();
  }, deps);
  return state;
}
