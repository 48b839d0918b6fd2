/**
 * The move (DESIGN §3): detach alerts from their incidents and attach them to an existing incident or a
 * new one, with a comment, reasons and activity entries; and Undo, which is itself a logged move.
 *
 * Everything — validation reads included — happens in ONE read-write Dexie transaction over incidents,
 * alerts, activity, moves and meta, so what validation saw is what gets written (IndexedDB runs
 * read-write transactions over overlapping stores one after another). Any failure throws a MoverError
 * inside it, which aborts it: nothing changes. Inside, only Dexie calls are awaited.
 */
import type { z } from 'zod';
import { MAX_COMMENT, type MoveResult, MoverError, type moveInput } from '../messaging/protocol';
import type { ActivityEntry, Actor, Alert, Incident, Profile } from '../model';
import { cloneTally, type Tally, tallyAlert, tallyOf, withTally } from '../model/derive';
import { movePermissionProblems, summarizeProblems } from '../model/permissions';
import type { MoveRecord, MoverDB } from '../store/db';
import { autoIncidentName } from './naming';
import { alreadyInTargetMessage, emptiedSourceIds, movingCountBySource, splitSkipped } from './preview';
import { followRedirects } from './redirects';

export interface MoveContext {
  actor: Actor;
  profile: Profile;
  /** ISO 8601 date-time. */
  now: () => string;
  /** A unique token for the move (the undo handle, also on every activity entry it writes). */
  newToken: () => string;
}

export type MoveRequest = z.output<typeof moveInput>;

/** The meta row holding the next numeric id for an incident created by a move. */
export const NEXT_INCIDENT_ID_KEY = 'nextIncidentId';
const LISTED = 5;

type NewEntry = Omit<ActivityEntry, 'seq'>;

const moveTables = (db: MoverDB) => [db.incidents, db.alerts, db.activity, db.moves, db.meta];

function checkComment(comment: string): string {
  if (!comment.trim())
    throw new MoverError('validation', 'Add a comment that says why the alerts are moved.');
  if (comment.length > MAX_COMMENT) {
    throw new MoverError(
      'validation',
      `The comment is ${comment.length.toLocaleString('en')} characters long; the limit is ${MAX_COMMENT.toLocaleString('en')}.`,
    );
  }
  return comment;
}

const listIds = (ids: readonly string[]) =>
  ids.length <= LISTED
    ? ids.join(', ')
    : `${ids.slice(0, LISTED).join(', ')} and ${ids.length - LISTED} more`;

/** The incident alerts will land in: follows `redirected` incidents (merged into another) to the survivor. */
async function resolveTarget(
  db: MoverDB,
  id: string,
): Promise<{ incident: Incident; redirectedFrom?: string }> {
  const walk = await followRedirects(db, id);
  if (walk.ok)
    return walk.redirectedFrom
      ? { incident: walk.incident, redirectedFrom: walk.redirectedFrom }
      : { incident: walk.incident };
  switch (walk.reason) {
    case 'missing':
      throw new MoverError('not-found', `Incident ${id} does not exist.`);
    case 'dead-end':
      throw new MoverError(
        'redirected',
        `Incident ${walk.at} was merged into another incident that is not known here. Pick the incident it was merged into.`,
      );
    case 'loop':
      throw new MoverError(
        'redirected',
        `Incident ${id} redirects in a loop (${walk.path.join(' → ')}). Pick another incident.`,
      );
    case 'unknown-survivor':
      throw new MoverError(
        'redirected',
        `Incident ${walk.at} was merged into incident ${walk.next}, which does not exist here.`,
      );
  }
}

async function maxNumericIncidentId(db: MoverDB): Promise<number> {
  let max = 0;
  for (const key of await db.incidents.toCollection().primaryKeys()) {
    if (typeof key === 'string' && /^\d{1,15}$/.test(key)) max = Math.max(max, Number(key));
  }
  return max;
}

