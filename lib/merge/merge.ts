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
import { emptyTally, withTally } from '../model/derive';
import { MoverError } from '../model/errors';
import type { MoveResult } from '../model/move-result';
import { summarizeProblems } from '../model/permissions';
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
export function restorable(i: Incident): MergeDetails['before'][number] {
  const out: MergeDetails['before'][number] = { id: i.id };
  for (const f of RESTORED) if (Object.hasOwn(i, f)) (out as Record<string, unknown>)[f] = i[f];
  return out;
}

/** The incident with those fields as they were: absent ones removed again. */
export function restoreFields(i: Incident, was: MergeDetails['before'][number]): Incident {
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
