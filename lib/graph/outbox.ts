/**
 * The outbox (db.outbox): moves made while the Graph connector is on, each waiting to be sent to Microsoft
 * Defender as one or more `moveAlerts` requests. It lives in IndexedDB so a move made just before the
 * service worker stops is still sent. What is in it, and how a move gets in; sending is in ./drain.ts.
 */
import { isCorrelationReason } from '../model';
import type { MoverDB, OutboxItem } from '../store/db';
import { mergeBody } from './merge-sync';

/** States of an item not yet done with: waiting, or sent without a known answer. */
export const OPEN_STATES = ['queued', 'sending'] as const;

/** An item's request body (https://learn.microsoft.com/graph/api/security-alert-movealerts). */
export interface MoveAlertsBody {
  alertIds: string[];
  incidentId: string | null;
  alertComment?: string;
  newCorrelationReasons?: string;
}

/** The body as stored, read defensively: a field of the wrong type is left out. */
export function bodyOf(item: OutboxItem): MoveAlertsBody {
  const b = item.body as Partial<MoveAlertsBody>;
  return {
    alertIds: Array.isArray(b.alertIds) ? b.alertIds.filter((x): x is string => typeof x === 'string') : [],
    incidentId: typeof b.incidentId === 'string' ? b.incidentId : null,
    ...(typeof b.alertComment === 'string' ? { alertComment: b.alertComment } : {}),
    ...(typeof b.newCorrelationReasons === 'string'
      ? { newCorrelationReasons: b.newCorrelationReasons }
      : {}),
  };
}

/** Items still to send, oldest first. */
export async function openItems(db: MoverDB): Promise<OutboxItem[]> {
  return db.outbox
    .where('state')
    .anyOf([...OPEN_STATES])
    .sortBy('id');
}

/** Alerts and incidents that moves still in the outbox touch (a pull leaves them as they are here). */
export async function pendingScope(db: MoverDB): Promise<{ alerts: Set<string>; incidents: Set<string> }> {
  const alerts = new Set<string>();
  const incidents = new Set<string>();
  const items = await openItems(db);
  const records = await db.moves.bulkGet([...new Set(items.map((i) => i.moveToken))]);
  for (const item of items) {
    const body = bodyOf(item);
    for (const id of body.alertIds) alerts.add(id);
    if (body.incidentId) incidents.add(body.incidentId);
  }
  for (const r of records) for (const a of r?.alerts ?? []) incidents.add(a.fromIncidentId);
  // A merge touches every incident it names and every alert it moved.
  for (const r of records) {
    if (!r?.merge) continue;
    for (const i of r.incidents) incidents.add(i.id);
    for (const a of r.alerts) alerts.add(a.alertId);
  }
  return { alerts, incidents };
}

export interface EnqueueContext {
  now(): string;
  newId(): string;
}

/**
 * Queues a move (or an undo) for Graph and marks it pending, in one transaction. Idempotent per move:
 * a move already queued is not queued twice. An undo of a move that never went to Graph stays local.
 */
export async function enqueueMove(db: MoverDB, token: string, ctx: EnqueueContext): Promise<number> {
  return db.transaction('rw', [db.moves, db.outbox, db.activity], async () => {
    const record = await db.moves.get(token);
    if (!record || record.sync) return 0;
    if ((await db.outbox.where('moveToken').equals(token).count()) > 0) return 0;
    const base = {
      moveToken: token,
      kind: 'moveAlerts' as const,
      state: 'queued' as const,
      attempts: 0,
      createdAt: ctx.now(),
    };
    const items: OutboxItem[] = [];
    if (record.merge) {
      // An unmerge only ever undoes a merge Defender never got (lib/merge refuses the others): it stays local.
      if (record.merge.kind !== 'merge') {
        await db.moves.update(token, { sync: 'local' });
        return 0;
      }
      items.push({
        ...base,
        kind: 'mergeIncidents',
        requestId: ctx.newId(),
        body: { ...mergeBody(record) },
      });
    } else if (record.undoes) {
      const original = await db.moves.get(record.undoes);
      if (!original?.sync || original.sync === 'local') {
        await db.moves.update(token, { sync: 'local' });
        return 0;
      }
      // Each alert goes back where it was before the undone move: one request per incident.
      const backTo = new Map(original.alerts.map((a) => [a.alertId, a.fromIncidentId]));
      const byTarget = new Map<string, string[]>();
      for (const a of record.alerts) {
        const to = backTo.get(a.alertId);
        if (to) byTarget.set(to, [...(byTarget.get(to) ?? []), a.alertId]);
      }
      for (const [incidentId, alertIds] of byTarget) {
        items.push({
          ...base,
          requestId: ctx.newId(),
          body: { alertIds, incidentId, alertComment: record.comment },
        });
      }
    } else {
      const entry = await db.activity.where('moveToken').equals(token).first();
      // Only Graph's own correlationReason members: an entry may hold others (an imported log, a move
      // made before the flyout offered only Graph's members), and one of those would make Graph refuse
      // the whole move. They stay in the activity log, in words; Graph never sees them.
      const reasons = [...new Set((entry?.reasons ?? []).filter(isCorrelationReason))];
      items.push({
        ...base,
        requestId: ctx.newId(),
        body: {
          alertIds: record.alerts.map((a) => a.alertId),
          incidentId: record.createdIncident ? null : record.destinationIncidentId,
          alertComment: record.comment,
          // A flags enum: several values in one comma-separated string, as in the API's example.
          ...(reasons.length ? { newCorrelationReasons: reasons.join(', ') } : {}),
        },
        ...(record.createdIncident ? { provisionalIncidentId: record.destinationIncidentId } : {}),
      });
    }
    if (!items.length) {
      await db.moves.update(token, { sync: 'local' });
      return 0;
    }
    await db.outbox.bulkAdd(items);
    await db.moves.update(token, { sync: 'pending' });
    return items.length;
  });
}

/** Moves made since `since` that never reached the outbox (the worker stopped right after the move). */
export async function enqueueMissed(db: MoverDB, since: string, ctx: EnqueueContext): Promise<number> {
  const missed = await db.moves
    .where('at')
    .aboveOrEqual(since)
    .filter((m) => !m.sync)
    .sortBy('at');
  let n = 0;
  for (const m of missed) n += await enqueueMove(db, m.token, ctx);
  return n;
}
