import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import background from '@/entrypoints/background';
import { DEFAULT_PROFILE } from '@/lib/model';
import { profileItem } from '@/lib/settings/profile';
import { MoverDB } from '@/lib/store/db';

// The real background entrypoint, driven through fakeBrowser's onMessage with real sender shapes.
const EXT = `chrome-extension://${fakeBrowser.runtime.id}/`;
const pageSender = { id: fakeBrowser.runtime.id, url: `${EXT}sidepanel.html#/incidents` };
const contentSender = {
  id: fakeBrowser.runtime.id,
  url: 'https://portal.example.com/',
  tab: { id: 7 },
  frameId: 0,
};

// biome-ignore lint/suspicious/noExplicitAny: answers differ per message type; each test reads the fields it sent for.
type Resp = { ok: boolean; data?: any; error?: { code: string; message: string } };
const sendAs = async (sender: object, message: unknown): Promise<Resp> => {
  const results = await fakeBrowser.runtime.onMessage.trigger(message, sender as never, () => {});
  return (await results[0]) as unknown as Resp;
};

const db = new MoverDB();

beforeAll(() => {
  for (const event of [
    fakeBrowser.runtime.onConnect,
    fakeBrowser.permissions.onRemoved,
    fakeBrowser.permissions.onAdded,
  ]) {
    vi.spyOn(event, 'addListener').mockImplementation(() => {});
  }
  background.main();
});

beforeEach(async () => {
  await profileItem.setValue(DEFAULT_PROFILE);
  await sendAs(pageSender, { type: 'store.clear' });
  await sendAs(pageSender, { type: 'store.loadSample', size: { incidents: 6, alerts: 30, seed: 3 } });
});

/** Two open incidents that may be merged (same or unset classification, determination and assignee). */
async function twoMergeable() {
  const open = (await db.incidents.toArray()).filter(
    (i) => i.status === 'active' || i.status === 'inProgress',
  );
  for (const a of open)
    for (const b of open) {
      if (a.id >= b.id) continue;
      const same = (f: 'classification' | 'determination' | 'assignedTo') => !a[f] || !b[f] || a[f] === b[f];
      if (same('classification') && same('determination') && same('assignedTo')) return [a, b] as const;
    }
  throw new Error('the sample has no two mergeable incidents');
}

describe('merge messages', () => {
  it('merges for an extension page, never for a content script, and move.undo of the merge unmerges it', async () => {
    const [a, b] = await twoMergeable();
    const input = { incidentIds: [a.id, b.id], comment: 'One intrusion', reasons: ['sameActor'] };

    const refused = await sendAs(contentSender, { type: 'merge.run', input });
    expect(refused.error?.code).toBe('forbidden-sender');
    expect((await db.incidents.get(a.id))?.status).toBe(a.status);

    const merged = await sendAs(pageSender, { type: 'merge.run', input });
    expect(merged.ok).toBe(true);
    const gone = merged.data.mergedIncidentIds[0] as string;
    expect(await db.incidents.get(gone)).toMatchObject({
      status: 'redirected',
      redirectIncidentId: merged.data.survivorId,
    });

    // The popup's recent moves undo by token with move.undo: a merge is unmerged.
    const undone = await sendAs(pageSender, { type: 'move.undo', token: merged.data.token });
    expect(undone.ok).toBe(true);
    expect(undone.data.movedAlertIds.sort()).toEqual([...merged.data.movedAlertIds].sort());
    expect((await db.incidents.get(gone))?.status).not.toBe('redirected');

    const again = await sendAs(pageSender, { type: 'merge.undo', token: merged.data.token });
    expect(again.ok).toBe(false);
    expect(again.error?.message).toBe('This merge was already undone.');
  });

  it('refuses a merge of one incident with a sentence', async () => {
    const [a] = await twoMergeable();
    const r = await sendAs(pageSender, {
      type: 'merge.run',
      input: { incidentIds: [a.id], comment: 'x', reasons: [] },
    });
    expect(r.error).toEqual({
      code: 'validation',
      message: 'Select at least two incidents to merge.',
      details: ['Select at least two incidents to merge.'],
    });
  });
});
