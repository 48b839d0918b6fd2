/**
 * Import of a Graph-shaped file (lib/data/import: `parseImport` then `writeImport`, as the background runs
 * it) into a fresh store, next to a raw IndexedDB bulk put of the very records the import wrote, in one
 * transaction, into another fresh store with the same schema.
 */
import Dexie from 'dexie';
import type { parseImport as ParseImport, writeImport as WriteImport } from '@/lib/data/import';
import { MoverDB } from '@/lib/store/db';
import { openRaw, rawWrite } from './raw-idb';

export interface ImportRun {
  parseMs: number;
  writeMs: number;
  totalMs: number;
  rawMs: number;
}

export async function importBench(
  lib: { parseImport: typeof ParseImport; writeImport: typeof WriteImport },
  file: string,
  runs: number,
) {
  const out: { runs: ImportRun[]; alerts: number; incidents: number; fileBytes: number } = {
    runs: [],
    alerts: 0,
    incidents: 0,
    fileBytes: new Blob([file]).size,
  };
  for (let run = 0; run < runs; run++) {
    const name = `bench-import-${run}`;
    const rawName = `bench-import-raw-${run}`;
    await Dexie.delete(name);
    await Dexie.delete(rawName);
    const db = new MoverDB(name);
    const rawSchema = new MoverDB(rawName);
    await Promise.all([db.open(), rawSchema.open()]);
    rawSchema.close();
    try {
      const t0 = performance.now();
      const parsed = lib.parseImport(file);
      const t1 = performance.now();
      if (!parsed.ok)
        throw new Error(`the generated file did not import: ${parsed.problems.slice(0, 3).join('; ')}`);
      const counts = await lib.writeImport(db, parsed.data, { now: new Date().toISOString() });
      const t2 = performance.now();
      out.alerts = counts.alerts;
      out.incidents = counts.incidents;

      const [incidents, alerts] = await Promise.all([db.incidents.toArray(), db.alerts.toArray()]);
      const raw = await openRaw(rawName);
      const t3 = performance.now();
      await rawWrite(raw, { incidents: { put: incidents }, alerts: { put: alerts } });
      const rawMs = performance.now() - t3;
      raw.close();
      out.runs.push({ parseMs: t1 - t0, writeMs: t2 - t1, totalMs: t2 - t0, rawMs });
    } finally {
      db.close();
      await Dexie.delete(name);
      await Dexie.delete(rawName);
    }
  }
  return out;
}
