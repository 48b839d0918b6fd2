import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MoverError } from '../../../lib/messaging/protocol';
import {
  type Alert,
  DEFAULT_PROFILE,
  type GraphAlert,
  type Incident,
  type Profile,
} from '../../../lib/model';
import { summarize, toStoredAlert, toStoredIncident } from '../../../lib/model/derive';
import {
  type MoveContext,
  type MoveRequest,
  moveAlerts,
  moveStatus,
  NEXT_INCIDENT_ID_KEY,
  undoMove,
  undoProblem,
} from '../../../lib/move';
import { previewMove } from '../../../lib/move/preview';
import { MoverDB } from '../../../lib/store/db';

// A tiny tenant builder: incidents with their alerts, stored the way import stores them.
interface AlertSpec {
  id: string;
  title?: string;
  severity?: string;
  category?: string;
  serviceSource?: string;
  device?: string;
  group?: string;
}
interface IncidentSpec {
  id: string;
  displayName?: string;
  status?: string;
  redirectIncidentId?: string;
  alerts: AlertSpec[];
}
const T0 = '2026-01-01T00:00:00.000Z';

function graphAlert(incidentId: string, a: AlertSpec): GraphAlert {
  return {
    id: a.id,
    incidentId,
    title: a.title ?? `Alert ${a.id}`,
    severity: a.severity ?? 'low',
    status: 'new',
    category: a.category ?? 'Execution',
    serviceSource: a.serviceSource ?? 'microsoftDefenderForEndpoint',
    evidence: [
      {
        '@odata.type': '#microsoft.graph.security.deviceEvidence',
        deviceDnsName: a.device ?? `pc-${a.id}`,
        ...(a.group ? { rbacGroupName: a.group } : {}),
      },
    ],
    createdDateTime: T0,
  };
}

async function seed(db: MoverDB, specs: IncidentSpec[]) {
  const alerts: Alert[] = [];
  const incidents: Incident[] = [];
  for (const spec of specs) {
    const own = spec.alerts.map((a) => toStoredAlert(graphAlert(spec.id, a), T0));
    alerts.push(...own);
    const stored = toStoredIncident(
      {
        id: spec.id,
        displayName: spec.displayName ?? `Incident ${spec.id}`,
        status: spec.status ?? 'active',
        severity: summarize(own).severity ?? 'unknown',
        redirectIncidentId: spec.redirectIncidentId ?? null,
        createdDateTime: T0,
      },
      own,
      T0,
    );
    incidents.push(stored);
  }
  await db.incidents.bulkAdd(incidents);
  await db.alerts.bulkAdd(alerts);
}

/** Every table, for "nothing changed" checks. */
async function snapshot(db: MoverDB) {
  return {
    incidents: await db.incidents.toArray(),
    alerts: await db.alerts.toArray(),
    activity: await db.activity.toArray(),
    moves: await db.moves.toArray(),
    meta: await db.meta.toArray(),
  };
}

let db: MoverDB;
let clock = 0;
let tokens = 0;
function context(profile: Profile = DEFAULT_PROFILE): MoveContext {
  return {
    actor: { displayName: 'Ann Analyst', upn: 'ann@contoso.com' },
    profile,
    now: () => new Date(Date.parse('2026-02-01T00:00:00.000Z') + ++clock * 1000).toISOString(),
    newToken: () => `token-${++tokens}`,
  };
}
const request = (r: Partial<MoveRequest> & Pick<MoveRequest, 'alertIds' | 'target'>): MoveRequest => ({
  comment: 'Same attacker, same device',
  reasons: [],
  ...r,
});
const toExisting = (incidentId: string) => ({ kind: 'existing' as const, incidentId });
const activityOf = (incidentId: string) =>
  db.activity
    .where('[incidentId+seq]')
    .between([incidentId, 0], [incidentId, Number.MAX_SAFE_INTEGER])
    .toArray();

/** Runs `run` after a snapshot (so its rejection is handled as it happens) and checks that nothing changed. */
async function expectRefused(run: () => Promise<unknown>, code: string, message: RegExp | string) {
  const before = await snapshot(db);
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MoverError);
  expect((error as MoverError).code).toBe(code);
  expect((error as MoverError).message).toMatch(message);
  expect(await snapshot(db)).toEqual(before);
  return error as MoverError;
}

