/**
 * Merge incidents, measured as the background runs it: lib/merge `mergeIncidents` on the real Dexie store, five
 * incidents of 1,000 alerts each (4,000 alerts move into the survivor). Next to each run, the baseline: one raw
 * IndexedDB transaction making exactly the same writes (the moved alerts, the five incidents, the activity rows,
 * the merge record), replayed right after the merge. Their ratio is the figure of merit (target ≤ 1.5×).
 *
 * The incidents are made for each run from alerts already in the store (cloned under new ids), so the store
 * around them is the bench's (200,000 alerts at the largest size).
 */
import { type MergeRequest, mergeIncidents } from '@/lib/merge';
import { type Alert, DEFAULT_PROFILE, type Incident } from '@/lib/model';
import { toStoredIncident } from '@/lib/model/derive';
import type { MoverDB } from '@/lib/store/db';
import { openRaw, rawWrite } from './raw-idb';

export interface MergeBenchOptions {
  runs: number;
  warmup: number;
  incidents: number;
  alertsPer: number;
}

export interface MergeBenchResult {
  incidents: number;
  alertsPer: number;
  /** Alerts in the store when measured. */
  storeAlerts: number;
  movedAlerts: number;
  activityRows: number;
  /** mergeIncidents, ms per run. */
  merge: number[];
  /** The same writes in one raw IndexedDB transaction, ms per run. */
  raw: number[];
}

/** Adds `n` incidents of `per` alerts each, cloned from the store's first alerts; answers their ids. */
async function makeIncidents(db: MoverDB, run: number, n: number, per: number): Promise<string[]> {
  const template = await db.alerts.limit(per).toArray();
  const now = new Date().toISOString();
  const ids: string[] = [];
  const alerts: Alert[] = [];
  const incidents: Incident[] = [];
  for (let k = 0; k < n; k++) {
    const id = `bench-merge-${Date.now()}-${run}-${k}`;
    ids.push(id);
    const own = template.map((a, j) => ({ ...a, id: `${id}-a${j}`, incidentId: id, version: 1 }));
    alerts.push(...own);
    incidents.push(
      toStoredIncident(
        {
          id,
          displayName: `Benchmark merge ${run}.${k}`,
          status: 'active',
          severity: 'medium',
          // Oldest first: the first incident survives (all have as many alerts).
          createdDateTime: new Date(Date.parse(now) - (n - k) * 60_000).toISOString(),
        },
        own,
        now,
        'local',
      ),
    );
  }
  await db.transaction('rw', [db.alerts, db.incidents], async () => {
    await db.alerts.bulkAdd(alerts);
    await db.incidents.bulkAdd(incidents);
  });
  return ids;
}

export async function mergeBench(db: MoverDB, opts: MergeBenchOptions): Promise<MergeBenchResult> {
  const raw = await openRaw(db.name);
  const profile = DEFAULT_PROFILE;
  let tokens = 0;
  const ctx = {
    actor: { displayName: profile.displayName, upn: profile.upn },
    profile,
    now: () => new Date().toISOString(),
    newToken: () => `bench-merge-${Date.now()}-${tokens++}`,
  };
  const result: MergeBenchResult = {
    incidents: opts.incidents,
    alertsPer: opts.alertsPer,
    storeAlerts: 0,
    movedAlerts: 0,
    activityRows: 0,
    merge: [],
    raw: [],
  };
  try {
    for (let run = 0; run < opts.warmup + opts.runs; run++) {
      const ids = await makeIncidents(db, run, opts.incidents, opts.alertsPer);
      result.storeAlerts = await db.alerts.count();
      const request: MergeRequest = {
        incidentIds: ids,
        comment: 'Benchmark: merged by npm run bench.',
        reasons: ['sameCampaign'],
      };
      const t0 = performance.now();
      const merged = await mergeIncidents(db, request, ctx);
      const mergeMs = performance.now() - t0;

      // What the merge wrote, read back, then written again by plain IndexedDB over the same keys.
      const [alertsAfter, incidentsAfter, activity, record] = await Promise.all([
        db.alerts.bulkGet(merged.movedAlertIds),
        db.incidents.bulkGet(ids),
        db.activity.where('moveToken').equals(merged.token).toArray(),
        db.moves.get(merged.token),
      ]);
      const t1 = performance.now();
      await rawWrite(raw, {
        alerts: { put: alertsAfter },
        incidents: { put: incidentsAfter },
        activity: { add: activity.map(({ seq: _seq, ...entry }) => entry) },
        moves: { put: record ? [{ ...record, token: `${merged.token}-raw` }] : [] },
      });
      const rawMs = performance.now() - t1;

      if (run >= opts.warmup) {
        result.merge.push(mergeMs);
        result.raw.push(rawMs);
      }
      result.movedAlerts = merged.movedAlertIds.length;
      result.activityRows = activity.length;
    }
  } finally {
    raw.close();
  }
  return result;
}
