// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { FlyoutReaderContext } from '@/components/move/flyout-reader-context';
import { MoveFlyout } from '@/components/move/MoveFlyout';
import { remoteReader } from '@/components/move/remote-reader';
import { ClientError } from '@/lib/messaging/client';
import { type FlyoutReadKind, flyoutReadAnswers } from '@/lib/messaging/flyout-read';
import type { PageRequest } from '@/lib/messaging/protocol';
import { dexieReader, type IncidentChoice } from '@/lib/move/flyout-reader';
import type { MoverDB } from '@/lib/store/db';
import { setup } from '../workspace-fixtures';

// The framed flyout's reads, through the real router and back, as JSON like every runtime message.
let db: MoverDB;
let send: (message: unknown) => Promise<unknown>;

beforeEach(async () => {
  ({ db, send } = await setup());
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation((async (message: unknown) =>
    JSON.parse(JSON.stringify(await send(message)))) as never);
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  db.close();
});

/** What the background answers a `flyout.read` query with, as the frame receives it. */
async function answer(query: PageRequest & { type: 'flyout.read' }): Promise<unknown> {
  const r = JSON.parse(JSON.stringify(await send(query))) as { ok: boolean; data?: unknown };
  expect(r.ok).toBe(true);
  return r.data;
}

const ALERT_FIELDS = [
  'id',
  'title',
  'incidentId',
  'severity',
  'scope',
  'category',
  'serviceSource',
  'evidence',
  'version',
] as const;
const pick = <T extends object>(o: T, keys: readonly string[]) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));

describe('flyout.read answers', () => {
  it('has one schema for each query kind', () => {
    expectTypeOf<FlyoutReadKind>().toEqualTypeOf<
      Extract<PageRequest, { type: 'flyout.read' }>['query']['kind']
    >();
    expect(Object.keys(flyoutReadAnswers).sort()).toEqual(['alerts', 'incidents', 'selection', 'target']);
  });

  it('selection: the alerts in the order asked (a missing one as missing) and their incidents', async () => {
    const raw = await answer({
      type: 'flyout.read',
      query: { kind: 'selection', alertIds: ['da3', 'nope'] },
    });
    expect(flyoutReadAnswers.selection.safeParse(raw).success).toBe(true);

    const read = await remoteReader().selection(['da3', 'nope']);
    const local = await dexieReader(db).selection(['da3', 'nope']);
    expect(read.alerts).toHaveLength(2);
    expect(read.alerts[0]).toEqual(pick(local.alerts[0]!, ALERT_FIELDS));
    expect(read.alerts[1]).toBeUndefined();
    expect(read.sources).toEqual([
      { id: '2042', displayName: 'Sign-in from Zürich', alertCount: 1, scopes: ['Servers'] },
    ]);
  });

  it('target: follows a merged incident, and says why an unknown one cannot be used', async () => {
    const raw = await answer({ type: 'flyout.read', query: { kind: 'target', incidentId: '3101' } });
    expect(flyoutReadAnswers.target.safeParse(raw).success).toBe(true);

    const reader = remoteReader();
    expect(await reader.target('3101')).toEqual({
      incident: {
        id: '3100',
        displayName: 'Phishing campaign targeting Finance',
        alertCount: 1,
        scopes: ['Servers'],
      },
      redirectedFrom: '3101',
      severities: ['medium'],
    });
    expect(await reader.target('77')).toEqual({ problem: 'Incident 77 does not exist.', severities: [] });
  });

  it("incidents: every incident as the combobox lists it, in the store reader's order", async () => {
    const raw = await answer({ type: 'flyout.read', query: { kind: 'incidents' } });
    expect(flyoutReadAnswers.incidents.safeParse(raw).success).toBe(true);

    const read = await remoteReader().incidents();
    expect(read).toEqual(await dexieReader(db).incidents());
    expect(read.map((i) => i.id).sort()).toEqual(['2041', '2042', '3100', '3101', '3200']);
    expect(read.find((i) => i.id === '3101')).toMatchObject({
      status: 'redirected',
      redirectIncidentId: '3100',
    });
  });

  it('alerts: the current versions, a missing alert as missing', async () => {
    const raw = await answer({ type: 'flyout.read', query: { kind: 'alerts', alertIds: ['da1', 'gone'] } });
    expect(flyoutReadAnswers.alerts.safeParse(raw).success).toBe(true);

    const read = await remoteReader().alerts(['da1', 'gone']);
    expect(read.map((a) => a && { id: a.id, version: a.version })).toEqual([
      { id: 'da1', version: 1 },
      undefined,
    ]);
  });

  it.each([
    ['selection', (r: ReturnType<typeof remoteReader>) => r.selection(['da1']), 'the selected alerts'],
    [
      'target',
      (r: ReturnType<typeof remoteReader>) => r.target('2041'),
      'the incident to move the alerts to',
    ],
    ['incidents', (r: ReturnType<typeof remoteReader>) => r.incidents(), 'the incidents to choose from'],
    ['alerts', (r: ReturnType<typeof remoteReader>) => r.alerts(['da1']), 'the selected alerts'],
  ])('refuses a malformed %s answer with a sentence', async (_kind, read, what) => {
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation((async () => ({
      ok: true,
      data: { alerts: 'not a list', severities: 3 },
    })) as never);
    const error = await read(remoteReader()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('internal');
    expect((error as ClientError).message).toBe(
      `The extension’s background sent ${what} in a form this window can’t read. Reload the extension and try again.`,
    );
  });
});

describe('the remote incident list', () => {
  it('asks once per listener and again when the window gets focus', async () => {
    const list = remoteReader().incidentList();
    expect(list.current()).toBeUndefined();
    const seen: (readonly IncidentChoice[])[] = [];
    const stop = list.subscribe((rows) => seen.push(rows));
    await waitFor(() => expect(seen).toHaveLength(1));
    expect(list.current()?.map((i) => i.id)).toContain('2041');

    await db.incidents.update('2042', { displayName: 'Sign-in from Zürich (renamed)' });
    dispatchEvent(new Event('focus'));
    await waitFor(() => expect(seen).toHaveLength(2));
    expect(seen[1]!.find((i) => i.id === '2042')?.displayName).toBe('Sign-in from Zürich (renamed)');

    stop();
    dispatchEvent(new Event('focus'));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toHaveLength(2);
  });
});

describe('the move flyout on the remote reader', () => {
  it('lists the selection and offers incidents, all read through the background', async () => {
    render(
      <FlyoutReaderContext.Provider value={remoteReader()}>
        <MoveFlyout alertIds={['da3']} onClose={() => {}} onMoved={() => {}} />
      </FlyoutReaderContext.Provider>,
    );
    const dialog = screen.getByRole('dialog', { name: 'Move alert to another incident' });
    await within(dialog).findByText('Impossible travel');
    expect(within(dialog).getByText(/In incident Sign-in from Zürich \(2042\)/)).toBeTruthy();

    fireEvent.input(screen.getByRole('combobox', { name: 'Incident name or ID' }), {
      target: { value: 'phishing' },
    });
    await waitFor(() =>
      expect(screen.getAllByRole('option').map((o) => o.getAttribute('data-incident-id'))).toContain('3100'),
    );
  });
});
