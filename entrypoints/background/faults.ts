/**
 * Fault injection for the end-to-end tests, wired only into the test build (`WXT_TEST_BUILD=1`): a test writes
 * `fault:afterMoveCommitMs` into the store's meta table, and the background then waits that long between a
 * move's commit and its answer, so the test can stop the service worker exactly there.
 */
import type { MoverDB } from '@/lib/store/db';

export const AFTER_MOVE_COMMIT_KEY = 'fault:afterMoveCommitMs';

export function testFaults(db: MoverDB) {
  if (import.meta.env.WXT_TEST_BUILD !== '1') return undefined;
  return {
    async afterMoveCommitted() {
      const ms = (await db.meta.get(AFTER_MOVE_COMMIT_KEY))?.value;
      if (typeof ms === 'number' && ms > 0) await new Promise((r) => setTimeout(r, Math.min(ms, 60_000)));
    },
  };
}
