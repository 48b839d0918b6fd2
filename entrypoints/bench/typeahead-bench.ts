/**
 * Typeahead in `Incident name or ID`: lib/incident-search.ts over every incident in the store, one query
 * per keystroke as a person types a piece of a name or the start of an id. Baselines: the naive way
 * (read every incident from IndexedDB and filter, per keystroke) and the same filter over rows already
 * in memory.
 */

import type { Incident } from '@/lib/model';
import type { MoverDB } from '@/lib/store/db';
import type { buildIncidentIndex as Build, searchIncidents as Search } from '@/lib/store/incident-search';
import { rng } from './move-bench';

export interface TypeaheadOptions {
  runs: number;
  /** Keystrokes measured for the naive IndexedDB scan (each reads every incident). */
  naiveKeystrokes: number;
  seed: number;
}

/** What a person types: pieces of real names (from a word start), and the first digits of real ids. */
function queries(rows: readonly Incident[], seed: number) {
  const random = rng(seed);
  const pick = () => rows[Math.floor(random() * rows.length)]!;
  const names: string[] = [];
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const words = pick()
      .displayName.split(/\s+/)
      .filter((w) => w.length > 2);
    const from = Math.floor(random() * Math.max(1, words.length - 2));
    names.push(
      words
        .slice(from, from + 2)
        .join(' ')
        .slice(0, 12) || 'alert',
    );
    ids.push(pick().id.slice(0, 8));
  }
  const keystrokes = (texts: string[]) => texts.flatMap((t) => [...t].map((_, i) => t.slice(0, i + 1)));
  return { name: keystrokes(names), id: keystrokes(ids) };
}

const naiveMatch = (row: Incident, q: string) =>
  row.id.startsWith(q) || row.displayName.toLowerCase().includes(q.toLowerCase());

export async function typeaheadBench(
  db: MoverDB,
  lib: { buildIncidentIndex: typeof Build; searchIncidents: typeof Search },
  opts: TypeaheadOptions,
) {
  // As the flyout does: every incident, most recently updated first, then the index.
  const t0 = performance.now();
  const rows = await db.incidents.orderBy('lastUpdateDateTime').reverse().toArray();
  const t1 = performance.now();
  const index = lib.buildIncidentIndex(rows);
  const t2 = performance.now();

  const typed = queries(rows, opts.seed);
  const perKind = (kind: 'name' | 'id') => {
    const search: number[] = [];
    const memory: number[] = [];
    let matches = 0;
    for (let run = 0; run < opts.runs; run++) {
      for (const q of typed[kind]) {
        const s = performance.now();
        matches += lib.searchIncidents(index, q, { limit: 50 }).length;
        search.push(performance.now() - s);
        const m = performance.now();
        matches += rows.filter((r) => naiveMatch(r, q)).slice(0, 50).length;
        memory.push(performance.now() - m);
      }
    }
    return { keystrokes: typed[kind].length, search, memory, matches };
  };
  const name = perKind('name');
  const id = perKind('id');

  const naive = async (kind: 'name' | 'id') => {
    const out: number[] = [];
    for (const q of typed[kind].slice(0, opts.naiveKeystrokes)) {
      const s = performance.now();
      const all = await db.incidents.toArray();
      all.filter((r) => naiveMatch(r, q)).slice(0, 50);
      out.push(performance.now() - s);
    }
    return out;
  };
  return {
    incidents: rows.length,
    loadMs: t1 - t0,
    buildMs: t2 - t1,
    name: {
      ...name,
      naiveIdb: await naive('name'),
      examples: [...new Set(typed.name.filter((q) => q.length > 6))].slice(0, 4),
    },
    id: {
      ...id,
      naiveIdb: await naive('id'),
      examples: [...new Set(typed.id.filter((q) => q.length > 4))].slice(0, 4),
    },
  };
}
