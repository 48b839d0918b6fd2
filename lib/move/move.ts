/**
 * The move (DESIGN §3): detach alerts from their incidents and attach them to an existing incident or a
 * new one, with a comment, reasons and activity entries. Undo, itself a logged move, is in undo.ts.
 *
 * Everything — validation reads included — happens in ONE read-write Dexie transaction over incidents,
 * alerts, activity, moves and meta, so what validation saw is what gets written (IndexedDB runs
 * read-write transactions over overlapping stores one after another). Any failure throws a MoverError
 * inside it, which aborts it: nothing changes. Inside, only Dexie calls are awaited.
 */
import type { z } from 'zod';
import type { Alert, Incident } from '../model';
import { tallyAlert, tallyOf, withTally } from '../model/derive';
import { isStorageFull, MoverError, STORAGE_FULL } from '../model/errors';
import type { MoveResult } from '../model/move-result';
import { movePermissionProblems, summarizeProblems } from '../model/permissions';
import type { MoveRecord, MoverDB } from '../store/db';
import { MAX_COMMENT, type moveInput } from './input';
import { autoIncidentName } from './naming';
import { alreadyInTargetMessage, emptiedSourceIds, movingCountBySource, splitSkipped } from './preview';
import { followRedirects, redirectProblem } from './redirects';
import {
  addActivity,
  countOf,
  listIds,
  type MoveContext,
  moveTables,
  type NewEntry,
  talliesOf,
  titles,
} from './shared';

export type { MoveContext } from './shared';

export type MoveRequest = z.output<typeof moveInput>;

/** The meta row holding the next numeric id for an incident created by a move. */
export const NEXT_INCIDENT_ID_KEY = 'nextIncidentId';

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

/** The incident alerts will land in: follows `redirected` incidents (merged into another) to the survivor. */
async function resolveTarget(
  db: MoverDB,
  id: string,
): Promise<{ incident: Incident; redirectedFrom?: string }> {
  const walk = await followRedirects(db, id);
  if (!walk.ok)
    throw new MoverError(walk.reason === 'missing' ? 'not-found' : 'redirected', redirectProblem(id, walk));
  return walk.redirectedFrom
    ? { incident: walk.incident, redirectedFrom: walk.redirectedFrom }
    : { incident: walk.incident };
}

async function maxNumericIncidentId(db: MoverDB): Promise<number> {
  let max = 0;
  for (const key of await db.incidents.toCollection().primaryKeys()) {
    if (typeof key === 'string' && /^\d{1,15}$/.test(key)) max = Math.max(max, Number(key));
  }
  return max;
}

/** The next numeric id, from a counter in `meta` (started at the highest numeric id + 1). */
export async function allocateIncidentId(db: MoverDB): Promise<string> {
  const row = await db.meta.get(NEXT_INCIDENT_ID_KEY);
  let next =
    typeof row?.value === 'number' && Number.isSafeInteger(row.value) && row.value > 0 ? row.value : 0;
  // An import may have brought that id since the counter was set: start again above every id.
  if (!next || (await db.incidents.get(String(next)))) next = (await maxNumericIncidentId(db)) + 1;
  await db.meta.put({ key: NEXT_INCIDENT_ID_KEY, value: next + 1 });
  return String(next);
}

export async function moveAlerts(db: MoverDB, input: MoveRequest, ctx: MoveContext): Promise<MoveResult> {
  const alertIds = [...new Set(input.alertIds)];
  if (alertIds.length === 0) throw new MoverError('validation', 'Select at least one alert to move.');
  const comment = checkComment(input.comment);
  const reasons = [...new Set(input.reasons ?? [])];
  const at = ctx.now();
  const token = input.token ?? ctx.newToken();
  const { actor } = ctx;

  // The browser's own reason when it aborts the transaction (a full disk shows only as aborted requests otherwise).
  let native: { error?: unknown } | undefined;
  return db
    .transaction('rw', moveTables(db), async (tx) => {
      native = (tx as unknown as { idbtrans?: { error?: unknown } }).idbtrans;
      // A repeated request (its answer was lost when the background stopped after the commit) is not a second
      // move: it gets the first one's answer. Checked inside the transaction, so two racing repeats can't both move.
      const done = await db.moves.get(token);
      if (done) return committedResult(done);

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
      const entry = (
        incidentId: string,
        kind: string,
        list: readonly Alert[],
        extra: Partial<NewEntry> = {},
      ) =>
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

      const result: MoveResult = {
        destinationIncidentId: destinationId,
        destinationName: destination.displayName,
        createdIncident: !target,
        movedAlertIds: moving.map((a) => a.id),
        skippedAlertIds: skipped.map((a) => a.id),
        emptiedIncidentIds: [...emptied],
        ...(redirectedFrom ? { redirectedFrom } : {}),
        undoToken: token,
      };
      await db.alerts.bulkPut(moved);
      await db.incidents.bulkPut([destination, ...updatedSources]);
      await addActivity(db, entries);
      await db.moves.add({ ...record, result });
      await ctx.beforeCommit?.();
      return result;
    })
    .catch((e: unknown) => {
      throw !(e instanceof MoverError) && isStorageFull(native?.error)
        ? new MoverError('internal', STORAGE_FULL)
        : e;
    });
}

/** The answer a saved move gave (a record written before answers were kept: rebuilt from the record). */
function committedResult(record: MoveRecord): MoveResult {
  return (
    record.result ?? {
      destinationIncidentId: record.destinationIncidentId,
      destinationName: record.destinationIncidentId,
      createdIncident: record.createdIncident,
      movedAlertIds: record.alerts.map((a) => a.alertId),
      skippedAlertIds: [],
      emptiedIncidentIds: record.emptiedIncidentIds,
      undoToken: record.token,
    }
  );
}

/** Whether the move with this token was saved, and what it answered. */
export async function moveStatus(
  db: MoverDB,
  token: string,
): Promise<{ committed: false } | { committed: true; result: MoveResult }> {
  const record = await db.moves.get(token);
  return record ? { committed: true, result: committedResult(record) } : { committed: false };
}
