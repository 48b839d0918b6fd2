/**
 * Reading a plan: counts, windows of rows and ids.
 * - A counted plan (only status and severity filters, over a bucketed time; see plan.ts `counted`) is cut into
 *   day segments whose sizes come from the counters (lib/store/counters.ts): its count reads the counters and
 *   at most two partial days, and a window anywhere starts from the day that holds it: O(day + window).
 * - With no `match`, everything is native IndexedDB: count() over the range, a window by cursor.advance()
 *   (from whichever end is nearer), ids by getAllKeys. Cost does not depend on the size of the store.
 * - With a `match`, the range is scanned in keyset chunks (each its own short read transaction, so writers
 *   are not held up), at most `SCAN_CAP` records, remembering the position of every `CHECKPOINT_EVERY`th
 *   match, so a later window starts from the nearest checkpoint instead of the top. Memory held is the
 *   checkpoints (1 % of the matches) and the window, never the store.
 *
 * Pure of the DOM and of browser.*: the database is an argument.
 *
 * One file on purpose: the three ways of reading share the range, row-key and position helpers and the scan
 * cache, and a count and a window of the same plan must agree; split, they would import each other.
 */
import { cmp, type IndexableType } from 'dexie';
import {
  COUNTERS_TABLE,
  type CounterKey,
  type CounterRow,
  DAY_CHARS,
  HOUR_CHARS,
  HOURLY_FIELDS,
} from '../counters';
import type { MoverDB } from '../db';
import type { QueuePlan } from './plan';

/** Most records a filtered count examines; beyond it the queue says it was cut short. */
export const SCAN_CAP = 250_000;
export const CHECKPOINT_EVERY = 100;
const CHUNK = 1_000;
/** Fewest records a window's first chunk reads. */
const MIN_FIRST_CHUNK = 64;
/** Records a window's later chunks read beyond the estimate of what it still needs. */
const NEXT_CHUNK_MARGIN = 16;
/** Reading values costs about this many times what skipping index entries natively does (Chromium). */
const SCAN_COST = 4;

export interface Position {
  key: IndexableType;
  pk: string;
}

/**
 * Known positions of rows in one plan's queue (row index → index key and primary key), kept at every
 * CHECKPOINT_EVERY-th row: a filtered count fills them all, window reads add the ones they pass. A window
 * then starts from the nearest known position instead of the top. Drop it when the data changes.
 */
export class ScanCache {
  readonly positions = new Map<number, Position>();
  /** The plan's day segments with their counts (counted plans), once read. */
  segments?: Segment[];
  constructor(readonly planKey: string) {}

  /** The known position nearest at or before `index`. */
  nearest(index: number): { index: number; pos: Position } | undefined {
    const exact = Math.floor(index / CHECKPOINT_EVERY) * CHECKPOINT_EVERY;
    const hit = this.positions.get(exact);
    if (hit) return { index: exact, pos: hit };
    let best: { index: number; pos: Position } | undefined;
    for (const [i, pos] of this.positions)
      if (i <= index && (!best || i > best.index)) best = { index: i, pos };
    return best;
  }

  note(index: number, pos: Position): void {
    if (index % CHECKPOINT_EVERY === 0) this.positions.set(index, pos);
  }
}

export interface QueueCount {
  /** Rows in the queue (matches among the examined records). */
  total: number;
  /** Records examined (the whole range unless the scan stopped at the cap). */
  examined: number;
  /** True when the scan stopped at the cap: rows beyond it are not in the queue. */
  capped: boolean;
  /** True when counting needed a scan (a filter or search that no index answers). */
  scanned: boolean;
}

