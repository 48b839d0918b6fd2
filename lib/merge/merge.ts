/**
 * Merge incidents (DESIGN §8), as the Defender portal does, and its Undo, which Defender lacks.
 *
 * Like the move (lib/move/move.ts), everything, validation reads included, happens in ONE read-write Dexie
 * transaction over incidents, alerts, activity, moves and meta: what validation saw is what gets written, and a
 * refusal throws inside it so nothing changes. Inside, only Dexie calls are awaited.
 *
 * A merge is kept in `db.moves` like a move (a MoveRecord with `merge` details): one history of operations,
 * one token per operation for Undo, the outbox and `move.status`.
 */
import type { Alert, Incident, Tally } from '../model';
import { emptyTally, tallyAlert, withTally } from '../model/derive';
import { MoverError } from '../model/errors';
import type { MoveResult } from '../model/move-result';
import { movePermissionProblems, summarizeProblems } from '../model/permissions';
import { MAX_COMMENT } from '../move/input';
import {
  addActivity,
  listIds,
  type MoveContext,
  moveTables,
  type NewEntry,
  talliesOf,
  titles,
} from '../move/shared';
import type { MergeDetails, MergeResult, MoveRecord, MoverDB } from '../store/db';
import type { MergeRequest } from './input';
import { chooseSurvivor, type MergeProblemCode, mergeProblems, REDIRECTED_TAG } from './rules';

export type { MergeResult } from '../store/db';

function checkComment(comment: string): string {
  if (!comment.trim()) throw new MoverError('validation', 'Add a reason for merging.');
  if (comment.length > MAX_COMMENT) {
    throw new MoverError(
      'validation',
      `The reason is ${comment.length.toLocaleString('en')} characters long; the limit is ${MAX_COMMENT.toLocaleString('en')}.`,
    );
  }
  return comment;
}

