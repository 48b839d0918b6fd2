import { liveQuery } from 'dexie';
import { useLayoutEffect, useState } from 'preact/hooks';

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
  // Subscribed as the view commits, not after the next frame is painted (Preact runs plain effects after a
  // requestAnimationFrame): the read starts a frame sooner, and a view whose children read in turn (the side
  // panel, then its queue) does not pay a frame at every level before its first rows.
  useLayoutEffect(() => {
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
