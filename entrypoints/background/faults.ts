/**
 * Fault injection for the end-to-end tests, wired only into the test build (`WXT_TEST_BUILD=1`). A test writes
 * into the store's meta table:
 * - `fault:afterMoveCommitMs`: the background waits that long between a move's commit and its answer, so the test
 *   can stop the service worker exactly there;
 * - `fault:insideMoveMs`: the move waits that long INSIDE its transaction, after its writes and before the commit,
 *   so the test can stop the worker, kill the browser or fill the disk with the move half-written. Its start is
 *   announced in `storage.session` under `fault:paused`;
 * - `fault:insideMergeMs`: the same inside a merge's transaction.
 * And in `storage.session`: `fault:upgradeSchema` makes the background open the store one schema version higher,
 * as the next build would after an update (open views must step aside and reload); `fault:upgradedTo` says done.
 */
import { browser } from 'wxt/browser';
import { MoverDB } from '@/lib/store/db';
import { schemaOf } from '@/lib/store/migrations';

export const AFTER_MOVE_COMMIT_KEY = 'fault:afterMoveCommitMs';
export const INSIDE_MOVE_KEY = 'fault:insideMoveMs';
export const INSIDE_MERGE_KEY = 'fault:insideMergeMs';
export const PAUSED_KEY = 'fault:paused';
export const UPGRADE_KEY = 'fault:upgradeSchema';
export const UPGRADED_KEY = 'fault:upgradedTo';

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

/** Test build only: a schema upgrade on request, as the next build of the extension would make it. */
export function listenForTestUpgrade(db: MoverDB) {
  if (import.meta.env.WXT_TEST_BUILD !== '1') return;
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'session' || !changes[UPGRADE_KEY]?.newValue) return;
    void (async () => {
      // The next build: every version of this one, and one more that changes a record in its upgrade.
      const next = new MoverDB(db.name);
      const version = schemaOf().version + 1;
      next
        .version(version)
        .stores({})
        .upgrade((tx) => tx.table('meta').put({ key: 'fault:upgradedBy', value: version }));
      await next.open();
      next.close();
      await browser.storage.session.set({ [UPGRADED_KEY]: version });
    })().catch((e) => console.error('[incident-mover] test upgrade failed', e));
  });
}
