// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DbContext } from '@/components/hooks/db-context';
import { COMMENT_COUNTER_FROM } from '@/components/move/CommentField';
import { MoveFlyout } from '@/components/move/MoveFlyout';
import { MoveStatus } from '@/components/move/MoveStatus';
import { draftKey } from '@/components/move/use-move-draft';
import { type GraphClient, GraphError } from '@/lib/graph/client';
import { drainOutbox } from '@/lib/graph/drain';
import { enqueueMove } from '@/lib/graph/outbox';
import type { MoveResult } from '@/lib/messaging/protocol';
import { createRouter } from '@/lib/messaging/router';
import { type Alert, DEFAULT_PROFILE, type Incident } from '@/lib/model';
import { summarize, toStoredAlert, toStoredIncident } from '@/lib/model/derive';
import { flyoutDraftItem, profileItem, readProfile } from '@/lib/settings/profile';
import { MoverDB } from '@/lib/store/db';

// A small tenant, stored the way import stores it.
const T0 = '2026-01-01T00:00:00.000Z';
interface Spec {
  id: string;
  name: string;
  status?: string;
  redirectIncidentId?: string;
  updated?: string;
  alerts: { id: string; title: string; severity?: string; group?: string }[];
}
const TENANT: Spec[] = [
  {
    id: '2041',
    name: 'Ransomware activity on one endpoint',
    alerts: [
      { id: 'da1', title: 'Suspicious PowerShell', severity: 'medium' },
      { id: 'da2', title: 'Ransom note dropped', severity: 'high' },
    ],
  },
  {
    id: '2042',
    name: 'Sign-in from Zürich',
    alerts: [{ id: 'da3', title: 'Impossible travel', severity: 'low' }],
  },
  {
    id: '3100',
    name: 'Phishing campaign targeting Finance',
    alerts: [{ id: 'da4', title: 'Phish delivered' }],
  },
  {
    id: '3101',
    name: 'Old duplicate of phishing',
    status: 'redirected',
    redirectIncidentId: '3100',
    alerts: [],
  },
  { id: '3200', name: 'Lab devices', alerts: [{ id: 'da5', title: 'Lab alert', group: 'Lab' }] },
];

async function seed(db: MoverDB) {
  const incidents: Incident[] = [];
  const alerts: Alert[] = [];
  TENANT.forEach((spec, n) => {
    const own = spec.alerts.map((a) =>
      toStoredAlert(
        {
          id: a.id,
          incidentId: spec.id,
          title: a.title,
          severity: a.severity ?? 'low',
          status: 'new',
          category: 'Execution',
          serviceSource: 'microsoftDefenderForEndpoint',
          evidence: [
            {
              '@odata.type': '#microsoft.graph.security.deviceEvidence',
              deviceDnsName: `pc-${a.id}`,
              rbacGroupName: a.group ?? 'Servers',
            },
          ],
          createdDateTime: T0,
        },
        T0,
      ),
    );
    alerts.push(...own);
    incidents.push(
      toStoredIncident(
        {
          id: spec.id,
          displayName: spec.name,
          status: spec.status ?? 'active',
          severity: summarize(own).severity ?? 'unknown',
          redirectIncidentId: spec.redirectIncidentId ?? null,
          createdDateTime: T0,
          lastUpdateDateTime: new Date(Date.parse(T0) + n * 1000).toISOString(),
        },
        own,
        T0,
      ),
    );
  });
  await db.incidents.bulkAdd(incidents);
  await db.alerts.bulkAdd(alerts);
}

const EXT = `chrome-extension://${fakeBrowser.runtime.id}/`;
let db: MoverDB;
let handle: ReturnType<typeof createRouter>;
let tokens = 0;
/** A move made elsewhere (another view), through the same background. */
const sendElsewhere = (message: unknown) =>
  handle(message, { id: fakeBrowser.runtime.id, url: `${EXT}popup.html` });

beforeEach(async () => {
  fakeBrowser.reset();
  await profileItem.setValue(DEFAULT_PROFILE);
  db = new MoverDB(`t-${crypto.randomUUID()}`);
  await seed(db);
  handle = createRouter({
    db,
    extensionId: fakeBrowser.runtime.id,
    extensionOrigin: EXT,
    getProfile: readProfile,
    now: () => new Date().toISOString(),
    newToken: () => `token-${++tokens}`,
    session: { get: async () => undefined, set: async () => undefined, remove: async () => undefined },
  });
  // The client's `browser.runtime.sendMessage` reaches the real router, as from the side panel.
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(((message: unknown) =>
    handle(message, { id: fakeBrowser.runtime.id, url: `${EXT}sidepanel.html` })) as never);
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  db.close();
});

