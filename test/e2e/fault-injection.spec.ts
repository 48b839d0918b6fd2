import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { generateTenant } from '@/lib/data/sample';
import { expect, go, launchOnProfile, test } from './fixtures';
import { countsOf, expectConsistentStore, type WholeStore } from './invariants';
import { stopServiceWorker } from './worker';

const MOVE_SIZE = 1_000;
const IMPORT_ALERTS = 12_000;
const INSIDE_MOVE_KEY = 'fault:insideMoveMs';

test.describe.configure({ timeout: 180_000 });

interface Browser {
  profile: string;
  context: BrowserContext;
  extensionId: string;
}

async function open(profile = mkdtempSync(join(tmpdir(), 'incident-mover-faults-'))): Promise<Browser> {
  const { context, extensionId } = await launchOnProfile(profile);
  return { profile, context, extensionId };
}

async function page(b: Browser, path: string): Promise<Page> {
  const p = await b.context.newPage();
  p.on('pageerror', (e) => console.error(`[page error] ${path}: ${e.message}`));
  await p.goto(`chrome-extension://${b.extensionId}/${path}`);
  return p;
}

/** The browser's own process (not a renderer or helper): the one started on this profile without a --type. */
function browserPid(profile: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const args = cmd.split('\0');
    if (args.includes(`--user-data-dir=${profile}`) && !args.some((a) => a.startsWith('--type=')))
      return Number(entry);
  }
  throw new Error(`no browser process runs on ${profile}`);
}

/** Kills the browser as a crash or a power cut would (SIGKILL: nothing is flushed or closed). */
async function killBrowser(b: Browser) {
  const closed = new Promise((r) => b.context.once('close', r));
  process.kill(browserPid(b.profile), 'SIGKILL');
  await closed;
}

/** The extension API as the evaluated functions see it (an extension page). */
type Chrome = {
  chrome: {
    runtime: { sendMessage(m: unknown): Promise<unknown> };
    storage: { session: { get(key: string): Promise<Record<string, unknown>> } };
  };
};

const send = (p: Page, message: unknown) =>
  p.evaluate((m) => (globalThis as unknown as Chrome).chrome.runtime.sendMessage(m), message) as Promise<{
    ok: boolean;
    error?: { message: string };
  }>;

function setMeta(p: Page, key: string, value: unknown) {
  return p.evaluate(
    ([k, v]) =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('incident-mover');
        req.onsuccess = () => {
          const tx = req.result.transaction('meta', 'readwrite');
          tx.objectStore('meta').put({ key: k, value: v });
          tx.oncomplete = () => {
            req.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    [key, value] as const,
  );
}

/** Waits until the background says it is paused inside the move's transaction (test build only). */
async function waitUntilInsideTransaction(p: Page, since: number) {
  await expect
    .poll(
      async () =>
        p.evaluate(
          async () =>
            ((await (globalThis as unknown as Chrome).chrome.storage.session.get('fault:paused'))[
              'fault:paused'
            ] as number) ?? 0,
        ),
      { timeout: 30_000 },
    )
    .toBeGreaterThan(since);
}

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

/** Nothing of the interrupted operation is in the store: same records, every alert where it was. */
function expectUnchanged(after: WholeStore, before: WholeStore) {
  const { meta: _a, ...countsAfter } = countsOf(after);
  const { meta: _b, ...countsBefore } = countsOf(before);
  expect(countsAfter).toEqual(countsBefore);
  const where = (s: WholeStore) => Object.fromEntries(s.alerts.map((a) => [a.id, a.incidentId]));
  expect(where(after)).toEqual(where(before));
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
}

test.describe('a 1,000-alert move', () => {
  test('stopped with the service worker inside its transaction: nothing is saved, the page says so, and Save works again', async () => {
    const b = await open();
    try {
      const panel = await workspaceWith1000Alerts(b);
      const dialog = await prepareMoveOfAll(panel);
      const before = await expectConsistentStore(panel);

      await setMeta(panel, INSIDE_MOVE_KEY, 30_000);
      const since = Date.now();
      await dialog.getByRole('button', { name: 'Save' }).click();
      await waitUntilInsideTransaction(panel, since);
      await stopServiceWorker(b.context, b.extensionId);

      await expect(
        panel.getByText(/background stopped before it saved the move\. Nothing was moved/),
      ).toBeVisible({
        timeout: 30_000,
      });
      await setMeta(panel, INSIDE_MOVE_KEY, 0);
      expectUnchanged(await expectConsistentStore(panel), before);
      await moveAgainSucceeds(panel, dialog, before);
    } finally {
      await b.context.close().catch(() => {});
      rmSync(b.profile, { recursive: true, force: true });
    }
  });

  test('cut by a browser kill inside its transaction: the reopened profile holds none of it, consistently', async () => {
    let b = await open();
    try {
      const panel = await workspaceWith1000Alerts(b);
      const dialog = await prepareMoveOfAll(panel);
      const before = await expectConsistentStore(panel);

      await setMeta(panel, INSIDE_MOVE_KEY, 30_000);
      const since = Date.now();
      await dialog.getByRole('button', { name: 'Save' }).click();
      await waitUntilInsideTransaction(panel, since);
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
      await b.context.close().catch(() => {});
      rmSync(b.profile, { recursive: true, force: true });
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
  await expect(options.getByText(/Imported .*: [\d,]+ incidents and 12,000 alerts/)).toBeVisible({
    timeout: 120_000,
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
      await stopServiceWorker(b.context, b.extensionId);
      await expect(options.getByText(/import was interrupted.*Nothing was imported/)).toBeVisible({
        timeout: 30_000,
      });
      expectUnchanged(await expectConsistentStore(options), before);
      await importAgainSucceeds(options, file, before);
    } finally {
      await b.context.close().catch(() => {});
      rmSync(b.profile, { recursive: true, force: true });
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
      await b.context.close().catch(() => {});
      rmSync(b.profile, { recursive: true, force: true });
    }
  });
});
