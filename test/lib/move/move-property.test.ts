/**
 * Property-based tests of the move, the merge and their Undo: random tenants, random sequences of moves
 * (existing, new, redirected and missing targets, random subsets, several sources), merges of random sets of
 * incidents (DESIGN §8), undos and unmerges, edits made meanwhile by another writer (as sync would: alerts, and
 * incidents' classifications), moves with stale expectedVersions and pairs of operations racing each other.
 * A small model predicts which operations must succeed; after EVERY step the store is checked against it
 * and against the invariants of DESIGN §3.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MergeRequest, mergeIncidents, undoMerge } from '../../../lib/merge';
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

const mergeSpecArb = fc.record({
  picks: fc.uniqueArray(fc.nat(12), { minLength: 2, maxLength: 6 }),
  blankComment: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  profile: fc.constantFrom<ProfileName>(
    'full',
    'full',
    'full',
    'full',
    'full',
    'readOnlyB',
    'noB',
    'noQueue',
  ),
  /** Incident versions seen one step ago (a racing edit makes them stale) or none. */
  seen: fc.constantFrom(false, false, true),
  /** Pick among every incident (resolved and redirected ones too), not only the open ones. */
  anyStatus: fc.constantFrom(false, false, false, true),
});
type MergeSpec = ValueOf<typeof mergeSpecArb>;

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
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('merge' as const), merge: mergeSpecArb }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('raceMerge' as const), merge: mergeSpecArb, move: moveSpecArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('classify' as const),
      incident: fc.nat(12),
      classification: fc.constantFrom('truePositive', 'falsePositive', null, null),
    }),
  },
);
type Step = ValueOf<typeof stepArb>;

