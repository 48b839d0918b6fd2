import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chooseSurvivor,
  type MergeRequest,
  mergeIncidents,
  mergeProblems,
  undoMerge,
  unmergeProblem,
} from '../../../lib/merge';
import {
  type Alert,
  DEFAULT_PROFILE,
  type GraphAlert,
  type Incident,
  type Profile,
} from '../../../lib/model';
import { summarize, toStoredAlert, toStoredIncident } from '../../../lib/model/derive';
import { MoverError } from '../../../lib/model/errors';
import { type MoveContext, moveAlerts, undoMove } from '../../../lib/move';
import { MoverDB } from '../../../lib/store/db';

interface IncidentSpec {
  id: string;
  alerts: number;
  status?: string;
  created?: string;
  assignedTo?: string | null;
  classification?: string | null;
  determination?: string | null;
  customTags?: string[];
  group?: string;
  severity?: string;
}
const T0 = '2026-01-01T00:00:00.000Z';

function graphAlert(incidentId: string, n: number, spec: IncidentSpec): GraphAlert {
  return {
    id: `a-${incidentId}-${n}`,
    incidentId,
    title: `Alert ${n} of ${incidentId}`,
    severity: n === 0 ? (spec.severity ?? 'low') : 'low',
    status: 'new',
    category: n % 2 ? 'Execution' : 'CredentialAccess',
    serviceSource: 'microsoftDefenderForEndpoint',
    evidence: [
      {
        '@odata.type': '#microsoft.graph.security.deviceEvidence',
        deviceDnsName: `pc-${incidentId}`,
        ...(spec.group ? { rbacGroupName: spec.group } : {}),
      },
    ],
    createdDateTime: T0,
  };
}

async function seed(db: MoverDB, specs: IncidentSpec[]) {
  const alerts: Alert[] = [];
  const incidents: Incident[] = [];
  for (const spec of specs) {
    const own = Array.from({ length: spec.alerts }, (_, n) =>
      toStoredAlert(graphAlert(spec.id, n, spec), T0),
    );
    alerts.push(...own);
    incidents.push(
      toStoredIncident(
        {
          id: spec.id,
          displayName: `Incident ${spec.id}`,
          status: spec.status ?? 'active',
          severity: summarize(own).severity ?? 'unknown',
          createdDateTime: spec.created ?? T0,
          assignedTo: spec.assignedTo ?? null,
          classification: spec.classification ?? null,
          determination: spec.determination ?? null,
          customTags: spec.customTags ?? [],
          systemTags: [],
        },
        own,
        T0,
      ),
    );
  }
  await db.incidents.bulkAdd(incidents);
  await db.alerts.bulkAdd(alerts);
}

