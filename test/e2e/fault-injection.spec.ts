/**
 * Faults injected into a real browser while a large move or import is half-written: the service worker stopped
 * inside the transaction, the browser process killed (SIGKILL) and the profile reopened, and storage out of quota.
 * After each, the store is checked whole (test/e2e/invariants.ts): every alert in exactly one existing incident,
 * derived fields equal to a recomputation, each move's activity whole or absent, the outbox holding it at most
 * once; and the UI says in words what happened. Then the same operation is done again and succeeds.
 *
 * Sizes: the issue's. The move is 1,000 alerts; the import is 50,000 alerts (about 115 MB of JSON), which is
 * larger than a file read whole, so it goes the streaming way (staged in batches, then one transaction) and the
 * faults land in that transaction. Each import test takes 2–4 minutes on 2 cores.
 *
 * Out of quota: the extension has `unlimitedStorage`, so Chromium ignores a quota override for its origin; what
 * refuses its writes is a full disk. The profile is put on a small tmpfs (this needs root, as on the project's
 * machines) and filled up to 64 KB before the move or the import. Chromium mostly reports that as a bare
 * "UnknownError: Unknown error" (only sometimes naming FILE_ERROR_NO_SPACE), so the background asks
 * `navigator.storage.estimate()` and puts a write that failed with little room left down to the disk
 * (lib/model/errors.ts isStorageFullAfter). It then closes the store and refuses to open it while the disk is
 * full; the background opens it again at the next request (MoverDB.reopenIfOpenFailed), so trying again once
 * there is room works.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { generateTenant } from '@/lib/data/sample';
import {
  type Browser,
  close,
  expectUnchanged,
  INSIDE_MOVE_KEY,
  killBrowser,
  open,
  page,
  pressUntilInsideTransaction,
  send,
  setMeta,
  smallDisk,
  stopWorker,
} from './fault-tools';
import { expect, go, test } from './fixtures';
import { expectConsistentStore, type WholeStore } from './invariants';

const MOVE_SIZE = 1_000;
const IMPORT_ALERTS = 50_000;

test.describe.configure({ timeout: 360_000 });

/** The workspace with a tenant of exactly MOVE_SIZE alerts, all in the alerts queue. */
async function workspaceWith1000Alerts(b: Browser): Promise<Page> {
  const panel = await page(b, 'sidepanel.html#/incidents');
  expect(
    (await send(panel, { type: 'store.loadSample', size: { incidents: 80, alerts: MOVE_SIZE, seed: 11 } }))
      .ok,
  ).toBe(true);
  return panel;
}

/** Selects every alert in the alerts queue and fills the move to a new incident, up to Save. */
async function prepareMoveOfAll(panel: Page) {
  // Every status and the widest time range: the queue shows all 1,000.
  await go(panel, '#/alerts?status=&range=6m');
  const table = panel.getByRole('table', { name: 'Alerts' });
  await expect(table.locator('tr[data-alert-id]').first()).toBeVisible({ timeout: 30_000 });
  await table.getByRole('checkbox', { name: 'Select all alerts' }).check();
  await panel.getByRole('button', { name: 'Move alerts to another incident' }).click();
  const dialog = panel.getByRole('dialog', { name: 'Move multiple alerts to another incident' });
  await expect(dialog).toContainText(/1,000 alerts/);
  await dialog.getByRole('radio', { name: 'Create a new incident' }).check();
  await dialog.getByRole('textbox', { name: 'Comment' }).fill('One campaign: all of it in one incident');
  return dialog;
}

/** The move done again after the fault: saved once, whole, the store consistent. */
async function moveAgainSucceeds(panel: Page, dialog: ReturnType<Page['getByRole']>, before: WholeStore) {
  await setMeta(panel, INSIDE_MOVE_KEY, 0);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(
    panel.getByRole('status').filter({ hasText: /Moved 1,000 alerts|Created incident/ }),
  ).toBeVisible({
    timeout: 60_000,
  });
  const after = await expectConsistentStore(panel);
  expect(after.moves).toHaveLength(before.moves.length + 1);
  expect(after.incidents).toHaveLength(before.incidents.length + 1);
  const destination = after.moves.find(
    (m) => !before.moves.some((o) => o.token === m.token),
  )!.destinationIncidentId;
  expect(after.alerts.every((a) => a.incidentId === destination)).toBe(true);
  // The page follows the store again (after a full disk too): the new incident's details list its alerts.
  await go(panel, `#/incidents/${destination}`);
  await expect(panel.getByRole('table', { name: 'Alerts' }).locator('tr[data-alert-id]').first()).toBeVisible(
    { timeout: 30_000 },
  );
}