/** The next numeric id, from a counter in `meta` (started at the highest numeric id + 1). */
async function allocateIncidentId(db: MoverDB): Promise<string> {
  const row = await db.meta.get(NEXT_INCIDENT_ID_KEY);
  let next =
    typeof row?.value === 'number' && Number.isSafeInteger(row.value) && row.value > 0 ? row.value : 0;
  // An import may have brought that id since the counter was set: start again above every id.
  if (!next || (await db.incidents.get(String(next)))) next = (await maxNumericIncidentId(db)) + 1;
  await db.meta.put({ key: NEXT_INCIDENT_ID_KEY, value: next + 1 });
  return String(next);
}

/**
 * The alerts of these incidents, through the incidentId index. One `equals` query per incident: Dexie's
 * `anyOf` walks a cursor (about 50 times slower than these getAll queries on 2,000 alerts).
 */
async function alertsOf(db: MoverDB, incidentIds: readonly string[]): Promise<Alert[]> {
  const lists = await Promise.all(
    incidentIds.map((id) => db.alerts.where('incidentId').equals(id).toArray()),
  );
  return lists.flat();
}

/**
 * The tally of each incident's current alerts (a copy to change): from the incident record, so the alerts that
 * stay are not read; read through the index only for a record that has none.
 */
async function talliesOf(db: MoverDB, incidents: readonly Incident[]): Promise<Map<string, Tally>> {
  const out = new Map<string, Tally>();
  const missing: string[] = [];
  for (const i of incidents) {
    if (i.tally) out.set(i.id, cloneTally(i.tally));
    else missing.push(i.id);
  }
  if (missing.length) {
    const members = groupByIncident(await alertsOf(db, missing));
    for (const id of missing) out.set(id, tallyOf(members.get(id) ?? []));
  }
  return out;
}

const countOf = (t: Tally | undefined) => (t ? Object.values(t.scope).reduce((n, c) => n + c, 0) : 0);

function groupByIncident(alerts: readonly Alert[]): Map<string, Alert[]> {
  const out = new Map<string, Alert[]>();
  for (const a of alerts) {
    const list = out.get(a.incidentId);
    if (list) list.push(a);
    else out.set(a.incidentId, [a]);
  }
  return out;
}

const titles = (alerts: readonly Alert[]) => Object.fromEntries(alerts.map((a) => [a.id, a.title]));

