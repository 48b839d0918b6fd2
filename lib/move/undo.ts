/**
 * Undo (DESIGN §3): a new logged move that puts every alert of an earlier move back where it was, in ONE
 * read-write transaction like the move itself (see move.ts), and why Undo would be refused now.
 */

import type { Alert, Incident, Profile } from '../model';
import { tallyAlert, withTally } from '../model/derive';
import { MoverError } from '../model/errors';
import type { MoveResult } from '../model/move-result';
import type { MoveRecord, MoverDB } from '../store/db';
import {
  addActivity,
  countOf,
  type MoveContext,
  moveTables,
  type NewEntry,
  readUnchanged,
  talliesOf,
  titles,
} from './shared';

interface UndoState {
  /** The move, or every move of a batch (a split is one move per new incident, undone together). */
  records: MoveRecord[];
  /** Every alert the moves moved, in the records' order. */
  alerts: Alert[];
  incidents: Incident[];
}

/** The alerts and incidents of a batch of moves: each incident once, as the first record that names it saw it. */
function unionOf(records: readonly MoveRecord[]) {
  const alerts: MoveRecord['alerts'] = [];
  const incidents = new Map<string, MoveRecord['incidents'][number]>();
  for (const r of records) {
    alerts.push(...r.alerts);
    for (const i of r.incidents) if (!incidents.has(i.id)) incidents.set(i.id, i);
  }
  return { alerts, incidents: [...incidents.values()] };
}

/** Loads what Undo needs, or throws the reason it is refused. Call inside a transaction. */
async function loadUndo(db: MoverDB, token: string, profile: Profile): Promise<UndoState> {
  const first = await db.moves.get(token);
  if (!first) throw new MoverError('not-found', 'This move is not in the history, so it cannot be undone.');
  const found = first.batch?.length ? await db.moves.bulkGet(first.batch) : [first];
  if (found.some((r) => !r))
    throw new MoverError('not-found', 'Part of this change is not in the history, so it cannot be undone.');
  const records = found as MoveRecord[];
  if (records.some((r) => r.undoneBy)) throw new MoverError('conflict', 'This move was already undone.');
  const record = unionOf(records);
  const { alerts, incidents } = await readUnchanged(db, record, 'move', profile);
  return { records, alerts, incidents };
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
    const { records, alerts, incidents } = await loadUndo(db, token, ctx.profile);
    const record = { ...records[0]!, ...unionOf(records) };
    // A batch is undone as one: one undo record per move (each undoes its own), sharing a batch of their own.
    const undoTokens = records.map((_, i) => (i === 0 ? undoToken : ctx.newToken()));
    const createdIds = new Set(records.filter((r) => r.createdIncident).map((r) => r.destinationIncidentId));
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
      const createdHere = createdIds.has(inc.id);
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
    const comment = `Undo of the ${records.length > 1 ? 'split' : 'move'} made by ${record.actor.displayName} at ${record.at}.`;
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

    const movedById = new Map(moved.map((a, i) => [a.id, { after: a, before: alerts[i]! }]));
    const updatedById = new Map(updated.map((u) => [u.id, u]));
    const beforeById = new Map(incidents.map((inc) => [inc.id, inc]));
    const undoRecords: MoveRecord[] = records.map((r, j) => {
      const own = r.alerts.flatMap((x) => {
        const m = movedById.get(x.alertId);
        return m ? [m] : [];
      });
      const ownReturnIds = [...new Set(own.map((m) => m.after.incidentId))];
      return {
        token: undoTokens[j]!,
        at,
        actor,
        comment,
        destinationIncidentId: ownReturnIds[0] ?? returnIds[0] ?? r.destinationIncidentId,
        createdIncident: false,
        alerts: own.map((m) => ({
          alertId: m.after.id,
          fromIncidentId: m.before.incidentId,
          versionAfter: m.after.version,
        })),
        incidents: r.incidents.flatMap((ri) => {
          const inc = beforeById.get(ri.id);
          const now = updatedById.get(ri.id);
          return inc && now
            ? [
                {
                  id: inc.id,
                  displayName: inc.displayName,
                  severity: inc.severity,
                  status: inc.status,
                  versionAfter: now.version,
                },
              ]
            : [];
        }),
        emptiedIncidentIds: emptied.filter((id) => r.incidents.some((ri) => ri.id === id)),
        undoes: r.token,
        ...(records.length > 1 ? { batch: undoTokens } : {}),
      };
    });

    await db.alerts.bulkPut(moved);
    await db.incidents.bulkPut(updated);
    await addActivity(db, entries);
    const destinationId = returnIds[0] ?? record.destinationIncidentId;
    const destination = updated.find((i) => i.id === destinationId);
    const result: MoveResult = {
      destinationIncidentId: destinationId,
      destinationName: destination?.displayName ?? destinationId,
      createdIncident: false,
      movedAlertIds: moved.map((a) => a.id),
      skippedAlertIds: [],
      emptiedIncidentIds: emptied,
      undoToken,
      ...(records.length > 1 ? { batchTokens: undoTokens } : {}),
    };
    for (const [j, r] of records.entries()) await db.moves.put({ ...r, undoneBy: undoTokens[j]! });
    for (const [j, u] of undoRecords.entries()) await db.moves.add(j === 0 ? { ...u, result } : u);
    return result;
  });
}
