import { afterEach, describe, expect, it } from 'vitest';
import { isProvisionalId } from '@/lib/graph/provisional-ids';
import { readSyncStatus } from '@/lib/graph/state';
import { DEFAULT_PROFILE } from '@/lib/model';
import { undoMove } from '@/lib/move';
import { graphHarness } from '../../support/graph-harness';

type Harness = Awaited<ReturnType<typeof graphHarness>>;
let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** A connected store with a pulled tenant: incidents 1001… with alerts da6385<i>_<j>. */
async function connected(incidents = 4, alertsPer = 2) {
  h = await graphHarness({ tenant: [incidents, alertsPer] });
  await h.service.signIn();
  await h.service.now();
  h.server.requests.length = 0;
  return h;
}

const activityOf = (x: Harness, incidentId: string) =>
  x.db.activity.where('incidentId').equals(incidentId).toArray();

describe('push moves to Microsoft Graph', () => {
  it('sends a move to an existing incident once, with the comment and reasons, and marks it synced', async () => {
    await connected();
    const moved = await h.move({
      alertIds: ['da63850_0'],
      target: { kind: 'existing', incidentId: '1002' },
      comment: 'Same host as 1002',
      reasons: ['sameAsset', 'temporalProximity'],
    });
    // Applied locally at once, pending until Graph has it.
    expect((await h.db.alerts.get('da63850_0'))?.incidentId).toBe('1002');
    expect((await h.db.outbox.toArray()).map((i) => i.body)).toEqual([
      {
        alertIds: ['da63850_0'],
        incidentId: '1002',
        alertComment: 'Same host as 1002',
        newCorrelationReasons: 'sameAsset, temporalProximity',
      },
    ]);

    await h.service.now();

    expect(h.server.moveCalls()).toHaveLength(1);
    expect(h.server.alerts.get('da63850_0')?.incidentId).toBe('1002');
    expect((await h.db.moves.get(moved.undoToken))?.sync).toBe('synced');
    expect((await h.db.outbox.toArray()).map((i) => i.state)).toEqual(['done']);
    const status = await readSyncStatus(h.db);
    expect(status.lastPushed).toBe(1);
    expect(status.lastError).toBeUndefined();
  });

  it('creates a new incident with incidentId null and puts its Graph id in place of the provisional one', async () => {
    await connected();
    const moved = await h.move({
      alertIds: ['da63850_0', 'da63851_1'],
      target: { kind: 'new' },
      comment: 'Separate attack',
      reasons: [],
    });
    const provisional = moved.destinationIncidentId;
    expect(isProvisionalId(provisional)).toBe(true);
    expect((await h.db.outbox.toArray())[0]).toMatchObject({
      body: { alertIds: ['da63850_0', 'da63851_1'], incidentId: null, alertComment: 'Separate attack' },
      provisionalIncidentId: provisional,
    });

    await h.service.now();

    const [call] = h.server.moveCalls();
    expect(call?.body).toEqual({
      alertIds: ['da63850_0', 'da63851_1'],
      incidentId: null,
      alertComment: 'Separate attack',
    });
    const real = '1005'; // the server's next id
    expect(h.server.alerts.get('da63850_0')?.incidentId).toBe(real);
    // Everywhere: the incident, its alerts, the activity log, the undo record.
    expect(await h.db.incidents.get(provisional)).toBeUndefined();
    // Defender names the incident it created; that is taken in without a new version.
    expect(await h.db.incidents.get(real)).toMatchObject({
      alertCount: 2,
      origin: 'graph',
      displayName: 'Suspicious activity 0.0',
      version: 1,
    });
    expect((await h.db.alerts.bulkGet(['da63850_0', 'da63851_1'])).map((a) => a?.incidentId)).toEqual([
      real,
      real,
    ]);
    const created = await activityOf(h, real);
    expect(created.map((e) => e.kind)).toEqual(['incidentCreated', 'alertCorrelated']);
    expect(
      created.every(
        (e) => e.toIncidentId === real && real in e.names.incidents && !(provisional in e.names.incidents),
      ),
    ).toBe(true);
    const movedOut = await activityOf(h, '1001');
    expect(movedOut.find((e) => e.kind === 'alertMovedOut')?.toIncidentId).toBe(real);
    expect(JSON.stringify(await h.db.activity.toArray())).not.toContain(provisional);
    const record = await h.db.moves.get(moved.undoToken);
    expect(record).toMatchObject({ destinationIncidentId: real, sync: 'synced' });

    // The next pull brings the same incident from Graph: still one incident, not two.
    const before = await h.db.incidents.count();
    await h.service.now();
    expect(await h.db.incidents.count()).toBe(before);

    // Undo still works after the id changed, and goes to Graph as moves back.
    const undone = await h.undo(moved.undoToken);
    await h.service.now();
    expect((await h.db.moves.get(undone.undoToken))?.sync).toBe('synced');
    expect(h.server.alerts.get('da63850_0')?.incidentId).toBe('1001');
    expect(h.server.alerts.get('da63851_1')?.incidentId).toBe('1002');
  });

  it('rewrites a queued move into a provisional incident with the id Graph gave it', async () => {
    await connected();
    h.setFetch(async () => {
      throw new TypeError('offline');
    });
    const first = await h.move({
      alertIds: ['da63850_0'],
      target: { kind: 'new' },
      comment: 'New one',
      reasons: [],
    });
    await h.move({
      alertIds: ['da63852_0'],
      target: { kind: 'existing', incidentId: first.destinationIncidentId },
      comment: 'Also this',
      reasons: [],
    });
    await expect(h.service.now()).rejects.toThrow('could not be reached');
    h.setFetch((input, init) => fetch(input, init));
    await h.service.now();

    const calls = h.server.moveCalls();
    expect(calls.map((c) => (c.body as { incidentId: unknown }).incidentId)).toEqual([null, '1005']);
    expect(h.server.alerts.get('da63852_0')?.incidentId).toBe('1005');
    expect((await h.db.alerts.get('da63852_0'))?.incidentId).toBe('1005');
  });

  it('after a stop while moveAlerts was in flight, reads the alerts back instead of sending again', async () => {
    await connected();
    // The request reaches Graph (which applies it), then the worker is stopped before the answer.
    h.setFetch(async (input, init) => {
      const res = await fetch(input, init);
      if (String(input).endsWith('/moveAlerts')) throw new TypeError('Failed to fetch');
      return res;
    });
    const moved = await h.move({
      alertIds: ['da63851_0'],
      target: { kind: 'new' },
      comment: 'Split',
      reasons: [],
    });
    await expect(h.service.now()).rejects.toThrow();
    const [item] = await h.db.outbox.toArray();
    expect(item?.state).toBe('sending');
    expect(h.server.moveCalls()).toHaveLength(1);
    expect(h.server.moveCalls()[0]?.clientRequestId).toBe(item?.requestId);

    h.setFetch((input, init) => fetch(input, init));
    await h.restart().resume('startup');

    expect(h.server.moveCalls()).toHaveLength(1);
    expect(h.server.requests.filter((r) => r.path === '/v1.0/security/alerts_v2/da63851_0')).toHaveLength(1);
    expect((await h.db.alerts.get('da63851_0'))?.incidentId).toBe('1005');
    expect((await h.db.moves.get(moved.undoToken))?.sync).toBe('synced');
  });

  it('after a stop before the request left, sends it exactly once on resume', async () => {
    await connected();
    h.setFetch(async (input, init) => {
      if (String(input).endsWith('/moveAlerts')) throw new TypeError('Failed to fetch');
      return fetch(input, init);
    });
    const moved = await h.move({
      alertIds: ['da63851_0'],
      target: { kind: 'existing', incidentId: '1003' },
      comment: 'Same user',
      reasons: [],
    });
    await expect(h.service.now()).rejects.toThrow();
    expect(h.server.moveCalls()).toHaveLength(0);

    h.setFetch((input, init) => fetch(input, init));
    await h.restart().resume('startup');

    expect(h.server.moveCalls()).toHaveLength(1);
    expect(h.server.alerts.get('da63851_0')?.incidentId).toBe('1003');
    expect((await h.db.moves.get(moved.undoToken))?.sync).toBe('synced');
  });

  it('rolls a refused move back here, logs it, says why, and does not send it again', async () => {
    await connected();
    h.server.forbiddenAlerts.add('da63850_1');
    const moved = await h.move({
      alertIds: ['da63850_0', 'da63850_1'],
      target: { kind: 'existing', incidentId: '1003' },
      comment: 'Try',
      reasons: [],
    });
    // Locally the source was emptied and resolved by the move.
    expect((await h.db.incidents.get('1001'))?.status).toBe('resolved');

    await h.service.now();

    expect(h.server.moveCalls().map((c) => c.status)).toEqual([403]);
    expect((await h.db.alerts.bulkGet(['da63850_0', 'da63850_1'])).map((a) => a?.incidentId)).toEqual([
      '1001',
      '1001',
    ]);
    expect(await h.db.incidents.get('1001')).toMatchObject({ status: 'active', alertCount: 2 });
    expect((await h.db.incidents.get('1003'))?.alertCount).toBe(2);
    const record = await h.db.moves.get(moved.undoToken);
    expect(record?.sync).toBe('failed');
    expect(record?.syncError).toMatch(/do not have permission/);
    const rollback = (await activityOf(h, '1001')).filter((e) => e.kind === 'syncRollback');
    expect(rollback).toHaveLength(1);
    expect(rollback[0]?.comment).toMatch(
      /^Microsoft Defender refused this move, so it was rolled back here: You do not have permission/,
    );
    expect(rollback[0]?.alertIds).toEqual(['da63850_0', 'da63850_1']);
    expect((await readSyncStatus(h.db)).lastError).toMatch(
      /The move of 2 alerts to incident 1003 was refused by Microsoft Defender: .*\(403: Insufficient privileges.*rolled back here\./,
    );

    await h.service.now();
    expect(h.server.moveCalls()).toHaveLength(1);
    // Undo of a rolled-back move is refused: there is nothing left to undo.
    await expect(
      undoMove(h.db, moved.undoToken, {
        actor: { displayName: 'A', upn: 'a' },
        profile: DEFAULT_PROFILE,
        now: () => '2026-11-27T12:00:00Z',
        newToken: () => 'u',
      }),
    ).rejects.toThrow('already undone');
  });

  it('rolls back a move into an incident that was merged away in Defender meanwhile (409)', async () => {
    await connected();
    h.setFetch(async () => {
      throw new TypeError('offline');
    });
    const moved = await h.move({
      alertIds: ['da63853_0'],
      target: { kind: 'existing', incidentId: '1002' },
      comment: 'x',
      reasons: [],
    });
    await expect(h.service.now()).rejects.toThrow();
    h.server.mergeIncidents(['1001', '1002']);
    h.setFetch((input, init) => fetch(input, init));
    await h.service.now();

    expect(h.server.moveCalls().map((c) => c.status)).toEqual([409]);
    expect((await h.db.moves.get(moved.undoToken))?.syncError).toMatch(
      /conflicts with a change made in Microsoft Defender/,
    );
    expect((await h.db.alerts.get('da63853_0'))?.incidentId).toBe('1004');
    // And the pull after it brings the merge.
    expect((await h.db.incidents.get('1002'))?.status).toBe('redirected');
  });

  it('does not send a move into an incident whose creation was refused, and rolls both back', async () => {
    await connected();
    h.server.forbiddenAlerts.add('da63850_0');
    const first = await h.move({
      alertIds: ['da63850_0'],
      target: { kind: 'new' },
      comment: 'New',
      reasons: [],
    });
    await h.move({
      alertIds: ['da63852_1'],
      target: { kind: 'existing', incidentId: first.destinationIncidentId },
      comment: 'Join it',
      reasons: [],
    });
    await h.service.now();

    expect(h.server.moveCalls()).toHaveLength(1);
    expect((await h.db.alerts.get('da63852_1'))?.incidentId).toBe('1003');
    expect((await h.db.alerts.get('da63850_0'))?.incidentId).toBe('1001');
    expect(await h.db.incidents.get(first.destinationIncidentId)).toMatchObject({
      status: 'resolved',
      alertCount: 0,
    });
    expect((await h.db.outbox.toArray()).map((i) => i.state)).toEqual(['failed', 'failed']);
  });

  it('sends a throttled move again later, once', async () => {
    await connected();
    h.server.failNext({ method: 'POST', path: /moveAlerts$/ }, 429, { 'Retry-After': '300' });
    const moved = await h.move({
      alertIds: ['da63853_0'],
      target: { kind: 'existing', incidentId: '1001' },
      comment: 'x',
      reasons: [],
    });
    await expect(h.service.now()).rejects.toThrow('wait 300 s');
    expect((await h.db.outbox.toArray())[0]?.state).toBe('queued');
    expect((await h.db.moves.get(moved.undoToken))?.sync).toBe('pending');

    await h.service.now();
    expect(h.server.moveCalls().map((c) => c.status)).toEqual([429, 200]);
    expect(h.server.requests.some((r) => r.path.startsWith('/v1.0/security/alerts_v2/da'))).toBe(false);
    expect((await h.db.moves.get(moved.undoToken))?.sync).toBe('synced');
  });

  it('keeps a move that is still waiting when a pull brings the older state', async () => {
    await connected();
    h.setFetch(async (input, init) => {
      if (String(input).endsWith('/moveAlerts')) throw new TypeError('Failed to fetch');
      return fetch(input, init);
    });
    await h.move({
      alertIds: ['da63850_0'],
      target: { kind: 'existing', incidentId: '1002' },
      comment: 'x',
      reasons: [],
    });
    await expect(h.service.now()).rejects.toThrow();
    // Someone touches both incidents in Defender; a pull runs before the move could be sent.
    h.server.update('1001', { severity: 'low' });
    h.server.update('1002', { severity: 'low' });
    h.setFetch(async (input, init) => {
      if (String(input).includes('/alerts_v2')) throw new TypeError('Failed to fetch');
      return fetch(input, init);
    });
    const { pull } = await import('@/lib/graph/pull');
    const { createGraphClient } = await import('@/lib/graph/client');
    const token = h.server.issueToken();
    const client = createGraphClient({
      baseUrl: h.server.url,
      getToken: async () => token,
      fetch: (i, init) => fetch(i, init),
      sleep: async () => {},
    });
    await pull({ db: h.db, client, now: () => '2026-11-27T12:00:00Z' });

    expect((await h.db.alerts.get('da63850_0'))?.incidentId).toBe('1002');
    expect((await h.db.incidents.get('1002'))?.alertCount).toBe(3);
  });

  it('sends a move made during a long pull between its pages', async () => {
    h = await graphHarness({ tenant: [6, 1], maxPageSize: 2 });
    await h.service.signIn();
    await h.service.settled();
    await h.db.meta.delete('graph.pull'); // the next sync is a full, three-page pull again
    h.server.requests.length = 0;
    let moved = false;
    h.setFetch(async (input, init) => {
      const res = await fetch(input, init);
      if (!moved && String(input).includes('skiptoken=2')) {
        moved = true;
        await h.move({
          alertIds: ['da63850_0'],
          target: { kind: 'existing', incidentId: '1002' },
          comment: 'x',
          reasons: [],
        });
      }
      return res;
    });
    await h.service.now();

    const order = h.server.requests
      .filter((r) => r.method === 'POST' || r.path === '/v1.0/security/incidents')
      .map((r) => (r.method === 'POST' ? 'move' : (r.query.get('$skiptoken') ?? 'first')));
    expect(order.slice(0, 4)).toEqual(['first', '2', 'move', '4']);
  });

  it('does not queue moves while signed out', async () => {
    await connected();
    await h.service.signOut();
    const moved = await h.move({
      alertIds: ['da63850_0'],
      target: { kind: 'new' },
      comment: 'x',
      reasons: [],
    });
    expect((await h.db.moves.get(moved.undoToken))?.sync).toBeUndefined();
    expect(await h.db.outbox.count()).toBe(0);
    await expect(h.service.now()).rejects.toThrow('Sign in');
    expect((await readSyncStatus(h.db)).signedIn).toBe(false);
  });

  it('queues a move the worker could not queue before it stopped, on the next sync', async () => {
    await connected();
    const { moveAlerts } = await import('@/lib/move/move');
    // The move is committed but the worker stops before afterMove ran.
    const result = await moveAlerts(
      h.db,
      {
        alertIds: ['da63852_0'],
        target: { kind: 'existing', incidentId: '1004' },
        comment: 'x',
        reasons: [],
      },
      {
        actor: { displayName: 'A', upn: 'a' },
        profile: DEFAULT_PROFILE,
        now: h.deps.now,
        newToken: () => 'lost-1',
      },
    );
    await h.restart().now();
    expect(h.server.moveCalls()).toHaveLength(1);
    expect((await h.db.moves.get(result.undoToken))?.sync).toBe('synced');
  });

  it('sends only Graph correlationReason members: reasons an older entry holds stay in the log, not in the request', async () => {
    await connected();
    const { moveAlerts } = await import('@/lib/move/move');
    // A move made while the flyout still offered reasons Graph does not know (or an imported log entry):
    // the stored entry holds them. The worker stopped before afterMove ran, so it is queued on the next sync.
    const result = await moveAlerts(
      h.db,
      {
        alertIds: ['da63852_0'],
        target: { kind: 'existing', incidentId: '1004' },
        comment: 'Same host',
        reasons: ['sameAsset'],
      },
      {
        actor: { displayName: 'A', upn: 'a' },
        profile: DEFAULT_PROFILE,
        now: h.deps.now,
        newToken: () => 'old-reasons-1',
      },
    );
    await h.db.activity
      .where('moveToken')
      .equals(result.undoToken)
      .modify((e) => {
        e.reasons = ['sameEntity', 'sameAsset', 'lateralMovement', 'temporalProximity', 'sameAsset'];
      });
    await h.restart().now();

    const [call] = h.server.moveCalls();
    expect(call?.status).toBe(200);
    expect(call?.body).toMatchObject({ newCorrelationReasons: 'sameAsset, temporalProximity' });
    expect((await h.db.moves.get(result.undoToken))?.sync).toBe('synced');
    expect(h.server.alerts.get('da63852_0')?.incidentId).toBe('1004');
    const logged = (await activityOf(h, '1004')).find((e) => e.kind === 'alertCorrelated');
    expect(logged?.reasons).toContain('sameEntity');
  });

  it('is refused by the test server, as by Graph, when a reason is not a correlationReason member', async () => {
    await connected();
    expect(
      h.server.moveAlerts({
        alertIds: ['da63850_0'],
        incidentId: '1002',
        newCorrelationReasons: 'sameAsset, sameEntity',
      }),
    ).toEqual([400, expect.objectContaining({ error: expect.objectContaining({ code: 'BadRequest' }) })]);
    expect(h.server.alerts.get('da63850_0')?.incidentId).toBe('1001');
  });
});
