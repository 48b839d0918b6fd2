/**
 * Provisional incident ids: an incident a move creates while connected gets a local id at once, and the id
 * Graph gives it replaces that id everywhere once the move has been sent.
 */
import Dexie from 'dexie';
import type { ActivityEntry } from '../model';
import { summarize } from '../model/derive';
import { NEXT_INCIDENT_ID_KEY } from '../move/move';
import type { MoveRecord, MoverDB } from '../store/db';
import { bodyOf, OPEN_STATES } from './outbox';

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
 * so Undo still works. Call inside a read-write transaction over all of those stores (drain.ts SYNC_TABLES).
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
    const merged = item.body.incidentIds;
    if (Array.isArray(merged) && merged.includes(from))
      await db.outbox.update(item.id!, {
        body: { ...item.body, incidentIds: merged.map((id) => (id === from ? to : id)) },
      });
  }
}
