/**
 * The in-page half of `npm run bench` (scripts/bench.mjs drives it through Playwright): each function
 * runs one measurement inside this extension page, on the extension's own IndexedDB, and returns raw
 * timings; the Node side computes medians and prints the table. A piece of the product that is not in
 * the build yet is answered with `{ available: false, reason }`.
 */
import { send } from '@/lib/messaging/client';
import { DEFAULT_PROFILE } from '@/lib/model';
import { counts, MoverDB } from '@/lib/store/db';
import { fillStore } from './fill';
import { importBench } from './import-bench';
import { mergeBench } from './merge-bench';
import { importLib, moveLib, queueLib, sampleData, searchLib, streamImportLib, suggestLib } from './modules';
import { moveBench, rng } from './move-bench';
import { openRaw, rawCount, rawPage } from './raw-idb';
import { streamImportBench } from './stream-import-bench';
import { suggestBench } from './suggest-bench';
import { generate, type SliceOptions, toGraphFile } from './tenant';
import { typeaheadBench } from './typeahead-bench';

const db = new MoverDB();
const status = document.getElementById('status')!;
const say = (text: string) => {
  status.textContent = text;
};
const unavailable = (reason: string) => ({ available: false as const, reason });
/** Alerts generated and written at a time by `fill`. */
const FILL_PART = 100_000;

