/**
 * Push: moves made while connected go to Microsoft Defender through a durable outbox (db.outbox),
 * sent in order with `POST /security/alerts_v2/moveAlerts`
 * (https://learn.microsoft.com/graph/api/security-alert-movealerts: body `alertIds`, `incidentId` —
 * null creates a new incident —, `alertComment`, `newCorrelationReasons`; answers `{ targetIncidentId }`).
 *
 * Exactly once, across service-worker stops: an item is marked `sending` (with a fresh request id) in
 * IndexedDB BEFORE its request leaves. An item found `sending` later (the worker was stopped, or the
 * answer was lost) is not sent blindly again: the alerts are read back from Graph
 * (`GET /security/alerts_v2/{id}`) and if they are already where the move put them, the move is
 * recorded as done (and a new incident's id taken from there); only otherwise is it sent again.
 * Graph documents no idempotency key for moveAlerts, so reading back is the check that works against
 * the real service; the request id still goes out as `client-request-id` for tracing.
 */
import Dexie from 'dexie';
import {
  type ActivityEntry,
  type Actor,
  type Alert,
  type Incident,
  incidentSchema,
  LOCAL_INCIDENT_FIELDS,
} from '../model';
import { summarize, withAlerts } from '../model/derive';
import { NEXT_INCIDENT_ID_KEY } from '../move/move';
import type { MoveRecord, MoverDB, OutboxItem } from '../store/db';
import { type GraphClient, GraphError } from './client';

/**
 * Incidents a move creates while connected get ids from this number up: Graph's own ids are far
 * lower, so a provisional id never collides with an incident a pull brings before the push is done.
 */
export const PROVISIONAL_ID_BASE = 1_000_000_000_000;
export const isProvisionalId = (id: string) => /^\d{13,15}$/.test(id) && Number(id) >= PROVISIONAL_ID_BASE;

/** Makes the move allocate provisional ids (through its `nextIncidentId` counter in meta). */
export async function reserveProvisionalIds(db: MoverDB): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const row = await db.meta.get(NEXT_INCIDENT_ID_KEY);
    const next = typeof row?.value === 'number' ? row.value : 0;
    if (next <= PROVISIONAL_ID_BASE)
      await db.meta.put({ key: NEXT_INCIDENT_ID_KEY, value: PROVISIONAL_ID_BASE + 1 });
  });
}

const OPEN_STATES = ['queued', 'sending'] as const;
const SYNC_TABLES = (db: MoverDB) => [db.incidents, db.alerts, db.activity, db.moves, db.outbox, db.meta];

interface MoveAlertsBody {
  alertIds: string[];
  incidentId: string | null;
  alertComment?: string;
  newCorrelationReasons?: string;
}

