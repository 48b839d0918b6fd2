/**
 * The Microsoft Graph connector as the background runs it (DESIGN §6): sign-in, the outbox of moves
 * and the pull of incidents, one run at a time, with its status in `meta` for every page to show live.
 * It is what the background passes as RouterDeps.sync (and `afterMove`). Plain TypeScript: the browser
 * parts (fetch, the token store, the sign-in window, alarms) come in as arguments.
 */

import { SYSTEM_ACTOR } from '../model';
import { MoverError } from '../model/errors';
import type { ConnectorSettings } from '../settings/connector';
import type { MoverDB } from '../store/db';
import { type AuthDeps, createAuth, type TokenStore } from './auth';
import { createGraphClient, GraphError } from './client';
import { drainOutbox } from './drain';
import { enqueueMissed, enqueueMove, openItems } from './outbox';
import { reserveProvisionalIds } from './provisional-ids';
import { pull } from './pull';
import { CONNECTED_SINCE_KEY, readPullState, readSyncStatus, updateSyncStatus } from './state';

export interface SyncServiceDeps {
  db: MoverDB;
  fetch: typeof fetch;
  tokens: TokenStore;
  launchWebAuthFlow: AuthDeps['launchWebAuthFlow'];
  redirectUri(): string;
  readSettings(): Promise<ConnectorSettings>;
  now(): string;
  newId(): string;
  sleep(ms: number): Promise<void>;
  /** Called while requests run, so the browser does not stop the worker mid-page. */
  keepAlive?(): void;
  /** Wake the worker at this time (epoch ms) to try again. */
  scheduleRetry?(atMs: number): void;
  /** Turn the periodic sync alarm on or off. */
  setPeriodic?(on: boolean): void;
  /** Client tuning for tests (waits, attempts). */
  clientOptions?: { maxInlineWaitMs?: number; maxAttempts?: number; backoffMs?: number };
}

export interface SyncRunResult {
  pulled: number;
  pushed: number;
}

/** Default wait before trying again after an error Graph gave no wait for. */
const RETRY_MS = 60_000;