export interface CountOptions {
  cache?: ScanCache;
  cap?: number;
  /** Called after each chunk of a scan with what is known so far. */
  onProgress?(progress: { matched: number; examined: number }): void;
  /** Stops a scan early (a newer query replaced it); the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

type Row = { id: string } & Record<string, unknown>;

function tableOf(db: MoverDB, plan: QueuePlan<never>) {
  return db.table<Row, string>(plan.table);
}

function rangeCollection(
  db: MoverDB,
  plan: QueuePlan<never>,
  lower: IndexableType,
  upper: IndexableType,
  reverse: boolean,
) {
  const c = tableOf(db, plan).where(plan.index).between(lower, upper, true, true);
  return reverse ? c.reverse() : c;
}

function indexKeyOf(index: string, row: Row): IndexableType {
  if (index.startsWith('[')) {
    return index
      .slice(1, -1)
      .split('+')
      .map((k) => row[k] as IndexableType) as IndexableType;
  }
  return row[index] as IndexableType;
}

const positionOf = (plan: QueuePlan<never>, row: Row): Position => ({
  key: indexKeyOf(plan.index, row),
  pk: row.id,
});

/**
 * Visits records of the plan's range in order, from `begin` (inclusive or not), in keyset chunks, until
 * `visit` returns false, the range ends or `maxExamined` records were visited.
 * Each chunk is read in its own explicit read transaction: Dexie does not keep explicit-transaction results
 * in its liveQuery cache (which would otherwise hold every chunk in memory), and writers wait at most a chunk.
 */
export async function scan(
  db: MoverDB,
  plan: QueuePlan<never>,
  begin: { pos: Position; inclusive: boolean } | null,
  visit: (row: Row, pos: Position) => boolean,
  opts: {
    maxExamined?: number;
    afterChunk?(examined: number): void;
    signal?: AbortSignal;
    /** Records read by the first chunk (then four times as many each chunk, up to CHUNK). */
    firstChunk?: number;
    /** Records to read in the next chunk, given the last chunk's size (instead of four times as many). */
    nextChunk?(size: number): number;
  } = {},
): Promise<{ examined: number; ended: boolean }> {
  const table = tableOf(db, plan);
  const maxExamined = opts.maxExamined ?? Number.POSITIVE_INFINITY;
  const dir = plan.reverse ? -1 : 1;
  let lower = plan.lower;
  let upper = plan.upper;
  let examined = 0;
  let from = begin;
  let size = Math.max(1, Math.min(CHUNK, opts.firstChunk ?? CHUNK));
  let want = size;
  // Records seen so far that share the last seen key: the next chunk starts at that key again and skips them.
  let run = 0;
  for (;;) {
    opts.signal?.throwIfAborted();
    if (from) {
      if (plan.reverse) upper = from.pos.key;
      else lower = from.pos.key;
    }
    const rows = await db.transaction('r', table, () =>
      rangeCollection(db, plan, lower, upper, plan.reverse).limit(want).toArray(),
    );
    let last: Position | undefined;
    for (const row of rows) {
      const pos = positionOf(plan, row);
      if (from && cmp(pos.key, from.pos.key) === 0) {
        const c = dir * cmp(pos.pk, from.pos.pk);
        if (c < 0 || (c === 0 && !from.inclusive)) continue;
      }
      const prev = last ?? from?.pos;
      run = prev && cmp(prev.key, pos.key) === 0 ? run + 1 : 1;
      examined++;
      last = pos;
      if (!visit(row, pos) || examined >= maxExamined) return { examined, ended: false };
    }
    opts.afterChunk?.(examined);
    if (rows.length < want) return { examined, ended: true };
    if (!last) {
      // A whole chunk of records already seen (one key shared by many records, or a checkpoint deep in a run).
      want *= 2;
      continue;
    }
    from = { pos: last, inclusive: false };
    size = Math.max(1, Math.min(CHUNK, opts.nextChunk ? opts.nextChunk(size) : size * 4));
    want = size + run;
  }
}

/**
 * Counts the queue's rows. From the counters when the plan's only filters are status and severity (a few hundred
 * counter rows and at most two partial days read, whatever the size of the store); native (IndexedDB count over
 * the range) when it has no residual filter; else one scan, stopped at the cap, that fills `cache` with a
 * position every CHECKPOINT_EVERY matches.
 */
export async function countQueue(
  db: MoverDB,
  plan: QueuePlan<never>,
  opts: CountOptions = {},
): Promise<QueueCount> {
  if (plan.counted && hasCounters(db)) {
    const segments = await segmentsOf(db, plan, opts.cache, opts.signal);
    const total = segments.reduce((n, s) => n + s.count, 0);
    return { total, examined: total, capped: false, scanned: false };
  }
  if (!plan.match) {
    const total = await rangeCollection(db, plan, plan.lower, plan.upper, false).count();
    return { total, examined: total, capped: false, scanned: false };
  }
  const match = plan.match as (row: Row) => boolean;
  const cap = opts.cap ?? SCAN_CAP;
  const cache = opts.cache;
  let total = 0;
  const { examined, ended } = await scan(
    db,
    plan,
    null,
    (row, pos) => {
      if (match(row)) {
        cache?.note(total, pos);
        total++;
      }
      return true;
    },
    {
      maxExamined: cap,
      signal: opts.signal,
      afterChunk: (n) => opts.onProgress?.({ matched: total, examined: n }),
    },
  );
  return { total, examined, capped: !ended && examined >= cap, scanned: true };
}

/**
 * The rows at [offset, offset+limit) of the queue. Without a residual filter: native offsets from the
 * nearer end, or a short keyset read from a known nearby position. With one: a scan from the nearest
 * known position in `cache` (a filtered count leaves one every CHECKPOINT_EVERY rows).
 * Pass `total` (from countQueue) for windows past the first: it saves a count.
 */
export async function readWindow<T>(
  db: MoverDB,
  plan: QueuePlan<T>,
  offset: number,
  limit: number,
  opts: { cache?: ScanCache; total?: number; signal?: AbortSignal } = {},
): Promise<T[]> {
  if (limit <= 0 || offset < 0) return [];
  if (opts.total !== undefined && offset >= opts.total) return [];
  const cache = opts.cache?.planKey === plan.key ? opts.cache : undefined;
  const record = (rows: Row[], first: number) => {
    if (cache) {
      for (let i = 0; i < rows.length; i++) cache.note(first + i, positionOf(plan, rows[i]!));
    }
    return rows as unknown as T[];
  };
  if (offset > 0 && plan.counted && hasCounters(db))
    return readFromSegments(db, plan, offset, limit, cache, opts.signal);
  const near = cache?.nearest(offset);
  const fromNear = near ? (offset - near.index) * SCAN_COST : Number.POSITIVE_INFINITY;

  if (!plan.match) {
    if (offset === 0) {
      const rows = await rangeCollection(db, plan, plan.lower, plan.upper, plan.reverse)
        .limit(limit)
        .toArray();
      return record(rows, 0);
    }
    const total = opts.total ?? (await rangeCollection(db, plan, plan.lower, plan.upper, false).count());
    if (offset >= total) return [];
    const end = Math.min(total, offset + limit);
    const fromEnd = total - end;
    if (near && fromNear < Math.min(offset, fromEnd))
      return readFromPosition(db, plan, near, offset, limit, cache);
    if (fromEnd < offset) {
      // Nearer the end: read backwards from it, so the last page costs what the first does.
      const rows = await rangeCollection(db, plan, plan.lower, plan.upper, !plan.reverse)
        .offset(fromEnd)
        .limit(end - offset)
        .toArray();
      return record(rows.reverse(), offset);
    }
    const rows = await rangeCollection(db, plan, plan.lower, plan.upper, plan.reverse)
      .offset(offset)
      .limit(end - offset)
      .toArray();
    return record(rows, offset);
  }
  return readFromPosition(db, plan, near ?? null, offset, limit, cache, opts.signal);
}

async function readFromPosition<T>(
  db: MoverDB,
  plan: QueuePlan<T>,
  start: { index: number; pos: Position; inclusive?: boolean } | null,
  offset: number,
  limit: number,
  cache: ScanCache | undefined,
  signal?: AbortSignal,
): Promise<T[]> {
  const match = (plan.match ?? (() => true)) as (row: Row) => boolean;
  let index = start ? start.index : 0;
  const out: Row[] = [];
  // A window needs `wanted` matches: a first chunk of three times that (the default queues keep a third to a half
  // of what they read), not a full CHUNK of records, which costs several times more to read than the window.
  const wanted = Math.max(0, offset - index) + limit;
  // Later chunks: what is still missing at the share of matches seen so far (with a margin), so a queue that
  // keeps a third of what it reads does not read four times the first chunk for its last few rows.
  let examined = 0;
  let matched = 0;
  const nextChunk = (size: number) => {
    const missing = wanted - matched;
    if (matched === 0) return size * 4;
    return Math.ceil((missing * examined * 1.25) / matched) + NEXT_CHUNK_MARGIN;
  };
  await scan(
    db,
    plan,
    start ? { pos: start.pos, inclusive: start.inclusive ?? true } : null,
    (row, pos) => {
      examined++;
      if (!match(row)) return true;
      matched++;
      cache?.note(index, pos);
      if (index >= offset) out.push(row);
      index++;
      return out.length < limit;
    },
    { signal, firstChunk: Math.max(MIN_FIRST_CHUNK, wanted * 3), nextChunk },
  );
  return out as unknown as T[];
}

/** The ids at [from, to) of the queue (range selection, select all); keys only where no filter applies. */
export async function readIds(
  db: MoverDB,
  plan: QueuePlan<never>,
  from: number,
  to: number,
  opts: { cache?: ScanCache; total?: number } = {},
): Promise<string[]> {
  if (to <= from) return [];
  if (!plan.match) {
    const c = rangeCollection(db, plan, plan.lower, plan.upper, plan.reverse);
    return (await (from > 0 ? c.offset(from) : c).limit(to - from).primaryKeys()) as string[];
  }
  const rows = await readWindow<Row>(db, plan as QueuePlan<Row>, from, to - from, opts);
  return rows.map((r) => r.id);
}

// ---- Counted plans: the queue as day segments whose sizes the counters know --------------------------------

/**
 * One stretch of a counted plan's range (a day, an hour, or a part of an hour at either end), in the plan's order:
 * where reading it starts (null: the plan's own start), and how many of the queue's rows it holds.
 */
export interface Segment {
  begin: { key: string; inclusive: boolean } | null;
  count: number;
}

const hasCounters = (db: MoverDB) => db.tables.some((t) => t.name === COUNTERS_TABLE);

/** The smallest string above every string that starts with `s`'s characters up to its last, then a higher last one. */
const after = (s: string) => s.slice(0, -1) + String.fromCharCode(s.charCodeAt(s.length - 1) + 1);

/** Rows of `plan` in [lower, upper] (inclusive or open upper), counted natively or by scanning its values. */
async function countRange(
  db: MoverDB,
  plan: QueuePlan<never>,
  lower: string,
  upper: string,
  upperOpen: boolean,
  signal?: AbortSignal,
): Promise<number> {
  if (cmp(lower, upper) > 0 || (upperOpen && cmp(lower, upper) === 0)) return 0;
  const range = () => tableOf(db, plan).where(plan.index).between(lower, upper, true, !upperOpen);
  if (!plan.match) return range().count();
  const match = plan.match as (row: Row) => boolean;
  let n = 0;
  const sub = { ...plan, lower, upper, reverse: false } as QueuePlan<never>;
  await scan(
    db,
    sub,
    null,
    (row) => {
      if (upperOpen && cmp(indexKeyOf(plan.index, row), upper) === 0) return false;
      if (match(row)) n++;
      return true;
    },
    { signal },
  );
  return n;
}

/** The first key of the bucket after the one `s` is in, at `grain` characters (or `s` itself when short). */
const ceilTo = (s: string, grain: number) => (s.length <= grain ? s : after(s.slice(0, grain)));
const floorTo = (s: string, grain: number) => (s.length <= grain ? s : s.slice(0, grain));

/**
 * The plan's range cut at hour and day boundaries: the part of the first hour before the range starts and the part
 * of the last hour up to its end are counted by reading them (an hour at most each); whole hours at both ends and
 * every whole day in between are summed from the counters. A segment runs from its bucket's first key to the next
 * segment's, so each record falls in exactly one whatever the spelling of its time.
 */
export async function segmentsOf(
  db: MoverDB,
  plan: QueuePlan<never>,
  cache?: ScanCache,
  signal?: AbortSignal,
): Promise<Segment[]> {
  const cached = cache?.planKey === plan.key ? cache.segments : undefined;
  if (cached) return cached;
  const counted = plan.counted!;
  const L = String(plan.lower);
  const U = String(plan.upper);
  const sD = ceilTo(L, DAY_CHARS);
  const pD = floorTo(U, DAY_CHARS);
  // Times without hour counters are cut at days only: their partial days are read.
  const grain = HOURLY_FIELDS.has(plan.index) ? HOUR_CHARS : DAY_CHARS;
  const sH = ceilTo(L, grain);
  const pH = floorTo(U, grain);
  // Whole days only when a day fits; hours from the range's start to the first whole day, and from the last to its end.
  const days = cmp(sD, pD) < 0;
  const hourRanges: [string, string][] = days
    ? grain === DAY_CHARS
      ? []
      : [
          [sH, sD],
          [pD, pH],
        ]
    : cmp(sH, pH) < 0
      ? [[sH, pH]]
      : [];
  const head = hourRanges.length || days ? sH : null;
  const tail = hourRanges.length || days ? pH : null;

  const counters = db.table<CounterRow>(COUNTERS_TABLE);
  const severities = counted.severity.length ? new Set(counted.severity) : null;
  const wanted = (k: CounterKey) => !severities || severities.has(k[4]);
  const byBucket = new Map<string, number>();
  const add = (bucket: string, n: number) => byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + n);
  // Day rows, by status (or all): a few per day. They also say which status × severity pairs exist.
  const statusPrefixes = counted.status.length ? counted.status.map((st) => [st]) : [[]];
  const dayRows = (
    await Promise.all(
      statusPrefixes.map((p) => {
        const prefix = [plan.table, plan.index, DAY_CHARS, ...p];
        return counters
          .where('k')
          .between(prefix, [...prefix, []], true, true)
          .toArray();
      }),
    )
  ).flat();
  const pairs = new Map<string, [string, string]>();
  for (const { k, n } of dayRows) {
    if (!wanted(k)) continue;
    pairs.set(JSON.stringify([k[3], k[4]]), [k[3], k[4]]);
    if (days && cmp(k[5], sD) >= 0 && cmp(k[5], pD) < 0) add(k[5], n);
  }
  // Hour rows, by status × severity and hour range: at most a day's worth at each end.
  const hourRows = await Promise.all(
    [...pairs.values()].flatMap(([st, sev]) =>
      hourRanges.map(([from, to]) => {
        const prefix = [plan.table, plan.index, HOUR_CHARS, st, sev];
        return counters
          .where('k')
          .between([...prefix, from], [...prefix, to], true, false)
          .toArray();
      }),
    ),
  );
  for (const { k, n } of hourRows.flat()) add(k[5], n);

