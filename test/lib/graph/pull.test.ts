import { afterEach, describe, expect, it } from 'vitest';
import { readPullState, readSyncStatus } from '@/lib/graph/state';
import { graphHarness } from '../../support/graph-harness';

type Harness = Awaited<ReturnType<typeof graphHarness>>;
let h: Harness;
afterEach(async () => {
  await h?.close();
});

const incidentGets = (x: Harness) => x.server.requests.filter((r) => r.path === '/v1.0/security/incidents');

describe('pull from Microsoft Graph', () => {
  it('pulls every page of a full tenant with its alerts, as Graph-origin records', async () => {
    h = await graphHarness({ tenant: [7, 2], maxPageSize: 3 });
    await h.service.signIn();
    const result = await h.service.now();

    expect(result).toEqual({ pulled: 7, pushed: 0 });
    expect(incidentGets(h).map((r) => r.query.get('$skiptoken'))).toEqual([null, '3', '6']);
    expect(incidentGets(h).every((r) => r.query.get('$expand') === 'alerts' && !r.query.get('$filter'))).toBe(
      true,
    );
    expect(await h.db.incidents.count()).toBe(7);
    expect(await h.db.alerts.count()).toBe(14);
    const inc = await h.db.incidents.get('1002');
    expect(inc).toMatchObject({
      origin: 'graph',
      alertCount: 2,
      severity: 'high',
      displayName: 'Incident 1002 on host-1',
    });
    expect((await h.db.alerts.get('da63851_0'))?.incidentId).toBe('1002');
    const status = await readSyncStatus(h.db);
    expect(status).toMatchObject({
      signedIn: true,
      phase: 'idle',
      lastPulled: 7,
      lastPullFull: true,
      lastPushed: 0,
    });
    expect(status.lastError).toBeUndefined();
  });

  it('then asks only for what changed since the newest lastUpdateDateTime it saw', async () => {
    h = await graphHarness({ tenant: [5, 2], maxPageSize: 2 });
    await h.service.signIn();
    await h.service.now();
    const high = (await readPullState(h.db)).highWater;
    expect(high).toBe('2026-11-01T08:04:00.000Z');
    const versionBefore = (await h.db.alerts.get('da63850_0'))?.version;

    // Someone works in the portal: an incident changes status, an alert moves between incidents.
    h.server.update('1003', { status: 'inProgress' });
    h.server.moveAlerts({ alertIds: ['da63854_1'], incidentId: '1002' });
    h.server.requests.length = 0;
    const second = await h.service.now();

    const [first] = incidentGets(h);
    expect(first?.query.get('$filter')).toBe(`lastUpdateDateTime ge ${high}`);
    // 1003 and 1002 (and 1005, the boundary, re-read with "ge") came back; nothing else.
    expect(second.pulled).toBe(3);
    expect((await h.db.incidents.get('1003'))?.status).toBe('inProgress');
    expect((await h.db.alerts.get('da63854_1'))?.incidentId).toBe('1002');
    expect((await h.db.incidents.get('1002'))?.alertCount).toBe(3);
    expect((await h.db.incidents.get('1005'))?.alertCount).toBe(1);
    // Records that did not change keep their version, so Undo and open flyouts are not disturbed.
    expect((await h.db.alerts.get('da63850_0'))?.version).toBe(versionBefore);
    expect((await h.db.alerts.get('da63854_1'))?.version).toBe(2);
  });

  it('waits as long as a 429 Retry-After says, and backs off on 5xx', async () => {
    h = await graphHarness({ tenant: [4, 1], maxPageSize: 2 });
    await h.service.signIn();
    h.server.failNext({ path: /incidents$/ }, 429, { 'Retry-After': '3' });
    h.server.failNext({ path: /incidents$/ }, 503, {}, 2);
    await h.service.now();

    expect(h.sleeps).toEqual([3000, 2, 4]);
    expect(await h.db.incidents.count()).toBe(4);
    expect(incidentGets(h).map((r) => r.status)).toEqual([429, 503, 503, 200, 200]);
  });

  it('stops on a long Retry-After, says when it will try again, and resumes at the same page', async () => {
    h = await graphHarness({ tenant: [6, 1], maxPageSize: 2 });
    await h.service.signIn();
    // Page 1 works, page 2 is throttled for two minutes.
    h.server.failNext({ path: /incidents$/, search: /skiptoken=2/ }, 429, { 'Retry-After': '120' });

    await expect(h.service.now()).rejects.toThrow('asked to wait 120 s');
    const status = await readSyncStatus(h.db);
    expect(status.lastError).toMatch(/too many requests/);
    expect(Date.parse(status.retryAt ?? '')).toBeGreaterThan(Date.parse(status.lastErrorAt ?? '') + 119_000);
    expect(h.retries).toHaveLength(1);

    expect(await h.db.incidents.count()).toBe(2);
    h.server.requests.length = 0;
    await h.service.now();
    expect(incidentGets(h).map((r) => r.query.get('$skiptoken'))).toEqual(['2', '4']);
    expect(await h.db.incidents.count()).toBe(6);
    expect((await readSyncStatus(h.db)).lastError).toBeUndefined();
  });

  it('resumes an interrupted pull at the saved next link after the worker restarts', async () => {
    h = await graphHarness({ tenant: [6, 1], maxPageSize: 2 });
    await h.service.signIn();
    // The worker is stopped while page 3 is on its way.
    h.setFetch(async (input, init) => {
      if (String(input).includes('skiptoken=4')) throw new TypeError('Failed to fetch');
      return fetch(input, init);
    });
    await expect(h.service.now()).rejects.toThrow();
    expect(await h.db.incidents.count()).toBe(4);
    expect((await readPullState(h.db)).nextLink).toContain('skiptoken=4');

    h.setFetch((input, init) => fetch(input, init));
    h.server.requests.length = 0;
    const restarted = h.restart();
    await restarted.resume('startup');

    expect(incidentGets(h).map((r) => r.query.get('$skiptoken'))).toEqual(['4']);
    expect(await h.db.incidents.count()).toBe(6);
    const state = await readPullState(h.db);
    expect(state.nextLink).toBeUndefined();
    expect(state.highWater).toBe('2026-11-01T08:05:00.000Z');
  });

  it('stores an incident merged away in Defender as redirected, its alerts in the survivor', async () => {
    h = await graphHarness({ tenant: [3, 2] });
    await h.service.signIn();
    await h.service.now();
    h.server.mergeIncidents(['1001', '1002']);
    await h.service.now();

    expect(await h.db.incidents.get('1002')).toMatchObject({
      status: 'redirected',
      redirectIncidentId: '1001',
      alertCount: 0,
    });
    expect((await h.db.alerts.where('incidentId').equals('1001').primaryKeys()).sort()).toEqual([
      'da63850_0',
      'da63850_1',
      'da63851_0',
      'da63851_1',
    ]);
  });

  it('refuses a page that fails validation, writes nothing of it, and says what is wrong', async () => {
    h = await graphHarness({ tenant: [2, 1] });
    h.server.alerts.get('da63851_0')!.createdDateTime = 'yesterday';
    await h.service.signIn();

    await expect(h.service.now()).rejects.toThrow(
      /failed validation.*value\[1\]\.alerts\[0\]\.createdDateTime: is not a date and time/,
    );
    expect(await h.db.incidents.count()).toBe(0);
    expect((await readSyncStatus(h.db)).lastError).toMatch(/failed validation/);
  });

  it('does not follow a next link to another site (the token would leak)', async () => {
    h = await graphHarness({ tenant: [1, 1] });
    await h.service.signIn();
    const real = (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init);
    const seen: string[] = [];
    h.setFetch(async (input, init) => {
      seen.push(String(input));
      const res = await real(input, init);
      if (!String(input).includes('/security/incidents')) return res;
      const body = await res.json();
      return new Response(
        JSON.stringify({ ...body, '@odata.nextLink': 'https://evil.example/v1.0/security/incidents' }),
        {
          status: 200,
        },
      );
    });

    await expect(h.service.now()).rejects.toThrow('link to another site');
    expect(seen.some((u) => u.includes('evil.example'))).toBe(false);
  });

  it('after a next link to another site, the next sync starts the list again instead of failing for good', async () => {
    h = await graphHarness({ tenant: [4, 1], maxPageSize: 2 });
    await h.service.signIn();
    const real = (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init);
    // Only the first page's answer carries the foreign link.
    let rewritten = false;
    h.setFetch(async (input, init) => {
      const res = await real(input, init);
      if (rewritten || !String(input).includes('/security/incidents?')) return res;
      rewritten = true;
      const body = await res.json();
      return new Response(
        JSON.stringify({
          ...body,
          '@odata.nextLink': 'https://evil.example/v1.0/security/incidents?$skiptoken=2',
        }),
        { status: 200 },
      );
    });
    await expect(h.service.now()).rejects.toThrow('link to another site');
    expect((await readPullState(h.db)).nextLink).toBeUndefined();
    expect((await readSyncStatus(h.db)).lastError).toMatch(/starts the list of incidents again/);

    // Sync now again: it works, and says nothing is wrong any more.
    h.server.requests.length = 0;
    await expect(h.service.now()).resolves.toEqual({ pulled: 4, pushed: 0 });
    expect(incidentGets(h).map((r) => r.query.get('$skiptoken'))).toEqual([null, '2']);
    expect(await h.db.incidents.count()).toBe(4);
    expect((await readSyncStatus(h.db)).lastError).toBeUndefined();
    expect((await readPullState(h.db)).highWater).toBe('2026-11-01T08:03:00.000Z');
  });

  it('after Graph refuses a next link (its skip token expired), the next sync starts the list again', async () => {
    h = await graphHarness({ tenant: [6, 1], maxPageSize: 2 });
    await h.service.signIn();
    // Page 1 arrives; the worker is stopped before page 2 and comes back after the skip token expired.
    h.setFetch(async (input, init) => {
      if (String(input).includes('skiptoken=2')) throw new TypeError('Failed to fetch');
      return fetch(input, init);
    });
    await expect(h.service.now()).rejects.toThrow();
    expect((await readPullState(h.db)).nextLink).toContain('skiptoken=2');
    h.setFetch((input, init) => fetch(input, init));
    h.server.expireNextLinks();

    await expect(h.restart().now()).rejects.toThrow(/skiptoken is invalid or has expired.*starts the list/);
    expect((await readPullState(h.db)).nextLink).toBeUndefined();

    h.server.requests.length = 0;
    await expect(h.service.now()).resolves.toEqual({ pulled: 6, pushed: 0 });
    expect(incidentGets(h).map((r) => r.query.get('$skiptoken'))).toEqual([null, '2', '4']);
    expect(await h.db.incidents.count()).toBe(6);
    expect((await readSyncStatus(h.db)).lastError).toBeUndefined();
  });

  it("asks for evolvable enum members on every read, so a Sentinel alert keeps Graph's own values", async () => {
    h = await graphHarness({ tenant: [2, 1] });
    Object.assign(h.server.alerts.get('da63850_0')!, {
      serviceSource: 'microsoftSentinel',
      detectionSource: 'scheduledAlerts',
    });
    Object.assign(h.server.incidents.get('1002')!, { status: 'awaitingAction' });
    await h.service.signIn();
    await h.service.now();
    await h.move({
      alertIds: ['da63850_0'],
      target: { kind: 'existing', incidentId: '1002' },
      comment: 'x',
      reasons: [],
    });
    await h.service.now();

    expect(await h.db.alerts.get('da63850_0')).toMatchObject({
      serviceSource: 'microsoftSentinel',
      detectionSource: 'scheduledAlerts',
    });
    expect((await h.db.incidents.get('1002'))?.status).toBe('awaitingAction');
    const reads = h.server.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1.0/'));
    expect(reads.length).toBeGreaterThan(1);
    expect(reads.every((r) => r.prefer === 'include-unknown-enum-members')).toBe(true);
  });

  it('the test server answers evolvable members as unknownFutureValue to a client that did not ask for them', async () => {
    h = await graphHarness({ tenant: [1, 1] });
    Object.assign(h.server.alerts.get('da63850_0')!, { serviceSource: 'microsoftSentinel' });
    const token = h.server.issueToken();
    const get = (prefer?: string) =>
      fetch(`${h.server.url}/v1.0/security/alerts_v2/da63850_0`, {
        headers: { Authorization: `Bearer ${token}`, ...(prefer ? { Prefer: prefer } : {}) },
      }).then((r) => r.json() as Promise<{ serviceSource: string }>);
    expect((await get()).serviceSource).toBe('unknownFutureValue');
    expect((await get('include-unknown-enum-members')).serviceSource).toBe('microsoftSentinel');
  });

  it('fills in a placeholder that an alerts import made, keeping the alert where Graph has it', async () => {
    h = await graphHarness({ tenant: [2, 1] });
    const { parseImport, writeImport } = await import('@/lib/data/import');
    const file = parseImport(JSON.stringify({ value: [h.server.alerts.get('da63851_0')] }));
    if (!file.ok) throw new Error(file.problems.join('\n'));
    await writeImport(h.db, file.data, { now: '2026-11-27T09:00:00.000Z' });
    expect(await h.db.incidents.get('1002')).toMatchObject({
      displayName: 'Incident 1002',
      placeholder: true,
    });

    await h.service.signIn();
    await h.service.now();
    const filled = await h.db.incidents.get('1002');
    expect(filled).toMatchObject({ displayName: 'Incident 1002 on host-1', origin: 'graph', alertCount: 1 });
    expect(filled).not.toHaveProperty('placeholder');
  });
});
