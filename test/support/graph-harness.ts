/**
 * Unit-test harness for the Graph connector: a fake Graph/Entra server on 127.0.0.1, a fresh store,
 * and the sync service wired to both with Node's fetch. Sign-in goes through the server's real
 * authorize (PKCE) and token endpoints: the "browser window" follows the authorize redirect.
 */
import { randomUUID } from 'node:crypto';
import type { TokenSet, TokenStore } from '@/lib/graph/auth';
import { createSyncService, type SyncServiceDeps } from '@/lib/graph/sync-service';
import { DEFAULT_PROFILE, type Profile } from '@/lib/model';
import { type MoveRequest, moveAlerts, undoMove } from '@/lib/move';
import type { ConnectorSettings } from '@/lib/settings/connector';
import { MoverDB } from '@/lib/store/db';
import { type FakeGraphOptions, makeTenant, startFakeGraphServer } from './fake-graph-server';

export const REDIRECT_URI = 'https://abcdefghijklmnop.chromiumapp.org/';

export async function graphHarness(opts: FakeGraphOptions & { tenant?: [number, number] } = {}) {
  const tenant = opts.tenant ? makeTenant(...opts.tenant) : { incidents: [], alerts: [] };
  const server = await startFakeGraphServer({ incidents: tenant.incidents, alerts: tenant.alerts, ...opts });
  const db = new MoverDB(`t-${randomUUID()}`);
  const settings: ConnectorSettings = {
    enabled: true,
    tenantId: 'contoso.onmicrosoft.com',
    clientId: '00000000-0000-0000-0000-00000000c11e',
    graphBaseUrl: server.url,
    authorityBaseUrl: server.url,
  };
  let session: TokenSet | undefined;
  const tokens: TokenStore = {
    get: async () => session,
    set: async (t) => {
      session = t;
    },
    clear: async () => {
      session = undefined;
    },
  };
  let clock = Date.parse('2026-11-27T10:00:00Z');
  const sleeps: number[] = [];
  const retries: number[] = [];
  const authorizeUrls: string[] = [];
  /** Replace to simulate a worker stopped mid-request (throw after or before the real fetch). */
  let fetchImpl: typeof fetch = (input, init) => fetch(input, init);

  const deps: SyncServiceDeps = {
    db,
    fetch: (input, init) => fetchImpl(input, init),
    tokens,
    // The sign-in window: the authorize endpoint answers with a redirect to the extension's URL.
    launchWebAuthFlow: async (url) => {
      authorizeUrls.push(url);
      const res = await fetch(url, { redirect: 'manual' });
      const location = res.headers.get('location');
      if (!location) throw new Error(`Authorization page failed (${res.status})`);
      return location;
    },
    redirectUri: () => REDIRECT_URI,
    readSettings: async () => ({ ...settings }),
    now: () => {
      clock += 1000;
      return new Date(clock).toISOString();
    },
    newId: () => randomUUID(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    scheduleRetry: (at) => retries.push(at),
    clientOptions: { backoffMs: 1, maxInlineWaitMs: 20_000 },
  };
  /** A new service over the same store and session, as after the service worker restarted. */
  const services: ReturnType<typeof createSyncService>[] = [];
  const restart = () => {
    const s = createSyncService(deps);
    services.push(s);
    return s;
  };
  const service = restart();

  let token = 0;
  const ctx = (profile: Profile = DEFAULT_PROFILE) => ({
    actor: { displayName: 'Ana Analyst', upn: 'ana@contoso.com' },
    profile,
    now: deps.now,
    newToken: () => `move-${++token}`,
  });

  return {
    server,
    db,
    settings,
    deps,
    service,
    restart,
    sleeps,
    retries,
    authorizeUrls,
    tokens,
    advance(ms: number) {
      clock += ms;
    },
    setFetch(f: typeof fetch) {
      fetchImpl = f;
    },
    /** A move as the router makes it, then the router's afterMove hook; resolves once it is queued. */
    async move(input: MoveRequest, svc = service) {
      const result = await moveAlerts(db, input, ctx());
      await svc.afterMove(result);
      return result;
    },
    async undo(moveToken: string, svc = service) {
      const result = await undoMove(db, moveToken, ctx());
      await svc.afterMove(result);
      return result;
    },
    async close() {
      for (const s of services) await s.settled();
      await server.close();
      db.close();
    },
  };
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
