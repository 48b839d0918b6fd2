import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import background from '@/entrypoints/background';
import { MAX_PAGE_TITLE } from '@/lib/messaging/protocol';
import { DEFAULT_PROFILE } from '@/lib/model';
import { profileItem } from '@/lib/settings/profile';
import { MoverDB } from '@/lib/store/db';

// The real background entrypoint, driven through fakeBrowser's onMessage with real sender shapes.
const EXT = `chrome-extension://${fakeBrowser.runtime.id}/`;
const pageSender = { id: fakeBrowser.runtime.id, url: `${EXT}sidepanel.html#/incidents` };
const contentSender = {
  id: fakeBrowser.runtime.id,
  url: 'https://portal.example.com/alerts',
  tab: { id: 7 },
  frameId: 0,
};
const foreignSender = { id: 'some-other-extension', url: 'chrome-extension://some-other-extension/x.html' };

// biome-ignore lint/suspicious/noExplicitAny: answers differ per message type; each test reads the fields it sent for.
type Resp = { ok: boolean; data?: any; error?: { code: string; message: string; details?: string[] } };
const sendAs = async (sender: object, message: unknown): Promise<Resp> => {
  const results = await fakeBrowser.runtime.onMessage.trigger(message, sender as never, () => {});
  return (await results[0]) as unknown as Resp;
};

const db = new MoverDB();

beforeAll(() => {
  // fakeBrowser leaves these unimplemented; the tests here drive runtime.onMessage only.
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
});

async function firstTwoAlertsOfDifferentIncidents() {
  const alerts = await db.alerts.orderBy('id').limit(50).toArray();
  const a = alerts[0]!;
  const b = alerts.find((x) => x.incidentId !== a.incidentId)!;
  return { a, b };
}

