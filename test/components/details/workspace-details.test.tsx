// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AlertDetails } from '@/components/details/AlertDetails';
import { IncidentDetails } from '@/components/details/IncidentDetails';
import { useHashRoute } from '@/components/hooks/use-hash-route';
import { App as Popup } from '@/entrypoints/popup/App';
import { DEFAULT_PROFILE } from '@/lib/model';
import type { MoverDB } from '@/lib/store/db';
import { alertIds, setup } from '../workspace-fixtures';

let db: MoverDB | undefined;
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  db?.close();
  location.hash = '';
});

function RoutedIncident({ id }: { id: string }) {
  return <IncidentDetails id={id} params={useHashRoute().params} />;
}

const fact = (name: string) => {
  const dt = screen.getAllByText(name).find((e) => e.tagName === 'DT');
  return dt?.nextElementSibling?.textContent;
};

describe('incident details', () => {
  it('shows the incident’s facts and its alerts with checkboxes under the Alerts tab', async () => {
    const s = await setup();
    db = s.db;
    location.hash = '#/incidents/2041';
    s.show(<RoutedIncident id="2041" />);
    await screen.findByRole('heading', { name: 'Ransomware activity on one endpoint' });
    expect(fact('ID')).toBe('2041');
    expect(fact('Severity')).toBe('High');
    expect(fact('Status')).toBe('Active');
    expect(fact('Assigned to')).toBe('Unassigned');
    expect(fact('Tags')).toBe('Ransomware');
    const tab = screen.getByRole('tab', { name: 'Alerts' });
    expect(tab.getAttribute('aria-selected')).toBe('true');
    const panel = screen.getByRole('tabpanel');
    await waitFor(() => expect(alertIds(panel)).toEqual(['da2', 'da1', 'da9']));
    fireEvent.click(within(panel).getByRole('checkbox', { name: 'Select alert Old resolved alert' }));
    expect(await screen.findByRole('button', { name: 'Move alerts to another incident' })).toBeTruthy();
  });

  it('shows the activity log newest first, with the names of the time, links, comment and reasons', async () => {
    const s = await setup();
    db = s.db;
    await s.send({
      type: 'move.run',
      input: {
        alertIds: ['da3'],
        target: { kind: 'existing', incidentId: '2041' },
        comment: 'Same user as the ransomware.',
        reasons: ['sameAsset'],
      },
    });
    // A later rename does not rewrite history.
    await s.db.incidents.update('2042', { displayName: 'Renamed later' });
    location.hash = '#/incidents/2042?tab=activity';
    s.show(<RoutedIncident id="2042" />);
    expect((await screen.findByRole('tab', { name: 'Activity log' })).getAttribute('aria-selected')).toBe(
      'true',
    );
    const log = await screen.findByRole('list', { name: 'Activity log entries' });
    const headings = within(log)
      .getAllByRole('heading')
      .map((h) => h.textContent);
    expect(headings).toEqual(['Incident resolved (no alerts left)', 'Alert moved out']);
    const moved = log.querySelectorAll<HTMLElement>(':scope > li')[1]!;
    expect(moved.textContent).toContain('Local analyst');
    expect(moved.textContent).toContain('Same user as the ransomware.');
    expect(moved.textContent).toContain('Reasons: Same asset');
    const to = within(moved).getByRole('link', { name: 'Ransomware activity on one endpoint (2041)' });
    expect(to.getAttribute('href')).toBe('#/incidents/2041');
    expect(within(moved).getByRole('link', { name: 'Impossible travel (da3)' }).getAttribute('href')).toBe(
      '#/alerts/da3',
    );
    // Filter by kind.
    fireEvent.change(screen.getByRole('combobox', { name: 'Show' }), { target: { value: 'alertMovedOut' } });
    await waitFor(() =>
      expect(
        within(screen.getByRole('list', { name: 'Activity log entries' })).getAllByRole('heading').length,
      ).toBe(1),
    );
    // The destination names the incident as it was called then.
    cleanup();
    location.hash = '#/incidents/2041?tab=activity';
    s.show(<RoutedIncident id="2041" />);
    const dest = await screen.findByRole('list', { name: 'Activity log entries' });
    expect(within(dest).getByRole('link', { name: 'Sign-in from Zürich (2042)' })).toBeTruthy();
    expect(screen.queryByText(/Renamed later/)).toBeNull();
  });

  it('says where a redirected incident went', async () => {
    const s = await setup();
    db = s.db;
    s.show(<RoutedIncident id="3101" />);
    const note = await screen.findByRole('note');
    expect(note.textContent).toContain('redirected (merged) into incident 3100');
    expect(within(note).getByRole('link', { name: 'incident 3100' }).getAttribute('href')).toBe(
      '#/incidents/3100',
    );
  });

  it('says so for an unknown incident, or one the analyst may not read', async () => {
    const s = await setup({ ...DEFAULT_PROFILE, scopes: { Lab: 'none' } });
    db = s.db;
    const view = s.show(<RoutedIncident id="9999" />);
    await screen.findByRole('heading', { name: 'Incident 9999 was not found' });
    view.rerender(<RoutedIncident id="3200" />);
    await screen.findByText('You don’t have access to this incident’s device groups.');
    expect(screen.queryByText('Lab devices')).toBeNull();
  });
});

