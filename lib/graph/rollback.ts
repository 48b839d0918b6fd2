/**
 * Rollback of a move Microsoft Defender refused: the alerts go back where they were, and the activity log
 * says so.
 */
import type { ActivityEntry, Actor, Alert, Incident } from '../model';
import { withAlerts } from '../model/derive';
import type { MoverDB, OutboxItem } from '../store/db';
import { bodyOf } from './outbox';
import { isProvisionalId } from './provisional-ids';

/**
 * Puts the alerts of a refused outbox item back where they were before the move, as a logged
 * reversal (`syncRollback` entries on every incident it touches; history is not erased). Alerts that
 * were moved again since are left where they are. Call inside a read-write transaction.
 */
export async function rollback(
  db: MoverDB,
  item: OutboxItem,
  message: string,
  actor: Actor,
  at: string,
): Promise<void> {
  const record = await db.moves.get(item.moveToken);
  if (!record) return;
  const body = bodyOf(item);
  const destination = body.incidentId ?? item.provisionalIncidentId;
  const backTo = new Map(record.alerts.map((a) => [a.alertId, a.fromIncidentId]));
  const current = (await db.alerts.bulkGet(body.alertIds)).filter((a): a is Alert => !!a);
  const returning = current.filter((a) => a.incidentId === destination && backTo.has(a.id));
  const targets = [...new Set(returning.map((a) => backTo.get(a.id)!))];
  const targetRecords = await db.incidents.bulkGet(targets);
  const existingTargets = new Set(targets.filter((_, i) => targetRecords[i]));
  const moved = returning
    .filter((a) => existingTargets.has(backTo.get(a.id)!))
    .map((a) => ({ ...a, incidentId: backTo.get(a.id)!, version: a.version + 1, lastUpdateDateTime: at }));
  await db.alerts.bulkPut(moved);

  const touched = [...new Set([...(destination ? [destination] : []), ...existingTargets])];
  const before = new Map(record.incidents.map((i) => [i.id, i]));
  const incidents = (await db.incidents.bulkGet(touched)).filter((i): i is Incident => !!i);
  const names: Record<string, string> = Object.fromEntries(incidents.map((i) => [i.id, i.displayName]));
  const updated: Incident[] = [];
  for (const inc of incidents) {
    const members = await db.alerts.where('incidentId').equals(inc.id).toArray();
    const was = before.get(inc.id);
    let status = inc.status;
    // An incident created here that Graph never got: nothing left in it, so it is closed.
    if (
      members.length === 0 &&
      inc.id === destination &&
      (record.createdIncident || isProvisionalId(inc.id))
    ) {
      status = 'resolved';
    } else if (members.length > 0 && record.emptiedIncidentIds.includes(inc.id) && was) status = was.status;
    updated.push(withAlerts(inc, members, at, { status }));
  }
  await db.incidents.bulkPut(updated);

  const alertNames = Object.fromEntries(current.map((a) => [a.id, a.title]));
  const comment = `Microsoft Defender refused this move, so it was rolled back here: ${message}`;
  const entries: Omit<ActivityEntry, 'seq'>[] = updated.map((inc) => ({
    incidentId: inc.id,
    at,
    actor,
    kind: 'syncRollback',
    alertIds: (inc.id === destination ? moved : moved.filter((a) => a.incidentId === inc.id)).map(
      (a) => a.id,
    ),
    fromIncidentIds: destination ? [destination] : [],
    toIncidentId: inc.id === destination ? (targets[0] ?? null) : inc.id,
    comment,
    reasons: [],
    names: { incidents: names, alerts: alertNames },
    moveToken: record.token,
  }));
  await db.activity.bulkAdd(entries as (ActivityEntry & { seq: number })[]);
  await db.moves.put({
    ...record,
    sync: 'failed',
    syncError: message,
    undoneBy: record.undoneBy ?? 'syncRollback',
  });
}