function open(alertIds: string[], opts: { onClose?: () => void; onMoved?: (r: MoveResult) => void } = {}) {
  const onClose = vi.fn(opts.onClose);
  const onMoved = vi.fn(opts.onMoved);
  const view = render(
    <DbContext.Provider value={db}>
      <button type="button">Opener</button>
      <MoveFlyout alertIds={alertIds} onClose={onClose} onMoved={onMoved} />
    </DbContext.Provider>,
  );
  return { ...view, onClose, onMoved };
}

const combobox = () => screen.getByRole('combobox', { name: 'Incident name or ID' });
const comment = () => screen.getByRole('textbox', { name: 'Comment' });
const save = () => screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;
const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } });
const key = (el: HTMLElement, k: string, init: KeyboardEventInit = {}) =>
  fireEvent.keyDown(el, { key: k, ...init });
const optionNames = () => screen.queryAllByRole('option').map((o) => o.textContent ?? '');

async function chooseIncident(query: string, id: string) {
  type(combobox(), query);
  const option = await waitFor(() => {
    const found = screen.getAllByRole('option').find((o) => o.getAttribute('data-incident-id') === id);
    if (!found) throw new Error(`no option ${id}`);
    return found;
  });
  const name = option.querySelector('.option-name')?.textContent;
  fireEvent.click(option);
  expect((combobox() as HTMLInputElement).value).toBe(name);
}