export async function moveAlerts(db: MoverDB, input: MoveRequest, ctx: MoveContext): Promise<MoveResult> {
  const alertIds = [...new Set(input.alertIds)];
  if (alertIds.length === 0) throw new MoverError('validation', 'Select at least one alert to move.');
  const comment = checkComment(input.comment);
  const reasons = [...new Set(input.reasons ?? [])];
  const at = ctx.now();
  const token = ctx.newToken();
  const { actor } = ctx;

  return db.transaction('rw', moveTables(db), async () => {
    const found = await db.alerts.bulkGet(alertIds);
    const missing = alertIds.filter((_, i) => !found[i]);
    if (missing.length) {
      const what =
        missing.length === 1 ? `Alert ${missing[0]} does not` : `Alerts ${listIds(missing)} do not`;
      throw new MoverError('not-found', `${what} exist (any more). Refresh and select again.`, missing);
    }
    const alerts = found as Alert[];

    let target: Incident | undefined;
    let redirectedFrom: string | undefined;
    if (input.target.kind === 'existing')
      ({ incident: target, redirectedFrom } = await resolveTarget(db, input.target.incidentId));

    const problems = movePermissionProblems(ctx.profile, alerts, target);
    if (problems.length) throw new MoverError('permission', summarizeProblems(problems), problems);

    const expected = input.expectedVersions ?? {};
    const changed = alerts.filter((a) => Object.hasOwn(expected, a.id) && expected[a.id] !== a.version);
    if (changed.length) {
      const names = changed.map((a) => `"${a.title}" (${a.id})`);
      throw new MoverError(
        'conflict',
        `${changed.length === 1 ? 'An alert was' : `${changed.length} alerts were`} changed elsewhere since you selected ${changed.length === 1 ? 'it' : 'them'}: ${listIds(names)}. Nothing was moved; look again and retry.`,
        names,
      );
    }

    const { moving, skipped } = splitSkipped(alerts, target?.id);
    if (target && moving.length === 0)
      throw new MoverError('validation', alreadyInTargetMessage(alerts.length, target));

    const sourceIds = [...movingCountBySource(moving).keys()];
    const foundSources = await db.incidents.bulkGet(sourceIds);
    const lost = sourceIds.filter((_, i) => !foundSources[i]);
    if (lost.length) {
      throw new MoverError(
        'not-found',
        `The store is inconsistent: incident ${listIds(lost)} of the selected alerts does not exist. Re-import or reload the data.`,
        lost,
      );
    }
    const sources = foundSources as Incident[];

    // What every touched incident holds now, as counts (read before any write).
    const tallies = await talliesOf(db, target ? [target, ...sources] : sources);
    const emptied = new Set(emptiedSourceIds(moving, (id) => countOf(tallies.get(id))));

    const destinationId = target?.id ?? (await allocateIncidentId(db));
    const moved = moving.map((a) => ({
      ...a,
      incidentId: destinationId,
      version: a.version + 1,
      lastUpdateDateTime: at,
    }));
    // Moving changes only membership: each source loses its alerts' values, the destination gains them.
    for (const a of moving) tallyAlert(tallies.get(a.incidentId)!, a, -1);
    const destinationTally = target ? tallies.get(target.id)! : tallyOf([]);
    for (const a of moved) tallyAlert(destinationTally, a, 1);

    let destination: Incident;
    if (target) {
      destination = withTally(target, destinationTally, at);
    } else {
      destination = withTally(
        {
          id: destinationId,
          displayName: autoIncidentName(moved),
          status: 'active',
          severity: 'unknown',
          createdDateTime: at,
          lastUpdateDateTime: at,
          version: 0,
          origin: 'local',
          alertCount: 0,
          categories: [],
          serviceSources: [],
          detectionSources: [],
          assets: [],
          scopes: [],
        },
        destinationTally,
        at,
      );
    }
    const updatedSources = sources.map((s) =>
      withTally(s, tallies.get(s.id)!, at, emptied.has(s.id) ? { status: 'resolved' } : {}),
    );

    const incidentNames = Object.fromEntries(
      [destination, ...sources].map((i) => [i.id, i.displayName] as [string, string]),
    );
    const entry = (incidentId: string, kind: string, list: readonly Alert[], extra: Partial<NewEntry> = {}) =>
      ({
        incidentId,
        at,
        actor,
        kind,
        alertIds: list.map((a) => a.id),
        fromIncidentIds: sourceIds,
        toIncidentId: destinationId,
        comment,
        reasons,
        names: { incidents: incidentNames, alerts: titles(list) },
        moveToken: token,
        ...extra,
      }) satisfies NewEntry;

    const entries: NewEntry[] = [];
    if (!target) entries.push(entry(destinationId, 'incidentCreated', moving));
    entries.push(entry(destinationId, 'alertCorrelated', moving));
    for (const s of sources) {
      const out = moving.filter((a) => a.incidentId === s.id);
      entries.push(entry(s.id, 'alertMovedOut', out, { fromIncidentIds: [s.id] }));
      if (emptied.has(s.id) && s.status !== 'resolved') {
        const last = out.length === 1 ? 'its last alert was' : `its last ${out.length} alerts were`;
        entries.push(
          entry(s.id, 'incidentResolvedEmpty', out, {
            fromIncidentIds: [s.id],
            comment: `Resolved automatically: ${last} moved to incident ${destinationId} "${destination.displayName}", so it has no alerts left.`,
          }),
        );
      }
    }

    const record: MoveRecord = {
      token,
      at,
      actor,
      comment,
      destinationIncidentId: destinationId,
      createdIncident: !target,
      alerts: moving.map((a, i) => ({
        alertId: a.id,
        fromIncidentId: a.incidentId,
        versionAfter: moved[i]!.version,
      })),
      // For a created incident there is no "before": its first state is kept (Undo resolves it).
      incidents: [target ?? destination, ...sources].map((before, i) => ({
        id: before.id,
        displayName: before.displayName,
        severity: before.severity,
        status: before.status,
        versionAfter: (i === 0 ? destination : updatedSources[i - 1]!).version,
      })),
      emptiedIncidentIds: [...emptied],
    };

    await db.alerts.bulkPut(moved);
    await db.incidents.bulkPut([destination, ...updatedSources]);
    await db.activity.bulkAdd(entries as ActivityEntry[] as (ActivityEntry & { seq: number })[]);
    await db.moves.add(record);

    return {
      destinationIncidentId: destinationId,
      destinationName: destination.displayName,
      createdIncident: !target,
      movedAlertIds: moving.map((a) => a.id),
      skippedAlertIds: skipped.map((a) => a.id),
      emptiedIncidentIds: [...emptied],
      ...(redirectedFrom ? { redirectedFrom } : {}),
      undoToken: token,
    };
  });
}

