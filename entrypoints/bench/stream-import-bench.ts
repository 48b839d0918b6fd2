/**
 * Streaming import of a large Graph file (lib/data/import/stream.ts, as the background runs it for a file sent
 * over a port) into a fresh store, next to a raw IndexedDB bulk put of the records it wrote, into another fresh
 * store with the same schema, in the same run.
 *
 * The file is never one string: it is generated slice by slice (lib/data/sample, 20,000 alerts at a time, ids
 * made unique per slice) and handed to the importer in 1 MB pieces, as the options page sends it. The JS heap
 * is sampled after every piece and while the import commits (`performance.memory`, precise with
 * --enable-precise-memory-info). The live heap (what the import keeps, garbage collected first with the gc()
 * that --js-flags=--expose-gc gives) is sampled every 16 pieces, outside the import's timing, and every two
 * seconds while it commits, inside it (a forced collection there slows the commit: the rate is a floor).
 */
import Dexie from 'dexie';
import type { createStreamImport as CreateStreamImport } from '@/lib/data/import/stream';
import { MoverDB } from '@/lib/store/db';
import type { SampleDataModule } from './modules';
import { openRaw, rawWrite } from './raw-idb';
import { generate, toGraphFile } from './tenant';

export interface StreamImportBenchOptions {
  alerts: number;
  seed: number;
  /** Alerts per generated slice. */
  slice?: number;
}

const PIECE = 1024 * 1024;
/** Pieces between two samples of the live heap. */
const LIVE_EVERY = 16;
const collectGarbage = (globalThis as { gc?: () => void }).gc;
const RAW_PAGE = 10_000;

const heap = () =>
  (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? Number.NaN;

/** The inside of one slice's `value` list, its alert ids prefixed so slices never share one. */
function sliceBody(lib: SampleDataModule, alerts: number, seed: number, k: number, now: string): string {
  const tenant = generate(
    lib,
    { alerts, incidents: Math.max(1, Math.round(alerts / 5)), seed, idOffset: k * 1_000_000 },
    now,
  );
  for (const a of tenant.alerts) a.id = `s${k}-${a.id}`;
  const file = toGraphFile(tenant);
  const open = file.indexOf('"value":[') + '"value":['.length;
  return file.slice(open, file.lastIndexOf(']'));
}

export async function streamImportBench(
  lib: { createStreamImport: typeof CreateStreamImport },
  sample: SampleDataModule,
  opts: StreamImportBenchOptions,
) {
  const name = 'bench-stream-import';
  const rawName = 'bench-stream-import-raw';
  await Dexie.delete(name);
  await Dexie.delete(rawName);
  const db = new MoverDB(name);
  const rawSchema = new MoverDB(rawName);
  await Promise.all([db.open(), rawSchema.open()]);
  rawSchema.close();
  // Small slices: the generator's own slice (text and records) shares the page's heap with the import.
  const sliceSize = opts.slice ?? 5_000;
  const now = new Date().toISOString();
  const startHeap = heap();
  let peakHeap = startHeap;
  const sampleHeap = () => {
    peakHeap = Math.max(peakHeap, heap());
  };
  let livePeak = Number.NaN;
  let pieces = 0;
  const sampleLive = () => {
    if (!collectGarbage) return;
    collectGarbage();
    const h = heap();
    livePeak = Number.isNaN(livePeak) ? h : Math.max(livePeak, h);
  };
  sampleLive();
  const liveStart = livePeak;
  let fileBytes = 0;
  let generateMs = 0;
  const progress: { phase: string; at: number }[] = [];
  try {
    const job = lib.createStreamImport(db, {
      now: () => now,
      session: `bench-${opts.seed}`,
      onProgress: (p) => {
        if (!progress.length || progress.at(-1)!.phase !== p.phase)
          progress.push({ phase: p.phase, at: performance.now() });
        sampleHeap();
      },
    });
    let importMs = 0;
    const feed = async (text: string) => {
      for (let i = 0; i < text.length; i += PIECE) {
        const piece = text.slice(i, i + PIECE);
        fileBytes += piece.length;
        const t = performance.now();
        await job.write(piece);
        importMs += performance.now() - t;
        sampleHeap();
        if (++pieces % LIVE_EVERY === 0) sampleLive();
      }
    };
    await feed('{"value":[');
    for (let k = 0, done = 0; done < opts.alerts; k++) {
      const n = Math.min(sliceSize, opts.alerts - done);
      const g = performance.now();
      const body = sliceBody(sample, n, opts.seed + k, k, now);
      generateMs += performance.now() - g;
      await feed(k === 0 ? body : `,${body}`);
      done += n;
    }
    await feed(']}');
    const receivePeak = peakHeap;
    peakHeap = heap();
    sampleLive();
    const receiveLivePeak = livePeak;
    const heapSampler = setInterval(sampleHeap, 50);
    const liveSampler = setInterval(sampleLive, 2_000);
    const t = performance.now();
    const result = await job.end();
    const commitMs = performance.now() - t;
    clearInterval(heapSampler);
    clearInterval(liveSampler);
    sampleLive();
    if (!result.ok)
      throw new Error(`the generated file did not import: ${result.problems.slice(0, 3).join('; ')}`);

    // The baseline: the records the import wrote, put raw in pages of 10,000 (each its own transaction).
    const raw = await openRaw(rawName);
    let rawMs = 0;
    let rawRecords = 0;
    for (const table of [db.incidents, db.alerts] as const) {
      let last: string | undefined;
      for (;;) {
        const page = (await (last === undefined ? table.orderBy(':id') : table.where(':id').above(last))
          .limit(RAW_PAGE)
          .toArray()) as { id: string }[];
        if (!page.length) break;
        last = page.at(-1)!.id;
        const w = performance.now();
        await rawWrite(raw, { [table.name]: { put: page } });
        rawMs += performance.now() - w;
        rawRecords += page.length;
      }
    }
    raw.close();
    return {
      alerts: result.alerts,
      incidents: result.incidents,
      fileBytes,
      generateMs,
      /** Receiving and staging the pieces (parse, validate, stage), then the one commit. */
      receiveMs: importMs,
      commitMs,
      importMs: importMs + commitMs,
      rawMs,
      rawRecords,
      startHeapBytes: startHeap,
      /** While the pieces arrive (the bench's own generator of slices included). */
      receivePeakHeapBytes: receivePeak,
      /** While the staged batches are written. */
      commitPeakHeapBytes: peakHeap,
      peakHeapBytes: Math.max(receivePeak, peakHeap),
      /** The live heap (after a forced garbage collection): before, peak while receiving, peak overall. */
      liveHeap: collectGarbage
        ? { startBytes: liveStart, receivePeakBytes: receiveLivePeak, peakBytes: livePeak }
        : null,
      progressPhases: progress.map((p) => p.phase),
    };
  } finally {
    db.close();
    await Dexie.delete(name);
    await Dexie.delete(rawName);
  }
}
