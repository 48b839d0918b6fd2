/**
 * A file too large to be read whole (over 32 M characters) goes through the streaming import in real Chromium:
 * sent in pieces from the options page, staged in the background, and written only when valid to its end.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** A Graph body of `n` incidents with two alerts each, padded with descriptions to reach the streaming size. */
function bigBody(n: number, bad?: number) {
  const pad = 'x'.repeat(1200);
  const value = Array.from({ length: n }, (_, k) => {
    const id = String(700000 + k);
    const alert = (s: string) => ({
      id: `da${id}${s}`,
      incidentId: id,
      title: `Alert ${id}${s}`,
      severity: 'medium',
      status: k === bad ? 17 : 'new',
      description: pad,
      createdDateTime: '2026-11-18T10:00:00Z',
      lastActivityDateTime: '2026-11-18T10:00:00Z',
    });
    return {
      id,
      displayName: `Incident ${id}`,
      status: 'active',
      severity: 'medium',
      description: pad,
      createdDateTime: '2026-11-18T10:00:00Z',
      lastUpdateDateTime: '2026-11-18T11:00:00Z',
      alerts: [alert('a'), alert('b')],
    };
  });
  return JSON.stringify({ value });
}

const storeCounts = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<{ alerts: number; incidents: number; staging: number }>((resolve, reject) => {
        const req = indexedDB.open('incident-mover');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction(['alerts', 'incidents', 'staging']);
          const out = { alerts: 0, incidents: 0, staging: 0 };
          let left = 3;
          for (const name of ['alerts', 'incidents', 'staging'] as const) {
            const c = tx.objectStore(name).count();
            c.onsuccess = () => {
              out[name] = c.result;
              if (--left === 0) {
                db.close();
                resolve(out);
              }
            };
          }
        };
      }),
  );

test('a file over 32 MB is streamed: a bad record near its end changes nothing, a good file imports', async ({
  openExtensionPage,
}) => {
  test.setTimeout(300_000);
  const options = await openExtensionPage('options.html');
  await options.getByRole('button', { name: 'Load sample data' }).click();
  await expect(options.getByText(/Loaded sample data/)).toBeVisible({ timeout: 30_000 });
  const before = await storeCounts(options);

  const n = 9_000;
  const badFile = join(tmpdir(), `large-bad-${Date.now()}.json`);
  const text = bigBody(n, n - 3);
  expect(text.length).toBeGreaterThan(33 * 1024 * 1024);
  writeFileSync(badFile, text);
  await options.getByLabel('Import incidents').setInputFiles(badFile);
  const alert = options.getByRole('alert');
  await expect(alert).toContainText('was not imported', { timeout: 120_000 });
  await expect(alert.getByRole('list', { name: 'Problems in the file' })).toContainText(
    `value[${n - 3}].alerts[0].status`,
  );
  expect(await storeCounts(options)).toEqual(before);

  const goodFile = join(tmpdir(), `large-good-${Date.now()}.json`);
  writeFileSync(goodFile, bigBody(n));
  await options.getByLabel('Import incidents').setInputFiles(goodFile);
  await expect(options.getByText(/Imported large-good-.*: 9,000 incidents and 18,000 alerts/)).toBeVisible({
    timeout: 240_000,
  });
  expect(await storeCounts(options)).toEqual({
    incidents: before.incidents + n,
    alerts: before.alerts + 2 * n,
    staging: 0,
  });
});
