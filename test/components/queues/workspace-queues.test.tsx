// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useHashRoute } from '@/components/hooks/use-hash-route';
import { AlertsQueue } from '@/components/queues/AlertsQueue';
import { IncidentsQueue } from '@/components/queues/IncidentsQueue';
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

const params = (s = '') => new URLSearchParams(s);
/** The queue as the side panel shows it: its params come from the hash. */
function RoutedAlerts() {
  return <AlertsQueue params={useHashRoute().params} />;
}
const alertsTable = () => screen.getByRole('table', { name: 'Alerts' });
const rowsOf = async (table: HTMLElement, ids: (string | null)[]) =>
  waitFor(() => expect(alertIds(table)).toEqual(ids));

describe('the alerts queue', () => {
  it('shows New and In progress alerts of the last 7 days, newest first, each with a Select alert checkbox', async () => {
    const s = await setup();
    db = s.db;
    s.show(<AlertsQueue params={params()} />);
    // da9 is resolved and da4 is 20 days old: not in the default view.
    await rowsOf(alertsTable(), ['da2', 'da1', 'da5', 'da3']);
    await screen.findByText('4 alerts');
    for (const title of ['Ransom note dropped', 'Suspicious PowerShell', 'Lab alert', 'Impossible travel']) {
      expect(screen.getByRole('checkbox', { name: `Select alert ${title}` })).toBeTruthy();
    }
    const row = alertsTable().querySelector('tr[data-alert-id="da2"]') as HTMLElement;
    const incident = await within(row).findByRole('link', { name: 'Ransomware activity on one endpoint' });
    expect(incident.getAttribute('href')).toBe('#/incidents/2041');
  });

  it('reads filters, search and sort from the URL', async () => {
    const s = await setup();
    db = s.db;
    const view = s.show(<AlertsQueue params={params('status=&range=30d&dir=asc')} />);
    await rowsOf(alertsTable(), ['da4', 'da3', 'da5', 'da9', 'da1', 'da2']);
    view.rerender(<AlertsQueue params={params('status=&range=30d&severity=high')} />);
    await rowsOf(alertsTable(), ['da2', 'da5']);
    view.rerender(<AlertsQueue params={params('q=DA3')} />);
    await rowsOf(alertsTable(), ['da3']);
    view.rerender(<AlertsQueue params={params('q=ransom note')} />);
    await rowsOf(alertsTable(), ['da2']);
    view.rerender(<AlertsQueue params={params('q=nothing like it')} />);
    await screen.findByText(/No alerts match these filters and the search “nothing like it”/);
  });

  it('writes filter changes into the hash, so the view can be linked', async () => {
    const s = await setup();
    db = s.db;
    location.hash = '#/alerts';
    s.show(<RoutedAlerts />);
    await rowsOf(alertsTable(), ['da2', 'da1', 'da5', 'da3']);
    fireEvent.click(screen.getByRole('button', { name: /^Filters/ }));
    const severity = screen.getByRole('group', { name: 'Severity' });
    fireEvent.click(within(severity).getByRole('checkbox', { name: 'High' }));
    expect(location.hash).toBe('#/alerts?severity=high');
    await rowsOf(alertsTable(), ['da2', 'da5']);
    fireEvent.click(screen.getByRole('radio', { name: '30 days' }));
    expect(location.hash).toBe('#/alerts?severity=high&range=30d');
    fireEvent.input(screen.getByRole('searchbox', { name: 'Search for title or ID' }), {
      target: { value: 'lab' },
    });
    await waitFor(() => expect(location.hash).toBe('#/alerts?severity=high&range=30d&q=lab'));
    await rowsOf(alertsTable(), ['da5']);
  });

  it('shows the move toolbar with the count while alerts are selected; Shift-click selects a range', async () => {
    const s = await setup();
    db = s.db;
    s.show(<AlertsQueue params={params()} />);
    await rowsOf(alertsTable(), ['da2', 'da1', 'da5', 'da3']);
    expect(screen.queryByRole('button', { name: 'Move alerts to another incident' })).toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select alert Ransom note dropped' }));
    await screen.findByText('1 alert selected');
    expect(screen.getByRole('button', { name: 'Move alerts to another incident' })).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select alert Impossible travel' }), {
      shiftKey: true,
    });
    await screen.findByText('4 alerts selected');
    fireEvent.click(screen.getByRole('button', { name: 'Clear selection' }));
    await screen.findByText('Select alerts to move them to another incident.');
    expect(screen.queryByRole('button', { name: 'Move alerts to another incident' })).toBeNull();
  });

  it('keeps the selection when the filters change, and the header checkbox selects every alert in view', async () => {
    const s = await setup();
    db = s.db;
    const view = s.show(<AlertsQueue params={params()} />);
    await rowsOf(alertsTable(), ['da2', 'da1', 'da5', 'da3']);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select alert Lab alert' }));
    view.rerender(<AlertsQueue params={params('severity=low')} />);
    await rowsOf(alertsTable(), ['da3']);
    expect(screen.getByText('1 alert selected')).toBeTruthy();
    const all = await waitFor(() => {
      const box = screen.getByRole('checkbox', { name: 'Select all alerts' }) as HTMLInputElement;
      expect(box.disabled).toBe(false);
      return box;
    });
    fireEvent.click(all);
    await screen.findByText('2 alerts selected');
  });

  it('moves the keyboard focus with the arrows, selects with Space and opens with Enter', async () => {
    const s = await setup();
    db = s.db;
    s.show(<AlertsQueue params={params()} />);
    await rowsOf(alertsTable(), ['da2', 'da1', 'da5', 'da3']);
    const row = (id: string) => alertsTable().querySelector(`tr[data-alert-id="${id}"]`) as HTMLElement;
    // One row is the table's tab stop.
    expect(row('da2').tabIndex).toBe(0);
    expect(row('da1').tabIndex).toBe(-1);
    row('da2').focus();
    fireEvent.keyDown(row('da2'), { key: 'ArrowDown' });
    expect(document.activeElement).toBe(row('da1'));
    fireEvent.keyDown(row('da1'), { key: ' ' });
    await screen.findByText('1 alert selected');
    expect((within(row('da1')).getByRole('checkbox') as HTMLInputElement).checked).toBe(true);
    fireEvent.keyDown(row('da1'), { key: 'Enter' });
    expect(location.hash).toBe('#/alerts/da1');
  });

  it('does not show alerts outside the analyst’s read scope at all', async () => {
    const s = await setup({ ...DEFAULT_PROFILE, scopes: { Lab: 'none' } });
    db = s.db;
    s.show(<AlertsQueue params={params()} />);
    await waitFor(() => expect(alertIds(alertsTable())).toEqual(['da2', 'da1', 'da3']));
    await screen.findByText('3 alerts');
    expect(screen.queryByText('Lab alert')).toBeNull();
  });

  it('updates by itself when a move is made elsewhere, and a move from the toolbar clears the selection', async () => {
    const s = await setup();
    db = s.db;
    s.show(<AlertsQueue params={params()} />);
    await rowsOf(alertsTable(), ['da2', 'da1', 'da5', 'da3']);
    const incidentOf = (id: string) =>
      within(alertsTable().querySelector(`tr[data-alert-id="${id}"]`) as HTMLElement)
        .getAllByRole('link')
        .at(-1)?.textContent;
    await waitFor(() => expect(incidentOf('da3')).toBe('Sign-in from Zürich'));
    await s.send({
      type: 'move.run',
      input: { alertIds: ['da3'], target: { kind: 'existing', incidentId: '2041' }, comment: 'Same user.' },
    });
    await waitFor(() => expect(incidentOf('da3')).toBe('Ransomware activity on one endpoint'));

    fireEvent.click(screen.getByRole('checkbox', { name: 'Select alert Lab alert' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Move alerts to another incident' }));
    const dialog = await screen.findByRole('dialog', { name: 'Move alert to another incident' });
    fireEvent.click(within(dialog).getByRole('radio', { name: 'Create a new incident' }));
    fireEvent.input(within(dialog).getByRole('textbox', { name: 'Comment' }), {
      target: { value: 'Lab noise, not this attack.' },
    });
    const save = within(dialog).getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    await waitFor(() => expect(save.disabled).toBe(false));
    fireEvent.click(save);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await screen.findByText('Select alerts to move them to another incident.');
    expect(await screen.findByRole('button', { name: 'Undo' })).toBeTruthy();
    await waitFor(() => expect(incidentOf('da5')).toBe('Lab alert'));
  });
});

describe('the incidents queue', () => {
  it('shows open incidents of the last six months, newest update first, and searches by name or ID', async () => {
    const s = await setup();
    db = s.db;
    const view = s.show(<IncidentsQueue params={params()} />);
    const table = screen.getByRole('table', { name: 'Incidents' });
    const ids = () =>
      [...table.querySelectorAll('tr[data-incident-id]')].map((r) => r.getAttribute('data-incident-id'));
    // 3101 is redirected: not New/Active or In progress.
    await waitFor(() => expect(ids()).toEqual(['2041', '3200', '2042', '3100']));
    expect(screen.getByRole('searchbox', { name: 'Search for name or ID' })).toBeTruthy();
    view.rerender(<IncidentsQueue params={params('q=zurich')} />);
    await waitFor(() => expect(ids()).toEqual(['2042']));
    view.rerender(<IncidentsQueue params={params('q=31')} />);
    await waitFor(() => expect(ids()).toEqual(['3100']));
    view.rerender(<IncidentsQueue params={params('status=redirected')} />);
    await waitFor(() => expect(ids()).toEqual(['3101']));
    view.rerender(<IncidentsQueue params={params('tag=Ransomware&status=')} />);
    await waitFor(() => expect(ids()).toEqual(['2041']));
  });

  it('expands an incident to show its alerts inline, each with a checkbox that feeds the toolbar', async () => {
    const s = await setup();
    db = s.db;
    s.show(<IncidentsQueue params={params()} />);
    const table = screen.getByRole('table', { name: 'Incidents' });
    const expand = await screen.findByRole('button', { name: 'Expand incident 2041' });
    expect(expand.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(expand);
    expect(expand.getAttribute('aria-expanded')).toBe('true');
    const group = table.querySelector('tr[data-incident-id="2041"]')!.closest('tbody')!;
    await waitFor(() => expect(alertIds(group)).toEqual(['da2', 'da1', 'da9']));
    fireEvent.click(within(group).getByRole('checkbox', { name: 'Select alert Suspicious PowerShell' }));
    await screen.findByText('1 alert selected');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all alerts in expanded incidents' }));
    await screen.findByText('3 alerts selected');
    // Collapsing keeps the selection.
    fireEvent.click(expand);
    expect(alertIds(group)).toEqual([]);
    expect(screen.getByText('3 alerts selected')).toBeTruthy();
  });

  it('says so when the analyst may not view the incidents queue', async () => {
    const s = await setup({ ...DEFAULT_PROFILE, canViewIncidentsQueue: false });
    db = s.db;
    s.show(<IncidentsQueue params={params()} />);
    await screen.findByText(/You need the “View incidents queue” permission/);
    expect(screen.queryByRole('table', { name: 'Incidents' })).toBeNull();
  });
});
