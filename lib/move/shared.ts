/**
 * What the move (move.ts) and its Undo (undo.ts) both use: the stores their one transaction spans, how they
 * count an incident's alerts, and how they write activity entries.
 */
import type { ActivityEntry, Actor, Alert, Incident, Profile } from '../model';
import { cloneTally, isCompleteTally, type Tally, tallyOf } from '../model/derive';
import { MoverError } from '../model/errors';
import { movePermissionProblems, summarizeProblems } from '../model/permissions';
import type { MoveRecord, MoverDB } from '../store/db';

export interface MoveContext {
  actor: Actor;
  profile: Profile;
  /** ISO 8601 date-time. */
  now: () => string;
  /** A unique token for the move (the undo handle, also on every activity entry it writes). */
  newToken: () => string;
  /**
   * Fault injection (test build only): runs inside the move's transaction after its writes, before it commits.
   * It may await only Dexie calls on the move's tables: any other await would let IndexedDB commit early.
   */
  beforeCommit?: () => Promise<void>;
}

/** An activity entry before the store numbers it. */
export type NewEntry = Omit<ActivityEntry, 'seq'>;

/** Every store a move reads or writes: one read-write transaction over all of them. */
export const moveTables = (db: MoverDB) => [db.incidents, db.alerts, db.activity, db.moves, db.meta];

const LISTED = 5;

/** Up to five ids, then how many more. */
export const listIds = (ids: readonly string[]) =>
  ids.length <= LISTED
    ? ids.join(', ')
    : `${ids.slice(0, LISTED).join(', ')} and ${ids.length - LISTED} more`;

/**
 * The alerts of these incidents, through the incidentId index. One `equals` query per incident: Dexie's
 * `anyOf` walks a cursor (about 50 times slower than these getAll queries on 2,000 alerts).
 */
async function alertsOf(db: MoverDB, incidentIds: readonly string[]): Promise<Alert[]> {
  const lists = await Promise.all(
    incidentIds.map((id) => db.alerts.where('incidentId').equals(id).toArray()),
  );
  return lists.flat();
}

function groupByIncident(alerts: readonly Alert[]): Map<string, Alert[]> {
  const out = new Map<string, Alert[]>();
  for (const a of alerts) {
    const list = out.get(a.incidentId);
    if (list) list.push(a);
    else out.set(a.incidentId, [a]);
  }
  return out;
}

/**
 * The tally of each incident's current alerts (a copy to change): from the incident record, so the alerts that
 * stay are not read; read through the index only for a record that has none (or one from before entity keys).
 */
export async function talliesOf(db: MoverDB, incidents: readonly Incident[]): Promise<Map<string, Tally>> {
  const out = new Map<string, Tally>();
  const missing: string[] = [];
  for (const i of incidents) {
    if (isCompleteTally(i.tally)) out.set(i.id, cloneTally(i.tally));
    else missing.push(i.id);
  }
  if (missing.length) {
    const members = groupByIncident(await alertsOf(db, missing));
    for (const id of missing) out.set(id, tallyOf(members.get(id) ?? []));
  }
  return out;
}

/** How many alerts a tally counts. */
export const countOf = (t: Tally | undefined) => (t ? Object.values(t.scope).reduce((n, c) => n + c, 0) : 0);

/** Alert id → title, for the names an activity entry keeps. */
export const titles = (alerts: readonly Alert[]) => Object.fromEntries(alerts.map((a) => [a.id, a.title]));

/** Adds entries to the activity log (the store gives each its `seq`). */
export async function addActivity(db: MoverDB, entries: readonly NewEntry[]): Promise<void> {
  await db.activity.bulkAdd(entries as ActivityEntry[] as (ActivityEntry & { seq: number })[]);
}

/**
 * The alerts and incidents an operation touched, read back for its Undo, or the reason Undo is refused: one of them
 * is gone or changed since (its version is not the one the operation left), or the analyst may not write them.
 * Call inside the Undo's transaction.
 */
export async function readUnchanged(
  db: MoverDB,
  record: Pick<MoveRecord, 'alerts' | 'incidents'>,
  what: 'move' | 'merge',
  profile: Profile,
): Promise<{ alerts: Alert[]; incidents: Incident[] }> {
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
      `This ${what} can't be undone because things changed since: ${listIds(changes)}. Move the alerts yourself instead.`,
      changes,
    );
  }
  const alerts = foundAlerts as Alert[];
  const problems = movePermissionProblems(profile, alerts);
  if (problems.length) throw new MoverError('permission', summarizeProblems(problems), problems);
  return { alerts, incidents: foundIncidents as Incident[] };
}
