/**
 * How a web page's selection reaches the move window: the background keeps the ids the page showed at the click
 * in session storage under a one-off nonce and opens `flyout.html#<nonce>` as an extension window; the window
 * takes the ids once. The page never sees the nonce, and a nonce expires if the window never asks.
 */
import { MoverError } from '../model/errors';

/** How long a page's selection waits for the move window to pick it up. */
export const HANDOFF_MS = 2 * 60_000;

export interface SessionStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface Handoff {
  alertIds: string[];
  /** The page's origin, for the window to say where the alerts came from. */
  origin: string;
  /** What the page showed in each alert's row at the click (same order as `alertIds`), when it said. */
  pageTitles?: string[];
}

const keyOf = (nonce: string) => `flyout:${nonce}`;

/** The page's origin as the browser reported the sender's URL; '' when it has none. */
export function senderOrigin(url: string | undefined): string {
  try {
    return url ? new URL(url).origin : '';
  } catch {
    return '';
  }
}

/** Keeps a page's selection for the move window; returns the window's nonce. */
export async function handOff(session: SessionStore, handoff: Handoff, nonce: string, now: string) {
  await session.set(keyOf(nonce), { ...handoff, expires: Date.parse(now) + HANDOFF_MS });
  return nonce;
}

/** The selection, once: a second ask, a guessed nonce or an expired one is refused. */
export async function takeHandoff(session: SessionStore, nonce: string, now: string): Promise<Handoff> {
  const stored = (await session.get(keyOf(nonce))) as (Handoff & { expires?: number }) | undefined;
  if (stored) await session.remove(keyOf(nonce));
  if (!stored || (stored.expires ?? 0) < Date.parse(now)) {
    throw new MoverError('not-found', 'This move window has expired. Select the alerts on the page again.');
  }
  const titles = stored.pageTitles;
  return {
    alertIds: stored.alertIds,
    origin: stored.origin,
    ...(Array.isArray(titles) && titles.length === stored.alertIds.length ? { pageTitles: titles } : {}),
  };
}
