/**
 * The proposal for `Split incident` (DESIGN §7): an incident's alerts fall into groups connected by the rare
 * entities they share (a domain controller or a proxy that half the incidents hold connects nothing). The largest
 * group comes first and stays in the incident; an alert that shares no rare entity with any other alert stays
 * with it too, so nothing is split off on its own. Pure `proposeGroups`; `proposeSplit` reads the store.
 */
import type { Alert } from '../model';
import { alertEntities } from '../model/derive';
import type { MoverDB } from '../store/db';
import { rareLimit } from './rank';
import { holdersOf, incidentCountForRarity } from './read';

export interface GroupingAlert {
  id: string;
  entities: readonly string[];
  createdDateTime: string;
}

/** Alert ids in groups, the group that stays first. One group when nothing splits the alerts apart. */
export function proposeGroups(
  alerts: readonly GroupingAlert[],
  isRare: (key: string) => boolean,
): string[][] {
  const parent = alerts.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const firstWithKey = new Map<string, number>();
  alerts.forEach((a, i) => {
    for (const key of a.entities) {
      if (!isRare(key)) continue;
      const j = firstWithKey.get(key);
      if (j === undefined) firstWithKey.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  const byRoot = new Map<number, number[]>();
  alerts.forEach((_, i) => {
    const r = find(i);
    const group = byRoot.get(r);
    if (group) group.push(i);
    else byRoot.set(r, [i]);
  });
  // Date-time strings (ISO 8601) order as text.
  const earliest = (g: number[]) => g.map((i) => alerts[i]!.createdDateTime).sort()[0] ?? '';
  const connected = [...byRoot.values()].filter((g) => g.length > 1);
  const loners = [...byRoot.values()].filter((g) => g.length === 1).flat();
  connected.sort((a, b) => b.length - a.length || earliest(a).localeCompare(earliest(b)));
  if (connected.length === 0) return [alerts.map((a) => a.id)];
  connected[0] = [...connected[0]!, ...loners].sort((a, b) => a - b);
  return connected.map((g) => g.map((i) => alerts[i]!.id));
}

/** The keys held by at least two of the alerts: the only ones that can put two alerts in one group. */
export function connectingKeys(alerts: readonly Pick<GroupingAlert, 'entities'>[]): string[] {
  const seen = new Set<string>();
  const connecting = new Set<string>();
  for (const a of alerts)
    for (const key of new Set(a.entities)) {
      if (seen.has(key)) connecting.add(key);
      else seen.add(key);
    }
  return [...connecting];
}

export interface SplitProposal {
  incidentId: string;
  /** The incident's alerts, oldest first. */
  alerts: Alert[];
  groups: string[][];
}

/** The proposal for an incident, read from the store: its alerts, and how many incidents hold each of their keys. */
export function proposeSplit(db: MoverDB, incidentId: string): Promise<SplitProposal> {
  return db.transaction('r', [db.alerts, db.incidents], () => readProposal(db, incidentId));
}

async function readProposal(db: MoverDB, incidentId: string): Promise<SplitProposal> {
  const alerts = await db.alerts
    .where('[incidentId+createdDateTime]')
    .between([incidentId, ''], [incidentId, '\uffff'])
    .toArray();
  const grouping = alerts.map((a) => ({
    id: a.id,
    entities: alertEntities(a),
    createdDateTime: a.createdDateTime,
  }));
  // Only a key two of its alerts hold can connect them: the others need no lookup.
  const [count, holders] = await Promise.all([
    incidentCountForRarity(db),
    holdersOf(db, connectingKeys(grouping)),
  ]);
  const limit = rareLimit(count);
  const groups = proposeGroups(
    grouping,
    (k) => (holders.get(k)?.length ?? Number.POSITIVE_INFINITY) <= limit,
  );
  return { incidentId, alerts, groups };
}