const bench = {
  async capabilities() {
    const [sample, imp, move, search] = await Promise.all([
      sampleData(),
      importLib(),
      moveLib(),
      searchLib(),
    ]);
    const reason = (l: { ok: boolean; reason?: string }) => (l.ok ? null : (l.reason ?? 'unknown'));
    return {
      sampleData: reason(sample),
      import: reason(imp),
      move: reason(move),
      search: reason(search),
      userAgent: navigator.userAgent,
    };
  },

  counts: () => counts(db),

  /**
   * Adds a generated slice to this profile's store (the one the side panel reads): stores grow
   * 10,000 → 100,000 → 200,000 alerts by slices, each written once. Alert ids already in the store are
   * skipped, so the counts returned are the store's real ones.
   */
  async fill(slice: SliceOptions) {
    const lib = await sampleData();
    if (!lib.ok) return unavailable(lib.reason);
    let generateMs = 0;
    let writeMs = 0;
    let records = 0;
    // At most FILL_PART alerts generated at a time: the million-alert tier's 800,000-alert slice generated whole
    // crashed the page. Parts after the first get ids of their own (shifted incident ids, prefixed alert ids).
    for (let k = 0, done = 0; done < slice.alerts; k++) {
      const alerts = Math.min(FILL_PART, slice.alerts - done);
      const part: SliceOptions = {
        alerts,
        incidents: Math.max(1, Math.round((slice.incidents * alerts) / slice.alerts)),
        seed: k === 0 ? slice.seed : slice.seed * 31 + k,
        idOffset: (slice.idOffset ?? 0) + k * 2 * FILL_PART,
      };
      const t0 = performance.now();
      const seen = k === 0 ? new Set((await db.alerts.toCollection().primaryKeys()) as string[]) : undefined;
      const tenant = generate(lib.module, part, new Date().toISOString(), seen);
      if (k > 0) for (const a of tenant.alerts) a.id = `f${k}-${a.id}`;
      const t1 = performance.now();
      await fillStore(db, tenant, (n, total) => say(`Filling part ${k + 1}: ${n} of ${total}`));
      generateMs += t1 - t0;
      writeMs += performance.now() - t1;
      records += tenant.alerts.length + tenant.incidents.length;
      done += alerts;
    }
    return { available: true as const, generateMs, writeMs, records, ...(await counts(db)) };
  },

  async import(options: { alerts: number; incidents: number; seed: number; runs: number }) {
    const [lib, sample] = await Promise.all([importLib(), sampleData()]);
    if (!lib.ok) return unavailable(lib.reason);
    if (!sample.ok) return unavailable(`needs sample data: ${sample.reason}`);
    say('Import…');
    const file = toGraphFile(generate(sample.module, options, new Date().toISOString()));
    return { available: true as const, ...(await importBench(lib.module, file, options.runs)) };
  },

  /** A large Graph file imported as a stream (never one string), next to a raw bulk put of its records. */
  async streamImport(options: { alerts: number; seed: number }) {
    const [lib, sample] = await Promise.all([streamImportLib(), sampleData()]);
    if (!lib.ok) return unavailable(lib.reason);
    if (!sample.ok) return unavailable(`needs sample data: ${sample.reason}`);
    say('Streaming import…');
    return { available: true as const, ...(await streamImportBench(lib.module, sample.module, options)) };
  },

  /** Merge of five incidents of 1,000 alerts each next to a raw IndexedDB transaction doing the same writes. */
  async merge(options: { runs: number; warmup: number; incidents: number; alertsPer: number }) {
    say('Merge…');
    try {
      return { available: true as const, ...(await mergeBench(db, options)) };
    } catch (e) {
      return unavailable(`merge failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  },

  async move(options: { counts: number[]; runs: number; warmup: number; seed: number }) {
    const lib = await moveLib();
    if (!lib.ok) return unavailable(lib.reason);
    say('Move…');
    return { available: true as const, cases: await moveBench(db, lib.module.moveAlerts, options) };
  },

  /** The whole trip as the side panel makes it: `move.run` to the background, moveAlerts there, answer back. */
  async moveViaBackground(options: { counts: number[]; runs: number[]; seed: number }) {
    const random = rng(options.seed);
    // Wake the service worker first (Chrome stops it after ~30 s idle): its start-up is not the move's cost.
    const ping = () => send({ type: 'flyout.selection', nonce: 'bench-ping' }).catch(() => undefined);
    await ping();
    // Baseline: a message the background answers at once (an error read from session storage).
    const roundTrip: number[] = [];
    for (let run = 0; run < 10; run++) {
      const t0 = performance.now();
      await ping();
      roundTrip.push(performance.now() - t0);
    }
    const alertKeys = (await db.alerts.toCollection().primaryKeys()) as string[];
    const incidentKeys = (await db.incidents.where('status').equals('active').primaryKeys()) as string[];
    if (!incidentKeys.length) return unavailable('no active incident to move into');
    const out: { count: number; ms: number[] }[] = [];
    for (const [i, count] of options.counts.entries()) {
      const ms: number[] = [];
      for (let run = 0; run < (options.runs[i] ?? 1); run++) {
        const ids = new Set<string>();
        while (ids.size < count) ids.add(alertKeys[Math.floor(random() * alertKeys.length)]!);
        const incidentId = incidentKeys[Math.floor(random() * incidentKeys.length)]!;
        const t0 = performance.now();
        try {
          await send({
            type: 'move.run',
            input: {
              alertIds: [...ids],
              target: { kind: 'existing', incidentId },
              comment: 'Benchmark: via the background.',
              reasons: [],
            },
          });
        } catch (e) {
          return unavailable(`move.run failed: ${e instanceof Error ? e.message : String(e)}`);
        }
        ms.push(performance.now() - t0);
      }
      out.push({ count, ms });
    }
    return { available: true as const, cases: out, roundTrip };
  },

  /**
   * Baseline for the queues: plain IndexedDB reading a screenful (50 rows) through the sort index, newest
   * first (what a queue shows on opening) and oldest first (the end of the list), on a fresh connection.
   */
  async queueBaseline(options: { runs: number }) {
    const sorts = { incidents: 'lastUpdateDateTime', alerts: 'lastActivityDateTime' } as const;
    const out = {
      incidents: { firstPageMs: [] as number[], lastPageMs: [] as number[] },
      alerts: { firstPageMs: [] as number[], lastPageMs: [] as number[] },
    };
    for (let run = 0; run < options.runs; run++) {
      for (const store of ['incidents', 'alerts'] as const) {
        for (const [key, direction] of [
          ['firstPageMs', 'prev'],
          ['lastPageMs', 'next'],
        ] as const) {
          const t0 = performance.now();
          const raw = await openRaw(db.name);
          await rawPage(raw, store, sorts[store], direction, 50);
          out[store][key].push(performance.now() - t0);
          raw.close();
        }
      }
    }
    // The queues' own first read (lib/store/queue, default filters) on a freshly opened Dexie, alone.
    const lib = await queueLib();
    const libFirst = { incidents: [] as number[], alerts: [] as number[] };
    if (lib.ok) {
      const { planIncidents, planAlerts, readWindow, DEFAULT_FILTERS } = lib.module;
      const ctx = { profile: DEFAULT_PROFILE, now: new Date().toISOString() };
      for (let run = 0; run < options.runs; run++) {
        for (const kind of ['incidents', 'alerts'] as const) {
          const fresh = new MoverDB();
          const t0 = performance.now();
          const plan =
            kind === 'incidents'
              ? planIncidents(DEFAULT_FILTERS.incidents, ctx)
              : planAlerts(DEFAULT_FILTERS.alerts, ctx);
          await readWindow(fresh, plan as Parameters<typeof readWindow>[1], 0, 50);
          libFirst[kind].push(performance.now() - t0);
          fresh.close();
        }
      }
    }
    // Counts with the default filters (the queue's status line), and the last screenful of each queue (where
    // scrolling to the end lands), through lib/store/queue on a fresh Dexie; next to plain IndexedDB's count of
    // the time range the default filters start from (no index answers status and time together).
    const libCount = { incidents: [] as number[], alerts: [] as number[] };
    const rawCountMs = { incidents: [] as number[], alerts: [] as number[] };
    const libLastPage = { incidents: [] as number[], alerts: [] as number[] };
    const totals = { incidents: 0, alerts: 0 };
    if (lib.ok) {
      const { planIncidents, planAlerts, readWindow, countQueue, DEFAULT_FILTERS } = lib.module;
      const ctx = { profile: DEFAULT_PROFILE, now: new Date().toISOString() };
      for (let run = 0; run < options.runs; run++) {
        for (const kind of ['incidents', 'alerts'] as const) {
          const plan = (
            kind === 'incidents'
              ? planIncidents(DEFAULT_FILTERS.incidents, ctx)
              : planAlerts(DEFAULT_FILTERS.alerts, ctx)
          ) as Parameters<typeof readWindow>[1];
          let fresh = new MoverDB();
          let t0 = performance.now();
          const count = await countQueue(fresh, plan as never);
          libCount[kind].push(performance.now() - t0);
          totals[kind] = count.total;
          fresh.close();
          fresh = new MoverDB();
          t0 = performance.now();
          await readWindow(fresh, plan, Math.max(0, count.total - 50), 50, { total: count.total });
          libLastPage[kind].push(performance.now() - t0);
          fresh.close();
          const raw = await openRaw(db.name);
          t0 = performance.now();
          await rawCount(raw, kind, sorts[kind], plan.lower as string);
          rawCountMs[kind].push(performance.now() - t0);
          raw.close();
        }
      }
    }
    return {
      available: true as const,
      ...out,
      libFirst,
      libCount,
      rawCount: rawCountMs,
      libLastPage,
      totals,
      libReason: lib.ok ? null : lib.reason,
    };
  },

  async typeahead(options: { runs: number; naiveKeystrokes: number; seed: number }) {
    const lib = await searchLib();
    if (!lib.ok) return unavailable(lib.reason);
    say('Typeahead…');
    return { available: true as const, ...(await typeaheadBench(db, lib.module, options)) };
  },

  async suggest(options: { runs: number; baselineRuns: number; seed: number; splitSize: number }) {
    const lib = await suggestLib();
    if (!lib.ok) return unavailable(lib.reason);
    say('Suggested incidents…');
    return { available: true as const, ...(await suggestBench(db, lib.module, options)) };
  },
};

export type Bench = typeof bench;
(globalThis as unknown as { bench: Bench }).bench = bench;
say('Ready.');
document.documentElement.dataset.benchReady = 'true';
