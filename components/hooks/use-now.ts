import { useMemo } from 'preact/hooks';

/**
 * "Now", to the minute, fixed while `key` (the view's filters) stays the same: a relative range such as
 * "last 7 days" is taken from when the view was set, so the queue does not recount and jump back to the
 * top every minute. New records still appear (ranges are open towards the future).
 */
export function useNow(key: string): string {
  return useMemo(() => new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString(), [key]);
}