test.describe('a 1,000-alert move', () => {
  test('stopped with the service worker inside its transaction: nothing is saved, the page says so, and Save works again', async () => {
    const b = await open();
    try {
      const panel = await workspaceWith1000Alerts(b);
      const dialog = await prepareMoveOfAll(panel);
      const before = await expectConsistentStore(panel);

      await pressUntilInsideTransaction(panel, INSIDE_MOVE_KEY, dialog.getByRole('button', { name: 'Save' }));
      await stopWorker(b);

      await expect(
        panel.getByText(/background stopped before it saved the move\. Nothing was moved/),
      ).toBeVisible({
        timeout: 30_000,
      });
      await setMeta(panel, INSIDE_MOVE_KEY, 0);
      expectUnchanged(await expectConsistentStore(panel), before);
      await moveAgainSucceeds(panel, dialog, before);
    } finally {
      await close(b);
    }
  });

  test('cut by a browser kill inside its transaction: the reopened profile holds none of it, consistently', async () => {
    let b = await open();
    try {
      const panel = await workspaceWith1000Alerts(b);
      const dialog = await prepareMoveOfAll(panel);
      const before = await expectConsistentStore(panel);

      await pressUntilInsideTransaction(panel, INSIDE_MOVE_KEY, dialog.getByRole('button', { name: 'Save' }));
      await killBrowser(b);

      b = await open(b.profile);
      const reopened = await page(b, 'sidepanel.html#/alerts');
      await setMeta(reopened, INSIDE_MOVE_KEY, 0);
      expectUnchanged(await expectConsistentStore(reopened), before);
      // The workspace opens on the data as it was: no lost-store notice, the queue in place.
      await expect(
        reopened.getByRole('table', { name: 'Alerts' }).locator('tr[data-alert-id]').first(),
      ).toBeVisible({
        timeout: 30_000,
      });
      await expect(reopened.getByRole('button', { name: 'Restore from backup' })).toHaveCount(0);
      await moveAgainSucceeds(reopened, await prepareMoveOfAll(reopened), before);
    } finally {
      await close(b);
    }
  });

  test('refused for want of disk space: the page says the browser has no room, nothing is saved, and Save works once there is room', async () => {
    const disk = smallDisk();
    const b = await open(disk.dir);
    try {
      const panel = await workspaceWith1000Alerts(b);
      const dialog = await prepareMoveOfAll(panel);
      const before = await expectConsistentStore(panel);

      disk.fill(64 * 1024);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await expect(
        dialog.getByText(/no room left for the extension’s data, so nothing was changed/),
      ).toBeVisible({
        timeout: 60_000,
      });
      disk.free();

      expectUnchanged(await expectConsistentStore(panel), before);
      await moveAgainSucceeds(panel, dialog, before);
    } finally {
      await b.context.close().catch(() => {});
      disk.unmount();
    }
  });
});

/** A Graph "list incidents" file of IMPORT_ALERTS alerts (ids partly shared with the store: an upsert). */
function importFile(): string {
  const tenant = generateTenant({
    alerts: IMPORT_ALERTS,
    incidents: IMPORT_ALERTS / 10,
    seed: 12,
    now: new Date().toISOString(),
  });
  const file = join(tmpdir(), `import-${IMPORT_ALERTS}-${process.pid}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify({ value: tenant.incidents }));
  return file;
}

/** Starts the import in the options page and waits until the first batch is written inside its transaction. */
async function importUntilHalfWritten(b: Browser, file: string) {
  const options = await page(b, 'options.html');
  const before = await expectConsistentStore(options);
  await options.getByLabel('Import incidents').setInputFiles(file);
  await expect(options.getByText(/Writing [1-9][\d,]* of/)).toBeVisible({ timeout: 90_000 });
  return { options, before };
}

async function importAgainSucceeds(options: Page, file: string, before: WholeStore) {
  await options.getByLabel('Import incidents').setInputFiles(file);
  const alerts = IMPORT_ALERTS.toLocaleString('en');
  await expect(
    options.getByText(new RegExp(`Imported .*: [\\d,]+ incidents and ${alerts} alerts`)),
  ).toBeVisible({
    timeout: 240_000,
  });
  const after = await expectConsistentStore(options);
  expect(after.alerts.length).toBeGreaterThan(before.alerts.length);
}

test.describe(`an import of ${IMPORT_ALERTS.toLocaleString('en')} alerts`, () => {
  let file: string;
  test.beforeAll(() => {
    file = importFile();
  });
  test.afterAll(() => rmSync(file, { force: true }));

  test('stopped with the service worker while it writes: nothing is imported, the page says so, and it imports again', async () => {
    const b = await open();
    try {
      await workspaceWith1000Alerts(b);
      const { options, before } = await importUntilHalfWritten(b, file);
      await stopWorker(b);
      await expect(options.getByText(/import was interrupted.*Nothing was imported/)).toBeVisible({
        timeout: 30_000,
      });
      expectUnchanged(await expectConsistentStore(options), before);
      await importAgainSucceeds(options, file, before);
    } finally {
      await close(b);
    }
  });

  test('cut by a browser kill while it writes: the reopened profile holds none of it, consistently', async () => {
    let b = await open();
    try {
      await workspaceWith1000Alerts(b);
      const { before } = await importUntilHalfWritten(b, file);
      await killBrowser(b);
      b = await open(b.profile);
      const options = await page(b, 'options.html');
      expectUnchanged(await expectConsistentStore(options), before);
      await importAgainSucceeds(options, file, before);
    } finally {
      await close(b);
    }
  });
});

test.describe('an import onto a full disk', () => {
  let file: string;
  test.beforeAll(() => {
    file = importFile();
  });
  test.afterAll(() => rmSync(file, { force: true }));

  test('is refused in words: no room, nothing imported, the store unchanged; it imports once there is room', async () => {
    // Room for the import once freed: its staged batches, then its records and their indexes, and the store's logs
    // and compactions (1 GB proved too tight in one of two runs: the retry ran out of room again).
    const disk = smallDisk(3072);
    const b = await open(disk.dir);
    try {
      await workspaceWith1000Alerts(b);
      const options = await page(b, 'options.html');
      const before = await expectConsistentStore(options);

      disk.fill(64 * 1024);
      await options.getByLabel('Import incidents').setInputFiles(file);
      await expect(
        options
          .getByRole('alert')
          .getByText(/no room left for the extension’s data, so nothing was imported/),
      ).toBeVisible({ timeout: 90_000 });
      disk.free();

      expectUnchanged(await expectConsistentStore(options), before);
      await importAgainSucceeds(options, file, before);
    } finally {
      await b.context.close().catch(() => {});
      disk.unmount();
    }
  });
});
