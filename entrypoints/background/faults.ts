/**
 * Fault injection for the end-to-end tests, wired only into the test build (`WXT_TEST_BUILD=1`). A test writes
 * into the store's meta table:
 * - `fault:afterMoveCommitMs`: the background waits that long between a move's commit and its answer, so the test
 *   can stop the service worker exactly there;
 * - `fault:insideMoveMs`: the move waits that long INSIDE its transaction, after its writes and before the commit,
 *   so the test can stop the worker, kill the browser or fill the disk with the move half-written. Its start is
 *   announced in `storage.session` under `fault:paused`;
 * - `fault:insideMergeMs`: the same inside a merge's transaction.
 */
import { browser } from 'wxt/browser';
import type { MoverDB } from '@/lib/store/db';

export const AFTER_MOVE_COMMIT_KEY = 'fault:afterMoveCommitMs';
export const INSIDE_MOVE_KEY = 'fault:insideMoveMs';
export const INSIDE_MERGE_KEY = 'fault:insideMergeMs';
export const PAUSED_KEY = 'fault:paused';

/** A pause of `key`'s milliseconds to run inside a transaction, before it commits (read before it starts). */
async function pauseInside(db: MoverDB, key: string): Promise<(() => Promise<void>) | undefined> {
  const ms = (await db.meta.get(key))?.value;
  if (typeof ms !== 'number' || ms <= 0) return undefined;
  return async () => {
    // Not awaited: awaiting a non-Dexie promise here would commit the transaction early.
    void browser.storage.session.set({ [PAUSED_KEY]: Date.now() });
    const until = Date.now() + Math.min(ms, 60_000);
    // Dexie reads in a loop keep the transaction open (an idle IndexedDB transaction commits).
    while (Date.now() < until) await db.meta.get(key);
  };
}

export function testFaults(db: MoverDB) {
  if (import.meta.env.WXT_TEST_BUILD !== '1') return undefined;
  return {
    async afterMoveCommitted() {
      const ms = (await db.meta.get(AFTER_MOVE_COMMIT_KEY))?.value;
      if (typeof ms === 'number' && ms > 0) await new Promise((r) => setTimeout(r, Math.min(ms, 60_000)));
    },
    /** Read before the move's transaction; the pause it returns runs inside it. */
    insideMove: () => pauseInside(db, INSIDE_MOVE_KEY),
    /** Read before the merge's transaction; the pause it returns runs inside it. */
    insideMerge: () => pauseInside(db, INSIDE_MERGE_KEY),
  };
}