// ---- The model ----------------------------------------------------------------------------------------
interface TokenModel {
  alerts: Set<string>;
  incidents: Set<string>;
  undone: boolean;
  dirty: boolean;
  kind?: 'merge' | 'unmerge';
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
  incidentVersionHistory: Map<string, number>[] = [];
  classification = new Map<string, string>();

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
  /** Where alerts sent to `id` land: redirects followed (merges make chains). */
  follow(id: string): string {
    let at = id;
    for (let n = 0; this.redirect.has(at) && n < 50; n++) at = this.redirect.get(at)!;
    return at;
  }
  alertCount(id: string) {
    return [...this.incidentOf.values()].filter((i) => i === id).length;
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
  const destinationId = target.kind === 'existing' ? model.follow(target.incidentId) : undefined;
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

interface PlannedMerge {
  request: MergeRequest;
  profile: Profile;
  refusal: string | null;
  survivor?: string;
}

function planMerge(model: Model, spec: MergeSpec, store: Snapshot): PlannedMerge {
  const closed = new Set(
    store.incidents.filter((i) => ['resolved', 'redirected'].includes(i.status)).map((i) => i.id),
  );
  const open = model.incidentIds.filter((id) => !closed.has(id));
  const all = spec.anyStatus || open.length === 0 ? model.incidentIds : open;
  const incidentIds = [...new Set(spec.picks.map((p) => all[p % all.length]!))];
  const seen = spec.seen ? model.incidentVersionHistory.at(-1) : undefined;
  const expectedVersions = seen
    ? Object.fromEntries(incidentIds.filter((id) => seen.has(id)).map((id) => [id, seen.get(id)!]))
    : undefined;
  const request: MergeRequest = {
    incidentIds,
    comment: spec.blankComment ? ' ' : 'Same intrusion',
    reasons: ['sameCampaign'],
    ...(expectedVersions ? { expectedVersions } : {}),
  };
  const profile = PROFILES[spec.profile]!;
  return predictMerge(model, request, profile, store);
}

/** What the model expects of this merge; statuses and creation times are read from the store as it is. */
function predictMerge(model: Model, request: MergeRequest, profile: Profile, store: Snapshot): PlannedMerge {
  const ids = request.incidentIds;
  const stored = new Map(store.incidents.map((i) => [i.id, i]));
  const classes = new Set(
    ids.flatMap((id) => (model.classification.has(id) ? [model.classification.get(id)!] : [])),
  );
  const refusal = (() => {
    if (!request.comment.trim()) return 'blank reason';
    if (ids.some((id) => !model.incidentVersion.has(id))) return 'unknown incident';
    const { expectedVersions: seen } = request;
    if (seen && ids.some((id) => Object.hasOwn(seen, id) && seen[id] !== model.incidentVersion.get(id)))
      return 'stale';
    if (ids.length < 2 || ids.length > 5) return 'count';
    if (!profile.canViewIncidentsQueue) return 'no queue permission';
    if (ids.some((id) => ['resolved', 'redirected'].includes(stored.get(id)!.status))) return 'status';
    if (ids.some((id) => model.scopesOfIncident(id).some((s) => !canWrite(profile, s))))
      return 'no write access';
    if (classes.size > 1) return 'different classifications';
    return null;
  })();
  if (refusal) return { request, profile, refusal };
  const byId = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  const [survivor] = [...ids].sort(
    (a, b) =>
      model.alertCount(b) - model.alertCount(a) ||
      Date.parse(stored.get(a)!.createdDateTime) - Date.parse(stored.get(b)!.createdDateTime) ||
      byId(a, b),
  );
  return { request, profile, refusal, survivor };
}

function applyMerge(
  model: Model,
  planned: PlannedMerge,
  result: { survivorId: string; movedAlertIds: string[]; token: string },
) {
  const survivor = planned.survivor!;
  expect(result.survivorId).toBe(survivor);
  const others = planned.request.incidentIds.filter((id) => id !== survivor);
  const moving = model.alertIds.filter((a) => others.includes(model.incidentOf.get(a)!));
  expect([...result.movedAlertIds].sort()).toEqual([...moving].sort());
  model.touched(moving, planned.request.incidentIds);
  for (const a of moving) model.incidentOf.set(a, survivor);
  for (const o of others) model.redirect.set(o, survivor);
  model.tokens.set(result.token, {
    alerts: new Set(moving),
    incidents: new Set(planned.request.incidentIds),
    undone: false,
    dirty: false,
    kind: 'merge',
  });
  model.tokenOrder.push(result.token);
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
  for (const a of state.alerts)
    expect(incidents.get(a.incidentId)!.status, `alert ${a.id} is not in a redirected incident`).not.toBe(
      'redirected',
    );
  // Every redirect leads, without a loop, to an incident that is not redirected.
  for (const incident of state.incidents) {
    let at = incident;
    const path = new Set<string>();
    while (at.status === 'redirected') {
      expect(path.has(at.id), `redirect loop from ${incident.id}`).toBe(false);
      path.add(at.id);
      const next = incidents.get(at.redirectIncidentId ?? '');
      expect(next, `${at.id} redirects to an existing incident`).toBeDefined();
      at = next!;
    }
    expect(model.follow(incident.id)).toBe(at.id);
  }
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

/** Successful operations of each kind across all runs: the property must exercise them, not only refusals. */
const done = { merge: 0, unmerge: 0, refusedMerge: 0 };

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
      model.incidentVersionHistory.push(new Map(model.incidentVersion));
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
      } else if (step.kind === 'merge') {
        const planned = planMerge(model, step.merge, before);
        if (planned.refusal) {
          await refusedStep(mergeIncidents(db, planned.request, context(planned.profile)));
          done.refusedMerge++;
        } else {
          const result = await mergeIncidents(db, planned.request, context(planned.profile));
          applyMerge(model, planned, result);
          done.merge++;
          const state = await snapshot(db);
          const log = logOf(state, result.token);
          expect(log.filter((e) => e.kind === 'incidentsMerged').map((e) => e.incidentId)).toEqual([
            result.survivorId,
          ]);
          expect(
            log
              .filter((e) => e.kind === 'mergedInto')
              .map((e) => e.incidentId)
              .sort(),
          ).toEqual([...result.mergedIncidentIds].sort());
          lastSuccess = result.token;
        }
      } else if (step.kind === 'raceMerge') {
        // A merge and a move started together: the merge's transaction comes first, the move sees its writes.
        const merge = planMerge(model, step.merge, before);
        const move = plan(model, { ...step.move, seenStepsAgo: 1 });
        const [r1, r2] = await Promise.allSettled([
          mergeIncidents(db, merge.request, context(merge.profile)),
          moveAlerts(db, move.request, context(move.profile)),
        ]);
        expect(r1.status === 'fulfilled', `merge of the race: ${merge.refusal}`).toBe(merge.refusal === null);
        if (r1.status === 'fulfilled') applyMerge(model, merge, r1.value);
        else expect(r1.reason).toBeInstanceOf(MoverError);
        const moveAfter = predict(model, move.request, move.profile);
        expect(r2.status === 'fulfilled', `move of the race: ${moveAfter.refusal}`).toBe(
          moveAfter.refusal === null,
        );
        if (r2.status === 'rejected') expect(r2.reason).toBeInstanceOf(MoverError);
        else applyMove(model, moveAfter, r2.value);
        lastSuccess =
          r2.status === 'fulfilled'
            ? r2.value.undoToken
            : r1.status === 'fulfilled'
              ? r1.value.token
              : undefined;
      } else if (step.kind === 'classify') {
        // Another writer sets an incident's classification: its version bumps.
        const id = model.incidentIds[step.incident % model.incidentIds.length]!;
        await db.transaction('rw', [db.incidents], async () => {
          const incident = (await db.incidents.get(id))!;
          await db.incidents.put({
            ...incident,
            classification: step.classification,
            version: incident.version + 1,
          });
        });
        if (step.classification) model.classification.set(id, step.classification);
        else model.classification.delete(id);
        model.touched([], [id]);
        lastSuccess = undefined;
      } else if ((step.kind === 'undo' || step.kind === 'undoLast') && isMerge(model, step, lastSuccess)) {
        const token =
          step.kind === 'undoLast' ? lastSuccess! : model.tokenOrder[step.which % model.tokenOrder.length]!;
        const profile = step.kind === 'undo' ? PROFILES[step.profile]! : DEFAULT_PROFILE;
        const t = model.tokens.get(token)!;
        const allowed =
          t.kind === 'merge' &&
          !t.undone &&
          !t.dirty &&
          profile.canViewIncidentsQueue &&
          [...t.alerts].every((a) => canWrite(profile, model.scopeOf.get(a)!));
        if (step.kind === 'undoLast' && t.kind === 'merge' && !t.undone) expect(allowed).toBe(true);
        if (!allowed) {
          await refusedStep(undoMerge(db, token, context(profile)));
        } else {
          const record = (await db.moves.get(token))!;
          const result = await undoMerge(db, token, context(profile));
          t.undone = true;
          done.unmerge++;
          model.touched(t.alerts, t.incidents);
          for (const r of record.alerts) model.incidentOf.set(r.alertId, r.fromIncidentId);
          for (const id of record.merge!.mergedIncidentIds) model.redirect.delete(id);
          model.tokens.set(result.token, {
            alerts: new Set(t.alerts),
            incidents: new Set(t.incidents),
            undone: false,
            dirty: false,
            kind: 'unmerge',
          });
          model.tokenOrder.push(result.token);
          lastSuccess = result.token;
          const state = await snapshot(db);
          expect(
            logOf(state, result.token)
              .map((e) => e.incidentId)
              .sort(),
          ).toEqual([...t.incidents].sort());
          expect(state.moves.find((m) => m.token === token)?.undoneBy).toBe(result.token);
        }
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

/** Whether an undo step names a merge or an unmerge (undone by undoMerge, as the router does). */
function isMerge(model: Model, step: Extract<Step, { kind: 'undo' | 'undoLast' }>, last: string | undefined) {
  const token =
    step.kind === 'undoLast'
      ? last
      : step.which === 0 || model.tokenOrder.length === 0
        ? undefined
        : model.tokenOrder[step.which % model.tokenOrder.length];
  return token !== undefined && model.tokens.get(token)?.kind !== undefined;
}

describe('moves, merges, undos and concurrent edits, at random', () => {
  it('keep every alert in exactly one incident, log every operation and never half-apply one', async () => {
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
    expect(done.merge).toBeGreaterThanOrEqual(20);
    expect(done.unmerge).toBeGreaterThanOrEqual(3);
    expect(done.refusedMerge).toBeGreaterThanOrEqual(20);
  }, 120_000);
});