  let ascending: { begin: string | null; count: number }[];
  if (head === null || tail === null) {
    ascending = [{ begin: null, count: await countRange(db, plan, L, U, false, signal) }];
  } else {
    const [first, last] = await Promise.all([
      countRange(db, plan, L, head, true, signal),
      countRange(db, plan, tail, U, false, signal),
    ]);
    const sorted = [...byBucket.keys()].sort((a, b) => cmp(a, b));
    ascending = [
      { begin: null, count: first },
      ...sorted.map((bucket) => ({ begin: bucket, count: byBucket.get(bucket)! })),
      { begin: tail, count: last },
    ];
  }
  let segments: Segment[];
  if (!plan.reverse) {
    segments = ascending.map((a) => ({
      begin: a.begin === null ? null : { key: a.begin, inclusive: true },
      count: a.count,
    }));
  } else {
    // Read downwards: a segment starts just below the next one's first key (or the end of the range).
    segments = [];
    for (let i = ascending.length - 1; i >= 0; i--) {
      const above = ascending[i + 1];
      const begin = i === ascending.length - 1 ? null : { key: above!.begin ?? head ?? L, inclusive: false };
      segments.push({ begin, count: ascending[i]!.count });
    }
  }
  segments = segments.filter((s) => s.count > 0);
  if (cache?.planKey === plan.key) cache.segments = segments;
  return segments;
}

