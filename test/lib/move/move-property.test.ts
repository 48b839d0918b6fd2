/**
 * Property-based tests of the move and Undo: random tenants, random sequences of moves (existing, new,
 * redirected and missing targets, random subsets, several sources), undos, edits made meanwhile by another
 * writer (as sync would), moves with stale expectedVersions and pairs of moves racing each other.
 * A small model predicts which operations must succeed; after EVERY step the store is checked against it
 * and against the invariants of DESIGN §3.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MoveResult, MoverError } from '../../../lib/messaging/protocol';
import {
  type Alert,
  DEFAULT_PROFILE,
  type GraphAlert,
  highestSeverity,
  type Incident,
  type Profile,
} from '../../../lib/model';
import { summarize, toStoredAlert, toStoredIncident } from '../../../lib/model/derive';
import { canRead, canWrite } from '../../../lib/model/permissions';
import { type MoveContext, type MoveRequest, moveAlerts, undoMove } from '../../../lib/move';
import { MoverDB } from '../../../lib/store/db';

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

const PROFILES: Record<string, Profile> = {
  full: DEFAULT_PROFILE,
  readOnlyB: { ...DEFAULT_PROFILE, scopes: { B: 'read' } },
  noB: { ...DEFAULT_PROFILE, scopes: { B: 'none' } },
  noQueue: { ...DEFAULT_PROFILE, canViewIncidentsQueue: false },
};
type ProfileName = keyof typeof PROFILES;
const profileArb = fc.constantFrom<ProfileName>(
  'full',
  'full',
  'full',
  'full',
  'readOnlyB',
  'noB',
  'noQueue',
);

const REDIRECTED_ID = '900';
const MISSING_ID = '999';
const GHOST_ALERT = 'ghost-alert';
const T0 = '2026-01-01T00:00:00.000Z';

// ---- A small random tenant ----------------------------------------------------------------------------
const alertSpecArb = fc.record({
  incident: fc.nat(),
  title: fc.constantFrom('Suspicious PowerShell', 'Mimikatz', 'Phishing link clicked'),
  severity: fc.constantFrom('informational', 'low', 'medium', 'high', 'unknown'),
  category: fc.constantFrom(
    'InitialAccess',
    'Execution',
    'CredentialAccess',
    'CommandAndControl',
    'Malware',
    null,
  ),
  serviceSource: fc.constantFrom('microsoftDefenderForEndpoint', 'microsoftDefenderForIdentity'),
  device: fc.constantFrom('pc1', 'pc2', null),
  user: fc.constantFrom('ann@contoso.com', null),
  group: fc.constantFrom('A', 'B', null),
});
const tenantArb = fc.record({
  incidents: fc.integer({ min: 2, max: 5 }),
  alerts: fc.array(alertSpecArb, { minLength: 3, maxLength: 10 }),
});
type Tenant = ValueOf<typeof tenantArb>;

async function build(db: MoverDB, tenant: Tenant) {
  const incidentIds = Array.from({ length: tenant.incidents }, (_, i) => String(i + 1));
  const alerts = tenant.alerts.map((a, i) => {
    const graph: GraphAlert = {
      id: `a${i}`,
      incidentId: incidentIds[a.incident % incidentIds.length]!,
      title: a.title,
      severity: a.severity,
      status: 'new',
      category: a.category,
      serviceSource: a.serviceSource,
      detectionSource: 'antivirus',
      evidence: [
        {
          '@odata.type': '#microsoft.graph.security.deviceEvidence',
          deviceDnsName: a.device,
          rbacGroupName: a.group,
          userAccount: a.user ? { userPrincipalName: a.user } : null,
        },
      ],
      createdDateTime: T0,
    };
    return toStoredAlert(graph, T0);
  });
  const incidents: Incident[] = incidentIds.map((id) => {
    const own = alerts.filter((a) => a.incidentId === id);
    return toStoredIncident(
      {
        id,
        displayName: `Incident ${id}`,
        status: 'active',
        severity: summarize(own).severity ?? 'unknown',
        createdDateTime: T0,
      },
      own,
      T0,
    );
  });
  // A merged incident: moves to it land in incident 1.
  incidents.push(
    toStoredIncident(
      {
        id: REDIRECTED_ID,
        displayName: 'Merged away',
        status: 'redirected',
        redirectIncidentId: '1',
        severity: 'low',
        createdDateTime: T0,
      },
      [],
      T0,
    ),
  );
  await db.incidents.bulkAdd(incidents);
  await db.alerts.bulkAdd(alerts);
  return { alerts, incidents };
}

// ---- Steps --------------------------------------------------------------------------------------------
const moveSpecArb = fc.record({
  picks: fc.uniqueArray(fc.nat(20), { minLength: 1, maxLength: 5 }),
  ghost: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  target: fc.oneof(
    { weight: 2, arbitrary: fc.constant({ kind: 'new' as const }) },
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('existing' as const), index: fc.nat(30) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'redirected' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'missing' as const }) },
  ),
  blankComment: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  profile: profileArb,
  /** 0: no expectedVersions; k: the versions seen k steps ago (1 = current). */
  seenStepsAgo: fc.constantFrom(0, 0, 1, 1, 2, 3),
});
type MoveSpec = ValueOf<typeof moveSpecArb>;

const stepArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('move' as const), move: moveSpecArb }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('undo' as const), which: fc.nat(40), profile: profileArb }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('undoLast' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      alert: fc.nat(20),
      /** A new severity changes its incident too; a new status changes the alert only. */
      change: fc.oneof(
        fc.record({ severity: fc.constantFrom('low', 'medium', 'high') }),
        fc.record({ status: fc.constantFrom('inProgress', 'resolved') }),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('race' as const), first: moveSpecArb, second: moveSpecArb }),
  },
);
type Step = ValueOf<typeof stepArb>;

// ---- The model ----------------------------------------------------------------------------------------
interface TokenModel {
  alerts: Set<string>;
  incidents: Set<string>;
  undone: boolean;
  dirty: boolean;
}
class Model {
  incidentOf = new Map<string, string>();
  alertVersion = new Map<string, number>();
  scopeOf = new Map<string, string>();
  incidentVersion = new Map<string, number>();
  redirect = new Map<string, string>();
  tokens = new Map<string, TokenModel>();
  tokenOrder: string[] = [];
  versionHistory: Map<string, number>[] = [];

  constructor(alerts: Alert[], incidents: Incident[]) {
    for (const a of alerts) {
      this.incidentOf.set(a.id, a.incidentId);
      this.alertVersion.set(a.id, a.version);
      this.scopeOf.set(a.id, a.scope);
    }
    for (const i of incidents) {
      this.incidentVersion.set(i.id, i.version);
      if (i.redirectIncidentId) this.redirect.set(i.id, i.redirectIncidentId);
    }
  }
  get alertIds() {
    return [...this.incidentOf.keys()];
  }
  get incidentIds() {
    return [...this.incidentVersion.keys()];
  }
  scopesOfIncident(id: string) {
    return [...this.incidentOf].filter(([, i]) => i === id).map(([a]) => this.scopeOf.get(a)!);
  }
  /** Any later change to what a move touched makes its Undo refused. */
  touched(alerts: Iterable<string>, incidents: Iterable<string>, except?: string) {
    const as = new Set(alerts);
    const is = new Set(incidents);
    for (const [token, t] of this.tokens) {
      if (token === except) continue;
      if ([...t.alerts].some((a) => as.has(a)) || [...t.incidents].some((i) => is.has(i))) t.dirty = true;
    }
    for (const a of as) this.alertVersion.set(a, (this.alertVersion.get(a) ?? 0) + 1);
    for (const i of is) this.incidentVersion.set(i, (this.incidentVersion.get(i) ?? 0) + 1);
  }
}

interface PlannedMove {
  request: MoveRequest;
  profile: Profile;
  /** Why the model expects a refusal, or null when the move must succeed. */
  refusal: string | null;
  destinationId?: string;
  redirected?: boolean;
}

function buildRequest(model: Model, spec: MoveSpec): MoveRequest {
  const all = model.alertIds;
  const alertIds = [...new Set(spec.picks.map((p) => all[p % all.length]!))];
  if (spec.ghost) alertIds.push(GHOST_ALERT);
  const incidentIds = model.incidentIds;
  const target: MoveRequest['target'] =
    spec.target.kind === 'new'
      ? { kind: 'new' }
      : {
          kind: 'existing',
          incidentId:
            spec.target.kind === 'missing'
              ? MISSING_ID
              : spec.target.kind === 'redirected'
                ? REDIRECTED_ID
                : incidentIds[spec.target.index % incidentIds.length]!,
        };
  const seen = spec.seenStepsAgo
    ? model.versionHistory[model.versionHistory.length - spec.seenStepsAgo]
    : undefined;
  const expectedVersions = seen
    ? Object.fromEntries(alertIds.filter((id) => seen.has(id)).map((id) => [id, seen.get(id)!]))
    : undefined;
  return {
    alertIds,
    target,
    comment: spec.blankComment ? '  ' : 'These belong together',
    reasons: ['sameAsset'],
    ...(expectedVersions ? { expectedVersions } : {}),
  };
}

