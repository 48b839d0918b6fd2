// @vitest-environment happy-dom
/** The `Split incident <id>` dialog: the proposal as groups, changing it, refusals in words, and Save through the background. */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { SplitDialog } from '@/components/details/SplitDialog';
import { DbContext } from '@/components/hooks/db-context';
import { createRouter } from '@/lib/messaging/router';
import { DEFAULT_PROFILE, type GraphAlert } from '@/lib/model';
import { toStoredAlert, toStoredIncident } from '@/lib/model/derive';
import { profileItem, readProfile } from '@/lib/settings/profile';
import { MoverDB } from '@/lib/store/db';

const T0 = '2026-01-01T00:00:00.000Z';
const EXT = `chrome-extension://${fakeBrowser.runtime.id}/`;
const device = (id: string) => ({
  '@odata.type': '#microsoft.graph.security.deviceEvidence',
  mdeDeviceId: id,
  deviceDnsName: `${id}.corp`,
});
let db: MoverDB;
let tokens = 0;

async function seed() {
  const make = (id: string, incidentId: string, host: string) =>
    toStoredAlert(
      {
        id,
        incidentId,
        title: `Alert ${id}`,
        severity: 'medium',
        status: 'new',
        createdDateTime: T0,
        evidence: [device(host)],
      } as GraphAlert,
      T0,
    );
  const glued = [
    make('a1', '100', 'ws-a'),
    make('a2', '100', 'ws-a'),
    make('b1', '100', 'ws-b'),
    make('b2', '100', 'ws-b'),
  ];
  const single = [make('s1', '200', 'ws-s')];
  // Unrelated incidents, so ws-a and ws-b are rare in this store.
  const others = Array.from({ length: 8 }, (_, i) => make(`o${i}`, String(300 + i), `ws-o${i}`));
  const all = [...glued, ...single, ...others];
  await db.alerts.bulkAdd(all);
  const ids = [...new Set(all.map((a) => a.incidentId))];
  await db.incidents.bulkAdd(
    ids.map((id) =>
      toStoredIncident(
        { id, displayName: `Incident ${id}`, status: 'active', severity: 'medium', createdDateTime: T0 },
        all.filter((a) => a.incidentId === id),
        T0,
      ),
    ),
  );
}

beforeEach(async () => {
  fakeBrowser.reset();
  await profileItem.setValue(DEFAULT_PROFILE);
  db = new MoverDB(`split-ui-${crypto.randomUUID()}`);
  await seed();
  const handle = createRouter({
    db,
    extensionId: fakeBrowser.runtime.id,
    extensionOrigin: EXT,
    getProfile: readProfile,
    now: () => T0,
    newToken: () => `token-${++tokens}`,
    session: { get: async () => undefined, set: async () => undefined, remove: async () => undefined },
  });
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(((message: unknown) =>
    handle(message, { id: fakeBrowser.runtime.id, url: `${EXT}sidepanel.html` })) as never);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  db.close();
});

const open = (incidentId: string, onSplit = vi.fn()) => {
  render(
    <DbContext.Provider value={db}>
      <SplitDialog incidentId={incidentId} onClose={() => {}} onSplit={onSplit} />
    </DbContext.Provider>,
  );
  return { dialog: screen.getByRole('dialog', { name: `Split incident ${incidentId}` }), onSplit };
};
const ids = (group: HTMLElement) =>
  [...group.querySelectorAll('[data-alert-id]')].map((e) => e.getAttribute('data-alert-id'));

it('proposes the groups; the analyst can move an alert, merge groups and add one; Save refuses a one-group split in words', async () => {
  const { dialog } = open('100');
  const g1 = await within(dialog).findByRole('group', { name: 'Group 1' });
  const g2 = within(dialog).getByRole('group', { name: 'Group 2' });
  expect(ids(g1)).toEqual(['a1', 'a2']);
  expect(ids(g2)).toEqual(['b1', 'b2']);

  fireEvent.change(within(g2).getByRole('combobox', { name: 'Group for Alert b2' }), {
    target: { value: '0' },
  });
  expect(ids(within(dialog).getByRole('group', { name: 'Group 1' }))).toEqual(['a1', 'a2', 'b2']);

  fireEvent.click(within(dialog).getByRole('button', { name: 'Add group' }));
  expect(within(dialog).getByRole('group', { name: 'Group 3' })).toBeTruthy();
  fireEvent.click(within(dialog).getByRole('button', { name: 'Merge Group 3 into Group 2' }));
  fireEvent.click(within(dialog).getByRole('button', { name: 'Merge Group 2 into Group 1' }));
  expect(within(dialog).queryByRole('group', { name: 'Group 2' })).toBeNull();

  fireEvent.input(within(dialog).getByRole('textbox', { name: 'Comment' }), { target: { value: 'why' } });
  fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
  expect(within(dialog).getByRole('alert').textContent).toBe(
    'Every alert is in Group 1, so nothing would change. Move alerts to another group first.',
  );
  expect(await db.alerts.where('incidentId').equals('100').count()).toBe(4);
});

it('saves the split through the background and reports it', async () => {
  const { dialog, onSplit } = open('100');
  await within(dialog).findByRole('group', { name: 'Group 2' });
  fireEvent.input(within(dialog).getByRole('textbox', { name: 'Comment' }), {
    target: { value: 'Two hosts, two stories.' },
  });
  fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
  await waitFor(() => expect(onSplit).toHaveBeenCalledTimes(1));
  const [result] = onSplit.mock.calls[0]!;
  expect(result.split.incidentId).toBe('100');
  expect((await db.alerts.bulkGet(['b1', 'b2'])).map((a) => a!.incidentId)).toEqual([
    result.split.createdIncidentIds[0],
    result.split.createdIncidentIds[0],
  ]);
});

it('a one-alert incident: the dialog says there is nothing to split and Save is off', async () => {
  const { dialog } = open('200');
  expect((await within(dialog).findByRole('alert')).textContent).toBe(
    'Incident 200 has only one alert: there is nothing to split.',
  );
  expect((within(dialog).getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
});