describe('background messages', () => {
  it('loads the sample tenant for an extension page', async () => {
    const r = await sendAs(pageSender, { type: 'store.loadSample' });
    expect(r.ok).toBe(true);
    expect(r.data.incidents).toBeGreaterThanOrEqual(60);
    expect(await db.alerts.count()).toBeGreaterThanOrEqual(250);
  });

  it('moves an alert for an extension page, and the content script cannot', async () => {
    await sendAs(pageSender, { type: 'store.loadSample' });
    const { a, b } = await firstTwoAlertsOfDifferentIncidents();
    const input = {
      alertIds: [a.id],
      target: { kind: 'existing', incidentId: b.incidentId },
      comment: 'Same host',
    };

    const refused = await sendAs(contentSender, { type: 'move.run', input });
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('forbidden-sender');
    expect((await db.alerts.get(a.id))?.incidentId).toBe(a.incidentId);

    const moved = await sendAs(pageSender, { type: 'move.run', input });
    expect(moved.ok).toBe(true);
    expect(moved.data.movedAlertIds).toEqual([a.id]);
    expect((await db.alerts.get(a.id))?.incidentId).toBe(b.incidentId);
  });

  it('refuses messages from other extensions', async () => {
    const r = await sendAs(foreignSender, { type: 'store.clear' });
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  });

  it.each([
    ['not an object', 'move.run'],
    ['unknown type', { type: 'store.dropEverything' }],
    ['missing input', { type: 'move.run' }],
    ['empty selection', { type: 'move.run', input: { alertIds: [], target: { kind: 'new' }, comment: 'x' } }],
    [
      'bad target',
      { type: 'move.run', input: { alertIds: ['a'], target: { kind: 'elsewhere' }, comment: 'x' } },
    ],
    [
      'hostile id',
      { type: 'move.run', input: { alertIds: ['<img onerror=x>'], target: { kind: 'new' }, comment: 'x' } },
    ],
    [
      'oversize comment',
      { type: 'move.run', input: { alertIds: ['a'], target: { kind: 'new' }, comment: 'x'.repeat(30_001) } },
    ],
  ])('answers a malformed message (%s) with a clear error and changes nothing', async (_name, message) => {
    await sendAs(pageSender, { type: 'store.loadSample' });
    const before = await db.activity.count();
    const r = await sendAs(pageSender, message);
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('bad-request');
    expect(r.error?.message).toMatch(/malformed message/);
    expect(await db.activity.count()).toBe(before);
  });

  it.each([
    ['store.clear', { type: 'store.clear' }],
    ['move.status', { type: 'move.status', token: 'x' }],
    ['sync.signOut', { type: 'sync.signOut' }],
    ['move.undo', { type: 'move.undo', token: 'x' }],
  ])('refuses %s from a content script and changes nothing', async (_name, message) => {
    await sendAs(pageSender, { type: 'store.loadSample' });
    const before = await db.incidents.count();
    const r = await sendAs(contentSender, message);
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(r.data).toBeUndefined();
    expect(await db.incidents.count()).toBe(before);
  });

  it('opens the move window for a page selection, handed over only through a one-off nonce the page never sees', async () => {
    const windows = vi.spyOn(fakeBrowser.windows, 'create').mockResolvedValue({} as never);
    const opened = await sendAs(contentSender, { type: 'page.openFlyout', alertIds: ['da1', 'da2'] });
    expect(opened).toEqual({ ok: true, data: { opened: true } });
    expect(windows).toHaveBeenCalledOnce();
    const { url, type } = windows.mock.calls[0]![0]!;
    expect(type).toBe('popup');
    const nonce = String(url).split('#')[1]!;
    expect(url).toBe(`${EXT}flyout.html#${nonce}`);
    expect(nonce).toMatch(/^[0-9a-f-]{36}$/);
    const sel = await sendAs(pageSender, { type: 'flyout.selection', nonce });
    expect(sel.data).toEqual({ alertIds: ['da1', 'da2'], origin: 'https://portal.example.com' });
    const again = await sendAs(pageSender, { type: 'flyout.selection', nonce });
    expect(again).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const bad = await sendAs(pageSender, { type: 'flyout.selection', nonce: 'guessed' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'not-found' } });
    await sendAs(contentSender, { type: 'page.openFlyout', alertIds: ['da3'] });
    const secondNonce = String(windows.mock.calls[1]![0]!.url).split('#')[1]!;
    const fromPage = await sendAs(contentSender, { type: 'flyout.selection', nonce: secondNonce });
    expect(fromPage).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    windows.mockRestore();
  });

  it('hands what the page showed for each alert to the move window with the ids, and nothing that does not line up', async () => {
    const windows = vi.spyOn(fakeBrowser.windows, 'create').mockResolvedValue({} as never);
    const nonceOf = (n: number) => String(windows.mock.calls[n]![0]!.url).split('#')[1]!;
    await sendAs(contentSender, {
      type: 'page.openFlyout',
      alertIds: ['da1', 'da2'],
      pageTitles: ['Phishing mail reported', 'Benign test'],
    });
    expect((await sendAs(pageSender, { type: 'flyout.selection', nonce: nonceOf(0) })).data).toEqual({
      alertIds: ['da1', 'da2'],
      origin: 'https://portal.example.com',
      pageTitles: ['Phishing mail reported', 'Benign test'],
    });
    // Titles that don't pair up with the ids are not handed on (the window would pair them wrongly).
    await sendAs(contentSender, { type: 'page.openFlyout', alertIds: ['da1', 'da2'], pageTitles: ['One'] });
    expect((await sendAs(pageSender, { type: 'flyout.selection', nonce: nonceOf(1) })).data).toEqual({
      alertIds: ['da1', 'da2'],
      origin: 'https://portal.example.com',
    });
    // A page's text is bounded like every other field.
    const long = await sendAs(contentSender, {
      type: 'page.openFlyout',
      alertIds: ['da1'],
      pageTitles: ['x'.repeat(MAX_PAGE_TITLE + 1)],
    });
    expect(long).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(windows).toHaveBeenCalledTimes(2);
    windows.mockRestore();
  });
});