interface UndoState {
  record: MoveRecord;
  alerts: Alert[];
  incidents: Incident[];
}

/** Loads what Undo needs, or throws the reason it is refused. Call inside a transaction. */
async function loadUndo(db: MoverDB, token: string, profile: Profile): Promise<UndoState> {
  const record = await db.moves.get(token);
  if (!record) throw new MoverError('not-found', 'This move is not in the history, so it cannot be undone.');
  if (record.undoneBy) throw new MoverError('conflict', 'This move was already undone.');
  const [foundAlerts, foundIncidents] = await Promise.all([
    db.alerts.bulkGet(record.alerts.map((a) => a.alertId)),
    db.incidents.bulkGet(record.incidents.map((i) => i.id)),
  ]);
  const changes: string[] = [];
  record.alerts.forEach((r, i) => {
    const a = foundAlerts[i];
    if (!a) changes.push(`alert ${r.alertId} no longer exists`);
    else if (a.version !== r.versionAfter) changes.push(`alert "${a.title}" (${a.id}) changed`);
  });
  record.incidents.forEach((r, i) => {
    const inc = foundIncidents[i];
    if (!inc) changes.push(`incident ${r.id} no longer exists`);
    else if (inc.version !== r.versionAfter) changes.push(`incident ${inc.id} "${inc.displayName}" changed`);
  });
  if (changes.length) {
    throw new MoverError(
      'conflict',
      `This move can't be undone because things changed since: ${listIds(changes)}. Move the alerts yourself instead.`,
      changes,
    );
  }
  const alerts = foundAlerts as Alert[];
  const problems = movePermissionProblems(profile, alerts);
  if (problems.length) throw new MoverError('permission', summarizeProblems(problems), problems);
  return { record, alerts, incidents: foundIncidents as Incident[] };
}

/** Why Undo would be refused now, or null when it would work (for greying out the Undo button). */
export async function undoProblem(db: MoverDB, token: string, profile: Profile): Promise<string | null> {
  try {
    await db.transaction('r', [db.moves, db.alerts, db.incidents], () => loadUndo(db, token, profile));
    return null;
  } catch (e) {
    if (e instanceof MoverError) return e.message;
    throw e;
  }
}

/**
 * Undo: a new logged move (its own token, 'moveUndone' entries) that puts every alert back where it was
 * and restores the touched incidents' name, severity and status; an incident the move created is resolved.
 * Refused when anything it touched changed since. The original record gets `undoneBy`; nothing is erased.
 * An undo is recorded like any move, so undoing it moves the alerts again.
 */