beforeEach(() => {
  db = new MoverDB(`t-${crypto.randomUUID()}`);
  clock = 0;
  tokens = 0;
});
afterEach(async () => {
  await db.delete();
});

describe('moveAlerts to an existing incident', () => {
  beforeEach(async () => {
    await seed(db, [
      {
        id: '10',
        alerts: [
          { id: 'da1', severity: 'high', category: 'CredentialAccess', title: 'Mimikatz' },
          { id: 'da2', severity: 'low', category: 'Discovery' },
        ],
      },
      {
        id: '20',
        displayName: 'Phishing campaign',
        alerts: [{ id: 'da3', severity: 'medium', category: 'InitialAccess' }],
      },
    ]);
  });

  it('moves the alert, recomputes both incidents and logs on both', async () => {
    const result = await moveAlerts(
      db,
      request({ alertIds: ['da1'], target: toExisting('20'), reasons: ['sameAsset', 'temporalProximity'] }),
      context(),
    );
    expect(result).toEqual({
      destinationIncidentId: '20',
      destinationName: 'Phishing campaign',
      createdIncident: false,
      movedAlertIds: ['da1'],
      skippedAlertIds: [],
      emptiedIncidentIds: [],
      undoToken: 'token-1',
    });

    const alert = await db.alerts.get('da1');
    expect(alert).toMatchObject({
      incidentId: '20',
      version: 2,
      lastUpdateDateTime: '2026-02-01T00:00:01.000Z',
    });
    const [source, destination] = await db.incidents.bulkGet(['10', '20']);
    expect(destination).toMatchObject({
      severity: 'high',
      alertCount: 2,
      categories: ['CredentialAccess', 'InitialAccess'],
      version: 2,
      status: 'active',
      lastUpdateDateTime: '2026-02-01T00:00:01.000Z',
    });
    expect(source).toMatchObject({
      severity: 'low',
      alertCount: 1,
      categories: ['Discovery'],
      version: 2,
      status: 'active',
    });

    const [correlated] = await activityOf('20');
    expect(correlated).toMatchObject({
      kind: 'alertCorrelated',
      alertIds: ['da1'],
      fromIncidentIds: ['10'],
      toIncidentId: '20',
      comment: 'Same attacker, same device',
      reasons: ['sameAsset', 'temporalProximity'],
      actor: { displayName: 'Ann Analyst', upn: 'ann@contoso.com' },
      moveToken: 'token-1',
      names: { incidents: { '10': 'Incident 10', '20': 'Phishing campaign' }, alerts: { da1: 'Mimikatz' } },
    });
    const movedOut = await activityOf('10');
    expect(movedOut).toHaveLength(1);
    expect(movedOut[0]).toMatchObject({
      kind: 'alertMovedOut',
      alertIds: ['da1'],
      toIncidentId: '20',
      moveToken: 'token-1',
    });

    const record = await db.moves.get('token-1');
    expect(record).toMatchObject({
      destinationIncidentId: '20',
      createdIncident: false,
      alerts: [{ alertId: 'da1', fromIncidentId: '10', versionAfter: 2 }],
    });
  });

  it('skips and reports alerts already in the target', async () => {
    const result = await moveAlerts(
      db,
      request({ alertIds: ['da1', 'da3'], target: toExisting('20') }),
      context(),
    );
    expect(result.movedAlertIds).toEqual(['da1']);
    expect(result.skippedAlertIds).toEqual(['da3']);
    expect((await db.alerts.get('da3'))?.version).toBe(1);
    expect((await activityOf('20'))[0]?.alertIds).toEqual(['da1']);
  });

  it('refuses a move whose alerts are all already in the target', async () => {
    await expectRefused(
      () => moveAlerts(db, request({ alertIds: ['da1', 'da2'], target: toExisting('10') }), context()),
      'validation',
      'All 2 selected alerts are already in incident 10 "Incident 10".',
    );
  });

  it('resolves a source left with no alerts, saying why, and keeps its severity', async () => {
    const result = await moveAlerts(db, request({ alertIds: ['da3'], target: toExisting('10') }), context());
    expect(result.emptiedIncidentIds).toEqual(['20']);
    const emptied = await db.incidents.get('20');
    expect(emptied).toMatchObject({
      status: 'resolved',
      alertCount: 0,
      severity: 'medium',
      categories: [],
      assets: [],
    });
    const log = await activityOf('20');
    expect(log.map((e) => e.kind)).toEqual(['alertMovedOut', 'incidentResolvedEmpty']);
    expect(log[1]?.comment).toMatch(/last alert was moved to incident 10 .*no alerts left/);
  });
});

