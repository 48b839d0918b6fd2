/**
 * Undo of a merge (unmerge), which Defender lacks: a new logged operation, in one transaction like the merge
 * (merge.ts), that restores membership, statuses, tags and names while nothing changed since; refused with a
 * sentence otherwise, and once the merge went to Microsoft Defender (which can't unmerge).
 */
import type { Alert, Incident } from '../model';
import { tallyAlert, withTally } from '../model/derive';
import { MoverError } from '../model/errors';
import {
  addActivity,
  type MoveContext,
  moveTables,
  type NewEntry,
  readUnchanged,
  talliesOf,
  titles,
} from '../move/shared';
import type { MergeDetails, MergeResult, MoveRecord, MoverDB } from '../store/db';
import { mergeAsMoveResult, restorable, restoreFields } from './merge';

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
  const { alerts, incidents } = await readUnchanged(db, record, 'merge', profile);
  return { record: record as UnmergeState['record'], alerts, incidents };
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
