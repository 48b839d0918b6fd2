/**
 * The move, measured as the background runs it: lib/move.ts `moveAlerts` on the real Dexie store. Next
 * to each run, the baseline: one raw IndexedDB transaction making exactly the same writes (the same
 * alert and incident records, the same activity rows, the same undo record, and the counter rows and
 * incident cards the store keeps in the move's transaction), replayed right after the move. Their ratio is
 * the figure of merit. Two more baselines: the records alone (without the counter rows and cards), and the
 * reads a move cannot avoid (the alerts, the touched incidents and their members, all requested at once)
 * before the same writes.
 */

import { DEFAULT_PROFILE } from '@/lib/model';
import type { moveAlerts as MoveAlerts } from '@/lib/move/move';
import { CARDS_TABLE } from '@/lib/store/cards';
import { COUNTERS_TABLE, CounterDeltas, type CounterKey, type CounterRow } from '@/lib/store/counters';
import type { MoverDB } from '@/lib/store/db';
import { openRaw, rawReadThenWrite, rawWrite } from './raw-idb';

export interface MoveCaseResult {
  count: number;
  target: 'existing' | 'new';
  /** moveAlerts, ms per run. */
  move: number[];
  /** The same writes in one raw IndexedDB transaction (counter rows and cards included), ms per run. */
  raw: number[];
  /** The same alert, incident, activity and undo records alone, ms per run. */
  rawRecords: number[];
  /** Counter rows and cards the move wrote in its transaction (last run). */
  derivedRows: number;
  /** The reads a move needs (alerts, touched incidents and their members), then the same writes, ms per run. */
  rawRead: number[];
  /** Source incidents and activity rows of the last run (what the move had to write). */
  sources: number;
  activityRows: number;
}

export interface MoveBenchOptions {
  counts: number[];
  runs: number;
  warmup: number;
  seed: number;
}

/** Small deterministic PRNG (mulberry32), so every run of the bench picks the same alerts. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function moveBench(db: MoverDB, moveAlerts: typeof MoveAlerts, opts: MoveBenchOptions) {
  const random = rng(opts.seed);
  const alertKeys = (await db.alerts.toCollection().primaryKeys()) as string[];
  const incidentKeys = (await db.incidents.toCollection().primaryKeys()) as string[];
  const used = new Set<string>();
  const pickAlerts = (n: number) => {
    const out: string[] = [];
    while (out.length < n && used.size < alertKeys.length) {
      const id = alertKeys[Math.floor(random() * alertKeys.length)]!;
      if (used.has(id)) continue;
      used.add(id);
      out.push(id);
    }
    return out;
  };
  const raw = await openRaw(db.name);
  const profile = DEFAULT_PROFILE;
  let tokens = 0;
  const ctx = {
    actor: { displayName: profile.displayName, upn: profile.upn },
    profile,
    now: () => new Date().toISOString(),
    newToken: () => `bench-${Date.now()}-${tokens++}`,
  };

  const results: MoveCaseResult[] = [];
  try {
    for (const count of opts.counts) {
      for (const target of ['existing', 'new'] as const) {
        const result: MoveCaseResult = {
          count,
          target,
          move: [],
          raw: [],
          rawRecords: [],
          derivedRows: 0,
          rawRead: [],
          sources: 0,
          activityRows: 0,
        };
        for (let run = 0; run < opts.warmup + opts.runs; run++) {
          const ids = pickAlerts(count);
          const alertsBefore = (await db.alerts.bulkGet(ids)).filter((a) => a !== undefined);
          const sourceIds = [...new Set(alertsBefore.map((a) => a.incidentId))];
          let targetId: string | undefined;
          while (target === 'existing' && !targetId) {
            const id = incidentKeys[Math.floor(random() * incidentKeys.length)]!;
            const incident = await db.incidents.get(id);
            if (incident && incident.status !== 'redirected' && !sourceIds.includes(id)) targetId = id;
          }

          const touched = targetId ? [...sourceIds, targetId] : sourceIds;
          const incidentsBefore = await db.incidents.bulkGet(touched);

          const t0 = performance.now();
          const moved = await moveAlerts(
            db,
            {
              alertIds: ids,
              target: targetId ? { kind: 'existing', incidentId: targetId } : { kind: 'new' },
              comment: 'Benchmark: correlated by npm run bench.',
              reasons: ['sameAsset'],
            },
            ctx,
          );
          const moveMs = performance.now() - t0;

          // What the move wrote, read back, then written again by plain IndexedDB: the same records over
          // the same keys (an overwrite costs what the move's update did), the same log rows added again.
          const token = moved.undoToken;
          const [alertsAfter, incidentsAfter, activity, record, meta] = await Promise.all([
            db.alerts.bulkGet(moved.movedAlertIds),
            db.incidents.bulkGet([moved.destinationIncidentId, ...sourceIds]),
            db.activity.where('moveToken').equals(token).toArray(),
            db.moves.get(token),
            moved.createdIncident ? db.meta.toArray() : Promise.resolve([]),
          ]);

          // The counter rows whose counts the move changed (as they are now; gone when they reached 0), and the
          // cards of the incidents it wrote: what the store's middlewares wrote in the same transaction.
          const deltas = new CounterDeltas();
          for (const a of alertsBefore) deltas.add('alerts', a, -1);
          for (const a of alertsAfter) deltas.add('alerts', a, 1);
          for (const i of incidentsBefore) deltas.add('incidents', i, -1);
          for (const i of incidentsAfter) deltas.add('incidents', i, 1);
          const counterKeys: CounterKey[] = deltas.changes().map((d) => d.k);
          const [counterRows, cards] = await Promise.all([
            db.table<CounterRow, CounterKey>(COUNTERS_TABLE).bulkGet(counterKeys),
            db.cards.bulkGet(incidentsAfter.flatMap((i) => (i ? [i.id] : []))),
          ]);
          const records = {
            alerts: { put: alertsAfter },
            incidents: { put: incidentsAfter },
            activity: { add: activity.map(({ seq: _seq, ...entry }) => entry) },
            moves: { put: record ? [{ ...record, token: `${token}-raw` }] : [] },
            ...(moved.createdIncident ? { meta: { put: meta } } : {}),
          };
          const writes = {
            ...records,
            [COUNTERS_TABLE]: {
              put: counterRows.filter((r) => r !== undefined),
              delete: counterKeys.filter((_, i) => counterRows[i] === undefined),
            },
            [CARDS_TABLE]: { put: cards.filter((c) => c !== undefined) },
          };
          const t1 = performance.now();
          await rawWrite(raw, writes);
          const rawMs = performance.now() - t1;

          records.moves.put = record ? [{ ...record, token: `${token}-raw1` }] : [];
          const t3 = performance.now();
          await rawWrite(raw, records);
          const rawRecordsMs = performance.now() - t3;

          for (const r of writes.moves.put) r.token = `${token}-raw2`;
          const t2 = performance.now();
          await rawReadThenWrite(
            raw,
            { alertIds: ids, incidentIds: sourceIds.concat(targetId ?? []) },
            writes,
          );
          const rawReadMs = performance.now() - t2;

          if (run >= opts.warmup) {
            result.move.push(moveMs);
            result.raw.push(rawMs);
            result.rawRecords.push(rawRecordsMs);
            result.rawRead.push(rawReadMs);
          }
          result.derivedRows = counterKeys.length + cards.length;
          result.sources = sourceIds.length;
          result.activityRows = activity.length;
        }
        results.push(result);
      }
    }
  } finally {
    raw.close();
  }
  return results;
}