describe('moveAlerts to a new incident', () => {
  beforeEach(async () => {
    await seed(db, [
      {
        id: '7',
        alerts: [
          { id: 'da1', severity: 'medium', category: 'CommandAndControl', device: 'pc1' },
          { id: 'da2', severity: 'high', category: 'InitialAccess', device: 'pc1' },
          { id: 'da9', severity: 'low' },
        ],
      },
      {
        id: '12',
        alerts: [
          {
            id: 'da3',
            severity: 'low',
            category: 'Execution',
            serviceSource: 'microsoftDefenderForIdentity',
          },
        ],
      },
      { id: 'local-x', alerts: [{ id: 'da4' }] },
    ]);
  });

  it('creates an incident with the next numeric id and the automatic name', async () => {
    const result = await moveAlerts(
      db,
      request({ alertIds: ['da1', 'da2'], target: { kind: 'new' } }),
      context(),
    );
    expect(result).toMatchObject({
      destinationIncidentId: '13',
      createdIncident: true,
      destinationName: 'Multi-stage incident involving Initial access & Command and control on one endpoint',
    });
    const created = await db.incidents.get('13');
    expect(created).toMatchObject({
      status: 'active',
      origin: 'local',
      severity: 'high',
      version: 1,
      alertCount: 2,
      createdDateTime: '2026-02-01T00:00:01.000Z',
    });
    expect((await activityOf('13')).map((e) => e.kind)).toEqual(['incidentCreated', 'alertCorrelated']);
    expect(await db.meta.get(NEXT_INCIDENT_ID_KEY)).toEqual({ key: NEXT_INCIDENT_ID_KEY, value: 14 });

    const second = await moveAlerts(db, request({ alertIds: ['da3'], target: { kind: 'new' } }), context());
    expect(second.destinationIncidentId).toBe('14');
    expect(second.destinationName).toBe('Alert da3');
  });

  it('does not reuse an id that an import brought after the counter was set', async () => {
    await db.meta.put({ key: NEXT_INCIDENT_ID_KEY, value: 12 });
    const result = await moveAlerts(db, request({ alertIds: ['da1'], target: { kind: 'new' } }), context());
    expect(result.destinationIncidentId).toBe('13');
    expect((await db.incidents.get('12'))?.alertCount).toBe(1);
  });

  it('moves alerts from several incidents at once', async () => {
    const result = await moveAlerts(
      db,
      request({ alertIds: ['da1', 'da3', 'da4'], target: { kind: 'new' } }),
      context(),
    );
    expect(result.emptiedIncidentIds).toEqual(['12', 'local-x']);
    const [correlated] = (await activityOf(result.destinationIncidentId)).filter(
      (e) => e.kind === 'alertCorrelated',
    );
    expect(correlated?.alertIds).toEqual(['da1', 'da3', 'da4']);
    expect(correlated?.fromIncidentIds).toEqual(['7', '12', 'local-x']);
    expect((await activityOf('7')).map((e) => [e.kind, e.alertIds])).toEqual([['alertMovedOut', ['da1']]]);
    expect((await activityOf('12')).map((e) => [e.kind, e.alertIds])).toEqual([
      ['alertMovedOut', ['da3']],
      ['incidentResolvedEmpty', ['da3']],
    ]);
    expect(result.destinationName).toBe(
      'Multi-stage incident involving Execution & Command and control on multiple endpoints reported by multiple sources',
    );
  });
});

