/**
 * One queue's rows for a virtualized table: the count (native, or a scan that reports progress) and the
 * window of rows around what is on screen, read through `lib/store/queue`. Live: the window is a liveQuery
 * (it re-reads when anything it read changes), and the count re-runs when the table is written to
 * (Dexie's `storagemutated`, which also carries writes made by the background).
 */
import Dexie from 'dexie';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { MoverDB } from '@/lib/store/db';
import {
  countQueue,
  type QueueCount,
  type QueuePlan,
  readIds,
  readWindow,
  ScanCache,
} from '@/lib/store/queue';
import { useDb } from '../hooks/db-context';
import { useLiveQuery } from '../hooks/use-live-query';

/** Rows read per window: the visible range rounded out to whole pages. */
export const PAGE = 60;

/** Increments (debounced) whenever anyone writes to `table`, in this page, another page or the background. */
export function useTableVersion(db: MoverDB, table: string, delay = 300): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const prefix = `idb://${db.name}/${table}/`;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onMutated = (parts: Record<string, unknown>) => {
      if (!Object.keys(parts).some((k) => k.startsWith(prefix))) return;
      clearTimeout(timer);
      timer = setTimeout(() => setVersion((v) => v + 1), delay);
    };
    Dexie.on('storagemutated', onMutated);
    return () => {
      clearTimeout(timer);
      Dexie.on.storagemutated.unsubscribe(onMutated);
    };
  }, [db, table, delay]);
  return version;
}

export interface QueueView<T> {
  plan: QueuePlan<T>;
  /** Rows to lay out: the exact count once known, else what is known so far. */
  rowCount: number;
  /** The count, once complete. */
  count: QueueCount | undefined;
  /** While a scan counts: matches found and records checked so far. */
  progress: { matched: number; examined: number } | undefined;
  /** True until the first window of this plan arrived. */
  loading: boolean;
  error: unknown;
  rowAt(index: number): T | undefined;
  /** Tells the queue which rows are on screen (the virtualizer's range). */
  setRange(start: number, end: number): void;
  /** Ids at [from, to), for range selection and select-all. */
  readIds(from: number, to: number): Promise<string[]>;
}

interface Window<T> {
  key: string;
  start: number;
  rows: T[];
}

export function useQueue<T>(plan: QueuePlan<T>): QueueView<T> {
  const db = useDb();
  const version = useTableVersion(db, plan.table);
  // `n`: how many counts of this plan came before this one (0 for its first).
  const [counted, setCounted] = useState<{ key: string; count: QueueCount; n: number } | undefined>();
  const [progress, setProgress] = useState<{ key: string; matched: number; examined: number } | undefined>();
  const [countError, setCountError] = useState<{ key: string; error: unknown } | undefined>(undefined);
  const cacheRef = useRef(new ScanCache(plan.key));
  if (cacheRef.current.planKey !== plan.key) cacheRef.current = new ScanCache(plan.key);
  const planRef = useRef(plan);
  planRef.current = plan;
  const count = counted?.key === plan.key ? counted.count : undefined;
  const [block, setBlock] = useState({ key: plan.key, start: 0, size: PAGE });
  const start = block.key === plan.key ? block.start : 0;
  const size = block.key === plan.key ? block.size : PAGE;

  const win = useLiveQuery<Window<T>>(
    async () => ({
      key: plan.key,
      start,
      rows: await readWindow(db, plan, start, size, { cache: cacheRef.current, total: count?.total }),
    }),
    // A window past the first starts from what the count learnt (its total, checkpoints, segments): read it
    // again once the count is there, and after every recount (the data changed). The first window needs
    // nothing from the plan's first count (which starts once it is in), so that count does not read it again.
    [db, plan.key, start, size, start === 0 ? (counted?.key === plan.key ? counted.n : 0) : counted],
  );
  // The count starts once the plan's first window is in: on the store's one connection its reads would go
  // before the window's, and the first rows matter more (the status line says "Counting…" meanwhile).
  const firstIn = win.status === 'error' || (win.status === 'ready' && win.data.key === plan.key);
  const [gate, setGate] = useState<string | undefined>();
  if (firstIn && gate !== plan.key) setGate(plan.key);
  const open = gate === plan.key;
  // As the view commits (like useLiveQuery): the count starts with the rows, not a frame after them.
  useLayoutEffect(() => {
    if (!open) return;
    const ctrl = new AbortController();
    const cache = new ScanCache(plan.key);
    // First count of this plan: windows may use its checkpoints as they appear. A recount after a change
    // keeps the previous ones until it is done (close enough meanwhile, exact after).
    if (counted?.key !== plan.key) cacheRef.current = cache;
    setCountError(undefined);
    let shown = 0;
    countQueue(db, plan, {
      cache,
      signal: ctrl.signal,
      onProgress: (p) => {
        const now = performance.now();
        if (now - shown < 250) return;
        shown = now;
        setProgress({ key: plan.key, ...p });
      },
    })
      .then((count) => {
        if (ctrl.signal.aborted) return;
        cacheRef.current = cache;
        setCounted((prev) => ({ key: plan.key, count, n: prev?.key === plan.key ? prev.n + 1 : 0 }));
        setProgress(undefined);
      })
      .catch((e) => {
        if (ctrl.signal.aborted) return;
        console.error('[incident-mover] count failed', e);
        setCountError({ key: plan.key, error: e });
      });
    return () => ctrl.abort();
  }, [db, plan.key, version, open]);

  const last = useRef<Window<T> | undefined>(undefined);
  if (win.status === 'ready') last.current = win.data;
  const shown = last.current?.key === plan.key ? last.current : undefined;

  const live = progress?.key === plan.key ? progress : undefined;
  const loadedEnd = shown ? shown.start + shown.rows.length : 0;
  const rowCount = count ? count.total : Math.max(live?.matched ?? 0, loadedEnd);

  const setRange = useCallback((from: number, to: number) => {
    const s = Math.max(0, Math.floor(from / PAGE) * PAGE);
    const e = (Math.floor(Math.max(from, to) / PAGE) + 1) * PAGE;
    setBlock((b) =>
      b.key === planRef.current.key && b.start === s && b.size === e - s
        ? b
        : { key: planRef.current.key, start: s, size: e - s },
    );
  }, []);

  return {
    plan,
    rowCount,
    count,
    progress: count ? undefined : live ? { matched: live.matched, examined: live.examined } : undefined,
    loading: !shown,
    error: win.status === 'error' ? win.error : countError?.key === plan.key ? countError.error : undefined,
    rowAt: (index) => (shown && index >= shown.start ? shown.rows[index - shown.start] : undefined),
    setRange,
    readIds: (from, to) => readIds(db, plan, from, to, { cache: cacheRef.current, total: count?.total }),
  };
}

export { useNow } from '../hooks/use-now';
