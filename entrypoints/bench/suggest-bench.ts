/**
 * Suggested incidents and the split proposal (lib/suggest) on the store under measurement: suggestions for one
 * alert and for 50 selected alerts, next to a baseline from the same run (read every incident's entity keys
 * and count what each shares with the selection: a full scan); the proposal for a 200-alert incident (made
 * first by moving alerts into one incident); and the ranking's accuracy on the labelled evaluation set.
 */
import { DEFAULT_PROFILE, SYSTEM_ACTOR } from '@/lib/model';
import { alertEntities } from '@/lib/model/derive';
import type { MoverDB } from '@/lib/store/db';
import { rng } from './move-bench';

type SuggestModules = {
  read: typeof import('@/lib/suggest/read');
  split: typeof import('@/lib/suggest/split');
  evaluation: typeof import('@/lib/suggest/evaluation');
  move: typeof import('@/lib/move/move');
};

export interface SuggestBenchOptions {
  runs: number;
  /** Runs of the full-scan baseline (it reads every incident). */
  baselineRuns: number;
  seed: number;
  splitSize: number;
}

/** The baseline: every incident read, each scored by how many of the selection's keys it holds. */
async function fullScan(db: MoverDB, alertIds: string[]) {
  const alerts = (await db.alerts.bulkGet(alertIds)).filter((a) => !!a);
  const keys = new Set(alerts.flatMap((a) => alertEntities(a!)));
  const sources = new Set(alerts.map((a) => a!.incidentId));
  const scored: { id: string; n: number }[] = [];
  await db.incidents.each((i) => {
    if (sources.has(i.id)) return;
    let n = 0;
    for (const k of i.entities ?? []) if (keys.has(k)) n++;
    if (n) scored.push({ id: i.id, n });
  });
  return scored.sort((a, b) => b.n - a.n).slice(0, 5);
}

export async function suggestBench(db: MoverDB, lib: SuggestModules, opts: SuggestBenchOptions) {
  const random = rng(opts.seed);
  const alertKeys = (await db.alerts.toCollection().primaryKeys()) as string[];
  const pick = (n: number) => {
    const ids = new Set<string>();
    while (ids.size < Math.min(n, alertKeys.length))
      ids.add(alertKeys[Math.floor(random() * alertKeys.length)]!);
    return [...ids];
  };
  const time = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  const cases: { count: number; suggest: number[]; fullScan: number[]; suggestions: number }[] = [];
  for (const count of [1, 50]) {
    const suggest: number[] = [];
    const scan: number[] = [];
    let suggestions = 0;
    // A warm-up: the first read of a connection also opens it.
    await lib.read.suggestIncidents(db, pick(count), { profile: DEFAULT_PROFILE });
    const selections = Array.from({ length: opts.runs }, () => pick(count));
    for (const ids of selections)
      suggest.push(
        await time(async () => {
          suggestions += (await lib.read.suggestIncidents(db, ids, { profile: DEFAULT_PROFILE })).length;
        }),
      );
    // The baseline's runs come after, on the same selections: each reads every incident, and a suggestion timed
    // right after one would pay for collecting its garbage (a flyout never follows a full scan).
    for (const ids of selections.slice(0, opts.baselineRuns)) scan.push(await time(() => fullScan(db, ids)));
    cases.push({ count, suggest, fullScan: scan, suggestions });
  }

  // A 200-alert incident: alerts of the largest incidents moved into one of them (not timed).
  // The largest incident of at most that size (the move bench may have made a far larger one).
  const incidents = (await db.incidents.toArray()).filter(
    (i) => i.status !== 'redirected' && i.alertCount <= opts.splitSize,
  );
  incidents.sort((a, b) => b.alertCount - a.alertCount);
  const target = incidents[0]!;
  let size = target.alertCount;
  const donors: string[] = [];
  for (const i of incidents.slice(1)) {
    if (size + donors.length >= opts.splitSize) break;
    const ids = (await db.alerts.where('incidentId').equals(i.id).primaryKeys()) as string[];
    donors.push(...ids.slice(0, opts.splitSize - size - donors.length));
  }
  if (donors.length) {
    await lib.move.moveAlerts(
      db,
      {
        alertIds: donors,
        target: { kind: 'existing', incidentId: target.id },
        comment: 'Benchmark: an incident to split.',
        reasons: [],
      },
      {
        actor: SYSTEM_ACTOR,
        profile: DEFAULT_PROFILE,
        now: () => new Date().toISOString(),
        newToken: () => crypto.randomUUID(),
      },
    );
    size += donors.length;
  }
  const split: number[] = [];
  let groups = 0;
  for (let run = 0; run < opts.runs; run++)
    split.push(
      await time(async () => {
        groups = (await lib.split.proposeSplit(db, target.id)).groups.length;
      }),
    );

  const { set, truth } = lib.evaluation.generateEvaluationSet();
  const accuracy = lib.evaluation.evaluate(set, truth);
  return {
    incidents: await db.incidents.count(),
    alerts: alertKeys.length,
    cases,
    split: { alerts: size, groups, ms: split },
    accuracy,
  };
}
