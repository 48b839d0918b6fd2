/**
 * Merges in the outbox (DESIGN §8, §6): a merge made while connected goes to Microsoft Defender as one
 * `POST /security/incidents/mergeIncidents` (body `incidentIds`, `incidentComment`, `mergeReasons`; answers
 * `{ targetIncidentId }`). Defender picks the survivor itself: where it kept another incident than the one kept
 * here, the store follows the service in one transaction (alerts, redirects and activity) and says so in the
 * activity log. A refusal rolls the merge back here, as a refused move is.
 *
 * The functions that write are called inside drain.ts's read-write transaction over every store it names.
 */
import { REDIRECTED_TAG } from '../merge/rules';
import type { ActivityEntry, Actor, Alert, Incident } from '../model';
import { isCorrelationReason } from '../model';
import { withAlerts } from '../model/derive';
import { addActivity } from '../move/shared';
import type { MoveRecord, MoverDB, OutboxItem } from '../store/db';
import { type GraphClient, GraphError } from './client';

/** The request body (https://learn.microsoft.com/graph/api/security-incident-mergeincidents). */
export interface MergeIncidentsBody {
  incidentIds: string[];
  incidentComment?: string;
  mergeReasons?: string;
}

export function mergeBodyOf(item: OutboxItem): MergeIncidentsBody {
  const b = item.body as Partial<MergeIncidentsBody>;
  return {
    incidentIds: Array.isArray(b.incidentIds)
      ? b.incidentIds.filter((x): x is string => typeof x === 'string')
      : [],
    ...(typeof b.incidentComment === 'string' ? { incidentComment: b.incidentComment } : {}),
    ...(typeof b.mergeReasons === 'string' ? { mergeReasons: b.mergeReasons } : {}),
  };
}

/** The outbox body of a merge record: every incident involved, the local survivor first. */
export function mergeBody(record: MoveRecord): MergeIncidentsBody {
  const reasons = [...new Set((record.merge?.reasons ?? []).filter(isCorrelationReason))];
  return {
    incidentIds: record.incidents.map((i) => i.id),
    incidentComment: record.comment,
    // A flags enum: several values in one comma-separated string, as moveAlerts' reasons.
    ...(reasons.length ? { mergeReasons: reasons.join(', ') } : {}),
  };
}

export const mergeWords = (ids: readonly string[]) => `The merge of incidents ${ids.join(', ')}`;

/**
 * After a request whose answer was lost: the survivor if Defender has the merge (every other incident
 * redirected to one of them), else undefined (it is sent again).
 */
export async function readBackMerge(client: GraphClient, item: OutboxItem): Promise<string | undefined> {
  const { incidentIds } = mergeBodyOf(item);
  const found: { id: string; status?: unknown; redirectIncidentId?: unknown }[] = [];
  for (const id of incidentIds) {
    try {
      const inc = (await client.request(
        'GET',
        `/security/incidents/${encodeURIComponent(id)}?$select=id,status,redirectIncidentId`,
      )) as { status?: unknown; redirectIncidentId?: unknown } | null;
      found.push({ id, ...inc });
    } catch (e) {
      if (e instanceof GraphError && e.kind === 'refused') return undefined;
      throw e;
    }
  }
  const kept = found.filter((i) => i.status !== 'redirected');
  if (kept.length !== 1) return undefined;
  const survivor = kept[0]!.id;
  const redirectedThere = found.every(
    (i) => i.id === survivor || String(i.redirectIncidentId ?? '') === survivor,
  );
  return redirectedThere ? survivor : undefined;
}

const union = (...lists: (readonly string[] | null | undefined)[]) => [
  ...new Set(lists.flatMap((l) => l ?? [])),
];

/**
 * Defender kept `target` where this store kept the record's survivor: every alert of the merge goes to
 * `target`, which is restored as it was before the merge (with the merged tags), and every other incident
 * (the local survivor included) redirects to it. Logged on every incident; the record follows. In a transaction.
 */