describe('moveAlerts validation: a clear error and nothing changes', () => {
  beforeEach(async () => {
    await seed(db, [
      { id: '1', alerts: [{ id: 'da1', title: 'Mimikatz', group: 'Finance' }, { id: 'da2' }] },
      { id: '2', alerts: [{ id: 'da3', group: 'Servers' }] },
      { id: '3', status: 'redirected', redirectIncidentId: '4', alerts: [] },
      { id: '4', status: 'redirected', redirectIncidentId: '3', alerts: [] },
      { id: '5', status: 'redirected', redirectIncidentId: '99', alerts: [] },
    ]);
  });

  it('needs at least one alert', async () => {
    await expectRefused(
      () => moveAlerts(db, request({ alertIds: [], target: { kind: 'new' } }), context()),
      'validation',
      /at least one alert/,
    );
  });

  it('names alerts that do not exist', async () => {
    const e = await expectRefused(
      () =>
        moveAlerts(db, request({ alertIds: ['da1', 'nope1', 'nope2'], target: toExisting('2') }), context()),
      'not-found',
      /nope1, nope2 do not exist/,
    );
    expect(e.details).toEqual(['nope1', 'nope2']);
  });

  it.each([
    ['', /Add a comment/],
    ['   \n\t ', /Add a comment/],
    ['x'.repeat(30_001), /30,001 characters long; the limit is 30,000/],
  ])('refuses the comment %#', async (comment, message) => {
    await expectRefused(
      () => moveAlerts(db, request({ alertIds: ['da1'], target: toExisting('2'), comment }), context()),
      'validation',
      message,
    );
  });

  it('accepts a comment of exactly 30,000 characters', async () => {
    await moveAlerts(
      db,
      request({ alertIds: ['da1'], target: toExisting('2'), comment: 'x'.repeat(30_000) }),
      context(),
    );
    expect((await db.alerts.get('da1'))?.incidentId).toBe('2');
  });

  it('needs the "View incidents queue" permission', async () => {
    await expectRefused(
      () =>
        moveAlerts(
          db,
          request({ alertIds: ['da2'], target: toExisting('2') }),
          context({ ...DEFAULT_PROFILE, canViewIncidentsQueue: false }),
        ),
      'permission',
      /View incidents queue/,
    );
  });

  it('needs read and write on every alert, naming the read-only ones', async () => {
    const profile: Profile = { ...DEFAULT_PROFILE, scopes: { Finance: 'read' } };
    await expectRefused(
      () => moveAlerts(db, request({ alertIds: ['da1', 'da2'], target: toExisting('2') }), context(profile)),
      'permission',
      /"Mimikatz" \(da1\).*read-only/,
    );
  });

  it('refuses a target incident the analyst cannot read', async () => {
    const profile: Profile = { ...DEFAULT_PROFILE, scopes: { Servers: 'none' } };
    await expectRefused(
      () => moveAlerts(db, request({ alertIds: ['da2'], target: toExisting('2') }), context(profile)),
      'permission',
      'You have no access to incident 2.',
    );
  });

  it('refuses a target that does not exist', async () => {
    await expectRefused(
      () => moveAlerts(db, request({ alertIds: ['da1'], target: toExisting('77') }), context()),
      'not-found',
      'Incident 77 does not exist.',
    );
  });

  it('refuses a redirect loop and a redirect to nowhere', async () => {
    await expectRefused(
      () => moveAlerts(db, request({ alertIds: ['da1'], target: toExisting('3') }), context()),
      'redirected',
      /loop \(3 → 4 → 3\)/,
    );
    await expectRefused(
      () => moveAlerts(db, request({ alertIds: ['da1'], target: toExisting('5') }), context()),
      'redirected',
      /merged into incident 99/,
    );
  });

  it('refuses a move when an alert changed since the user saw it', async () => {
    await moveAlerts(db, request({ alertIds: ['da2'], target: toExisting('2') }), context());
    const e = await expectRefused(
      () =>
        moveAlerts(
          db,
          request({
            alertIds: ['da1', 'da2'],
            target: { kind: 'new' },
            expectedVersions: { da1: 1, da2: 1 },
          }),
          context(),
        ),
      'conflict',
      /An alert was changed elsewhere since you selected it: "Alert da2" \(da2\)/,
    );
    expect(e.details).toEqual(['"Alert da2" (da2)']);
  });
});

describe('redirected target', () => {
  it('follows a merged incident to the one it was merged into and says so', async () => {
    await seed(db, [
      { id: '1', alerts: [{ id: 'da1' }, { id: 'da2' }] },
      { id: '2', status: 'redirected', redirectIncidentId: '3', alerts: [] },
      { id: '3', status: 'redirected', redirectIncidentId: '4', alerts: [] },
      { id: '4', displayName: 'Survivor', alerts: [{ id: 'da3' }] },
    ]);
    const result = await moveAlerts(db, request({ alertIds: ['da1'], target: toExisting('2') }), context());
    expect(result).toMatchObject({
      destinationIncidentId: '4',
      destinationName: 'Survivor',
      redirectedFrom: '2',
    });
    expect((await db.alerts.get('da1'))?.incidentId).toBe('4');
    expect((await db.incidents.get('2'))?.version).toBe(1);
  });
});