describe('the move flyout', () => {
  it('is named for one alert, and lists it with its id and current incident', async () => {
    open(['da3']);
    const dialog = screen.getByRole('dialog', { name: 'Move alert to another incident' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    await within(dialog).findByText('Impossible travel');
    expect(within(dialog).getByText('da3')).toBeTruthy();
    expect(within(dialog).getByText(/In incident Sign-in from Zürich \(2042\)/)).toBeTruthy();
  });

  it('is named for two or more alerts, and shows alerts it cannot move as such', async () => {
    open(['da1', 'da3', 'nope-1']);
    const dialog = screen.getByRole('dialog', { name: 'Move multiple alerts to another incident' });
    await within(dialog).findByText('Suspicious PowerShell');
    expect(within(dialog).getByText(/Not in the extension’s data/)).toBeTruthy();
    expect(within(dialog).getByText(/3 alerts selected; 1 alert can't be moved/)).toBeTruthy();
  });

  it('offers the two choices of the product, existing incident first', () => {
    open(['da3']);
    const existing = screen.getByRole('radio', { name: 'Link to an existing incident' }) as HTMLInputElement;
    const created = screen.getByRole('radio', { name: 'Create a new incident' }) as HTMLInputElement;
    expect(existing.checked).toBe(true);
    fireEvent.click(created);
    expect(created.checked).toBe(true);
    // The incident field belongs to "existing" only.
    expect(screen.queryByRole('combobox', { name: 'Incident name or ID' })).toBeNull();
  });

  it('keeps Save disabled until an incident is chosen and a non-blank comment is written', async () => {
    open(['da3']);
    await screen.findByText('Impossible travel');
    expect(save().disabled).toBe(true);
    await chooseIncident('ransom', '2041');
    expect(save().disabled).toBe(true);
    type(comment(), '   \n  ');
    expect(save().disabled).toBe(true);
    expect(screen.getByText(/To save, add a comment that says why/)).toBeTruthy();
    type(comment(), 'Same device as the ransomware');
    await waitFor(() => expect(save().disabled).toBe(false));
  });

  it('shows a counter near the 30,000-character limit and refuses a longer comment', async () => {
    open(['da3']);
    fireEvent.click(screen.getByRole('radio', { name: 'Create a new incident' }));
    await screen.findByText('Impossible travel');
    type(comment(), 'x'.repeat(COMMENT_COUNTER_FROM - 1));
    expect(screen.queryByText(/of 30,000 characters/)).toBeNull();
    await waitFor(() => expect(save().disabled).toBe(false));
    type(comment(), 'x'.repeat(29_500));
    expect(screen.getByText('29,500 of 30,000 characters')).toBeTruthy();
    expect(save().disabled).toBe(false);
    type(comment(), 'x'.repeat(30_001));
    expect(screen.getByText(/30,001 of 30,000 characters: 1 too many/)).toBeTruthy();
    expect(save().disabled).toBe(true);
  });

  it('filters incidents as you type: name without accents or case, id prefix; never the current incident', async () => {
    open(['da3']);
    await screen.findByText('Impossible travel');
    type(combobox(), 'ZURICH');
    // 2042 holds the alert: it is not offered, and the hint says why nothing matches.
    await waitFor(() => expect(screen.getByText(/No incident matches/)).toBeTruthy());
    type(combobox(), '2042');
    await waitFor(() => expect(screen.getByText(/already in incident 2042/)).toBeTruthy());

    type(combobox(), 'PHISH');
    await waitFor(() => expect(optionNames()).toHaveLength(2));
    expect(optionNames()[0]).toMatch(/Phishing campaign targeting Finance.*ID 3100.*Active/);
    expect(optionNames()[1]).toMatch(/Old duplicate of phishing.*ID 3101.*redirected to 3100/);

    // Ids by prefix, the most recently updated first.
    const shownIds = () => optionNames().map((t) => t.match(/ID (\d+)/)?.[1]);
    type(combobox(), '3');
    await waitFor(() => expect(shownIds()).toEqual(['3200', '3101', '3100']));
    type(combobox(), '310');
    await waitFor(() => expect(shownIds()).toEqual(['3101', '3100']));
  });

  it('works by keyboard: arrows move, Enter picks, Escape closes the list and only then cancels', async () => {
    const { onClose } = open(['da3']);
    await screen.findByText('Impossible travel');
    const input = combobox();
    type(input, 'phish');
    await waitFor(() => expect(input.getAttribute('aria-expanded')).toBe('true'));
    const listbox = screen.getByRole('listbox');
    expect(input.getAttribute('aria-controls')).toBe(listbox.id);
    // The first match is highlighted as you type.
    const active = () => document.getElementById(input.getAttribute('aria-activedescendant') ?? '');
    expect(active()?.getAttribute('data-incident-id')).toBe('3100');
    key(input, 'ArrowDown');
    expect(active()?.getAttribute('data-incident-id')).toBe('3101');
    key(input, 'ArrowDown');
    expect(active()?.getAttribute('data-incident-id')).toBe('3100');
    key(input, 'ArrowUp');
    expect(active()?.getAttribute('aria-selected')).toBe('true');
    expect(active()?.getAttribute('data-incident-id')).toBe('3101');

    key(input, 'Escape');
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(onClose).not.toHaveBeenCalled();

    key(input, 'ArrowDown');
    expect(input.getAttribute('aria-expanded')).toBe('true');
    key(input, 'Enter');
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect((input as HTMLInputElement).value).toBe('Phishing campaign targeting Finance');
    await screen.findByText(/Moves 1 alert to Phishing campaign targeting Finance \(3100\)/);

    key(input, 'Escape');
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('says where a redirected incident leads before Save', async () => {
    open(['da3']);
    await screen.findByText('Impossible travel');
    await chooseIncident('old duplicate', '3101');
    await screen.findByText(/Incident 3101 was merged into incident 3100, so the alerts will go there/);
    expect(screen.getByText(/Moves 1 alert to Phishing campaign targeting Finance \(3100\)/)).toBeTruthy();
  });

  it('previews the new incident’s name and warns about a source left empty', async () => {
    open(['da3']);
    fireEvent.click(screen.getByRole('radio', { name: 'Create a new incident' }));
    await screen.findByText(
      /Creates a new incident named “Impossible travel” with 1 alert; its severity will be Low/,
    );
    expect(
      screen.getByText(/Incident Sign-in from Zürich \(2042\) will have no alerts left and will be resolved/),
    ).toBeTruthy();
  });

  it('disables Save and names the alerts the analyst may only read', async () => {
    await profileItem.setValue({ ...DEFAULT_PROFILE, scopes: { Lab: 'read' } });
    open(['da5', 'da3']);
    fireEvent.click(screen.getByRole('radio', { name: 'Create a new incident' }));
    type(comment(), 'Belongs together');
    await screen.findByText(/You can't move "Lab alert" \(da5\): you have read-only access/);
    expect(save().disabled).toBe(true);
  });

  it('moves through the background, clears the draft and hands over the result', async () => {
    const { onMoved } = open(['da3']);
    await screen.findByText('Impossible travel');
    await chooseIncident('2041', '2041');
    fireEvent.click(screen.getByText('Reasons (optional)'));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Same asset' }));
    type(comment(), 'Same host as the ransomware');
    await waitFor(() => expect(save().disabled).toBe(false));
    fireEvent.click(save());
    await waitFor(() => expect(onMoved).toHaveBeenCalledTimes(1));
    const result = onMoved.mock.calls[0]![0] as MoveResult;
    expect(result).toMatchObject({
      destinationIncidentId: '2041',
      movedAlertIds: ['da3'],
      emptiedIncidentIds: ['2042'],
    });
    expect((await db.alerts.get('da3'))?.incidentId).toBe('2041');
    const entry = await db.activity.where('incidentId').equals('2041').last();
    expect(entry).toMatchObject({
      kind: 'alertCorrelated',
      comment: 'Same host as the ransomware',
      reasons: ['sameAsset'],
    });
    await waitFor(async () => expect((await flyoutDraftItem.getValue())[draftKey(['da3'])]).toBeUndefined());
  });

  it('keeps the comment as a draft when closed by accident, and restores it for the same alerts', async () => {
    const first = open(['da3', 'da1']);
    type(comment(), 'Half-written reason');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(first.onClose).toHaveBeenCalled();
    first.unmount();
    await waitFor(async () =>
      expect((await flyoutDraftItem.getValue())[draftKey(['da1', 'da3'])]?.comment).toBe(
        'Half-written reason',
      ),
    );

    // Same alerts in another order: restored. Other alerts: not.
    const again = open(['da1', 'da3']);
    await waitFor(() => expect((comment() as HTMLTextAreaElement).value).toBe('Half-written reason'));
    expect(screen.getByText(/unsaved comment from last time was restored/)).toBeTruthy();
    again.unmount();
    open(['da1']);
    await screen.findByText('Suspicious PowerShell');
    expect((comment() as HTMLTextAreaElement).value).toBe('');
  });

  it('stays open with the input intact when another view moved the alert meanwhile, and says so', async () => {
    const { onMoved } = open(['da3']);
    await screen.findByText('Impossible travel');
    await chooseIncident('2041', '2041');
    type(comment(), 'My reason');
    // Another view moves the same alert first.
    const other = await sendElsewhere({
      type: 'move.run',
      input: { alertIds: ['da3'], target: { kind: 'existing', incidentId: '3100' }, comment: 'Elsewhere' },
    });
    expect(other.ok).toBe(true);
    await waitFor(() => expect(save().disabled).toBe(false));
    fireEvent.click(save());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(
      /was changed in another view since this panel opened\. Nothing was moved/,
    );
    expect(onMoved).not.toHaveBeenCalled();
    expect((comment() as HTMLTextAreaElement).value).toBe('My reason');
    expect((combobox() as HTMLInputElement).value).toBe('Ransomware activity on one endpoint');
    expect((await db.alerts.get('da3'))?.incidentId).toBe('3100');
    // Having seen the change, Save again moves it from where it is now.
    fireEvent.click(save());
    await waitFor(() => expect(onMoved).toHaveBeenCalledTimes(1));
    expect((await db.alerts.get('da3'))?.incidentId).toBe('2041');
  });

  it('traps focus, starts in the incident field, and gives focus back on close', async () => {
    const opener = document.createElement('button');
    document.body.append(opener);
    opener.focus();
    const view = open(['da3']);
    expect(document.activeElement).toBe(combobox());
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    cancel.focus();
    // Tab from the last control wraps to the first.
    key(screen.getByRole('dialog'), 'Tab');
    expect(screen.getByRole('dialog').contains(document.activeElement)).toBe(true);
    expect(document.activeElement).not.toBe(cancel);
    view.unmount();
    await waitFor(() => expect(document.activeElement).toBe(opener));
    opener.remove();
  });
});

describe('the status after Save', () => {
  async function moved(): Promise<MoveResult> {
    const r = await sendElsewhere({
      type: 'move.run',
      input: { alertIds: ['da1', 'da3'], target: { kind: 'new' }, comment: 'Own incident' },
    });
    return (r as { data: MoveResult }).data;
  }

  it('says what moved where, and Undo puts it back', async () => {
    const result = await moved();
    render(<MoveStatus result={result} onDismiss={() => undefined} />);
    expect(
      screen.getByText(new RegExp(`^Created incident ${result.destinationIncidentId} .+ with 2 alerts\\.`)),
    ).toBeTruthy();
    expect(screen.getByText(/Incident 2042 had no alerts left and was resolved/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await screen.findByText('Undone: 2 alerts are back where they were.');
    expect((await db.alerts.get('da1'))?.incidentId).toBe('2041');
    expect((await db.alerts.get('da3'))?.incidentId).toBe('2042');
  });

  it('shows a refused Undo as a sentence and changes nothing', async () => {
    const result = await moved();
    // Something changed since: the alert was moved again elsewhere.
    await sendElsewhere({
      type: 'move.run',
      input: { alertIds: ['da1'], target: { kind: 'existing', incidentId: '3100' }, comment: 'Again' },
    });
    render(<MoveStatus result={result} onDismiss={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await screen.findByText(/^Undo was refused: This move can't be undone because things changed since/);
    expect((await db.alerts.get('da1'))?.incidentId).toBe('3100');
  });

  /** The background's side of sync: queue the move, then send it to a Graph that answers with `answer`. */
  const ctx = { now: () => new Date().toISOString(), newId: () => crypto.randomUUID() };
  const graph = (answer: () => unknown): GraphClient => ({
    apiBase: 'https://graph.example/v1.0',
    follows: () => true,
    request: async () => answer(),
  });
  const sendToGraph = (client: GraphClient) =>
    drainOutbox({ db, client, ...ctx, actor: { displayName: 'System', upn: 'system' } });
  const showStatus = (result: MoveResult) =>
    render(
      <DbContext.Provider value={db}>
        <MoveStatus result={result} onDismiss={() => undefined} />
      </DbContext.Provider>,
    );

  it('follows a synced move: waiting to sync, then synced, Undo still there', async () => {
    const r = await sendElsewhere({
      type: 'move.run',
      input: { alertIds: ['da3'], target: { kind: 'existing', incidentId: '2041' }, comment: 'Same user' },
    });
    const result = (r as { data: MoveResult }).data;
    await enqueueMove(db, result.undoToken, ctx);
    showStatus(result);
    const status = screen.getByRole('status');
    await waitFor(() => expect(status.textContent).toContain('Waiting to sync with Microsoft Defender.'));

    await sendToGraph(graph(() => ({ targetIncidentId: '2041' })));
    await waitFor(() => expect(status.textContent).toContain('Synced with Microsoft Defender.'));
    expect(status.textContent).toMatch(/^Moved 1 alert to Ransomware activity on one endpoint \(2041\)\./);
    expect(within(status).getByRole('button', { name: 'Undo' })).toBeTruthy();
  });

  it('follows a move Defender refused: the status says it was rolled back, with the reason, and offers no Undo', async () => {
    const r = await sendElsewhere({
      type: 'move.run',
      input: { alertIds: ['da3'], target: { kind: 'existing', incidentId: '2041' }, comment: 'Same user' },
    });
    const result = (r as { data: MoveResult }).data;
    await enqueueMove(db, result.undoToken, ctx);
    showStatus(result);
    const status = screen.getByRole('status');
    await waitFor(() => expect(status.textContent).toContain('Waiting to sync'));
    expect(within(status).getByRole('button', { name: 'Undo' })).toBeTruthy();

    await sendToGraph(
      graph(() => {
        throw new GraphError(
          'refused',
          'You do not have permission for this in Microsoft Defender (403: Insufficient privileges to update alert da3.).',
          403,
        );
      }),
    );

    await waitFor(() =>
      expect(status.textContent).toMatch(
        /^Microsoft Defender refused the move of 1 alert to Ransomware activity on one endpoint \(2041\), so it was rolled back here: the alert is back where it was\. You do not have permission for this in Microsoft Defender \(403: Insufficient privileges to update alert da3\.\)\./,
      ),
    );
    expect(status.textContent).not.toContain('Moved 1 alert');
    expect(within(status).queryByRole('button', { name: 'Undo' })).toBeNull();
    expect(within(status).getByRole('button', { name: 'Dismiss' })).toBeTruthy();
    expect((await db.alerts.get('da3'))?.incidentId).toBe('2042');
  });

  it('summarises a move to an existing incident', () => {
    render(
      <MoveStatus
        result={{
          destinationIncidentId: '3100',
          destinationName: 'Phishing campaign targeting Finance',
          createdIncident: false,
          movedAlertIds: ['a', 'b'],
          skippedAlertIds: [],
          emptiedIncidentIds: [],
          redirectedFrom: '3101',
          undoToken: 't',
        }}
        onDismiss={() => undefined}
      />,
    );
    expect(screen.getByRole('status').textContent).toMatch(
      /^Moved 2 alerts to Phishing campaign targeting Finance \(3100\)\. Incident 3101 was merged into incident 3100/,
    );
  });
});