/** Adds every count of `from` to `into` (keys such as `__proto__` count like any other). */
function addTally(into: Tally, from: Tally): Tally {
  for (const field of Object.keys(from) as (keyof Tally)[]) {
    into[field] ??= {};
    const target = into[field];
    for (const [key, n] of Object.entries(from[field] ?? {})) {
      const value = (Object.hasOwn(target, key) ? target[key]! : 0) + n;
      Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return into;
}

const union = (...lists: (readonly string[] | null | undefined)[]) => [
  ...new Set(lists.flatMap((l) => l ?? [])),
];

const RESTORED = ['tags', 'customTags', 'systemTags', 'redirectIncidentId'] as const;

/** The fields a merge changes beyond name, severity and status, as they are (absent ones left out). */
function restorable(i: Incident): MergeDetails['before'][number] {
  const out: MergeDetails['before'][number] = { id: i.id };
  for (const f of RESTORED) if (Object.hasOwn(i, f)) (out as Record<string, unknown>)[f] = i[f];
  return out;
}

/** The incident with those fields as they were: absent ones removed again. */
function restoreFields(i: Incident, was: MergeDetails['before'][number]): Incident {
  const out: Record<string, unknown> = { ...i };
  for (const f of RESTORED) {
    if (Object.hasOwn(was, f)) out[f] = was[f];
    else delete out[f];
  }
  return out as Incident;
}

/** The merge's answer, as `move.undo` and the popup's recent moves speak of it. */
export function mergeAsMoveResult(r: MergeResult, emptied: string[] = []): MoveResult {
  return {
    destinationIncidentId: r.survivorId,
    destinationName: r.survivorName,
    createdIncident: false,
    movedAlertIds: r.movedAlertIds,
    skippedAlertIds: [],
    emptiedIncidentIds: emptied,
    undoToken: r.token,
  };
}

export async function mergeIncidents(
  db: MoverDB,
  input: MergeRequest,
  ctx: MoveContext,
): Promise<MergeResult> {
  const ids = [...new Set(input.incidentIds)];
  const comment = checkComment(input.comment);
  const reasons = [...new Set(input.reasons ?? [])];
  const at = ctx.now();
  const token = input.token ?? ctx.newToken();
  const { actor } = ctx;

  return db.transaction('rw', moveTables(db), async () => {
    const done = await db.moves.get(token);
    if (done) {
      if (done.merge?.result) return done.merge.result;
      throw new MoverError('conflict', 'This request was already used for another operation.');
    }

    const found = await db.incidents.bulkGet(ids);
    const missing = ids.filter((_, i) => !found[i]);
    if (missing.length) {
      throw new MoverError(
        'not-found',
        `${missing.length === 1 ? `Incident ${missing[0]} does` : `Incidents ${listIds(missing)} do`} not exist (any more). Refresh and select again.`,
        missing,
      );
    }
    const incidents = found as Incident[];

    const expected = input.expectedVersions ?? {};
    const changed = incidents.filter((i) => Object.hasOwn(expected, i.id) && expected[i.id] !== i.version);
    if (changed.length) {
      const names = changed.map((i) => `${i.id} "${i.displayName}"`);
      throw new MoverError(
        'conflict',
        `${changed.length === 1 ? `Incident ${names[0]} was` : `Incidents ${listIds(names)} were`} changed elsewhere since the dialog opened. Nothing was merged; look again and retry.`,
        names,
      );
    }

    const problems = mergeProblems(incidents, ctx.profile);
    if (problems.length) {
      const code: MergeProblemCode = problems.some((p) => p.code === 'permission')
        ? 'permission'
        : problems[0]!.code;
      const messages = problems.map((p) => p.message);
      throw new MoverError(code, summarizeProblems(messages), messages);
    }

    const { survivor, reason } = chooseSurvivor(incidents);
    const others = incidents.filter((i) => i.id !== survivor.id);
    const tallies = await talliesOf(db, incidents);
    const otherAlerts = (
      await Promise.all(others.map((o) => db.alerts.where('incidentId').equals(o.id).toArray()))
    ).flat();

    const moved: Alert[] = otherAlerts.map((a) => ({
      ...a,
      incidentId: survivor.id,
      version: a.version + 1,
      lastUpdateDateTime: at,
    }));
    const survivorTally = tallies.get(survivor.id)!;
    for (const o of others) addTally(survivorTally, tallies.get(o.id)!);

    const all = [survivor, ...others];
    const customTags = union(...all.map((i) => i.customTags));
    const oldTags = union(...all.map((i) => i.tags));
    const merged = withTally(survivor, survivorTally, at, {
      ...(customTags.length ? { customTags } : {}),
      ...(oldTags.length ? { tags: oldTags } : {}),
    });
    // Every alert of a merged incident leaves it: its summary is that of no alerts, its severity kept as it was.
    const redirected = others.map((o) =>
      withTally(o, emptyTally(), at, {
        status: 'redirected',
        redirectIncidentId: survivor.id,
        systemTags: union(o.systemTags, [REDIRECTED_TAG]),
      }),
    );

    const names = Object.fromEntries(all.map((i) => [i.id, i.displayName] as [string, string]));
    const otherIds = others.map((o) => o.id);
    const entry = (incidentId: string, kind: string, list: readonly Alert[], from: string[]) =>
      ({
        incidentId,
        at,
        actor,
        kind,
        alertIds: list.map((a) => a.id),
        fromIncidentIds: from,
        toIncidentId: survivor.id,
        comment,
        reasons,
        names: { incidents: names, alerts: titles(list) },
        moveToken: token,
      }) satisfies NewEntry;
    const entries: NewEntry[] = [entry(survivor.id, 'incidentsMerged', otherAlerts, otherIds)];
    for (const o of others)
      entries.push(
        entry(
          o.id,
          'mergedInto',
          otherAlerts.filter((a) => a.incidentId === o.id),
          [o.id],
        ),
      );

    const result: MergeResult = {
      survivorId: survivor.id,
      survivorName: survivor.displayName,
      mergedIncidentIds: otherIds,
      movedAlertIds: otherAlerts.map((a) => a.id),
      survivorReason: reason,
      token,
    };
    const details: MergeDetails = {
      kind: 'merge',
      survivorId: survivor.id,
      mergedIncidentIds: otherIds,
      reasons,
      before: all.map(restorable),
      result,
    };
    const after = [merged, ...redirected];
    const record: MoveRecord = {
      token,
      at,
      actor,
      comment,
      destinationIncidentId: survivor.id,
      createdIncident: false,
      alerts: otherAlerts.map((a, i) => ({
        alertId: a.id,
        fromIncidentId: a.incidentId,
        versionAfter: moved[i]!.version,
      })),
      incidents: all.map((i, k) => ({
        id: i.id,
        displayName: i.displayName,
        severity: i.severity,
        status: i.status,
        versionAfter: after[k]!.version,
      })),
      emptiedIncidentIds: [],
      merge: details,
      result: mergeAsMoveResult(result),
    };

    await db.alerts.bulkPut(moved);
    await db.incidents.bulkPut(after);
    await addActivity(db, entries);
    await db.moves.add(record);
    await ctx.beforeCommit?.();
    return result;
  });
}

interface UnmergeState {
  record: MoveRecord & { merge: MergeDetails };
  alerts: Alert[];
  incidents: Incident[];
}

/** Loads what the undo of a merge needs, or throws the reason it is refused. Call inside a transaction. */
async function loadUnmerge(
  db: MoverDB,
  token: string,
  profile: MoveContext['profile'],
): Promise<UnmergeState> {
  const record = await db.moves.get(token);
  if (!record?.merge)
    throw new MoverError('not-found', 'This merge is not in the history, so it cannot be undone.');
  if (record.merge.kind !== 'merge')
    throw new MoverError('validation', 'This is the undo of a merge; merge the incidents again instead.');
  if (record.undoneBy)
    throw new MoverError(
      'conflict',
      record.undoneBy === 'syncRollback'
        ? 'Microsoft Defender refused this merge and it was already rolled back here.'
        : 'This merge was already undone.',
    );
  if (record.sync === 'pending' || record.sync === 'synced')
    throw new MoverError(
      'conflict',
      'This merge was sent to Microsoft Defender, which can’t unmerge incidents, so it can’t be undone here either. Move the alerts back yourself instead.',
    );
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
      `This merge can't be undone because things changed since: ${listIds(changes)}. Move the alerts yourself instead.`,
      changes,
    );
  }
  const alerts = foundAlerts as Alert[];
  const problems = movePermissionProblems(profile, alerts);
  if (problems.length) throw new MoverError('permission', summarizeProblems(problems), problems);
  return { record: record as UnmergeState['record'], alerts, incidents: foundIncidents as Incident[] };
}