describe('alert details', () => {
  it('shows every field, the evidence, the incident, the move history and the move button', async () => {
    const s = await setup();
    db = s.db;
    await s.send({
      type: 'move.run',
      input: { alertIds: ['da3'], target: { kind: 'existing', incidentId: '2041' }, comment: 'Same user.' },
    });
    s.show(<AlertDetails id="da3" />);
    await screen.findByRole('heading', { name: 'Impossible travel' });
    expect(screen.getByRole('button', { name: 'Move alert to another incident' })).toBeTruthy();
    expect(fact('Severity')).toBe('Low');
    expect(fact('Status')).toBe('New');
    expect(fact('Detection source')).toBe('Antivirus');
    expect(fact('Service source')).toBe('Microsoft Defender for Endpoint');
    expect(fact('Device group')).toBe('Servers');
    expect(fact('Category')).toBe('Execution');
    await waitFor(() => expect(fact('Incident')).toBe('Ransomware activity on one endpoint (2041)'));
    const incident = screen.getAllByText('Ransomware activity on one endpoint (2041)')[0]!;
    expect(incident.closest('dd')).toBeTruthy();
    expect(incident.getAttribute('href')).toBe('#/incidents/2041');
    expect(within(screen.getByRole('region', { name: 'Devices' })).getByText(/pc-da3/)).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Users' })).getByText(/ana@contoso.com/)).toBeTruthy();
    const history = await screen.findByRole('list', { name: 'Move history' });
    const moves = [...history.querySelectorAll<HTMLElement>(':scope > li')];
    expect(moves).toHaveLength(1);
    expect(moves[0]!.textContent).toContain('Alert correlated');
    expect(within(moves[0]!).getByRole('link', { name: 'Sign-in from Zürich (2042)' })).toBeTruthy();
    expect(moves[0]!.textContent).toContain('Same user.');
  });

  it('opens the flyout for the alert, and keeps the button for alerts it cannot show', async () => {
    const s = await setup({ ...DEFAULT_PROFILE, scopes: { Lab: 'none' } });
    db = s.db;
    s.show(<AlertDetails id="da1" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Move alert to another incident' }));
    expect(await screen.findByRole('dialog', { name: 'Move alert to another incident' })).toBeTruthy();
    cleanup();
    s.show(<AlertDetails id="da5" />);
    await screen.findByText('You don’t have access to the device group of this alert.');
    expect(screen.queryByText('Lab alert')).toBeNull();
    expect(screen.getByRole('button', { name: 'Move alert to another incident' })).toBeTruthy();
  });
});

describe('the popup', () => {
  it('counts open incidents by severity, finds incidents by ID or name, and undoes a recent move', async () => {
    const s = await setup();
    db = s.db;
    await s.send({
      type: 'move.run',
      input: { alertIds: ['da5'], target: { kind: 'new' }, comment: 'Lab noise.' },
    });
    s.show(<Popup />);
    const counts = await screen.findByRole('region', { name: 'Open incidents' });
    // Open: 2041 (high), 3200 resolved by the move (it lost its only alert), the new one (high), 2042 (low), 3100 (medium).
    await waitFor(() => expect(counts.textContent).toBe('Open incidentsHigh 2Medium 1Low 1'));

    const search = screen.getByRole('searchbox', { name: 'Search for name or ID' });
    fireEvent.input(search, { target: { value: '2042' } });
    expect(await screen.findByRole('button', { name: 'Sign-in from Zürich 2042' })).toBeTruthy();
    fireEvent.input(search, { target: { value: 'phishing' } });
    expect(
      await screen.findByRole('button', { name: 'Phishing campaign targeting Finance 3100' }),
    ).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Sign-in from Zürich/ })).toBeNull();

    const moves = screen.getByRole('region', { name: 'Your recent moves' });
    await waitFor(() => expect(moves.textContent).toContain('1 alert to'));
    expect(moves.textContent).toContain('Lab noise.');
    fireEvent.click(within(moves).getByRole('button', { name: 'Undo' }));
    await within(moves).findByText('Undone: 1 alert moved back.');
    // Live: the undo's own record appears without reopening the popup.
    await waitFor(() => expect(moves.textContent).toContain('Undo: 1 alert to'));
    await waitFor(() => expect(counts.textContent).toBe('Open incidentsHigh 2Medium 1Low 1'));
    expect(await s.db.alerts.get('da5')).toMatchObject({ incidentId: '3200' });
  });
});
