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
import { type Actor, type Incident, incidentSchema, LOCAL_INCIDENT_FIELDS } from '../model';
import type { MoverDB, OutboxItem } from '../store/db';
import { type GraphClient, GraphError } from './client';
import { followServiceSurvivor, mergeBodyOf, mergeWords, readBackMerge, rollbackMerge } from './merge-sync';
import { bodyOf, openItems } from './outbox';
import { isProvisionalId, replaceIncidentId } from './provisional-ids';
import { rollback } from './rollback';

/** Every store that completing or refusing an item writes, in one transaction. */
const SYNC_TABLES = (db: MoverDB) => [db.incidents, db.alerts, db.activity, db.moves, db.outbox, db.meta];

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

/** Marks a merge done; where Defender kept another incident, the store follows it (one transaction). */
async function completeMerge(
  db: MoverDB,
  item: OutboxItem,
  target: string,
  opts: DrainOptions,
): Promise<void> {
  await db.transaction('rw', SYNC_TABLES(db), async () => {
    await db.outbox.update(item.id!, { state: 'done', lastError: undefined });
    const record = await db.moves.get(item.moveToken);
    if (!record) return;
    await followServiceSurvivor(db, record, target, opts.actor, opts.now());
    await db.moves.update(item.moveToken, { sync: 'synced', syncError: undefined });
  });
}

async function refuseMerge(
  db: MoverDB,
  item: OutboxItem,
  reason: string,
  opts: DrainOptions,
): Promise<string> {
  const message = `${mergeWords(mergeBodyOf(item).incidentIds)} was refused by Microsoft Defender: ${reason} It was rolled back here.`;
  await db.transaction('rw', SYNC_TABLES(db), async () => {
    await db.outbox.update(item.id!, { state: 'failed', lastError: message });
    const record = await db.moves.get(item.moveToken);
    if (record) await rollbackMerge(db, record, reason, opts.actor, opts.now());
  });
  return message;
}

/** One mergeIncidents item: read back after a lost answer, else sent; true when it is done with. */
async function drainMerge(item: OutboxItem, opts: DrainOptions, result: DrainResult): Promise<void> {
  const { db, client } = opts;
  if (item.state === 'sending') {
    const target = await readBackMerge(client, item);
    if (target) {
      await completeMerge(db, item, target, opts);
      result.sent++;
      return;
    }
  }
  const requestId = opts.newId();
  await db.outbox.update(item.id!, { state: 'sending', requestId, attempts: item.attempts + 1 });
  try {
    const answer = (await client.request('POST', '/security/incidents/mergeIncidents', {
      body: mergeBodyOf(item),
      headers: { 'client-request-id': requestId },
      idempotent: false,
    })) as { targetIncidentId?: unknown } | undefined;
    const t = answer?.targetIncidentId;
    const target = typeof t === 'string' && t ? t : typeof t === 'number' ? String(t) : undefined;
    if (!target)
      throw new GraphError(
        'invalid',
        'Microsoft Graph merged the incidents but did not say which one it kept.',
      );
    await completeMerge(db, item, target, opts);
    result.sent++;
  } catch (e) {
    if (!(e instanceof GraphError)) throw e;
    if (e.kind === 'refused') {
      const message = await refuseMerge(db, item, e.message, opts);
      result.refused.push({ moveToken: item.moveToken, message });
      return;
    }
    const notTaken = e.kind === 'throttled' || e.kind === 'auth';
    await db.outbox.update(item.id!, { ...(notTaken ? { state: 'queued' } : {}), lastError: e.message });
    throw e;
  }
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
    if (item.kind === 'mergeIncidents') {
      await drainMerge(item, opts, result);
      continue;
    }
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