/** Why Undo of this merge would be refused now, or null when it would work (for greying out the button). */
export async function unmergeProblem(
  db: MoverDB,
  token: string,
  profile: MoveContext['profile'],
): Promise<string | null> {
  try {
    await db.transaction('r', [db.moves, db.alerts, db.incidents], () => loadUnmerge(db, token, profile));
    return null;
  } catch (e) {
    if (e instanceof MoverError) return e.message;
    throw e;
  }
}

/** Whether the operation with this token is a merge (or the undo of one). */
export async function isMergeRecord(db: MoverDB, token: string): Promise<boolean> {
  return !!(await db.moves.get(token))?.merge;
}

/**
 * Undo of a merge (unmerge): a new logged operation that puts every alert back into the incident it came from
 * and restores every incident's name, severity, status, tags and redirect, while nothing changed since.
 * The merge record gets `undoneBy`; nothing is erased.
 */
export async function undoMerge(db: MoverDB, token: string, ctx: MoveContext): Promise<MergeResult> {
  const at = ctx.now();
  const undoToken = ctx.newToken();
  const { actor } = ctx;

  return db.transaction('rw', moveTables(db), async () => {
    const { record, alerts, incidents } = await loadUnmerge(db, token, ctx.profile);
    const survivorId = record.merge.survivorId;
    const tallies = await talliesOf(db, incidents);
    const backTo = new Map(record.alerts.map((r) => [r.alertId, r.fromIncidentId]));
    const movedBack = alerts.map((a) => ({
      ...a,
      incidentId: backTo.get(a.id)!,
      version: a.version + 1,
      lastUpdateDateTime: at,
    }));
    alerts.forEach((a, i) => {
      tallyAlert(tallies.get(a.incidentId)!, a, -1);
      tallyAlert(tallies.get(movedBack[i]!.incidentId)!, movedBack[i]!, 1);
    });
    const was = new Map(record.incidents.map((r) => [r.id, r]));
    const wasTags = new Map(record.merge.before.map((b) => [b.id, b]));
    const restored = incidents.map((inc) => {
      const w = was.get(inc.id)!;
      const t = wasTags.get(inc.id);
      const back = withTally(inc, tallies.get(inc.id)!, at, {
        displayName: w.displayName,
        status: w.status,
        severity: w.severity,
      });
      return t ? restoreFields(back, t) : back;
    });

    const names = Object.fromEntries(incidents.map((i) => [i.id, i.displayName] as [string, string]));
    const mergedIds = record.merge.mergedIncidentIds;
    const comment = `Undo of the merge made by ${record.actor.displayName} at ${record.at}: the incidents are separate again.`;
    const entry = (incidentId: string, list: readonly Alert[], to: string) =>
      ({
        incidentId,
        at,
        actor,
        kind: 'mergeUndone',
        alertIds: list.map((a) => a.id),
        fromIncidentIds: [survivorId],
        toIncidentId: to,
        comment,
        reasons: [],
        names: { incidents: names, alerts: titles(list) },
        moveToken: undoToken,
      }) satisfies NewEntry;
    const entries: NewEntry[] = [
      { ...entry(survivorId, alerts, survivorId), fromIncidentIds: mergedIds, toIncidentId: null },
    ];
    for (const id of mergedIds)
      entries.push(
        entry(
          id,
          movedBack.filter((a) => a.incidentId === id),
          id,
        ),
      );

    const result: MergeResult = {
      survivorId,
      survivorName: restored.find((i) => i.id === survivorId)?.displayName ?? survivorId,
      mergedIncidentIds: mergedIds,
      movedAlertIds: movedBack.map((a) => a.id),
      survivorReason: '',
      token: undoToken,
    };
    const undoRecord: MoveRecord = {
      token: undoToken,
      at,
      actor,
      comment,
      destinationIncidentId: mergedIds[0] ?? survivorId,
      createdIncident: false,
      alerts: movedBack.map((a) => ({ alertId: a.id, fromIncidentId: survivorId, versionAfter: a.version })),
      incidents: incidents.map((inc, i) => ({
        id: inc.id,
        displayName: inc.displayName,
        severity: inc.severity,
        status: inc.status,
        versionAfter: restored[i]!.version,
      })),
      emptiedIncidentIds: [],
      undoes: record.token,
      merge: {
        kind: 'unmerge',
        survivorId,
        mergedIncidentIds: mergedIds,
        reasons: [],
        before: incidents.map(restorable),
        result,
      },
      result: mergeAsMoveResult(result),
    };

    await db.alerts.bulkPut(movedBack);
    await db.incidents.bulkPut(restored);
    await addActivity(db, entries);
    await db.moves.put({ ...record, undoneBy: undoToken });
    await db.moves.add(undoRecord);
    return result;
  });
}
