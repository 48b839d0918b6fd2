// @vitest-environment happy-dom
// The flyout's parts take props only: rendered here without a store, a router or a profile.
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlyoutFooter } from '@/components/move/FlyoutFooter';
import { ReasonsPicker } from '@/components/move/ReasonsPicker';
import { SavePreview } from '@/components/move/SavePreview';
import { SelectedAlerts } from '@/components/move/SelectedAlerts';
import { CORRELATION_REASONS } from '@/lib/model';
import type { FlyoutAlert } from '@/lib/move/flyout-reader';
import type { MovePreview } from '@/lib/move/preview';

afterEach(cleanup);

const alert = (id: string, version = 1): FlyoutAlert => ({
  id,
  title: `Alert ${id}`,
  incidentId: '2041',
  severity: 'high',
  scope: 'Servers',
  version,
});

const preview = (over: Partial<MovePreview> = {}): MovePreview => ({
  destinationName: 'Phishing campaign',
  resultingSeverity: 'high',
  emptiedIncidents: [],
  movingAlertIds: ['da1'],
  skippedAlertIds: [],
  permissionProblems: [],
  problems: [],
  ...over,
});

describe('SelectedAlerts', () => {
  it('lists movable alerts with their incident, and says why the others cannot move', () => {
    render(
      <SelectedAlerts
        summaryId="s"
        status="ready"
        selectedCount={3}
        entries={[
          { kind: 'movable', alert: alert('da1', 2) },
          { kind: 'unknown', id: 'gone' },
          { kind: 'hidden', id: 'secret' },
        ]}
        sourceById={new Map([['2041', { displayName: 'Ransomware' }]])}
        seenVersions={{ da1: 1 }}
      />,
    );
    expect(screen.getByText("3 alerts selected; 2 alerts can't be moved.")).toBeTruthy();
    expect(screen.getByText(/In incident Ransomware \(2041\)/)).toBeTruthy();
    expect(screen.getByText('Changed in another view since this panel opened.')).toBeTruthy();
    expect(screen.getByText(/Not in the extension’s data/)).toBeTruthy();
    expect(screen.getByText(/You don’t have access to this alert/)).toBeTruthy();
  });

  it('quotes, as text, what a web page showed for an alert where it is not the alert’s title', () => {
    render(
      <SelectedAlerts
        summaryId="s"
        status="ready"
        selectedCount={3}
        entries={[
          { kind: 'movable', alert: alert('da1') },
          { kind: 'movable', alert: alert('da2') },
          { kind: 'unknown', id: 'gone' },
        ]}
        sourceById={new Map()}
        seenVersions={{ da1: 1, da2: 1 }}
        shownByPage={
          new Map([
            ['da1', 'Alert da1 High 3 min ago'],
            ['da2', '<img src=x onerror="window.__pwned=1">Benign test'],
            ['gone', 'Something the store lacks'],
          ])
        }
      />,
    );
    const items = screen.getAllByRole('listitem');
    // The page showed da1's own title: no warning.
    expect(items[0]!.textContent).not.toContain('The page showed');
    expect(items[1]!.textContent).toContain(
      'The page showed this row as “<img src=x onerror="window.__pwned=1">Benign test”, not with this alert’s title.',
    );
    expect(items[1]!.querySelector('img')).toBeNull();
    expect(items[2]!.textContent).toContain('The page showed: “Something the store lacks”.');
  });
});

describe('SavePreview', () => {
  it('says where the alerts go, a redirect, and an incident left empty', () => {
    render(
      <SavePreview
        id="p"
        kind="existing"
        preview={preview({ emptiedIncidents: [{ id: '2041', displayName: 'Ransomware' }] })}
        resolved={{
          incident: { id: '3100', displayName: 'Phishing campaign', alertCount: 1, scopes: [] },
          redirectedFrom: '3101',
          severities: ['high'],
        }}
        chosen={{ displayName: 'Old duplicate' }}
        selectedCount={1}
      />,
    );
    const region = screen.getByRole('region', { name: 'What Save will do' });
    expect(region.textContent).toContain(
      'Incident 3101 was merged into incident 3100, so the alerts will go there.',
    );
    expect(region.textContent).toContain(
      'Moves 1 alert to Phishing campaign (3100); its severity will be High.',
    );
    expect(region.textContent).toContain(
      'Incident Ransomware (2041) will have no alerts left and will be resolved.',
    );
  });
});

describe('ReasonsPicker', () => {
  it('counts the chosen reasons and reports a toggle', () => {
    const onToggle = vi.fn();
    render(<ReasonsPicker reasons={new Set(['sameAsset'] as const)} onToggle={onToggle} disabled={false} />);
    expect(screen.getByText('Reasons (optional): 1 selected')).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Lateral movement path' }));
    expect(onToggle).toHaveBeenCalledWith('lateralMovementPath');
  });

  it("offers exactly Graph's correlationReason members, none Graph would refuse", () => {
    const onToggle = vi.fn();
    render(<ReasonsPicker reasons={new Set()} onToggle={onToggle} disabled={false} />);
    const boxes = screen.getAllByRole('checkbox');
    for (const box of boxes) fireEvent.click(box);
    const offered = onToggle.mock.calls.map(([r]) => r as string);
    expect([...offered].sort()).toEqual([...CORRELATION_REASONS].sort());
    expect(offered).toHaveLength(17);
    for (const gone of ['sameEntity', 'similarDetection', 'lateralMovement', 'sameOrganizationWide'])
      expect(offered).not.toContain(gone);
    // Readable words, Graph's own misspelling not shown to the analyst.
    expect(screen.getByRole('checkbox', { name: 'Similar TTPs or behavior' })).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: 'Causal event sequence' })).toBeTruthy();
  });
});

describe('FlyoutFooter', () => {
  it('says what Save still needs and keeps it disabled', () => {
    const onCancel = vi.fn();
    render(
      <FlyoutFooter
        error={undefined}
        busy={false}
        movingCount={1}
        missing={['choose the incident to move the alerts to', 'add a comment that says why']}
        missingId="m"
        previewId="p"
        canSave={false}
        onCancel={onCancel}
      />,
    );
    expect(
      screen.getByText('To save, choose the incident to move the alerts to and add a comment that says why.'),
    ).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalled();
  });
});
