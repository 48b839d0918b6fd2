/**
 * Writes a parsed import into the store: one read-write transaction, in batches with progress.
 */

import type { ActivityEntry, Alert, GraphAlert, GraphIncident, Incident } from '../../model';
import { summarize, toStoredAlert, toStoredIncident } from '../../model/derive';
import type { MoverDB } from '../../store/db';
import type { ParsedImport } from './parse';
import type { Obj } from './problems';

export interface WriteImportOptions {
  now: string;
  /** Origin of incidents the file does not mark; default `imported`. */
  origin?: Incident['origin'];
  /** Called between batches, with records written so far and in all. */
  onProgress?: (done: number, total: number) => void;
  /** Records per bulkPut; default 5,000. */
  batchSize?: number;
}

export interface ImportCounts {
  incidents: number;
  alerts: number;
  activity: number;
}

type StoredActivity = ActivityEntry & { seq: number };

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Obj)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Obj)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Obj)[k], (b as Obj)[k]));
}

/**
 * A record's version after an import: the file's own when it carries one that is not behind the store (export →
 * import gives back the same store, and sync keeps an unchanged record's version); otherwise the stored one + 1, so
 * versions never go back and an old Undo record can't match again.
 */
function nextVersion(fromFile: number | undefined, stored: number | undefined): number {
  if (stored === undefined) return fromFile ?? 1;
  return fromFile !== undefined && fromFile >= stored ? fromFile : stored + 1;
}

/**
 * Upserts a parsed file in ONE read-write transaction (all or nothing), in batches with progress.
 * Derived incident fields reflect each touched incident's full set of alerts after the import,
 * including alerts already stored that the file does not list, and incidents that lost an alert to
 * another incident are recomputed too. Versions go up by one on records the file updates (so an
 * open flyout notices), unless the file carries a version (our export does).
 */
