/**
 * A merge of five incidents (800 alerts move into the survivor) under the faults of fault-injection.spec.ts: the
 * service worker stopped inside the merge's transaction, the browser killed there and the profile reopened, and a
 * full disk. After each, the store is checked whole (test/e2e/invariants.ts, with its merge checks: merged
 * incidents redirect to a survivor in use, every alert is in an incident that is not redirected, the merge's log
 * is whole or absent, the outbox holds it at most once), the page says what happened, and the merge then succeeds.
 * With the Graph connector on, the test server hears of the merge exactly once: not for the interrupted try, once
 * for the retry.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { makeTenant, startFakeGraphServer } from '../support/fake-graph-server';
import {
  type Browser,
  close,
  expectUnchanged,
  INSIDE_MERGE_KEY,
  killBrowser,
  open,
  page,
  pressUntilInsideTransaction,
  setMeta,
  smallDisk,
  stopWorker,
} from './fault-tools';
import { expect, go, signInToTestGraph, test } from './fixtures';
import { expectConsistentStore, type WholeStore } from './invariants';

test.describe.configure({ timeout: 180_000 });

const IDS = ['301', '302', '303', '304', '305'];
const ALERTS_EACH = 200;
const SURVIVOR = '301';
const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

/** Five open incidents of 200 alerts each that may be merged; 301 is the oldest, so it survives. */
function tenantFile(): string {
  const value = IDS.map((id, k) => ({
    id,
    displayName: `Credential theft wave ${k + 1}`,
    status: 'active',
    severity: 'medium',
    createdDateTime: ago(60 - k),
    lastUpdateDateTime: ago(30 - k),
    customTags: [`wave-${k + 1}`],
    alerts: Array.from({ length: ALERTS_EACH }, (_, n) => ({
      id: `da${id}-${n}`,
      incidentId: id,
      title: `Suspicious sign-in ${n + 1} of wave ${k + 1}`,
      severity: n % 3 === 0 ? 'high' : 'medium',
      status: 'new',
      category: 'CredentialAccess',
      serviceSource: 'microsoftDefenderForEndpoint',
      detectionSource: 'antivirus',
      createdDateTime: ago(59 - k - n / 1000),
      evidence: [
        { '@odata.type': '#microsoft.graph.security.deviceEvidence', deviceDnsName: `ws-${id}-${n % 7}` },
      ],
    })),
  }));
  const file = join(tmpdir(), `merge-faults-${process.pid}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify({ value }));
  return file;
}

let file: string;
test.beforeAll(() => {
  file = tenantFile();
});
test.afterAll(() => rmSync(file, { force: true }));

/** Imports the five incidents through the options page and opens the incidents queue. */
async function workspaceWithFiveIncidents(b: Browser): Promise<Page> {
  const options = await page(b, 'options.html');
  await options.getByLabel('Import incidents').setInputFiles(file);
  await expect(options.getByText(/5 incidents and 1,000 alerts/)).toBeVisible({ timeout: 60_000 });
  await options.close();
  return page(b, 'sidepanel.html#/incidents');
}

/** Selects the five incidents in the queue and fills the merge dialog up to `Merge`. */
async function prepareMerge(panel: Page): Promise<Locator> {
  const table = panel.getByRole('table', { name: 'Incidents' });
  for (const id of IDS) await table.getByRole('checkbox', { name: `Select incident ${id}` }).check();
  await panel.getByRole('button', { name: 'Merge incidents' }).click();
  const dialog = panel.getByRole('dialog', { name: 'Merge incidents' });
  await expect(dialog).toContainText(`Incident ${SURVIVOR} "Credential theft wave 1" survives`);
  await dialog
    .getByRole('textbox', { name: 'Reason for merging' })
    .fill('One intruder behind all five waves');
  return dialog;
}

/** The merge done again after the fault: saved once, whole, the store consistent. */
async function mergeAgainSucceeds(panel: Page, dialog: Locator, before: WholeStore) {
  await setMeta(panel, INSIDE_MERGE_KEY, 0);
  await dialog.getByRole('button', { name: 'Merge' }).click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  await expect(panel.getByRole('status').filter({ hasText: /^Merged incidents/ })).toContainText(
    `into Credential theft wave 1 (${SURVIVOR}): 800 alerts moved.`,
  );
  const after = await expectConsistentStore(panel);
  expect(after.moves).toHaveLength(before.moves.length + 1);
  expect(after.alerts.every((a) => a.incidentId === SURVIVOR)).toBe(true);
  const byId = new Map(after.incidents.map((i) => [i.id, i]));
  for (const id of IDS.slice(1)) {
    expect(byId.get(id)?.status).toBe('redirected');
    expect(byId.get(id)?.redirectIncidentId).toBe(SURVIVOR);
  }
  expect(byId.get(SURVIVOR)?.alertCount).toBe(IDS.length * ALERTS_EACH);
  // The page follows the store again (after a full disk too): a merged incident leads on to the survivor.
  await go(panel, `#/incidents/${IDS[1]}`);
  await expect(panel.getByRole('note')).toContainText(`redirected (merged) into incident ${SURVIVOR}`, {
    timeout: 30_000,
  });
}

/** Nothing of the merge is in the store: no incident redirected, every alert where it was. */
function expectNotMerged(after: WholeStore, before: WholeStore) {
  expectUnchanged(after, before);
  expect(after.incidents.filter((i) => i.status === 'redirected')).toEqual([]);
  expect(after.moves.filter((m) => m.merge)).toEqual([]);
}

test('a merge stopped with the service worker inside its transaction: nothing is merged, the dialog says so, and Merge works again', async () => {
  const b = await open();
  try {
    const panel = await workspaceWithFiveIncidents(b);
    const dialog = await prepareMerge(panel);
    const before = await expectConsistentStore(panel);

    await pressUntilInsideTransaction(panel, INSIDE_MERGE_KEY, dialog.getByRole('button', { name: 'Merge' }));
    await stopWorker(b);

    await expect(
      dialog.getByText(/background stopped before it saved the merge\. Nothing was merged; select Merge/),
    ).toBeVisible({ timeout: 30_000 });
    expectNotMerged(await expectConsistentStore(panel), before);
    await mergeAgainSucceeds(panel, dialog, before);
  } finally {
    await close(b);
  }
});

test('a merge cut by a browser kill inside its transaction: the reopened profile holds none of it, and it merges', async () => {
  let b = await open();
  try {
    const panel = await workspaceWithFiveIncidents(b);
    const dialog = await prepareMerge(panel);
    const before = await expectConsistentStore(panel);

    await pressUntilInsideTransaction(panel, INSIDE_MERGE_KEY, dialog.getByRole('button', { name: 'Merge' }));
    await killBrowser(b);

    b = await open(b.profile);
    const reopened = await page(b, 'sidepanel.html#/incidents');
    await setMeta(reopened, INSIDE_MERGE_KEY, 0);
    expectNotMerged(await expectConsistentStore(reopened), before);
    // The queue shows the five incidents as they were, none of them merged.
    const table = reopened.getByRole('table', { name: 'Incidents' });
    for (const id of IDS) await expect(table.locator(`tr[data-incident-id="${id}"]`)).toBeVisible();
    await expect(reopened.getByRole('button', { name: 'Restore from backup' })).toHaveCount(0);
    await mergeAgainSucceeds(reopened, await prepareMerge(reopened), before);
  } finally {
    await close(b);
  }
});

test('a merge refused for want of disk space: the dialog says the browser has no room, nothing is merged, and Merge works once there is room', async () => {
  const disk = smallDisk();
  const b = await open(disk.dir);
  try {
    const panel = await workspaceWithFiveIncidents(b);
    const dialog = await prepareMerge(panel);
    const before = await expectConsistentStore(panel);

    disk.fill(64 * 1024);
    await dialog.getByRole('button', { name: 'Merge' }).click();
    await expect(
      dialog.getByText(/no room left for the extension’s data, so nothing was changed/),
    ).toBeVisible({
      timeout: 60_000,
    });
    disk.free();

    expectNotMerged(await expectConsistentStore(panel), before);
    await mergeAgainSucceeds(panel, dialog, before);
  } finally {
    await b.context.close().catch(() => {});
    disk.unmount();
  }
});

test('a merge with the Graph connector on, stopped with the service worker inside its transaction: Defender hears of it once, after the retry, not before', async () => {
  const server = await startFakeGraphServer(makeTenant(4, 2, Date.now() - 86_400_000));
  const b = await open();
  try {
    const options = await page(b, 'options.html');
    const section = await signInToTestGraph(options, server.url);
    await expect(section.getByText(/Last synced .*: 4 incidents received/)).toBeVisible({ timeout: 30_000 });
    await options.close();

    const panel = await page(b, 'sidepanel.html#/incidents');
    const table = panel.getByRole('table', { name: 'Incidents' });
    for (const id of ['1001', '1002'])
      await table.getByRole('checkbox', { name: `Select incident ${id}` }).check();
    await panel.getByRole('button', { name: 'Merge incidents' }).click();
    const dialog = panel.getByRole('dialog', { name: 'Merge incidents' });
    await dialog.getByRole('textbox', { name: 'Reason for merging' }).fill('One intrusion');
    const before = await expectConsistentStore(panel);

    await pressUntilInsideTransaction(panel, INSIDE_MERGE_KEY, dialog.getByRole('button', { name: 'Merge' }));
    await stopWorker(b);
    await expect(
      dialog.getByText(/background stopped before it saved the merge\. Nothing was merged/),
    ).toBeVisible({
      timeout: 30_000,
    });
    const afterFault = await expectConsistentStore(panel);
    expectNotMerged(afterFault, before);
    expect(afterFault.outbox).toEqual(before.outbox);
    expect(server.mergeCalls()).toHaveLength(0);

    await setMeta(panel, INSIDE_MERGE_KEY, 0);
    await dialog.getByRole('button', { name: 'Merge' }).click();
    await expect(dialog).toBeHidden({ timeout: 30_000 });
    await expect(panel.getByRole('status').filter({ hasText: /^Merged incident/ })).toContainText(
      'Synced with Microsoft Defender',
      { timeout: 30_000 },
    );
    expect(server.mergeCalls()).toHaveLength(1);
    const after = await expectConsistentStore(panel);
    expect(after.moves.filter((m) => m.merge)).toHaveLength(1);
  } finally {
    await close(b);
    await server.close();
  }
});
