import { expect, loadSampleData, test } from './fixtures';
import { readCounts } from './store';

/** Deletes the extension's database from one of its pages, as Chromium does when it finds it corrupted. */
async function deleteDatabase(page: import('@playwright/test').Page) {
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.deleteDatabase('incident-mover');
        req.onsuccess = () => resolve();
        req.onerror = () => reject(req.error);
      }),
  );
}

test('a store the browser discards is said plainly, and the automatic backup brings it back', async ({
  openExtensionPage,
}) => {
  const panel = await openExtensionPage('sidepanel.html#/incidents');
  await loadSampleData(panel);
  const before = await readCounts(panel);
  const incidents = await panel.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const req = indexedDB.open('incident-mover');
        req.onsuccess = () => {
          const count = req.result.transaction('incidents').objectStore('incidents').count();
          count.onsuccess = () => {
            resolve(count.result);
            req.result.close();
          };
        };
      }),
  );

  const options = await openExtensionPage('options.html');
  await expect(options.getByText('No backup yet.')).toBeVisible();
  await options.getByRole('button', { name: 'Back up now' }).click();
  await expect(options.getByRole('status').filter({ hasText: /^Backed up/ })).toContainText(
    `${incidents} incidents, ${before.alerts} alerts`,
  );
  await options.close();

  await deleteDatabase(panel);
  await panel.reload();

  // Not the welcome of a new store: the loss, in words, with the ways back.
  const notice = panel.getByRole('alert').filter({ hasText: 'The local store was lost' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText(`it held ${incidents} incidents, ${before.alerts} alerts`);
  await expect(panel.getByRole('heading', { name: 'No incidents yet' })).toHaveCount(0);
  await expect(notice.getByRole('button', { name: 'Start with an empty store' })).toBeVisible();

  await notice.getByRole('button', { name: 'Restore from backup' }).click();
  await expect(panel.getByRole('status').filter({ hasText: /^Restored/ })).toContainText(
    `Restored ${incidents} incidents, ${before.alerts} alerts`,
  );
  await expect(panel.getByRole('table', { name: 'Incidents' })).toBeVisible();
  await expect(notice).toHaveCount(0);
  expect(await readCounts(panel)).toEqual(before);
});

test('clearing the store on purpose is not reported as a loss', async ({ openExtensionPage }) => {
  const panel = await openExtensionPage('sidepanel.html#/incidents');
  await loadSampleData(panel);
  const options = await openExtensionPage('options.html');
  await options.getByRole('button', { name: 'Clear all data' }).click();
  await options.getByRole('button', { name: 'Delete everything' }).click();
  await expect(options.getByText('All data was cleared.')).toBeVisible();
  await panel.reload();
  await expect(panel.getByRole('button', { name: 'Load sample data' })).toBeVisible();
  await expect(panel.getByText('The local store was lost')).toHaveCount(0);
});