describe('undoMove', () => {
  beforeEach(async () => {
    await seed(db, [
      {
        id: '1',
        displayName: 'Original',
        alerts: [
          { id: 'da1', severity: 'high' },
          { id: 'da2', severity: 'low' },
        ],
      },
      { id: '2', displayName: 'Other', alerts: [{ id: 'da3', severity: 'medium' }] },
    ]);
  });

  it('puts the alerts back, reopens an emptied source, logs it as a new move and keeps history', async () => {
    const move = await moveAlerts(db, request({ alertIds: ['da3'], target: toExisting('1') }), context());
    expect((await db.incidents.get('2'))?.status).toBe('resolved');
    const logBefore = await db.activity.toArray();

    const undo = await undoMove(db, move.undoToken, context());
    expect(undo).toMatchObject({
      destinationIncidentId: '2',
      movedAlertIds: ['da3'],
      createdIncident: false,
      undoToken: 'token-2',
    });
    expect((await db.alerts.get('da3'))?.incidentId).toBe('2');
    expect(await db.incidents.get('2')).toMatchObject({
      status: 'active',
      severity: 'medium',
      alertCount: 1,
      displayName: 'Other',
    });
    expect(await db.incidents.get('1')).toMatchObject({ status: 'active', severity: 'high', alertCount: 2 });

    const logAfter = await db.activity.toArray();
    expect(logAfter.slice(0, logBefore.length)).toEqual(logBefore);
    const added = logAfter.slice(logBefore.length);
    expect(added.every((e) => e.moveToken === 'token-2')).toBe(true);
    expect(added.map((e) => [e.incidentId, e.kind])).toEqual([
      ['1', 'moveUndone'],
      ['2', 'moveUndone'],
      ['2', 'incidentReopened'],
    ]);
    expect((await db.moves.get(move.undoToken))?.undoneBy).toBe('token-2');
    expect((await db.moves.get('token-2'))?.undoes).toBe(move.undoToken);
  });

  it('resolves the incident a move created, with an entry, and keeps it', async () => {
    const move = await moveAlerts(
      db,
      request({ alertIds: ['da1', 'da3'], target: { kind: 'new' } }),
      context(),
    );
    expect((await db.incidents.get('2'))?.status).toBe('resolved');
    const undo = await undoMove(db, move.undoToken, context());
    expect(undo.emptiedIncidentIds).toEqual([move.destinationIncidentId]);
    expect(await db.incidents.get(move.destinationIncidentId)).toMatchObject({
      status: 'resolved',
      alertCount: 0,
    });
    expect((await activityOf(move.destinationIncidentId)).map((e) => e.kind)).toEqual([
      'incidentCreated',
      'alertCorrelated',
      // One per incident the alerts go back to.
      'moveUndone',
      'moveUndone',
      'incidentResolvedEmpty',
    ]);
    expect((await db.alerts.bulkGet(['da1', 'da3'])).map((a) => a?.incidentId)).toEqual(['1', '2']);
    expect(await db.incidents.get('1')).toMatchObject({ severity: 'high', alertCount: 2, status: 'active' });
    expect(await db.incidents.get('2')).toMatchObject({
      severity: 'medium',
      alertCount: 1,
      status: 'active',
    });
  });

  it('is refused once anything it touched changed, and then changes nothing', async () => {
    const move = await moveAlerts(db, request({ alertIds: ['da1'], target: toExisting('2') }), context());
    await moveAlerts(db, request({ alertIds: ['da2'], target: toExisting('2') }), context());
    expect(await undoProblem(db, move.undoToken, DEFAULT_PROFILE)).toMatch(/incident 1 "Original" changed/);
    await expectRefused(
      () => undoMove(db, move.undoToken, context()),
      'conflict',
      /can't be undone because things changed since/,
    );
  });

  it('restores the severity an incident had, even one set by hand above its alerts', async () => {
    await db.incidents.update('2', { severity: 'high' });
    const move = await moveAlerts(db, request({ alertIds: ['da2'], target: toExisting('2') }), context());
    expect((await db.incidents.get('2'))?.severity).toBe('medium');
    await undoMove(db, move.undoToken, context());
    expect(await db.incidents.get('2')).toMatchObject({ severity: 'high', alertCount: 1 });
    expect(await db.incidents.get('1')).toMatchObject({ severity: 'high', alertCount: 2 });
  });

  it('is refused when only a moved alert changed since (e.g. its status, by sync)', async () => {
    const move = await moveAlerts(db, request({ alertIds: ['da1'], target: toExisting('2') }), context());
    const alert = (await db.alerts.get('da1'))!;
    await db.alerts.put({ ...alert, status: 'resolved', version: alert.version + 1 });
    await expectRefused(
      () => undoMove(db, move.undoToken, context()),
      'conflict',
      /alert "Alert da1" \(da1\) changed/,
    );
  });

  it('is refused twice', async () => {
    const move = await moveAlerts(db, request({ alertIds: ['da1'], target: toExisting('2') }), context());
    expect(await undoProblem(db, move.undoToken, DEFAULT_PROFILE)).toBeNull();
    await undoMove(db, move.undoToken, context());
    await expectRefused(
      () => undoMove(db, move.undoToken, context()),
      'conflict',
      'This move was already undone.',
    );
    await expectRefused(() => undoMove(db, 'no-such-token', context()), 'not-found', /not in the history/);
  });

  it('can itself be undone, which makes the move again', async () => {
    const move = await moveAlerts(db, request({ alertIds: ['da3'], target: { kind: 'new' } }), context());
    const undo = await undoMove(db, move.undoToken, context());
    await undoMove(db, undo.undoToken, context());
    expect((await db.alerts.get('da3'))?.incidentId).toBe(move.destinationIncidentId);
    expect(await db.incidents.get(move.destinationIncidentId)).toMatchObject({
      status: 'active',
      alertCount: 1,
    });
    expect(await db.incidents.get('2')).toMatchObject({ status: 'resolved', alertCount: 0 });
  });
});