async function snapshot(db: MoverDB) {
  return {
    incidents: await db.incidents.toArray(),
    alerts: await db.alerts.toArray(),
    activity: await db.activity.toArray(),
    moves: await db.moves.toArray(),
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
const merge = (ids: string[], extra: Partial<MergeRequest> = {}, profile?: Profile) =>
  mergeIncidents(
    db,
    { incidentIds: ids, comment: 'Same intrusion', reasons: ['sameActor'], ...extra },
    context(profile),
  );
const activityOf = (incidentId: string) =>
  db.activity
    .where('[incidentId+seq]')
    .between([incidentId, 0], [incidentId, Number.MAX_SAFE_INTEGER])
    .toArray();

async function expectRefused(run: () => Promise<unknown>, code: string, message: RegExp) {
  const before = await snapshot(db);
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MoverError);
  expect((error as MoverError).code).toBe(code);
  expect((error as MoverError).message).toMatch(message);
  expect(await snapshot(db)).toEqual(before);
}

beforeEach(() => {
  db = new MoverDB(`t-${crypto.randomUUID()}`);
  clock = 0;
  tokens = 0;
});
afterEach(async () => {
  await db.delete();
});

const row = (id: string, alertCount: number, created = T0, extra: Partial<Incident> = {}) => ({
  id,
  displayName: `Incident ${id}`,
  status: 'active',
  alertCount,
  createdDateTime: created,
  assignedTo: null,
  classification: null,
  determination: null,
  scopes: ['Unscoped'],
  redirectIncidentId: null,
  ...extra,
});

describe('the survivor', () => {
  it('is the incident with the most alerts, then the oldest, then the lowest id', () => {
    expect(chooseSurvivor([row('1', 2), row('2', 5), row('3', 4)]).survivor.id).toBe('2');
    const tie = chooseSurvivor([row('1', 3, '2026-01-02T00:00:00Z'), row('2', 3, '2026-01-01T00:00:00Z')]);
    expect(tie.survivor.id).toBe('2');
    expect(tie.reason).toMatch(/Incident 2 "Incident 2" survives: .*oldest/);
    expect(chooseSurvivor([row('10', 3), row('9', 3)]).survivor.id).toBe('9');
    expect(chooseSurvivor([row('1', 2), row('2', 5)]).reason).toBe(
      'Incident 2 "Incident 2" survives: it has the most alerts (5 alerts).',
    );
  });
});

describe('merge preconditions', () => {
  const problems = (rows: ReturnType<typeof row>[], profile: Profile = DEFAULT_PROFILE) =>
    mergeProblems(rows, profile).map((p) => p.message);

  it('lets unset assignee, classification and determination match anything', () => {
    expect(
      problems([row('1', 1, T0, { classification: 'truePositive', assignedTo: 'ann' }), row('2', 1)]),
    ).toEqual([]);
  });

  it('names the incidents and the values that differ', () => {
    expect(
      problems([
        row('1', 1, T0, { classification: 'truePositive' }),
        row('2', 1, T0, { classification: 'falsePositive' }),
      ]),
    ).toEqual([
      'Incident 1 "Incident 1" and incident 2 "Incident 2" have different classifications ("truePositive" and "falsePositive"), so they can\'t be merged. Make them the same first.',
    ]);
    expect(
      problems([row('1', 1, T0, { assignedTo: 'ann' }), row('2', 1, T0, { assignedTo: 'bob' })])[0],
    ).toMatch(/different assignees \("ann" and "bob"\)/);
    expect(
      problems([
        row('1', 1, T0, { determination: 'malware' }),
        row('2', 1, T0, { determination: 'phishing' }),
      ])[0],
    ).toMatch(/different determinations/);
  });

  it('refuses resolved and redirected incidents, more than five, and fewer than two', () => {
    expect(problems([row('1', 1, T0, { status: 'resolved' }), row('2', 1)])).toEqual([
      'Incident 1 "Incident 1" is resolved; reopen it before merging it.',
    ]);
    expect(
      problems([row('1', 1, T0, { status: 'redirected', redirectIncidentId: '7' }), row('2', 1)]),
    ).toEqual(['Incident 1 "Incident 1" was already merged into incident 7; merge that one instead.']);
    expect(problems(['1', '2', '3', '4', '5', '6'].map((id) => row(id, 1)))).toEqual([
      'At most 5 incidents can be merged at a time, and 6 are selected. Merge them in steps.',
    ]);
    expect(problems([row('1', 1)])).toEqual(['Select at least two incidents to merge.']);
  });

  it('needs read and write on every device group of every incident', () => {
    const readOnly = { ...DEFAULT_PROFILE, scopes: { Finance: 'read' as const } };
    expect(problems([row('1', 1, T0, { scopes: ['Finance', 'Unscoped'] }), row('2', 1)], readOnly)).toEqual([
      'You can\'t merge incident 1 "Incident 1": you have read-only access to device group "Finance" of its alerts.',
    ]);
  });
});

describe('mergeIncidents', () => {
  it('moves every alert and tag into the survivor and redirects the other, in one logged operation', async () => {
    await seed(db, [
      { id: '1', alerts: 2, customTags: ['phishing'], severity: 'high' },
      { id: '2', alerts: 3, customTags: ['finance'] },
    ]);
    const result = await merge(['1', '2']);
    expect(result).toMatchObject({ survivorId: '2', mergedIncidentIds: ['1'], token: 'token-1' });
    expect(result.movedAlertIds.sort()).toEqual(['a-1-0', 'a-1-1']);

    const alerts = await db.alerts.toArray();
    expect(alerts.every((a) => a.incidentId === '2')).toBe(true);
    const survivor = (await db.incidents.get('2'))!;
    const recomputed = summarize(alerts);
    expect(survivor).toMatchObject({
      alertCount: 5,
      severity: 'high',
      categories: recomputed.categories,
      assets: recomputed.assets,
      entities: recomputed.entities,
      tally: recomputed.tally,
      customTags: ['finance', 'phishing'],
      status: 'active',
    });
    const merged = (await db.incidents.get('1'))!;
    expect(merged).toMatchObject({
      status: 'redirected',
      redirectIncidentId: '2',
      alertCount: 0,
      systemTags: ['Redirected'],
    });

    const [onSurvivor] = await activityOf('2');
    expect(onSurvivor).toMatchObject({
      kind: 'incidentsMerged',
      fromIncidentIds: ['1'],
      toIncidentId: '2',
      comment: 'Same intrusion',
      reasons: ['sameActor'],
      names: { incidents: { '1': 'Incident 1', '2': 'Incident 2' } },
    });
    const [onMerged] = await activityOf('1');
    expect(onMerged).toMatchObject({ kind: 'mergedInto', toIncidentId: '2', comment: 'Same intrusion' });
    expect(onMerged!.alertIds.sort()).toEqual(['a-1-0', 'a-1-1']);
  });

  it('refuses different classifications with a sentence and changes nothing', async () => {
    await seed(db, [
      { id: '1', alerts: 1, classification: 'truePositive' },
      { id: '2', alerts: 1, classification: 'falsePositive' },
    ]);
    await expectRefused(() => merge(['1', '2']), 'validation', /different classifications/);
  });

  it('refuses a blank reason, missing incidents, and incidents changed since the dialog opened', async () => {
    await seed(db, [
      { id: '1', alerts: 1 },
      { id: '2', alerts: 1 },
    ]);
    await expectRefused(() => merge(['1', '2'], { comment: '  ' }), 'validation', /Add a reason for merging/);
    await expectRefused(() => merge(['1', '404']), 'not-found', /Incident 404 does not exist/);
    await expectRefused(
      () => merge(['1', '2'], { expectedVersions: { '1': 1, '2': 7 } }),
      'conflict',
      /Incident 2 "Incident 2" was changed elsewhere since the dialog opened/,
    );
  });

  it('refuses an analyst without read and write on an alert involved', async () => {
    await seed(db, [
      { id: '1', alerts: 1, group: 'Finance' },
      { id: '2', alerts: 1 },
    ]);
    await expectRefused(
      () => merge(['1', '2'], {}, { ...DEFAULT_PROFILE, scopes: { Finance: 'read' } }),
      'permission',
      /read-only access to device group "Finance"/,
    );
  });

  it('answers a repeated request with the first result instead of merging again', async () => {
    await seed(db, [
      { id: '1', alerts: 1 },
      { id: '2', alerts: 2 },
    ]);
    const first = await merge(['1', '2'], { token: 'merge-token-1' });
    const again = await merge(['1', '2'], { token: 'merge-token-1' });
    expect(again).toEqual(first);
    expect(await db.moves.count()).toBe(1);
  });

  it('merges five, and alerts later sent to a merged incident land in the survivor', async () => {
    await seed(db, [
      { id: '1', alerts: 1 },
      { id: '2', alerts: 4 },
      { id: '3', alerts: 2 },
      { id: '4', alerts: 1 },
      { id: '5', alerts: 1 },
      { id: '6', alerts: 1 },
    ]);
    const r = await merge(['1', '2', '3', '4', '5']);
    expect(r.survivorId).toBe('2');
    expect((await db.incidents.get('2'))!.alertCount).toBe(9);
    const moved = await moveAlerts(
      db,
      { alertIds: ['a-6-0'], target: { kind: 'existing', incidentId: '3' }, comment: 'x', reasons: [] },
      context(),
    );
    expect(moved).toMatchObject({ destinationIncidentId: '2', redirectedFrom: '3' });
  });
});

describe('undoMerge', () => {
  it('restores membership, statuses, tags, names and derived fields as a new logged operation', async () => {
    await seed(db, [
      { id: '1', alerts: 2, customTags: ['phishing'] },
      { id: '2', alerts: 3, customTags: ['finance'] },
    ]);
    const before = await snapshot(db);
    const { token } = await merge(['1', '2']);
    expect(await unmergeProblem(db, token, DEFAULT_PROFILE)).toBeNull();
    const undone = await undoMerge(db, token, context());
    expect(undone.movedAlertIds.sort()).toEqual(['a-1-0', 'a-1-1']);

    const strip = (i: Incident) => {
      const { version: _v, lastUpdateDateTime: _l, ...rest } = i;
      return rest;
    };
    const stripAlert = (a: Alert) => {
      const { version: _v, lastUpdateDateTime: _l, ...rest } = a;
      return rest;
    };
    expect((await db.incidents.toArray()).map(strip)).toEqual(before.incidents.map(strip));
    expect((await db.alerts.toArray()).map(stripAlert)).toEqual(before.alerts.map(stripAlert));
    expect((await activityOf('2')).map((e) => e.kind)).toEqual(['incidentsMerged', 'mergeUndone']);
    expect((await activityOf('1')).map((e) => e.kind)).toEqual(['mergedInto', 'mergeUndone']);
    expect((await db.moves.get(token))!.undoneBy).toBe(undone.token);

    await expectRefused(() => undoMerge(db, token, context()), 'conflict', /already undone/);
  });

  it('is refused with a reason once something changed since', async () => {
    await seed(db, [
      { id: '1', alerts: 1 },
      { id: '2', alerts: 2 },
      { id: '3', alerts: 1 },
    ]);
    const { token } = await merge(['1', '2']);
    await moveAlerts(
      db,
      { alertIds: ['a-3-0'], target: { kind: 'existing', incidentId: '2' }, comment: 'x', reasons: [] },
      context(),
    );
    expect(await unmergeProblem(db, token, DEFAULT_PROFILE)).toMatch(
      /changed since: incident 2 "Incident 2" changed/,
    );
    await expectRefused(
      () => undoMerge(db, token, context()),
      'conflict',
      /can't be undone because things changed/,
    );
  });

  it('is refused for a merge already sent to Microsoft Defender', async () => {
    await seed(db, [
      { id: '1', alerts: 1 },
      { id: '2', alerts: 2 },
    ]);
    const { token } = await merge(['1', '2']);
    await db.moves.update(token, { sync: 'synced' });
    await expectRefused(() => undoMerge(db, token, context()), 'conflict', /can’t unmerge incidents/);
  });

  it('leaves a move made after an unmerge undoable', async () => {
    await seed(db, [
      { id: '1', alerts: 1 },
      { id: '2', alerts: 2 },
    ]);
    const { token } = await merge(['1', '2']);
    await undoMerge(db, token, context());
    const m = await moveAlerts(
      db,
      { alertIds: ['a-1-0'], target: { kind: 'existing', incidentId: '2' }, comment: 'x', reasons: [] },
      context(),
    );
    await undoMove(db, m.undoToken, context());
    expect((await db.alerts.get('a-1-0'))!.incidentId).toBe('1');
  });
});