/** What the model expects of this move in the current state. */
function predict(model: Model, request: MoveRequest, profile: Profile): PlannedMove {
  const { alertIds, target, expectedVersions } = request;
  const destinationId =
    target.kind === 'existing' ? (model.redirect.get(target.incidentId) ?? target.incidentId) : undefined;
  const refusal = (() => {
    if (!request.comment.trim()) return 'blank comment';
    if (alertIds.some((a) => !model.incidentOf.has(a))) return 'unknown alert';
    if (!profile.canViewIncidentsQueue) return 'no queue permission';
    if (alertIds.some((a) => !canWrite(profile, model.scopeOf.get(a)!))) return 'no write access';
    if (destinationId !== undefined) {
      if (!model.incidentVersion.has(destinationId)) return 'target missing';
      const scopes = model.scopesOfIncident(destinationId);
      if (scopes.length && !scopes.some((s) => canRead(profile, s))) return 'target not readable';
    }
    if (expectedVersions && alertIds.some((a) => expectedVersions[a] !== model.alertVersion.get(a)))
      return 'stale';
    if (destinationId !== undefined && alertIds.every((a) => model.incidentOf.get(a) === destinationId)) {
      return 'all already there';
    }
    return null;
  })();
  return {
    request,
    profile,
    refusal,
    destinationId,
    redirected: target.kind === 'existing' && destinationId !== target.incidentId,
  };
}

const plan = (model: Model, spec: MoveSpec) =>
  predict(model, buildRequest(model, spec), PROFILES[spec.profile]!);

/** Applies a successful move to the model, checking what the result says against it. */
function applyMove(model: Model, planned: PlannedMove, result: MoveResult) {
  const { request } = planned;
  if (planned.destinationId !== undefined) {
    expect(result.destinationIncidentId).toBe(planned.destinationId);
    if (request.target.kind === 'existing' && planned.redirected) {
      expect(result.redirectedFrom).toBe(request.target.incidentId);
    }
  } else {
    expect(result.createdIncident).toBe(true);
    expect(model.incidentVersion.has(result.destinationIncidentId)).toBe(false);
    model.incidentVersion.set(result.destinationIncidentId, 0);
  }
  const dest = result.destinationIncidentId;
  const moving = request.alertIds.filter((a) => model.incidentOf.get(a) !== dest);
  expect(result.movedAlertIds).toEqual(moving);
  expect(result.skippedAlertIds).toEqual(request.alertIds.filter((a) => model.incidentOf.get(a) === dest));
  const sources = [...new Set(moving.map((a) => model.incidentOf.get(a)!))];
  const emptied = sources.filter((s) =>
    [...model.incidentOf].every(([a, i]) => i !== s || moving.includes(a)),
  );
  expect(result.emptiedIncidentIds).toEqual(emptied);
  model.touched(moving, [dest, ...sources]);
  for (const a of moving) model.incidentOf.set(a, dest);
  model.tokens.set(result.undoToken, {
    alerts: new Set(moving),
    incidents: new Set([dest, ...sources]),
    undone: false,
    dirty: false,
  });
  model.tokenOrder.push(result.undoToken);
  return { sources, moving };
}