export async function writeImport(
  db: MoverDB,
  data: ParsedImport,
  opts: WriteImportOptions,
): Promise<ImportCounts> {
  const { now } = opts;
  const origin = opts.origin ?? 'imported';
  const batchSize = Math.max(1, opts.batchSize ?? 5_000);

  const fileAlerts = new Map<string, GraphAlert>();
  const fileIncidentIds = new Set<string>();
  for (const incident of data.incidents) {
    fileIncidentIds.add(incident.id);
    for (const alert of incident.alerts ?? []) fileAlerts.set(alert.id, alert);
  }
  // Alerts listed without their incident, by the incident they name.
  const looseByIncident = new Map<string, GraphAlert[]>();
  for (const alert of data.alerts ?? []) {
    fileAlerts.set(alert.id, alert);
    const list = looseByIncident.get(alert.incidentId);
    if (list) list.push(alert);
    else looseByIncident.set(alert.incidentId, [alert]);
  }
  const alertIds = [...fileAlerts.keys()];

  return db.transaction('rw', [db.incidents, db.alerts, db.activity], async () => {
    // What the store holds now, read in bulk (nothing to read into an empty store: the common first import).
    // Whether a first record exists, not a count: counting reads every key, and a streamed import calls this
    // once per staged batch into a growing store.
    const storeIsEmpty =
      (await db.alerts.limit(1).primaryKeys()).length === 0 &&
      (await db.incidents.limit(1).primaryKeys()).length === 0;
    const before = storeIsEmpty ? [] : await db.alerts.bulkGet(alertIds);
    const previousVersion = new Map<string, number>();
    const touched = new Set([...fileIncidentIds, ...looseByIncident.keys()]);
    for (const old of before) {
      if (!old) continue;
      previousVersion.set(old.id, old.version);
      if (old.incidentId !== fileAlerts.get(old.id)?.incidentId) touched.add(old.incidentId);
    }
    const touchedIds = [...touched];
    const existing = new Map<string, Incident>();
    if (!storeIsEmpty) {
      for (const incident of await db.incidents.bulkGet(touchedIds))
        if (incident) existing.set(incident.id, incident);
    }
    const storedIds = storeIsEmpty
      ? []
      : ((await db.alerts.where('incidentId').anyOf(touchedIds).primaryKeys()) as string[]);
    const keptIds = storedIds.filter((id) => !fileAlerts.has(id));
    const kept = (await db.alerts.bulkGet(keptIds)).filter((a): a is Alert => a !== undefined);

    // The records to write.
    const byIncident = new Map<string, Alert[]>();
    const group = (alert: Alert) => {
      const list = byIncident.get(alert.incidentId);
      if (list) list.push(alert);
      else byIncident.set(alert.incidentId, [alert]);
    };
    const alerts: Alert[] = [];
    for (const alert of fileAlerts.values()) {
      const previous = previousVersion.get(alert.id);
      const stored = toStoredAlert({ ...alert, version: nextVersion(alert.version, previous) }, now);
      alerts.push(stored);
      group(stored);
    }
    for (const alert of kept) group(alert);

    const incidents: Incident[] = [];
    for (const incident of data.incidents) {
      const previous = existing.get(incident.id);
      const version = nextVersion(incident.version, previous?.version);
      incidents.push(
        toStoredIncident({ ...incident, version }, byIncident.get(incident.id) ?? [], now, origin),
      );
    }
    // Incidents that alerts listed on their own go into: the stored incident gains them (its own fields as
    // they are); one not in the store yet is a placeholder, until an incidents import or a sync brings it
    // (which then replaces it whole, like any incident the file or Graph lists).
    let placeholders = 0;
    for (const [id, own] of looseByIncident) {
      const previous = existing.get(id);
      const members = byIncident.get(id) ?? [];
      if (previous) {
        incidents.push(
          toStoredIncident(
            { ...previous, version: previous.version + 1 } as GraphIncident,
            members,
            now,
            previous.origin,
          ),
        );
        continue;
      }
      placeholders++;
      const created = own
        .map((a) => a.createdDateTime)
        .reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
      incidents.push({
        ...toStoredIncident(
          {
            id,
            displayName: `Incident ${id}`,
            description:
              'Only alerts of this incident were imported: its own details come with the next import of incidents or sync.',
            status: 'active',
            severity: summarize(members).severity ?? 'unknown',
            createdDateTime: created,
            lastUpdateDateTime: now,
          },
          members,
          now,
          origin,
        ),
        placeholder: true,
      } as Incident);
    }
    // Incidents the file does not list but that lost alerts to incidents it does.
    for (const id of touchedIds) {
      const previous = existing.get(id);
      if (fileIncidentIds.has(id) || looseByIncident.has(id) || !previous) continue;
      const { severity, ...derived } = summarize(byIncident.get(id) ?? []);
      incidents.push({
        ...previous,
        ...derived,
        severity: severity ?? previous.severity,
        version: previous.version + 1,
        lastUpdateDateTime: now,
      });
    }

    // Activity is append-only: restore entries at their seq, unless that seq holds a different entry
    // (a file from another store), which then gets a new seq rather than overwrite history.
    const withSeq = data.activity.filter((e): e is StoredActivity => e.seq !== undefined);
    const atSeq = new Map<number, StoredActivity>();
    for (const there of await db.activity.bulkGet(withSeq.map((e) => e.seq)))
      if (there) atSeq.set(there.seq, there);
    const restore: StoredActivity[] = [];
    const append: ActivityEntry[] = [];
    for (const entry of data.activity) {
      const there = entry.seq === undefined ? undefined : atSeq.get(entry.seq);
      if (entry.seq !== undefined && !there) restore.push(entry as StoredActivity);
      else if (!there || !sameJson(there, entry)) append.push(entry);
    }

    const total = alerts.length + incidents.length + restore.length + append.length;
    let done = 0;
    const inBatches = async <T>(rows: T[], write: (batch: T[]) => Promise<unknown>) => {
      for (let i = 0; i < rows.length; i += batchSize) {
        const batch = rows.slice(i, i + batchSize);
        await write(batch);
        done += batch.length;
        opts.onProgress?.(done, total);
      }
    };
    opts.onProgress?.(0, total);
    // Into an empty store every alert is new (one per id, from the map above): added, not put, so nothing has to
    // be read before each write (the counters' middleware reads what a put replaces).
    await inBatches(alerts, (b) => (storeIsEmpty ? db.alerts.bulkAdd(b) : db.alerts.bulkPut(b)));
    await inBatches(incidents, (b) => db.incidents.bulkPut(b));
    await inBatches(restore, (b) => db.activity.bulkPut(b));
    await inBatches(append, (b) =>
      db.activity.bulkAdd(b.map(({ seq: _seq, ...entry }) => entry) as StoredActivity[]),
    );
    return {
      incidents: data.incidents.length + placeholders,
      alerts: alerts.length,
      activity: data.activity.length,
    };
  });
}
