/** The toolbar button's badge follows the outbox and the sync status live (lib/graph/badge.ts says what). */
import { liveQuery } from 'dexie';
import { browser } from 'wxt/browser';
import { badgeFor, readBadgeSummary } from '@/lib/graph/badge';
import type { MoverDB } from '@/lib/store/db';

export function showSyncOnBadge(db: MoverDB): void {
  let shown = '';
  liveQuery(() => readBadgeSummary(db)).subscribe({
    next: (summary) => {
      const badge = badgeFor(summary);
      const key = JSON.stringify(badge);
      if (key === shown) return;
      shown = key;
      const show = async () => {
        await browser.action.setBadgeText({ text: badge.text });
        await browser.action.setBadgeBackgroundColor({ color: badge.color });
        // White on the dark colours in both browsers (each would otherwise pick its own).
        await browser.action.setBadgeTextColor({ color: '#ffffff' });
        await browser.action.setTitle({ title: badge.title });
      };
      show().catch((e) => console.error('[incident-mover] badge not updated', e));
    },
    error: (e) => console.error('[incident-mover] badge query failed', e),
  });
}