describe('previewMove agrees with moveAlerts', () => {
  it('predicts the name, severity, emptied incidents and skipped alerts', async () => {
    await seed(db, [
      {
        id: '1',
        alerts: [
          { id: 'da1', severity: 'high', category: 'Impact' },
          { id: 'da2', severity: 'low' },
        ],
      },
      { id: '2', displayName: 'Two', alerts: [{ id: 'da3', severity: 'medium', category: 'Exfiltration' }] },
      { id: '3', alerts: [{ id: 'da4', severity: 'informational' }] },
    ]);
    const alertIds = ['da1', 'da3', 'da4'];
    const alerts = (await db.alerts.bulkGet(alertIds)) as Alert[];
    const sources = (await db.incidents.bulkGet(['1', '2', '3'])) as Incident[];

    for (const target of [{ kind: 'new' as const }, toExisting('3')]) {
      const incident = target.kind === 'existing' ? await db.incidents.get(target.incidentId) : undefined;
      const preview = previewMove({
        alerts,
        sources,
        profile: DEFAULT_PROFILE,
        target: incident
          ? {
              kind: 'existing',
              incident,
              alertSeverities: (await db.alerts.where('incidentId').equals(incident.id).toArray()).map(
                (a) => a.severity,
              ),
            }
          : { kind: 'new' },
      });
      const before = await snapshot(db);
      const result = await moveAlerts(db, request({ alertIds, target }), context());
      expect(preview.destinationName).toBe(result.destinationName);
      expect(preview.resultingSeverity).toBe(
        (await db.incidents.get(result.destinationIncidentId))?.severity,
      );
      expect(preview.emptiedIncidents.map((i) => i.id)).toEqual(result.emptiedIncidentIds);
      expect(preview.skippedAlertIds).toEqual(result.skippedAlertIds);
      expect(preview.permissionProblems).toEqual([]);
      expect(preview.problems).toEqual([]);
      // Reset for the next target.
      await db.transaction('rw', [db.incidents, db.alerts, db.activity, db.moves, db.meta], async () => {
        for (const table of [db.incidents, db.alerts, db.activity, db.moves, db.meta]) await table.clear();
        await db.incidents.bulkAdd(before.incidents);
        await db.alerts.bulkAdd(before.alerts);
      });
    }
  });

  it('shows the same permission problems the move refuses with', async () => {
    await seed(db, [
      { id: '1', alerts: [{ id: 'da1', title: 'Mimikatz', group: 'Finance' }] },
      { id: '2', alerts: [{ id: 'da2' }] },
    ]);
    const profile: Profile = { ...DEFAULT_PROFILE, scopes: { Finance: 'read' } };
    const alerts = (await db.alerts.bulkGet(['da1'])) as Alert[];
    const target = (await db.incidents.get('2')) as Incident;
    const preview = previewMove({
      alerts,
      sources: [],
      profile,
      target: { kind: 'existing', incident: target, alertSeverities: ['low'] },
    });
    const error = await moveAlerts(
      db,
      request({ alertIds: ['da1'], target: toExisting('2') }),
      context(profile),
    ).catch((e) => e);
    expect((error as MoverError).details).toEqual(preview.permissionProblems);
    expect(preview.emptiedIncidents).toEqual([]);
  });

  it('warns before Save that a target already holds every selected alert', () => {
    const alert = { id: 'da1', title: 't', incidentId: '2', severity: 'low', scope: 'Unscoped' };
    const preview = previewMove({
      alerts: [alert],
      sources: [{ id: '2', displayName: 'Two', alertCount: 1 }],
      profile: DEFAULT_PROFILE,
      target: {
        kind: 'existing',
        incident: { id: '2', displayName: 'Two', scopes: ['Unscoped'] },
        alertSeverities: ['low'],
      },
    });
    expect(preview).toMatchObject({
      skippedAlertIds: ['da1'],
      emptiedIncidents: [],
      problems: ['The selected alert is already in incident 2 "Two".'],
    });
  });
});

