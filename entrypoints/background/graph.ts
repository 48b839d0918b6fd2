/**
 * The sync service with the browser's parts: fetch, `storage.session` for tokens, the sign-in window
 * (identity.launchWebAuthFlow) and alarms. Used by the background only.
 *
 * Tokens live in `storage.session`: in memory, gone when the browser closes, and in Chrome readable
 * only by trusted extension contexts (its default access level, which we keep; content scripts cannot
 * read it). They are never written to `storage.local` or IndexedDB.
 */
import { browser } from 'wxt/browser';
import type { TokenSet, TokenStore } from '../../lib/graph/auth';
import { createSyncService } from '../../lib/graph/sync-service';
import { readConnectorSettings } from '../../lib/settings/connector';
import type { MoverDB } from '../../lib/store/db';

export const SYNC_ALARM = 'graph-sync';
export const SYNC_RETRY_ALARM = 'graph-sync-retry';
const TOKENS_KEY = 'graph.tokens';
/** Periodic pull; Chrome runs alarms at most every 30 s. */
const PERIOD_MINUTES = 5;

const isTokenSet = (v: unknown): v is TokenSet =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as TokenSet).accessToken === 'string' &&
  typeof (v as TokenSet).expiresAt === 'number' &&
  typeof (v as TokenSet).issuedFor === 'object';

const sessionTokens: TokenStore = {
  get: async () => {
    const v = (await browser.storage.session.get(TOKENS_KEY))[TOKENS_KEY];
    return isTokenSet(v) ? v : undefined;
  },
  set: (t) => browser.storage.session.set({ [TOKENS_KEY]: t }),
  clear: () => browser.storage.session.remove(TOKENS_KEY),
};

export function createBrowserSyncService(db: MoverDB) {
  const service = createSyncService({
    db,
    fetch: (input, init) => fetch(input, init),
    tokens: sessionTokens,
    launchWebAuthFlow: async (url) => {
      const redirect = await browser.identity.launchWebAuthFlow({ url, interactive: true });
      if (!redirect) throw new Error('The sign-in window closed without an answer.');
      return redirect;
    },
    redirectUri: () => browser.identity.getRedirectURL(),
    readSettings: readConnectorSettings,
    now: () => new Date().toISOString(),
    newId: () => crypto.randomUUID(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    // An extension API call resets the worker's idle timer while a long pull or a wait runs
    // (https://developer.chrome.com/docs/extensions/develop/concepts/service-workers/lifecycle).
    keepAlive: () => void browser.runtime.getPlatformInfo().catch(() => {}),
    scheduleRetry: (when) => void browser.alarms.create(SYNC_RETRY_ALARM, { when }),
    setPeriodic: (on) =>
      void (on
        ? browser.alarms.create(SYNC_ALARM, {
            periodInMinutes: PERIOD_MINUTES,
            delayInMinutes: PERIOD_MINUTES,
          })
        : browser.alarms.clear(SYNC_ALARM)),
  });
  return {
    ...service,
    /** alarms.onAlarm: the periodic pull and retries after throttling or errors. */
    onAlarm(name: string) {
      if (name === SYNC_ALARM || name === SYNC_RETRY_ALARM) void service.resume('alarm');
    },
  };
}
