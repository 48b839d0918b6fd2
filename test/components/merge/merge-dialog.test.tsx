// @vitest-environment happy-dom
/**
 * The `Merge incidents` dialog and the incidents queue's selection: the survivor said before Merge, refusals as
 * sentences with Merge unavailable, keyboard (focus, Escape), and Merge through the background with its Undo.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, expect, it, vi } from 'vitest';
import { IncidentSelectionBar } from '@/components/merge/IncidentSelectionBar';
import { MergeDialog } from '@/components/merge/MergeDialog';
import { useSelection } from '@/components/queues/use-selection';
import { setup } from '../workspace-fixtures';

afterEach(() => cleanup());

it('says which incident survives and why, and what moves, before Merge', async () => {
  const { show } = await setup();
  show(<MergeDialog incidentIds={['2042', '2041']} onClose={() => {}} onMerged={() => {}} />);
  const dialog = await screen.findByRole('dialog', { name: 'Merge incidents' });
  await within(dialog).findByText(/survives:/);
  expect(dialog.textContent).toContain(
    'Incident 2041 "Ransomware activity on one endpoint" survives: it has the most alerts (3 alerts).',
  );
  expect(dialog.textContent).toContain('1 alert move into it');
  // Focus starts in the required reason (the queue's dialog has no typeahead).
  await waitFor(() =>
    expect(document.activeElement).toBe(within(dialog).getByRole('textbox', { name: 'Reason for merging' })),
  );
});

it('names a redirected incident, and Merge is unavailable while anything would refuse it; Escape cancels', async () => {
  const { show } = await setup();
  const onClose = vi.fn();
  show(<MergeDialog incidentIds={['3100', '3101']} onClose={onClose} onMerged={() => {}} />);
  const dialog = await screen.findByRole('dialog', { name: 'Merge incidents' });
  const problem = await within(dialog).findByRole('alert');
  expect(problem.textContent).toBe(
    'Incident 3101 "Old duplicate of phishing" was already merged into incident 3100; merge that one instead.',
  );
  fireEvent.input(within(dialog).getByRole('textbox', { name: 'Reason for merging' }), {
    target: { value: 'Same campaign' },
  });
  expect((within(dialog).getByRole('button', { name: 'Merge' }) as HTMLButtonElement).disabled).toBe(true);
  fireEvent.keyDown(dialog, { key: 'Escape' });
  expect(onClose).toHaveBeenCalled();
});

function Queue({ ids }: { ids: string[] }) {
  const selection = useSelection();
  return (
    <>
      {ids.map((id) => (
        <button key={id} type="button" onClick={() => selection.toggle(id)}>
          pick {id}
        </button>
      ))}
      <IncidentSelectionBar selection={selection} />
    </>
  );
}

it('offers Merge incidents for 2–5 selected incidents, merges through the background and undoes it', async () => {
  const { show, db } = await setup();
  show(<Queue ids={['2041', '2042', '3200', '3100', '9', '8']} />);
  fireEvent.click(screen.getByRole('button', { name: 'pick 2041' }));
  expect(screen.queryByRole('button', { name: 'Merge incidents' })).toBeNull();
  fireEvent.click(screen.getByRole('button', { name: 'pick 2042' }));
  fireEvent.click(screen.getByRole('button', { name: 'Merge incidents' }));

  const dialog = await screen.findByRole('dialog', { name: 'Merge incidents' });
  await within(dialog).findByText(/survives:/);
  fireEvent.click(within(dialog).getByRole('button', { name: 'Merge' }));
  expect(await within(dialog).findByText('Add a reason for merging.')).toBeTruthy();
  fireEvent.input(within(dialog).getByRole('textbox', { name: 'Reason for merging' }), {
    target: { value: 'The travel alert is the ransomware operator' },
  });
  fireEvent.click(within(dialog).getByRole('button', { name: 'Merge' }));
  const status = await screen.findByText(
    'Merged incident 2042 into Ransomware activity on one endpoint (2041): 1 alert moved.',
  );
  expect((await db.incidents.get('2042'))?.status).toBe('redirected');
  expect(screen.queryByRole('dialog')).toBeNull();

  fireEvent.click(
    within(status.closest('[role="status"]') as HTMLElement).getByRole('button', { name: 'Undo' }),
  );
  await screen.findByText('Undone: incidents 2041, 2042 are separate again.');
  expect((await db.incidents.get('2042'))?.status).toBe('active');
  expect((await db.alerts.get('da3'))?.incidentId).toBe('2042');

  // Six selected: more than Defender merges at once.
  for (const id of ['2041', '2042', '3200', '3100', '9', '8'])
    fireEvent.click(screen.getByRole('button', { name: `pick ${id}` }));
  expect(
    await screen.findByText(/6 incidents selected\. At most 5 incidents can be merged at a time\./),
  ).toBeTruthy();
  expect(screen.queryByRole('button', { name: 'Merge incidents' })).toBeNull();
});