export function createSyncService(deps: SyncServiceDeps) {
  const { db } = deps;
  const auth = createAuth({
    fetch: deps.fetch,
    store: deps.tokens,
    launchWebAuthFlow: deps.launchWebAuthFlow,
    redirectUri: deps.redirectUri,
    getSettings: deps.readSettings,
    nowMs: () => Date.parse(deps.now()),
  });
  let running: Promise<SyncRunResult> | undefined;
  let again = false;
  let moveQueued = false;

  const ctx = { now: deps.now, newId: deps.newId };

  /** Connected: the connector is on and signed in. */
  async function connected(): Promise<boolean> {
    const settings = await deps.readSettings();
    return settings.enabled && (await auth.isSignedIn());
  }

  async function runOnce(): Promise<SyncRunResult> {
    const settings = await deps.readSettings();
    if (!settings.enabled) {
      throw new GraphError(
        'auth',
        'The Microsoft Graph connector is turned off. Turn it on in Options → Connectors.',
      );
    }
    if (!(await auth.isSignedIn())) {
      await updateSyncStatus(db, { signedIn: false });
      throw new GraphError('auth', 'Sign in to Microsoft Graph first (Options → Connectors).');
    }
    await reserveProvisionalIds(db);
    let since = (await db.meta.get(CONNECTED_SINCE_KEY))?.value;
    if (typeof since !== 'string') {
      since = deps.now();
      await db.meta.put({ key: CONNECTED_SINCE_KEY, value: since });
    }
    await enqueueMissed(db, since as string, ctx);

    const client = createGraphClient({
      baseUrl: settings.graphBaseUrl,
      getToken: (force) => auth.getAccessToken(force),
      fetch: deps.fetch,
      sleep: deps.sleep,
      keepAlive: deps.keepAlive,
      ...deps.clientOptions,
    });
    const drainOpts = { db, client, now: deps.now, newId: deps.newId, actor: SYSTEM_ACTOR };
    await updateSyncStatus(db, { signedIn: true, phase: 'pushing' });
    const pushed = await drainOutbox(drainOpts);
    await updateSyncStatus(db, { phase: 'pulling' });
    const pulled = await pull({
      db,
      client,
      now: deps.now,
      onPage: async (s) => {
        await updateSyncStatus(db, { progress: { pages: s.runPages, incidents: s.runPulled } });
        // A move made during a long pull goes out between pages, not after the last one.
        if (moveQueued) {
          moveQueued = false;
          const more = await drainOutbox(drainOpts);
          pushed.sent += more.sent;
          pushed.refused.push(...more.refused);
        }
      },
    });
    const refusals = pushed.refused.map((r) => r.message);
    await updateSyncStatus(db, {
      phase: 'idle',
      progress: undefined,
      lastSyncAt: deps.now(),
      lastPulled: pulled.incidents,
      lastPullFull: pulled.full,
      lastPushed: pushed.sent,
      lastError: refusals.length ? refusals.join(' ') : undefined,
      lastErrorAt: refusals.length ? deps.now() : undefined,
      retryAt: undefined,
    });
    deps.setPeriodic?.(true);
    return { pulled: pulled.incidents, pushed: pushed.sent };
  }

  async function recordFailure(e: unknown): Promise<never> {
    const graph = e instanceof GraphError ? e : undefined;
    if (!graph) console.error('[incident-mover] sync failed', e);
    const message = graph?.message ?? 'Sync stopped because of an unexpected problem; it will try again.';
    const retryable = !graph || ['throttled', 'server', 'network', 'invalid'].includes(graph.kind);
    const at = deps.now();
    const retryAt = retryable ? Date.parse(at) + (graph?.retryAfterMs ?? RETRY_MS) : undefined;
    await updateSyncStatus(db, {
      phase: 'idle',
      lastError: message,
      lastErrorAt: at,
      retryAt: retryAt === undefined ? undefined : new Date(retryAt).toISOString(),
      ...(graph?.kind === 'auth' ? { signedIn: await auth.isSignedIn() } : {}),
    });
    if (retryAt !== undefined) deps.scheduleRetry?.(retryAt);
    throw new MoverError('sync', message);
  }

  /**
   * One sync at a time: asking during a run joins it; `more` (a move was queued meanwhile) makes it
   * run once more at the end, so the new move is sent without waiting for the next alarm.
   */
  function sync(more = false): Promise<SyncRunResult> {
    if (running) {
      if (more) again = true;
      return running;
    }
    running = (async () => {
      try {
        let result: SyncRunResult;
        do {
          again = false;
          result = await runOnce();
        } while (again);
        return result;
      } catch (e) {
        return recordFailure(e);
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  /** Starts a sync in the background; failures are in the status row. */
  const kick = (more = false) => {
    sync(more).catch(() => {});
  };

  async function resume(reason: 'startup' | 'alarm'): Promise<void> {
    const settings = await deps.readSettings();
    const signedIn = settings.enabled && (await auth.isSignedIn());
    const status = await readSyncStatus(db);
    // A phase other than idle with nothing running here is what a stopped worker left behind.
    if (status.signedIn !== signedIn || (status.phase !== 'idle' && !running))
      await updateSyncStatus(db, { signedIn, ...(running ? {} : { phase: 'idle' as const }) });
    if (!signedIn) {
      if (reason === 'alarm') deps.setPeriodic?.(false);
      return;
    }
    const unfinished = (await openItems(db)).length > 0 || !!(await readPullState(db)).nextLink;
    if (reason === 'alarm' || unfinished) await sync().catch(() => {});
  }

  return {
    /** RouterDeps.sync.now: push then pull, and answer with the counts. */
    now: () => sync(),

    async signIn(): Promise<void> {
      try {
        await auth.signIn();
      } catch (e) {
        const message = e instanceof GraphError ? e.message : 'Sign-in failed.';
        await updateSyncStatus(db, { signedIn: false, lastError: message, lastErrorAt: deps.now() });
        throw new MoverError('sync', message);
      }
      if (!(await db.meta.get(CONNECTED_SINCE_KEY)))
        await db.meta.put({ key: CONNECTED_SINCE_KEY, value: deps.now() });
      await updateSyncStatus(db, { signedIn: true, lastError: undefined, lastErrorAt: undefined });
      deps.setPeriodic?.(true);
      kick();
    },

    async signOut(): Promise<void> {
      await auth.signOut();
      await db.meta.delete(CONNECTED_SINCE_KEY);
      await updateSyncStatus(db, { signedIn: false, phase: 'idle', retryAt: undefined });
      deps.setPeriodic?.(false);
    },

    /**
     * RouterDeps.afterMove: queue the move for Graph when connected, and start sending it. Resolves
     * once it is queued (never rejects; the router does not wait for it).
     */
    afterMove(result: { undoToken: string }): Promise<void> {
      return (async () => {
        if (!(await connected())) return;
        await reserveProvisionalIds(db);
        await enqueueMove(db, result.undoToken, ctx);
        moveQueued = true;
        kick(true);
      })().catch((e) => console.error('[incident-mover] could not queue the move for Microsoft Graph', e));
    },

    /** On worker start and on alarms: finish what a stopped worker left, or run the periodic pull. */
    resume(reason: 'startup' | 'alarm'): Promise<void> {
      return resume(reason).catch((e) => console.error('[incident-mover] sync could not resume', e));
    },

    /** Resolves when no sync is running (tests, shutdown). */
    settled: async (): Promise<void> => {
      while (running) await running.catch(() => {});
    },

    /** For tests: the auth object (redeem a code the test server issued). */
    auth,
  };
}

export type SyncService = ReturnType<typeof createSyncService>;
