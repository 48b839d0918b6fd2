/**
 * The store's invariants, checked after a fault: the whole store is read from an extension page (raw IndexedDB, as
 * a tool would), and checked here in Node with the model's own derivation (lib/model/derive.ts).
 * - every alert is in exactly one incident, and that incident exists;
 * - every incident's derived fields equal a recomputation from its alerts;
 * - the activity log holds each move whole or not at all (a move record and its entries, both or neither);
 * - the outbox holds each move at most once;
 * - merges: every alert is in an incident that is not redirected; a merged incident redirects to its survivor
 *   (an incident that exists and is not redirected itself) and holds no alert; a merge's log is whole (one
 *   "incidents merged" entry on the survivor naming every alert it moved, one "merged into" per merged incident).
 */
import { expect, type Page } from '@playwright/test';
import type { ActivityEntry, Alert, Incident } from '@/lib/model';
import { summarize } from '@/lib/model/derive';
import type { MoveRecord, OutboxItem } from '@/lib/store/db';

export interface WholeStore {
  incidents: Incident[];
  alerts: Alert[];
  activity: (ActivityEntry & { seq: number })[];
  moves: MoveRecord[];
  outbox: OutboxItem[];
  meta: { key: string; value: unknown }[];
}

/** Every record of every object store, in one read-only transaction. */
export function readWholeStore(page: Page): Promise<WholeStore> {
  return page.evaluate(
    () =>
      new Promise<WholeStore>((resolve, reject) => {
        const open = indexedDB.open('incident-mover');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = ['incidents', 'alerts', 'activity', 'moves', 'outbox', 'meta'] as const;
          const tx = db.transaction([...names]);
          const out: Record<string, unknown[]> = {};
          for (const name of names) {
            const req = tx.objectStore(name).getAll();
            req.onsuccess = () => {
              out[name] = req.result;
            };
          }
          tx.oncomplete = () => {
            db.close();
            resolve(out as unknown as WholeStore);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/** Record counts per object store. */
export const countsOf = (s: WholeStore) =>
  Object.fromEntries(Object.entries(s).map(([k, v]) => [k, (v as unknown[]).length]));

const sorted = (xs: readonly string[] | undefined) => [...(xs ?? [])].sort();

/** What is wrong with the store, in sentences (empty when it is consistent). */
export function storeProblems(store: WholeStore): string[] {
  const problems: string[] = [];
  const incidents = new Map(store.incidents.map((i) => [i.id, i]));
  const members = new Map<string, Alert[]>();
  const seenAlerts = new Set<string>();
  for (const a of store.alerts) {
    if (seenAlerts.has(a.id)) problems.push(`alert ${a.id} is stored twice`);
    seenAlerts.add(a.id);
    if (!incidents.has(a.incidentId))
      problems.push(`alert ${a.id} is in incident ${a.incidentId}, which does not exist`);
    const list = members.get(a.incidentId) ?? [];
    list.push(a);
    members.set(a.incidentId, list);
  }
  for (const incident of store.incidents) {
    const s = summarize(members.get(incident.id) ?? []);
    const derived = {
      alertCount: s.alertCount,
      categories: s.categories,
      serviceSources: s.serviceSources,
      detectionSources: s.detectionSources,
      assets: s.assets,
      scopes: s.scopes,
    };
    const stored = {
      alertCount: incident.alertCount,
      categories: sorted(incident.categories),
      serviceSources: sorted(incident.serviceSources),
      detectionSources: sorted(incident.detectionSources),
      assets: sorted(incident.assets),
      scopes: sorted(incident.scopes),
    };
    if (JSON.stringify(stored) !== JSON.stringify(derived))
      problems.push(
        `incident ${incident.id}: stored ${JSON.stringify(stored)}, recomputed ${JSON.stringify(derived)}`,
      );
    if (
      incident.tally &&
      JSON.stringify(normalTally(incident.tally)) !== JSON.stringify(normalTally(s.tally))
    )
      problems.push(`incident ${incident.id}: its stored tally differs from its alerts'`);
  }

  const entriesByToken = new Map<string, (ActivityEntry & { seq: number })[]>();
  for (const e of store.activity) {
    if (!e.moveToken) continue;
    const list = entriesByToken.get(e.moveToken) ?? [];
    list.push(e);
    entriesByToken.set(e.moveToken, list);
  }
  const moves = new Map(store.moves.map((m) => [m.token, m]));
  for (const a of store.alerts) {
    const home = incidents.get(a.incidentId);
    if (home?.status === 'redirected')
      problems.push(`alert ${a.id} is in incident ${a.incidentId}, which was merged into another`);
  }
  for (const incident of store.incidents) {
    if (incident.status !== 'redirected') continue;
    const survivor = incident.redirectIncidentId ? incidents.get(incident.redirectIncidentId) : undefined;
    if (!survivor || survivor.status === 'redirected')
      problems.push(
        `incident ${incident.id} redirects to ${incident.redirectIncidentId ?? 'nothing'}, which is not an incident in use`,
      );
  }

  for (const [token, entries] of entriesByToken) {
    const move = moves.get(token);
    if (!move) {
      problems.push(`the activity log holds ${entries.length} entries of move ${token}, which was not saved`);
      continue;
    }
    if (move.merge) {
      problems.push(...mergeLogProblems(move, entries));
      continue;
    }
    const correlated = entries.filter((e) => e.kind === 'alertCorrelated');
    if (correlated.length !== 1)
      problems.push(`move ${token} has ${correlated.length} "alert correlated" entries instead of one`);
    const movedOut = entries.filter((e) => e.kind === 'alertMovedOut').flatMap((e) => e.alertIds ?? []);
    const expected = move.alerts.map((a) => a.alertId);
    if (JSON.stringify(sorted(movedOut)) !== JSON.stringify(sorted(expected)))
      problems.push(
        `move ${token}: the log has ${movedOut.length} alerts moved out, the move moved ${expected.length}`,
      );
  }
  for (const token of moves.keys())
    if (!entriesByToken.has(token)) problems.push(`move ${token} was saved without its activity entries`);

  const outboxTokens = new Map<string, number>();
  for (const item of store.outbox)
    outboxTokens.set(item.moveToken, (outboxTokens.get(item.moveToken) ?? 0) + 1);
  for (const [token, n] of outboxTokens) {
    if (n > 1) problems.push(`the outbox holds move ${token} ${n} times`);
    if (!moves.has(token)) problems.push(`the outbox holds move ${token}, which was not saved`);
  }
  return problems;
}

/** A merge's activity: one "incidents merged" entry naming every alert it moved, one "merged into" per merged incident. */
function mergeLogProblems(move: MoveRecord, entries: ActivityEntry[]): string[] {
  const merge = move.merge!;
  if (merge.kind !== 'merge') return [];
  const problems: string[] = [];
  const survivorEntries = entries.filter((e) => e.kind === 'incidentsMerged');
  if (survivorEntries.length !== 1 || survivorEntries[0]!.incidentId !== merge.survivorId)
    problems.push(
      `merge ${move.token} has ${survivorEntries.length} "incidents merged" entries on its survivor instead of one`,
    );
  const movedIn = survivorEntries.flatMap((e) => e.alertIds ?? []);
  const expected = move.alerts.map((a) => a.alertId);
  if (JSON.stringify(sorted(movedIn)) !== JSON.stringify(sorted(expected)))
    problems.push(
      `merge ${move.token}: the log has ${movedIn.length} alerts moved in, the merge moved ${expected.length}`,
    );
  const mergedInto = sorted(entries.filter((e) => e.kind === 'mergedInto').map((e) => e.incidentId));
  if (JSON.stringify(mergedInto) !== JSON.stringify(sorted(merge.mergedIncidentIds)))
    problems.push(
      `merge ${move.token}: "merged into" entries on ${mergedInto.join(', ') || 'no incident'}, merged ${merge.mergedIncidentIds.join(', ')}`,
    );
  return problems;
}

function normalTally(t: object) {
  return Object.fromEntries(
    Object.entries(t as Record<string, Record<string, number>>)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))]),
  );
}

/** Reads the whole store and expects it consistent; answers it for further checks. */
export async function expectConsistentStore(page: Page): Promise<WholeStore> {
  const store = await readWholeStore(page);
  expect(storeProblems(store)).toEqual([]);
  return store;
}