export async function undoMove(db: MoverDB, token: string, ctx: MoveContext): Promise<MoveResult> {
  const at = ctx.now();
  const undoToken = ctx.newToken();
  const { actor } = ctx;

  return db.transaction('rw', moveTables(db), async () => {
    const { record, alerts, incidents } = await loadUndo(db, token, ctx.profile);
    const tallies = await talliesOf(db, incidents);
    const countsBefore = new Map([...tallies].map(([id, t]) => [id, countOf(t)]));

    const backTo = new Map(record.alerts.map((r) => [r.alertId, r.fromIncidentId]));
    const moved = alerts.map((a) => ({
      ...a,
      incidentId: backTo.get(a.id) ?? a.incidentId,
      version: a.version + 1,
      lastUpdateDateTime: at,
    }));
    alerts.forEach((a, i) => {
      const back = moved[i]!;
      if (back.incidentId === a.incidentId) return;
      tallyAlert(tallies.get(a.incidentId)!, a, -1);
      tallyAlert(tallies.get(back.incidentId)!, back, 1);
    });

    const before = new Map(record.incidents.map((r) => [r.id, r]));
    const updated = incidents.map((inc) => {
      const was = before.get(inc.id)!;
      const createdHere = record.createdIncident && inc.id === record.destinationIncidentId;
      return withTally(inc, tallies.get(inc.id)!, at, {
        displayName: was.displayName,
        status: createdHere ? 'resolved' : was.status,
        // Membership is back as it was and nothing changed since (versions checked): so is the severity.
        severity: was.severity,
      });
    });
    const emptied = updated
      .filter((inc) => countOf(tallies.get(inc.id)) === 0 && (countsBefore.get(inc.id) ?? 0) > 0)
      .map((inc) => inc.id);

    // Alerts grouped by the way they go back: (incident they leave, incident they return to).
    const routes = new Map<string, { from: string; to: string; alerts: Alert[] }>();
    alerts.forEach((a, i) => {
      const to = moved[i]!.incidentId;
      const key = JSON.stringify([a.incidentId, to]);
      const route = routes.get(key) ?? { from: a.incidentId, to, alerts: [] };
      route.alerts.push(a);
      routes.set(key, route);
    });
    const returnIds = [...new Set([...routes.values()].map((r) => r.to))];

    const incidentNames = Object.fromEntries(
      [...incidents, ...updated].map((i) => [i.id, i.displayName] as [string, string]),
    );
    const comment = `Undo of the move made by ${record.actor.displayName} at ${record.at}.`;
    const entry = (
      incidentId: string,
      kind: string,
      list: readonly Alert[],
      from: string[],
      to: string | null,
      text = comment,
    ) =>
      ({
        incidentId,
        at,
        actor,
        kind,
        alertIds: list.map((a) => a.id),
        fromIncidentIds: from,
        toIncidentId: to,
        comment: text,
        reasons: [],
        names: { incidents: incidentNames, alerts: titles(list) },
        moveToken: undoToken,
      }) satisfies NewEntry;

    const entries: NewEntry[] = [];
    for (const r of routes.values()) entries.push(entry(r.from, 'moveUndone', r.alerts, [r.from], r.to));
    for (const to of returnIds) {
      const back = [...routes.values()].filter((r) => r.to === to);
      entries.push(
        entry(
          to,
          'moveUndone',
          back.flatMap((r) => r.alerts),
          back.map((r) => r.from),
          to,
        ),
      );
    }
    incidents.forEach((inc, i) => {
      const now = updated[i]!;
      if (now.status === 'resolved' && inc.status !== 'resolved' && emptied.includes(inc.id)) {
        entries.push(
          entry(
            inc.id,
            'incidentResolvedEmpty',
            [],
            [inc.id],
            null,
            `Resolved automatically: ${comment} It has no alerts left.`,
          ),
        );
      } else if (inc.status === 'resolved' && now.status !== 'resolved') {
        entries.push(
          entry(inc.id, 'incidentReopened', [], [], inc.id, `Reopened: ${comment} Its alerts are back.`),
        );
      }
    });

    const undoRecord: MoveRecord = {
      token: undoToken,
      at,
      actor,
      comment,
      destinationIncidentId: returnIds[0] ?? record.destinationIncidentId,
      createdIncident: false,
      alerts: moved.map((a, i) => ({
        alertId: a.id,
        fromIncidentId: alerts[i]!.incidentId,
        versionAfter: a.version,
      })),
      incidents: incidents.map((inc, i) => ({
        id: inc.id,
        displayName: inc.displayName,
        severity: inc.severity,
        status: inc.status,
        versionAfter: updated[i]!.version,
      })),
      emptiedIncidentIds: emptied,
      undoes: record.token,
    };

    await db.alerts.bulkPut(moved);
    await db.incidents.bulkPut(updated);
    await db.activity.bulkAdd(entries as ActivityEntry[] as (ActivityEntry & { seq: number })[]);
    await db.moves.put({ ...record, undoneBy: undoToken });
    await db.moves.add(undoRecord);

    const destination = updated.find((i) => i.id === undoRecord.destinationIncidentId);
    return {
      destinationIncidentId: undoRecord.destinationIncidentId,
      destinationName: destination?.displayName ?? undoRecord.destinationIncidentId,
      createdIncident: false,
      movedAlertIds: moved.map((a) => a.id),
      skippedAlertIds: [],
      emptiedIncidentIds: emptied,
      undoToken,
    };
  });
}