export async function followServiceSurvivor(
  db: MoverDB,
  record: MoveRecord,
  target: string,
  actor: Actor,
  at: string,
): Promise<void> {
  const merge = record.merge;
  if (!merge || merge.survivorId === target) return;
  const ids = record.incidents.map((i) => i.id);
  if (!ids.includes(target)) return;
  const local = merge.survivorId;
  const incidents = (await db.incidents.bulkGet(ids)).filter((i): i is Incident => !!i);
  const moving = (await db.alerts.where('incidentId').equals(local).toArray()).map(
    (a): Alert => ({ ...a, incidentId: target, version: a.version + 1, lastUpdateDateTime: at }),
  );
  await db.alerts.bulkPut(moving);
  const before = new Map(record.incidents.map((i) => [i.id, i]));
  const beforeTags = new Map(merge.before.map((b) => [b.id, b]));
  const members = await db.alerts.where('incidentId').equals(target).toArray();
  const updated = incidents.map((inc) => {
    if (inc.id === target) {
      const was = before.get(target);
      const tags = beforeTags.get(target);
      return withAlerts(inc, members, at, {
        status: was?.status ?? 'active',
        redirectIncidentId: tags?.redirectIncidentId ?? null,
        systemTags: (tags?.systemTags ?? []).filter((t) => t !== REDIRECTED_TAG),
        customTags: union(...incidents.map((i) => i.customTags)),
      });
    }
    return withAlerts(inc, [], at, {
      status: 'redirected',
      redirectIncidentId: target,
      systemTags: union(inc.systemTags, [REDIRECTED_TAG]),
    });
  });
  await db.incidents.bulkPut(updated);

  const names = Object.fromEntries(incidents.map((i) => [i.id, i.displayName]));
  const others = ids.filter((id) => id !== target);
  const comment = `Microsoft Defender kept incident ${target} rather than incident ${local} when it merged them, so the alerts are in incident ${target} here too.`;
  const entry = (incidentId: string, kind: string, alertIds: string[], from: string[]) =>
    ({
      incidentId,
      at,
      actor,
      kind,
      alertIds,
      fromIncidentIds: from,
      toIncidentId: target,
      comment,
      reasons: [],
      names: { incidents: names, alerts: Object.fromEntries(moving.map((a) => [a.id, a.title])) },
      moveToken: record.token,
    }) satisfies Omit<ActivityEntry, 'seq'>;
  await addActivity(db, [
    entry(
      target,
      'incidentsMerged',
      moving.map((a) => a.id),
      others,
    ),
    ...others.map((id) => entry(id, 'mergedInto', id === local ? moving.map((a) => a.id) : [], [id])),
  ]);
  const version = new Map(updated.map((i) => [i.id, i.version]));
  await db.moves.put({
    ...record,
    destinationIncidentId: target,
    incidents: record.incidents.map((i) => ({ ...i, versionAfter: version.get(i.id) ?? i.versionAfter })),
    merge: {
      ...merge,
      survivorId: target,
      mergedIncidentIds: others,
      ...(merge.result
        ? {
            result: {
              ...merge.result,
              survivorId: target,
              survivorName: names[target] ?? target,
              mergedIncidentIds: others,
            },
          }
        : {}),
    },
  });
}

/**
 * Rolls back a merge Defender refused: the alerts that are still in the survivor go back where they were, the
 * merged incidents get their status, tags and redirect back, and every incident's log says why. In a transaction.
 */
export async function rollbackMerge(
  db: MoverDB,
  record: MoveRecord,
  message: string,
  actor: Actor,
  at: string,
): Promise<void> {
  const merge = record.merge;
  if (!merge) return;
  const survivor = merge.survivorId;
  const backTo = new Map(record.alerts.map((a) => [a.alertId, a.fromIncidentId]));
  const current = (await db.alerts.bulkGet(record.alerts.map((a) => a.alertId))).filter(
    (a): a is Alert => !!a,
  );
  const returning = current
    .filter((a) => a.incidentId === survivor && backTo.has(a.id))
    .map((a) => ({ ...a, incidentId: backTo.get(a.id)!, version: a.version + 1, lastUpdateDateTime: at }));
  await db.alerts.bulkPut(returning);

  const ids = record.incidents.map((i) => i.id);
  const incidents = (await db.incidents.bulkGet(ids)).filter((i): i is Incident => !!i);
  const before = new Map(record.incidents.map((i) => [i.id, i]));
  const beforeTags = new Map(merge.before.map((b) => [b.id, b]));
  const updated: Incident[] = [];
  for (const inc of incidents) {
    const members = await db.alerts.where('incidentId').equals(inc.id).toArray();
    const was = before.get(inc.id);
    const tags = beforeTags.get(inc.id);
    const wasMerged =
      inc.id !== survivor && inc.status === 'redirected' && inc.redirectIncidentId === survivor;
    updated.push(
      withAlerts(
        inc,
        members,
        at,
        inc.id === survivor
          ? { customTags: tags && Object.hasOwn(tags, 'customTags') ? (tags.customTags ?? null) : null }
          : wasMerged
            ? {
                status: was?.status ?? 'active',
                redirectIncidentId: tags?.redirectIncidentId ?? null,
                systemTags: tags?.systemTags ?? null,
              }
            : {},
      ),
    );
  }
  await db.incidents.bulkPut(updated);

  const names = Object.fromEntries(incidents.map((i) => [i.id, i.displayName]));
  const comment = `Microsoft Defender refused this merge, so it was rolled back here: ${message}`;
  await addActivity(
    db,
    updated.map((inc) => ({
      incidentId: inc.id,
      at,
      actor,
      kind: 'syncRollback',
      alertIds: (inc.id === survivor ? returning : returning.filter((a) => a.incidentId === inc.id)).map(
        (a) => a.id,
      ),
      fromIncidentIds: inc.id === survivor ? [] : [survivor],
      toIncidentId: inc.id === survivor ? null : inc.id,
      comment,
      reasons: [],
      names: { incidents: names, alerts: Object.fromEntries(current.map((a) => [a.id, a.title])) },
      moveToken: record.token,
    })),
  );
  await db.moves.put({
    ...record,
    sync: 'failed',
    syncError: message,
    undoneBy: record.undoneBy ?? 'syncRollback',
  });
}
