/**
 * Faults injected into a real browser: the service worker stopped between a move's commit and its answer.
 * The test build pauses after the commit when the store's meta table says so (entrypoints/background/faults.ts).
 */
import type { Page } from '@playwright/test';
import { setMeta } from './fault-tools';
import { expect, go, test, workspace } from './fixtures';
import { readCounts } from './store';
import { stopServiceWorker } from './worker';

const incidentCount = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const req = indexedDB.open('incident-mover');
        req.onsuccess = () => {
          const count = req.result.transaction('incidents').objectStore('incidents').count();
          count.onsuccess = () => {
            req.result.close();
            resolve(count.result);
          };
        };
      }),
  );

test('a move whose answer is lost when the worker stops after the commit shows its real outcome, with Undo, and is never done twice', async ({
  context,
  extensionId,
  openExtensionPage,
}) => {
  const page = await workspace(openExtensionPage);
  await go(page, '#/alerts');
  const table = page.getByRole('table', { name: 'Alerts' });
  const rows = table.locator('tr[data-alert-id]');
  await expect(rows.nth(2)).toBeVisible();
  for (const i of [0, 1, 2])
    await rows
      .nth(i)
      .getByRole('checkbox', { name: /^Select alert/ })
      .check();
  await page.getByRole('button', { name: 'Move alerts to another incident' }).click();
  const dialog = page.getByRole('dialog', { name: 'Move multiple alerts to another incident' });
  await dialog.getByRole('radio', { name: 'Create a new incident' }).check();
  await dialog.getByRole('textbox', { name: 'Comment' }).fill('One intrusion: split out together');

  const before = { ...(await readCounts(page)), incidents: await incidentCount(page) };
  // The background will wait 20 s between the commit and its answer: the worker is stopped in that pause.
  await setMeta(page, 'fault:afterMoveCommitMs', 20_000);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect.poll(async () => (await readCounts(page)).activity).toBeGreaterThan(before.activity);
  await stopServiceWorker(context, extensionId);

  // The flyout asks the background what became of its move and shows that, not an invitation to retry.
  const status = page.getByRole('status').filter({ hasText: /Moved 3 alerts|Created incident/ });
  await expect(status).toBeVisible({ timeout: 30_000 });
  await expect(status.getByRole('button', { name: 'Undo' })).toBeVisible();
  await expect(page.getByText(/did not answer|Save again/)).toHaveCount(0);

  // Exactly one move: one new incident, one set of activity entries.
  await setMeta(page, 'fault:afterMoveCommitMs', 0);
  expect(await incidentCount(page)).toBe(before.incidents + 1);
  const after = await readCounts(page);
  expect(after.alerts).toBe(before.alerts);
  const written = after.activity - before.activity;

  // Undo works from there and is itself one logged move.
  await status.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Undone|undone/ })).toBeVisible();
  expect((await readCounts(page)).activity).toBeGreaterThan(after.activity);
  expect(written).toBeGreaterThan(0);
});