function bodyOf(item: OutboxItem): MoveAlertsBody {
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
    if (record.undoes) {
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
      const reasons = entry?.reasons ?? [];
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

// ---------------------------------------------------------------------------------------------
// Provisional id → Graph id, everywhere, in one transaction

const rename = (id: string, from: string, to: string) => (id === from ? to : id);

function renameEntry<T extends ActivityEntry>(e: T, from: string, to: string): T {
  const names = { ...e.names.incidents };
  if (from in names) {
    names[to] = names[from] ?? '';
    delete names[from];
  }
  return {
    ...e,
    incidentId: rename(e.incidentId, from, to),
    fromIncidentIds: e.fromIncidentIds.map((id) => rename(id, from, to)),
    ...(e.toIncidentId ? { toIncidentId: rename(e.toIncidentId, from, to) } : {}),
    names: { ...e.names, incidents: names },
  };
}

function renameMove(m: MoveRecord, from: string, to: string): MoveRecord | undefined {
  const touches =
    m.destinationIncidentId === from ||
    m.alerts.some((a) => a.fromIncidentId === from) ||
    m.incidents.some((i) => i.id === from) ||
    m.emptiedIncidentIds.includes(from);
  if (!touches) return undefined;
  return {
    ...m,
    destinationIncidentId: rename(m.destinationIncidentId, from, to),
    alerts: m.alerts.map((a) => ({ ...a, fromIncidentId: rename(a.fromIncidentId, from, to) })),
    incidents: m.incidents.map((i) => ({ ...i, id: rename(i.id, from, to) })),
    emptiedIncidentIds: m.emptiedIncidentIds.map((id) => rename(id, from, to)),
  };
}

/**
 * Replaces an incident id in the incident record, its alerts, the activity entries that name it, the
 * undo records and the outbox. Versions do not change (nothing the analyst sees changed but the id),
 * so Undo still works. Call inside a read-write transaction over SYNC_TABLES.
 */
export async function replaceIncidentId(
  db: MoverDB,
  from: string,
  to: string,
  since?: string,
): Promise<void> {
  if (from === to) return;
  const [incident, survivor] = await Promise.all([db.incidents.get(from), db.incidents.get(to)]);
  const alerts = await db.alerts.where('incidentId').equals(from).toArray();
  await db.alerts.bulkPut(alerts.map((a) => ({ ...a, incidentId: to })));
  if (incident) {
    if (survivor) {
      // A pull brought the real incident first: it is the one to keep, with every alert now in it.
      const members = await db.alerts.where('incidentId').equals(to).toArray();
      const { severity, ...derived } = summarize(members);
      await db.incidents.put({ ...survivor, ...derived, severity: severity ?? survivor.severity });
    } else {
      await db.incidents.put({ ...incident, id: to, origin: 'graph' });
    }
    await db.incidents.delete(from);
  }

  const own = await db.activity
    .where('[incidentId+seq]')
    .between([from, Dexie.minKey], [from, Dexie.maxKey])
    .toArray();
  const tokens = [...new Set(own.flatMap((e) => (e.moveToken ? [e.moveToken] : [])))];
  const related = tokens.length ? await db.activity.where('moveToken').anyOf(tokens).toArray() : [];
  const entries = new Map([...own, ...related].map((e) => [e.seq, e]));
  await db.activity.bulkPut([...entries.values()].map((e) => renameEntry(e, from, to)));

  const moves = since ? await db.moves.where('at').aboveOrEqual(since).toArray() : await db.moves.toArray();
  const renamed = moves.flatMap((m) => renameMove(m, from, to) ?? []);
  if (renamed.length) await db.moves.bulkPut(renamed);

  const items = await db.outbox
    .where('state')
    .anyOf([...OPEN_STATES, 'failed'])
    .toArray();
  for (const item of items) {
    const body = bodyOf(item);
    if (body.incidentId === from)
      await db.outbox.update(item.id!, { body: { ...item.body, incidentId: to } });
  }
}

// ---------------------------------------------------------------------------------------------
// Rollback of a move Graph refused

/**
 * Puts the alerts of a refused outbox item back where they were before the move, as a logged
 * reversal (`syncRollback` entries on every incident it touches; history is not erased). Alerts that
 * were moved again since are left where they are. Call inside a read-write transaction.
 */
async function rollback(
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

// ---------------------------------------------------------------------------------------------
// Sending

export interface DrainOptions {
  db: MoverDB;
  client: GraphClient;
  now(): string;
  newId(): string;
  /** Who the rollback entries name. */
  actor: Actor;
}

export interface DrainResult {
  sent: number;
  /** Items Graph refused (rolled back), with the reason in words. */
  refused: { moveToken: string; message: string }[];
}

const moveWords = (n: number, to: string | null) =>
  `The move of ${n === 1 ? '1 alert' : `${n} alerts`} ${to ? `to incident ${to}` : 'to a new incident'}`;

/** Where Graph has the alerts now: `applied` with the target incident, or not. */
async function readBack(db: MoverDB, client: GraphClient, item: OutboxItem): Promise<string | undefined> {
  const body = bodyOf(item);
  const where = new Map<string, string | undefined>();
  for (const id of body.alertIds) {
    try {
      const alert = (await client.request(
        'GET',
        `/security/alerts_v2/${encodeURIComponent(id)}?$select=id,incidentId`,
      )) as {
        incidentId?: unknown;
      } | null;
      const incidentId = alert?.incidentId;
      where.set(
        id,
        typeof incidentId === 'string' || typeof incidentId === 'number' ? String(incidentId) : undefined,
      );
    } catch (e) {
      if (e instanceof GraphError && e.kind === 'refused') where.set(id, undefined);
      else throw e;
    }
  }
  const places = new Set(where.values());
  if (places.size !== 1) return undefined;
  const [place] = places;
  if (!place) return undefined;
  if (body.incidentId) return place === body.incidentId ? place : undefined;
  // A new incident: applied if all the alerts sit together in an incident none of them came from.
  const record = await db.moves.get(item.moveToken);
  const sources = new Set(record?.alerts.map((a) => a.fromIncidentId) ?? []);
  return sources.has(place) ? undefined : place;
}

/**
 * Graph's own fields of an incident it just created (its name, which Defender chooses, and so on), or
 * undefined if it cannot be read now (the next pull brings them).
 */
async function readIncident(client: GraphClient, id: string): Promise<Partial<Incident> | undefined> {
  try {
    const parsed = incidentSchema.safeParse(
      await client.request('GET', `/security/incidents/${encodeURIComponent(id)}`),
    );
    if (!parsed.success) return undefined;
    const fields: Record<string, unknown> = { ...parsed.data };
    for (const f of [...LOCAL_INCIDENT_FIELDS, 'alerts', 'id']) delete fields[f];
    return fields as Partial<Incident>;
  } catch {
    return undefined;
  }
}

async function complete(
  db: MoverDB,
  client: GraphClient,
  item: OutboxItem,
  targetIncidentId: string,
): Promise<void> {
  // The incident the move created, as Defender has it: taken in without a new version, since it is the
  // same incident the analyst just made (Undo keeps working).
  const created = item.provisionalIncidentId ? await readIncident(client, targetIncidentId) : undefined;
  await db.transaction('rw', SYNC_TABLES(db), async () => {
    await db.outbox.update(item.id!, { state: 'done', lastError: undefined });
    const record = await db.moves.get(item.moveToken);
    if (item.provisionalIncidentId) {
      await replaceIncidentId(db, item.provisionalIncidentId, targetIncidentId, record?.at);
      const incident = await db.incidents.get(targetIncidentId);
      if (incident && created) await db.incidents.put({ ...incident, ...created });
    }
    const open = await db.outbox
      .where('moveToken')
      .equals(item.moveToken)
      .filter((i) => i.state !== 'done')
      .count();
    if (record && open === 0 && record.sync !== 'failed')
      await db.moves.update(item.moveToken, { sync: 'synced', syncError: undefined });
    // Keep the outbox short: done items are history only the last few hundred of which matter.
    await db.outbox
      .where('id')
      .below(item.id! - 500)
      .filter((i) => i.state === 'done')
      .delete();
  });
}

async function refuse(db: MoverDB, item: OutboxItem, reason: string, opts: DrainOptions): Promise<string> {
  const body = bodyOf(item);
  const message = `${moveWords(body.alertIds.length, body.incidentId)} was refused by Microsoft Defender: ${reason} It was rolled back here.`;
  await db.transaction('rw', SYNC_TABLES(db), async () => {
    await db.outbox.update(item.id!, { state: 'failed', lastError: message });
    await rollback(db, item, reason, opts.actor, opts.now());
  });
  return message;
}

/**
 * Sends every queued move, oldest first, stopping at the first that cannot be sent now (throttled,
 * offline, signed out: the error is thrown and the item stays for the next run). Refusals roll back
 * and the queue goes on.
 */
export async function drainOutbox(opts: DrainOptions): Promise<DrainResult> {
  const { db, client } = opts;
  const result: DrainResult = { sent: 0, refused: [] };
  for (;;) {
    const [next] = await openItems(db);
    if (!next) return result;
    let item = next;
    const body = bodyOf(item);

    if (item.state === 'sending') {
      // The last attempt may have reached Graph: read back before sending anything again.
      const target = await readBack(db, client, item);
      if (target) {
        await complete(db, client, item, target);
        result.sent++;
        continue;
      }
    }

    // A move into an incident whose creation Graph refused cannot succeed: do not send it.
    if (body.incidentId && isProvisionalId(body.incidentId)) {
      const creator = await db.outbox.filter((i) => i.provisionalIncidentId === body.incidentId).first();
      if (!creator || creator.state === 'failed' || creator.state === 'done') {
        const message = await refuse(
          db,
          item,
          `incident ${body.incidentId} was never created in Microsoft Defender.`,
          opts,
        );
        result.refused.push({ moveToken: item.moveToken, message });
        continue;
      }
    }

    const requestId = opts.newId();
    await db.outbox.update(item.id!, { state: 'sending', requestId, attempts: item.attempts + 1 });
    item = { ...item, state: 'sending', requestId };
    try {
      const answer = (await client.request('POST', '/security/alerts_v2/moveAlerts', {
        body,
        headers: { 'client-request-id': requestId },
        idempotent: false,
      })) as { targetIncidentId?: unknown } | undefined;
      const t = answer?.targetIncidentId;
      const target = typeof t === 'string' && t ? t : typeof t === 'number' ? String(t) : body.incidentId;
      if (!target)
        throw new GraphError('invalid', 'Microsoft Graph created the incident but did not say its id.');
      await complete(db, client, item, target);
      result.sent++;
    } catch (e) {
      if (!(e instanceof GraphError)) throw e;
      if (e.kind === 'refused') {
        const message = await refuse(db, item, e.message, opts);
        result.refused.push({ moveToken: item.moveToken, message });
        continue;
      }
      // Throttled or signed out: Graph did not take the request, so it can simply be sent again.
      // Anything else (5xx, no answer): it may have been applied; it stays `sending` to be read back.
      const notTaken = e.kind === 'throttled' || e.kind === 'auth';
      await db.outbox.update(item.id!, { ...(notTaken ? { state: 'queued' } : {}), lastError: e.message });
      throw e;
    }
  }
}