// ---- Checks -------------------------------------------------------------------------------------------
async function snapshot(db: MoverDB) {
  return db.transaction('r', [db.incidents, db.alerts, db.activity, db.moves, db.meta], async () => ({
    incidents: await db.incidents.toArray(),
    alerts: await db.alerts.toArray(),
    activity: await db.activity.toArray(),
    moves: await db.moves.toArray(),
    meta: await db.meta.toArray(),
  }));
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** The invariants of DESIGN §3, and the store against the model. */
function checkStore(state: Snapshot, model: Model, before: Snapshot) {
  const incidents = new Map(state.incidents.map((i) => [i.id, i]));
  for (const a of state.alerts) {
    expect(incidents.has(a.incidentId), `alert ${a.id} is in an existing incident`).toBe(true);
    expect(a.incidentId).toBe(model.incidentOf.get(a.id));
    expect(a.version).toBe(model.alertVersion.get(a.id));
  }
  expect(state.alerts).toHaveLength(model.incidentOf.size);
  for (const incident of state.incidents) {
    expect(incident.version).toBe(model.incidentVersion.get(incident.id));
    const own = state.alerts.filter((a) => a.incidentId === incident.id);
    const { severity, ...derived } = summarize(own);
    expect(incident).toMatchObject(derived);
    if (own.length) expect(incident.severity).toBe(highestSeverity(own.map((a) => a.severity)));
  }
  // History is append-only; move records only ever gain `undoneBy`.
  expect(state.activity.slice(0, before.activity.length)).toEqual(before.activity);
  const moves = new Map(state.moves.map((m) => [m.token, m]));
  for (const m of before.moves) expect({ ...moves.get(m.token), undoneBy: m.undoneBy }).toEqual(m);
}

function logOf(state: Snapshot, token: string) {
  return state.activity.filter((e) => e.moveToken === token);
}

function checkMoveLogged(state: Snapshot, result: MoveResult, sources: string[], moving: string[]) {
  const log = logOf(state, result.undoToken);
  const correlated = log.filter((e) => e.kind === 'alertCorrelated');
  expect(correlated).toHaveLength(1);
  expect(correlated[0]).toMatchObject({ incidentId: result.destinationIncidentId, alertIds: moving });
  expect(Object.keys(correlated[0]!.names.alerts).sort()).toEqual([...moving].sort());
  expect(log.some((e) => e.kind === 'incidentCreated')).toBe(result.createdIncident);
  for (const s of sources) {
    const out = log.filter((e) => e.incidentId === s && e.kind === 'alertMovedOut');
    expect(out, `"alert moved out" on ${s}`).toHaveLength(1);
    expect(out[0]?.toIncidentId).toBe(result.destinationIncidentId);
  }
  const moved = new Set(out(log).flatMap((e) => e.alertIds));
  expect([...moved].sort()).toEqual([...moving].sort());
  for (const id of result.emptiedIncidentIds) {
    expect(state.incidents.find((i) => i.id === id)?.status).toBe('resolved');
  }
}
const out = (log: { kind: string; alertIds: string[] }[]) => log.filter((e) => e.kind === 'alertMovedOut');

// ---- The run ------------------------------------------------------------------------------------------
async function run(tenant: Tenant, steps: Step[]) {
  const db = new MoverDB(`t-${crypto.randomUUID()}`);
  let clock = 0;
  let tokens = 0;
  const context = (profile: Profile = DEFAULT_PROFILE): MoveContext => ({
    actor: { displayName: 'Ann', upn: 'ann@contoso.com' },
    profile,
    now: () => new Date(Date.parse(T0) + ++clock * 1000).toISOString(),
    newToken: () => `tok-${++tokens}`,
  });
  try {
    const built = await build(db, tenant);
    const model = new Model(built.alerts, built.incidents);
    let lastSuccess: string | undefined;
    let before = await snapshot(db);
    for (const step of steps) {
      model.versionHistory.push(new Map(model.alertVersion));
      const refusedStep = async (work: Promise<unknown>) => {
        const error = await work.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, 'a refused operation throws a MoverError').toBeInstanceOf(MoverError);
        const after = await snapshot(db);
        expect(after, 'a refused operation changes nothing').toEqual(before);
      };

      if (step.kind === 'move') {
        const planned = plan(model, step.move);
        if (planned.refusal) {
          await refusedStep(moveAlerts(db, planned.request, context(planned.profile)));
        } else {
          const result = await moveAlerts(db, planned.request, context(planned.profile));
          const { sources, moving } = applyMove(model, planned, result);
          const state = await snapshot(db);
          checkMoveLogged(state, result, sources, moving);
          lastSuccess = result.undoToken;
        }
      } else if (step.kind === 'race') {
        // Both see the same versions; the first transaction wins, the second sees its writes.
        const firstSpec = { ...step.first, seenStepsAgo: 1 as const };
        const secondSpec = { ...step.second, seenStepsAgo: 1 as const };
        const first = plan(model, firstSpec);
        const second = plan(model, secondSpec);
        const [r1, r2] = await Promise.allSettled([
          moveAlerts(db, first.request, context(first.profile)),
          moveAlerts(db, second.request, context(second.profile)),
        ]);
        expect(r1.status === 'fulfilled').toBe(first.refusal === null);
        if (r1.status === 'fulfilled') applyMove(model, first, r1.value);
        // The second, as the model sees it once the first is applied.
        const secondAfterFirst = predict(model, second.request, second.profile);
        expect(r2.status === 'fulfilled', `second of the race: ${secondAfterFirst.refusal}`).toBe(
          secondAfterFirst.refusal === null,
        );
        if (r2.status === 'rejected') expect(r2.reason).toBeInstanceOf(MoverError);
        else applyMove(model, secondAfterFirst, r2.value);
        if (r2.status === 'fulfilled') lastSuccess = r2.value.undoToken;
        else if (r1.status === 'fulfilled') lastSuccess = r1.value.undoToken;
      } else if (step.kind === 'undo' || step.kind === 'undoLast') {
        const token =
          step.kind === 'undoLast'
            ? lastSuccess
            : step.which === 0
              ? 'no-such-token'
              : model.tokenOrder[step.which % Math.max(1, model.tokenOrder.length)];
        if (token === undefined) continue;
        const profile = step.kind === 'undo' ? PROFILES[step.profile]! : DEFAULT_PROFILE;
        const t = model.tokens.get(token);
        const recordAlerts = t ? [...t.alerts] : [];
        const allowed =
          t !== undefined &&
          !t.undone &&
          !t.dirty &&
          profile.canViewIncidentsQueue &&
          recordAlerts.every((a) => canWrite(profile, model.scopeOf.get(a)!));
        if (step.kind === 'undoLast' && t && !t.undone) {
          // Undo right after a move, with nothing in between, always works.
          expect(allowed).toBe(true);
        }
        if (!allowed || !t) {
          await refusedStep(undoMove(db, token, context(profile)));
        } else {
          const record = (await db.moves.get(token))!;
          const leaving = new Map(record.alerts.map((r) => [r.alertId, model.incidentOf.get(r.alertId)!]));
          const result = await undoMove(db, token, context(profile));
          t.undone = true;
          model.touched(t.alerts, t.incidents);
          for (const r of record.alerts) model.incidentOf.set(r.alertId, r.fromIncidentId);
          model.tokens.set(result.undoToken, {
            alerts: new Set(t.alerts),
            incidents: new Set(t.incidents),
            undone: false,
            dirty: false,
          });
          model.tokenOrder.push(result.undoToken);
          lastSuccess = result.undoToken;
          const state = await snapshot(db);
          const log = logOf(state, result.undoToken).filter((e) => e.kind === 'moveUndone');
          // Logged on the incident each alert left and on the one it went back to.
          for (const r of record.alerts) {
            for (const incidentId of [leaving.get(r.alertId), r.fromIncidentId]) {
              expect(log.some((e) => e.incidentId === incidentId && e.alertIds.includes(r.alertId))).toBe(
                true,
              );
            }
          }
          expect(state.moves.find((m) => m.token === token)?.undoneBy).toBe(result.undoToken);
        }
      } else {
        // Another writer (sync) changes an alert meanwhile: its version bumps, and its incident's when the
        // incident's derived fields change.
        const alertId = model.alertIds[step.alert % model.incidentOf.size]!;
        const { change } = step;
        await db.transaction('rw', [db.alerts, db.incidents], async () => {
          const alert = (await db.alerts.get(alertId))!;
          await db.alerts.put({ ...alert, ...change, version: alert.version + 1 });
          if (!('severity' in change)) return;
          const incident = (await db.incidents.get(alert.incidentId))!;
          const own = await db.alerts.where('incidentId').equals(alert.incidentId).toArray();
          const { severity, ...derived } = summarize(own);
          await db.incidents.put({
            ...incident,
            ...derived,
            severity: severity!,
            version: incident.version + 1,
          });
        });
        model.touched([alertId], 'severity' in change ? [model.incidentOf.get(alertId)!] : []);
        lastSuccess = undefined;
      }
      const state = await snapshot(db);
      checkStore(state, model, before);
      before = state;
    }
  } finally {
    db.close();
    await db.delete();
  }
}

describe('moves, undos and concurrent edits, at random', () => {
  it('keep every alert in exactly one incident, log every move and never half-apply one', async () => {
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(
        tenantArb,
        fc.array(stepArb, { minLength: 25, maxLength: 25 }),
        async (tenant, list) => {
          steps += list.length;
          await run(tenant, list);
        },
      ),
      { numRuns: 50 },
    );
    expect(steps).toBeGreaterThanOrEqual(1_000);
  }, 120_000);
});
