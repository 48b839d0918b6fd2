import { afterEach, describe, expect, it } from 'vitest';
import { badgeFor, PROBLEM_COLOR, readBadgeSummary, WAITING_COLOR } from '@/lib/graph/badge';
import { updateSyncStatus } from '@/lib/graph/state';
import { MoverDB, type OutboxItem } from '@/lib/store/db';

describe('the toolbar badge', () => {
  it('is empty, with the plain name, when nothing waits and nothing failed', () => {
    expect(badgeFor({ waiting: 0 })).toEqual({ text: '', color: WAITING_COLOR, title: 'Incident Mover' });
  });

  it('counts the moves waiting to sync, and says so in the title', () => {
    expect(badgeFor({ waiting: 1 })).toEqual({
      text: '1',
      color: WAITING_COLOR,
      title: 'Incident Mover: 1 move waiting to sync with Microsoft Defender',
    });
    expect(badgeFor({ waiting: 12 }).title).toContain('12 moves waiting');
    expect(badgeFor({ waiting: 12_000 }).text).toBe('999+');
  });

  it('turns red with the reason when the last sync failed, keeping the count', () => {
    const failed = badgeFor({ waiting: 0, syncError: 'Microsoft Graph refused the sign-in.' });
    expect(failed).toEqual({
      text: '!',
      color: PROBLEM_COLOR,
      title: 'Incident Mover: sync failed: Microsoft Graph refused the sign-in.',
    });
    const both = badgeFor({ waiting: 3, syncError: 'No connection.' });
    expect(both.text).toBe('3');
    expect(both.color).toBe(PROBLEM_COLOR);
    expect(both.title).toBe(
      'Incident Mover: sync failed: No connection. (3 moves waiting to sync with Microsoft Defender)',
    );
  });
});

describe('what the badge reads from the store', () => {
  let db: MoverDB;
  afterEach(async () => {
    await db?.delete();
  });

  const item = (state: OutboxItem['state'], n: number): OutboxItem => ({
    moveToken: `t${n}`,
    kind: 'moveAlerts',
    body: {},
    state,
    attempts: 0,
    createdAt: '2026-12-01T00:00:00Z',
    requestId: `r${n}`,
  });

  it('counts queued and sending moves, not sent or refused ones', async () => {
    db = new MoverDB(`badge-${crypto.randomUUID()}`);
    await db.outbox.bulkAdd([item('queued', 1), item('sending', 2), item('done', 3), item('failed', 4)]);
    expect(await readBadgeSummary(db)).toEqual({ waiting: 2, syncError: undefined });
  });

  it("reports the last sync's problem only while signed in", async () => {
    db = new MoverDB(`badge-${crypto.randomUUID()}`);
    await updateSyncStatus(db, { signedIn: true, lastError: 'No connection.' });
    expect(await readBadgeSummary(db)).toEqual({ waiting: 0, syncError: 'No connection.' });
    await updateSyncStatus(db, { signedIn: false });
    expect((await readBadgeSummary(db)).syncError).toBeUndefined();
  });
});
