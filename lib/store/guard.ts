/**
 * Keeps the witness (lib/store/witness.ts) in step with the store: after writes (coalesced), at start-up, and
 * when a page asks. The witness is read and written through injected functions (extension storage in the
 * background, memory in tests).
 */
import type { MoverDB } from './db';
import { clearStore, ensureStoreId, snapshotStore } from './lifecycle';
import { acknowledgeLoss, clearedWitness, reconcileWitness, type StoreWitness } from './witness';

export interface StoreGuardDeps {
  db: MoverDB;
  readWitness(): Promise<StoreWitness | undefined>;
  writeWitness(w: StoreWitness): Promise<void>;
  now(): string;
  newId(): string;
  /** How long writes are collected before one check (ms). */
  settleMs?: number;
}

export function createStoreGuard(deps: StoreGuardDeps) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // One check at a time: two overlapping checks could both see an old witness.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const run = chain.then(job, job);
    chain = run.catch(() => undefined);
    return run;
  };

  const recount = async (previous: StoreWitness | undefined) => {
    const current = await snapshotStore(deps.db, deps.newId);
    const next = reconcileWitness(previous, current, deps.now());
    if (JSON.stringify(next) !== JSON.stringify(previous)) await deps.writeWitness(next);
    return next;
  };
  /** Counts the store (every record of three tables) and brings the witness up to date. */
  const check = () => serial(async () => recount(await deps.readWitness()));

  return {
    check,
    /**
     * Whether the store is still the one the witness knows, by its id alone; it is counted only when it is not
     * (a new or replaced store) or when there is no witness yet. For page opens and the worker's start: IndexedDB
     * counts by visiting every record (seconds at 200,000 alerts in Chromium), and a count blocks every other
     * read of the database meanwhile, so a page that asked for the full check waited seconds for its first
     * rows. The counts stay current without it: every write is followed by a full check (`noteWrite`).
     */
    checkIdentity: () =>
      serial(async () => {
        const [storeId, previous] = await Promise.all([
          ensureStoreId(deps.db, deps.newId),
          deps.readWitness(),
        ]);
        return previous && previous.storeId === storeId ? previous : recount(previous);
      }),
    /** Called after every write: one check once the writes settle. */
    noteWrite() {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void check().catch((e) => console.error('[incident-mover] store check failed', e));
      }, deps.settleMs ?? 500);
    },
    /** Empties the store on the analyst's request; the witness says so, so nothing is reported lost. */
    clear: () =>
      serial(async () => {
        const id = await clearStore(deps.db, deps.newId);
        await deps.writeWitness(clearedWitness(id, deps.now()));
      }),
    /** The analyst dealt with a loss (restored, imported, synced, or chose to start empty). */
    acknowledge: () =>
      serial(async () => {
        const w = await deps.readWitness();
        if (w?.lost) await deps.writeWitness(acknowledgeLoss(w));
      }),
  };
}

export type StoreGuard = ReturnType<typeof createStoreGuard>;

/**
 * Calls `onWrite` after every write to the store, whoever makes it (move, import, sync, undo), through a Dexie
 * middleware: no writer has to remember to report.
 */
export function watchWrites(db: MoverDB, onWrite: () => void): void {
  db.use({
    stack: 'dbcore',
    name: 'incident-mover-write-watch',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        return {
          ...table,
          mutate: (req) =>
            table.mutate(req).then((res) => {
              onWrite();
              return res;
            }),
        };
      },
    }),
  });
}
