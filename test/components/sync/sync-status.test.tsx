// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DbContext } from '@/components/hooks/db-context';
import { MoveSyncBadge, SyncStatus } from '@/components/sync/SyncStatus';
import { updateSyncStatus } from '@/lib/graph/state';
import { ClientError } from '@/lib/messaging/client';
import { MoverDB } from '@/lib/store/db';

const send = vi.fn();
vi.mock('@/lib/messaging/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/messaging/client')>()),
  send: (...args: unknown[]) => send(...args),
}));

let db: MoverDB;
beforeEach(() => {
  db = new MoverDB(`t-${crypto.randomUUID()}`);
  send.mockReset();
});
afterEach(() => {
  cleanup();
  db.close();
});

const item = (state: 'queued' | 'sending' | 'failed' | 'done', n: number) => ({
  moveToken: `m${n}`,
  kind: 'moveAlerts' as const,
  body: { alertIds: ['a'], incidentId: '1' },
  state,
  attempts: 0,
  createdAt: new Date().toISOString(),
  requestId: `r${n}`,
});

function show(compact = false) {
  return render(
    <DbContext.Provider value={db}>
      <SyncStatus compact={compact} />
    </DbContext.Provider>,
  );
}

describe('SyncStatus', () => {
  it('shows nothing in the popup until the connector was used', async () => {
    const { container } = show(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(container.textContent).toBe('');
    await updateSyncStatus(db, { signedIn: true });
    await screen.findByRole('button', { name: 'Sync now' });
  });

  it('follows the status live: last sync with counts, moves waiting or refused, the error in words', async () => {
    show();
    await screen.findByText(/Signed out\. Not synced yet\./);
    expect(screen.getByRole('button', { name: 'Sync now' })).toHaveProperty('disabled', true);

    await updateSyncStatus(db, {
      signedIn: true,
      lastSyncAt: '2026-11-27T10:00:00Z',
      lastPulled: 12,
      lastPullFull: true,
      lastPushed: 1,
    });
    await db.outbox.bulkAdd([item('queued', 1), item('sending', 2), item('failed', 3), item('done', 4)]);
    await screen.findByText(/Signed in\. Last synced .*: 12 incidents received \(full\), 1 move sent\./);
    await screen.findByText('2 moves waiting to be sent to Microsoft Defender.');
    screen.getByText('1 move refused by Microsoft Defender and rolled back here.');

    await updateSyncStatus(db, {
      phase: 'pulling',
      progress: { pages: 2, incidents: 100 },
      lastError: 'Microsoft Graph asked to wait 120 s before the next request (too many requests).',
      retryAt: '2026-11-27T10:02:00Z',
    });
    await screen.findByText('Receiving incidents (100 incidents so far)…');
    expect(screen.getByRole('alert').textContent).toMatch(
      /^Microsoft Graph asked to wait 120 s.*It will try again at /,
    );
  });

  it('Sync now says what it did, or why it could not, where the user clicked', async () => {
    await updateSyncStatus(db, { signedIn: true });
    show();
    send.mockResolvedValueOnce({ pulled: 3, pushed: 2 });
    fireEvent.click(await screen.findByRole('button', { name: 'Sync now' }));
    await screen.findByText('Synced: 3 incidents received, 2 moves sent.');
    expect(send).toHaveBeenCalledWith({ type: 'sync.now' });

    send.mockRejectedValueOnce(
      new ClientError('sync', 'Microsoft Graph could not be reached (no network, or the address is wrong).'),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'Microsoft Graph could not be reached (no network, or the address is wrong).',
      ),
    );
  });
});

describe('MoveSyncBadge', () => {
  it('names a move’s sync state, with the reason of a refusal', () => {
    const { container, rerender } = render(<MoveSyncBadge record={{ sync: 'pending' }} />);
    expect(container.textContent).toBe('Waiting to sync');
    rerender(<MoveSyncBadge record={{ sync: 'synced' }} />);
    expect(container.textContent).toBe('Synced');
    rerender(<MoveSyncBadge record={{ sync: 'failed', syncError: 'You do not have permission (403).' }} />);
    expect(container.textContent).toBe('Refused by Defender, rolled back: You do not have permission (403).');
    rerender(<MoveSyncBadge record={{}} />);
    expect(container.textContent).toBe('');
  });
});
