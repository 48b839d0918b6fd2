/**
 * Undo (DESIGN §3): a new logged move that puts every alert of an earlier move back where it was, in ONE
 * read-write transaction like the move itself (see move.ts), and why Undo would be refused now.
 */

import type { Alert, Incident, Profile } from '../model';
import { tallyAlert, withTally } from '../model/derive';
import { MoverError } from '../model/errors';
import type { MoveResult } from '../model/move-result';
import { movePermissionProblems, summarizeProblems } from '../model/permissions';
import type { MoveRecord, MoverDB } from '../store/db';
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
    await addActivity(db, entries);
    const destination = updated.find((i) => i.id === undoRecord.destinationIncidentId);
    const result: MoveResult = {
      destinationIncidentId: undoRecord.destinationIncidentId,
      destinationName: destination?.displayName ?? undoRecord.destinationIncidentId,
      createdIncident: false,
      movedAlertIds: moved.map((a) => a.id),
      skippedAlertIds: [],
      emptiedIncidentIds: emptied,
      undoToken,
    };
    await db.moves.put({ ...record, undoneBy: undoToken });
    await db.moves.add({ ...undoRecord, result });
    return result;
  });
}
