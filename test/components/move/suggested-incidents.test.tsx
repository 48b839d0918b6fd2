// @vitest-environment happy-dom
/** `Suggested incidents` in the flyout and on alert details, over the sample tenant and its planted misplaced alerts. */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AlertDetails } from '@/components/details/AlertDetails';
import { DbContext } from '@/components/hooks/db-context';
import { MoveFlyout } from '@/components/move/MoveFlyout';
import { loadSample, MISCORRELATED_HINTS } from '@/lib/data/sample';
import { DEFAULT_PROFILE } from '@/lib/model';
import { profileItem } from '@/lib/settings/profile';
import { MoverDB } from '@/lib/store/db';

let db: MoverDB;
beforeEach(async () => {
  fakeBrowser.reset();
  await profileItem.setValue(DEFAULT_PROFILE);
  db = new MoverDB(`s-${crypto.randomUUID()}`);
  await loadSample(db, { now: '2026-11-20T12:00:00.000Z' });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  db.close();
});

/** A planted misplaced alert whose true incident is open (a resolved one is never suggested). */
async function misplaced() {
  for (const hint of MISCORRELATED_HINTS) {
    const belongs = await db.incidents.get(hint.belongsWithIncidentId);
    if (belongs && belongs.status !== 'resolved') return { hint, belongs };
  }
  throw new Error('no open true incident among the planted hints');
}

it('the flyout lists the true incident first, says why, and picking it makes it the target with its reasons', async () => {
  const { hint, belongs } = await misplaced();
  render(
    <DbContext.Provider value={db}>
      <MoveFlyout alertIds={[hint.alertId]} onClose={() => {}} onMoved={() => {}} />
    </DbContext.Provider>,
  );
  const list = await screen.findByRole('list', { name: 'Suggested incidents' });
  const first = await waitFor(() => {
    const [b] = within(list).getAllByRole('button');
    if (!b) throw new Error('no suggestion yet');
    return b;
  });
  expect(first.dataset.incidentId).toBe(belongs.id);
  expect(first.textContent).toContain(belongs.displayName);
  expect(first.textContent).toContain(`(${belongs.id})`);
  expect(first.textContent).toMatch(/Shares (device|user|file|IP address|mailbox|URL)/);
  expect(within(list).queryByText(new RegExp(`\\(${hint.incidentId}\\)`))).toBeNull();
  expect(first.getAttribute('aria-pressed')).toBe('false');

  fireEvent.click(first);
  expect(first.getAttribute('aria-pressed')).toBe('true');
  await waitFor(() =>
    expect((screen.getByRole('combobox', { name: 'Incident name or ID' }) as HTMLInputElement).value).toBe(
      belongs.displayName,
    ),
  );
  expect((screen.getByRole('checkbox', { name: 'Same asset' }) as HTMLInputElement).checked).toBe(true);
  // The analyst can change them.
  fireEvent.click(screen.getByRole('checkbox', { name: 'Same asset' }));
  expect((screen.getByRole('checkbox', { name: 'Same asset' }) as HTMLInputElement).checked).toBe(false);
});

it('alert details show the same list; an item opens the flyout with that target', async () => {
  const { hint, belongs } = await misplaced();
  render(
    <DbContext.Provider value={db}>
      <AlertDetails id={hint.alertId} />
    </DbContext.Provider>,
  );
  const list = await screen.findByRole('list', { name: 'Suggested incidents' });
  const item = await waitFor(() => {
    const b = list.querySelector<HTMLButtonElement>(`button[data-incident-id="${belongs.id}"]`);
    if (!b) throw new Error('not yet');
    return b;
  });
  fireEvent.click(item);
  const dialog = await screen.findByRole('dialog', { name: 'Move alert to another incident' });
  await waitFor(() =>
    expect(
      (within(dialog).getByRole('combobox', { name: 'Incident name or ID' }) as HTMLInputElement).value,
    ).toBe(belongs.displayName),
  );
});

it('an alert with no evidence gets no suggestions, in words', async () => {
  const [a] = await db.alerts.limit(1).toArray();
  await db.alerts.put({ ...a!, id: 'bare', evidence: [], entities: [] });
  render(
    <DbContext.Provider value={db}>
      <MoveFlyout alertIds={['bare']} onClose={() => {}} onMoved={() => {}} />
    </DbContext.Provider>,
  );
  await screen.findByText(/No suggestions: no other open incident shares/);
  expect(
    within(screen.getByRole('list', { name: 'Suggested incidents' })).queryAllByRole('button'),
  ).toHaveLength(0);
});