describe('a big move', () => {
  it('moves 1,000 alerts from three incidents in one transaction', async () => {
    const spec = (id: string, n: number): IncidentSpec => ({
      id,
      alerts: Array.from({ length: n }, (_, i) => ({
        id: `da-${id}-${i}`,
        severity: i === 7 ? 'high' : 'low',
        device: `pc${i % 5}`,
      })),
    });
    await seed(db, [spec('1', 400), spec('2', 400), spec('3', 400), spec('4', 10)]);
    const alertIds = [
      ...Array.from({ length: 400 }, (_, i) => `da-1-${i}`),
      ...Array.from({ length: 300 }, (_, i) => `da-2-${i}`),
      ...Array.from({ length: 300 }, (_, i) => `da-3-${i}`),
    ];
    const result = await moveAlerts(db, request({ alertIds, target: toExisting('4') }), context());
    expect(result.movedAlertIds).toHaveLength(1_000);
    expect(result.emptiedIncidentIds).toEqual(['1']);
    expect(await db.incidents.get('4')).toMatchObject({ alertCount: 1_010, severity: 'high' });
    expect(await db.incidents.get('2')).toMatchObject({ alertCount: 100, severity: 'low' });
    expect(await db.alerts.where('incidentId').equals('4').count()).toBe(1_010);
    expect(await db.activity.count()).toBe(5);
  });
});

describe('a move is never done twice', () => {
  beforeEach(async () => {
    await seed(db, [
      { id: '10', alerts: [{ id: 'da1', severity: 'high', category: 'Execution', title: 'Run key' }] },
      { id: '20', alerts: [{ id: 'da2', severity: 'low', category: 'Discovery' }] },
    ]);
  });

  it('answers a repeated request with the same token with the first result, writing nothing more', async () => {
    const input = request({ alertIds: ['da1'], target: { kind: 'new' }, token: 'flyout-7f3a9c21' });
    const first = await moveAlerts(db, input, context());
    expect(first.undoToken).toBe('flyout-7f3a9c21');
    expect(first.createdIncident).toBe(true);
    const after = await snapshot(db);

    // The answer was lost; the page asks again with the same token.
    const again = await moveAlerts(db, input, context());
    expect(again).toEqual(first);
    expect(await snapshot(db)).toEqual(after);
    expect(await db.incidents.count()).toBe(3); // one new incident, not two
    expect(await moveStatus(db, 'flyout-7f3a9c21')).toEqual({ committed: true, result: first });
  });

  it('lets two racing requests with one token move once', async () => {
    const input = request({ alertIds: ['da1'], target: toExisting('20'), token: 'flyout-race-0001' });
    const [a, b] = await Promise.all([moveAlerts(db, input, context()), moveAlerts(db, input, context())]);
    expect(a).toEqual(b);
    expect(await db.moves.count()).toBe(1);
    expect((await activityOf('20')).filter((e) => e.kind === 'alertCorrelated')).toHaveLength(1);
  });

  it('says a token that never committed did not', async () => {
    expect(await moveStatus(db, 'flyout-never-sent')).toEqual({ committed: false });
  });
});