/** A window of a counted plan: from the start of the day segment that holds `offset`, O(day + window). */
async function readFromSegments<T>(
  db: MoverDB,
  plan: QueuePlan<T>,
  offset: number,
  limit: number,
  cache: ScanCache | undefined,
  signal?: AbortSignal,
): Promise<T[]> {
  const segments = await segmentsOf(db, plan as QueuePlan<never>, cache, signal);
  let before = 0;
  let seg: Segment | undefined;
  for (const s of segments) {
    if (offset < before + s.count) {
      seg = s;
      break;
    }
    before += s.count;
  }
  if (!seg) return [];
  if (!plan.match) {
    // Nothing to test: skip to the row natively inside the day.
    const t = tableOf(db, plan as QueuePlan<never>).where(plan.index);
    const c = !seg.begin
      ? t.between(plan.lower, plan.upper, true, true)
      : plan.reverse
        ? t.between(plan.lower, seg.begin.key, true, seg.begin.inclusive)
        : t.between(seg.begin.key, plan.upper, seg.begin.inclusive, true);
    const rows = await (plan.reverse ? c.reverse() : c)
      .offset(offset - before)
      .limit(limit)
      .toArray();
    return rows as unknown as T[];
  }
  // Begin below/above every record of the boundary key: '' is the lowest primary key.
  const start = seg.begin
    ? { index: before, pos: { key: seg.begin.key, pk: '' }, inclusive: !plan.reverse }
    : null;
  return readFromPosition(db, plan, start, offset, limit, cache, signal);
}
