/**
 * Merge incidents (DESIGN §8), end to end in real Chromium through the side panel: two incidents merged from
 * the queue (and undone), one merged from incident details through `Other incident name or ID`, and a merge
 * of incidents with different classifications refused with a sentence, changing nothing. Then against the
 * project's Graph-shaped test server: one mergeIncidents per merge, the store following the incident Defender
 * keeps, and a refused merge rolled back.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { type FakeGraphServer, makeTenant, startFakeGraphServer } from '../support/fake-graph-server';
import { expect, go, signInToTestGraph, test } from './fixtures';
import { readAlerts } from './store';

const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

function alert(incidentId: string, n: number, title: string, device: string) {
  return {
    id: `da${incidentId}-${n}`,
    incidentId,
    title,
    severity: n === 0 ? 'high' : 'medium',
    status: 'new',
    category: 'CredentialAccess',
    serviceSource: 'microsoftDefenderForEndpoint',
    detectionSource: 'antivirus',
    createdDateTime: ago(30 - n),
    evidence: [{ '@odata.type': '#microsoft.graph.security.deviceEvidence', deviceDnsName: device }],
  };
}

function incident(
  id: string,
  name: string,
  alerts: number,
  hoursAgo: number,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    displayName: name,
    status: 'active',
    severity: 'medium',
    createdDateTime: ago(hoursAgo),
    lastUpdateDateTime: ago(hoursAgo - 1),
    customTags: [],
    ...extra,
    alerts: Array.from({ length: alerts }, (_, n) => alert(id, n, `${name}: alert ${n + 1}`, `ws-${id}`)),
  };
}

const TENANT = {
  value: [
    incident('201', 'Credential theft on ws-201', 3, 48, { customTags: ['finance'] }),
    incident('202', 'Suspicious sign-in on ws-202', 2, 40, { customTags: ['vip'] }),
    incident('203', 'Phishing mail opened on ws-203', 1, 30),
    incident('204', 'Malware on ws-204', 1, 20, { classification: 'truePositive' }),
    incident('205', 'Malware on ws-205', 1, 10, { classification: 'falsePositive' }),
  ],
};

async function importTenant(openExtensionPage: (path: string) => Promise<Page>): Promise<Page> {
  const file = join(tmpdir(), `merge-tenant-${Date.now()}-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(TENANT));
  const options = await openExtensionPage('options.html');
  await options.getByLabel('Import incidents').setInputFiles(file);
  await expect(options.getByText(/5 incidents and 8 alerts/)).toBeVisible({ timeout: 30_000 });
  await options.close();
  const page = await openExtensionPage('sidepanel.html#/incidents');
  await expect(page.locator('tr[data-incident-id="201"]')).toBeVisible();
  return page;
}

const membership = async (page: Page) =>
  Object.fromEntries((await readAlerts(page)).map((a) => [a.id, a.incidentId]));

async function activityEntries(page: Page, incidentId: string) {
  await go(page, `#/incidents/${incidentId}?tab=activity`);
  const panel = page.getByRole('tabpanel');
  await expect(panel.locator('.activity-entry').first()).toBeVisible();
  return panel;
}

test('two incidents merged from the queue: the survivor lists every alert, the other redirects, Undo restores both', async ({
  openExtensionPage,
}) => {
  const page = await importTenant(openExtensionPage);
  const before = await membership(page);
  const table = page.getByRole('table', { name: 'Incidents' });
  await table.getByRole('checkbox', { name: 'Select incident 202' }).check();
  await expect(page.getByRole('button', { name: 'Merge incidents' })).toHaveCount(0);
  await table.getByRole('checkbox', { name: 'Select incident 201' }).check();
  await page.getByRole('button', { name: 'Merge incidents' }).click();

  const dialog = page.getByRole('dialog', { name: 'Merge incidents' });
  await expect(dialog).toContainText(
    'Incident 201 "Credential theft on ws-201" survives: it has the most alerts (3 alerts).',
  );
  await expect(dialog).toContainText('2 alerts and the tags “vip” move into it');
  // The reason is required.
  await dialog.getByRole('button', { name: 'Merge' }).click();
  await expect(dialog.getByText('Add a reason for merging.')).toBeVisible();
  await dialog
    .getByRole('textbox', { name: 'Reason for merging' })
    .fill('Same intruder: the sign-in led to the theft');
  await dialog.getByRole('button', { name: 'Merge' }).click();
  await expect(dialog).toBeHidden();
  const status = page.getByRole('status').filter({ hasText: 'Merged incident 202 into' });
  await expect(status).toContainText(
    'Merged incident 202 into Credential theft on ws-201 (201): 2 alerts moved.',
  );

  // In another tab: the survivor lists all five alerts; the merged one redirects to it; both logs say so.
  const other = await openExtensionPage('sidepanel.html#/incidents/201');
  const alertsTable = other.getByRole('table', { name: 'Alerts' });
  await expect(alertsTable.locator('tr[data-alert-id]')).toHaveCount(5);
  await expect(other.getByText('vip', { exact: true })).toBeVisible();
  const survivorLog = await activityEntries(other, '201');
  const merged = survivorLog.locator('.activity-entry').filter({ hasText: 'Incidents merged' });
  await expect(merged).toContainText(
    'Merged Suspicious sign-in on ws-202 (202) into this incident: 2 alerts moved in.',
  );
  await expect(merged).toContainText('Same intruder: the sign-in led to the theft');

  await go(other, '#/incidents/202');
  const notice = other.getByRole('note');
  await expect(notice).toContainText('This incident was redirected (merged) into incident 201');
  const mergedLog = await activityEntries(other, '202');
  await expect(
    mergedLog.locator('.activity-entry').filter({ hasText: 'Merged into another incident' }),
  ).toContainText('Merged into incident 201: 2 alerts moved there, and this incident now redirects to it.');
  // A link to the merged incident leads on to the survivor.
  await notice.getByRole('link', { name: 'incident 201' }).click();
  await expect(other.getByRole('heading', { name: 'Credential theft on ws-201' })).toBeVisible();

  // Undo: both incidents as they were.
  await status.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'separate again' })).toContainText(
    'Undone: incidents 201, 202 are separate again.',
  );
  expect(await membership(page)).toEqual(before);
  await go(other, '#/incidents/202');
  await expect(other.getByRole('note')).toHaveCount(0);
  await expect(other.getByRole('table', { name: 'Alerts' }).locator('tr[data-alert-id]')).toHaveCount(2);
  const undoneLog = await activityEntries(other, '202');
  await expect(undoneLog.locator('.activity-entry').filter({ hasText: 'Merge undone' })).toContainText(
    'came back from incident 201',
  );
});

test('an incident merged from its details through Other incident name or ID', async ({
  openExtensionPage,
}) => {
  const page = await importTenant(openExtensionPage);
  await go(page, '#/incidents/203');
  await page.getByRole('button', { name: 'Merge incidents' }).click();
  const dialog = page.getByRole('dialog', { name: 'Merge incidents' });
  const other = dialog.getByRole('combobox', { name: 'Other incident name or ID' });
  await expect(other).toBeFocused();
  await other.fill('Credential theft');
  await dialog.getByRole('option', { name: /Credential theft on ws-201/ }).click();
  await expect(dialog).toContainText('Incident 201 "Credential theft on ws-201" survives');
  await dialog.getByRole('textbox', { name: 'Reason for merging' }).fill('Phish delivered the stealer');
  await dialog.getByRole('button', { name: 'Merge' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Merged incident 203' })).toContainText(
    'Merged incident 203 into Credential theft on ws-201 (201): 1 alert moved.',
  );
  await expect(page.getByRole('note')).toContainText('redirected (merged) into incident 201');
  const after = await membership(page);
  expect(after['da203-0']).toBe('201');
  const log = await activityEntries(page, '201');
  await expect(log.locator('.activity-entry').filter({ hasText: 'Incidents merged' })).toContainText(
    'Phish delivered the stealer',
  );
  // A search for the merged incident's id finds the survivor.
  await go(page, '#/incidents?q=203');
  const found = page.getByRole('note').filter({ hasText: 'Incident 203 was merged into' });
  await expect(found).toContainText('Incident 203 was merged into Credential theft on ws-201 (201).');
  await found.getByRole('link', { name: 'Credential theft on ws-201 (201)' }).click();
  await expect(page.getByRole('heading', { name: 'Credential theft on ws-201' })).toBeVisible();
});

test('incidents with different classifications are refused with a sentence, and nothing changes', async ({
  openExtensionPage,
}) => {
  const page = await importTenant(openExtensionPage);
  const before = await membership(page);
  const table = page.getByRole('table', { name: 'Incidents' });
  await table.getByRole('checkbox', { name: 'Select incident 204' }).check();
  await table.getByRole('checkbox', { name: 'Select incident 205' }).check();
  await page.getByRole('button', { name: 'Merge incidents' }).click();
  const dialog = page.getByRole('dialog', { name: 'Merge incidents' });
  await expect(dialog.getByRole('alert')).toContainText(
    'have different classifications ("truePositive" and "falsePositive"), so they can\'t be merged.',
  );
  await dialog.getByRole('textbox', { name: 'Reason for merging' }).fill('Looks the same');
  await expect(dialog.getByRole('button', { name: 'Merge' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect(await membership(page)).toEqual(before);
  await go(page, '#/incidents/205?tab=activity');
  await expect(page.getByRole('tabpanel').getByText('No activity yet.')).toBeVisible();
});

// ---- Against the project's Graph-shaped test server ------------------------------------------------------

let server: FakeGraphServer | undefined;
test.afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Options → Connectors pointed at the test server, signed in, first sync done; the side panel on the queue. */
async function connected(openExtensionPage: (path: string) => Promise<Page>) {
  server = await startFakeGraphServer(makeTenant(4, 2, Date.now() - 86_400_000));
  const options = await openExtensionPage('options.html');
  const section = await signInToTestGraph(options, server.url);
  await expect(section.getByText(/Last synced .*: 4 incidents received/)).toBeVisible();
  const panel = await openExtensionPage('sidepanel.html#/incidents');
  await expect(panel.locator('tr[data-incident-id="1001"]')).toBeVisible();
  return { panel, section, server };
}

async function mergeFromQueue(panel: Page, ids: string[], reason: string) {
  const table = panel.getByRole('table', { name: 'Incidents' });
  for (const id of ids) await table.getByRole('checkbox', { name: `Select incident ${id}` }).check();
  await panel.getByRole('button', { name: 'Merge incidents' }).click();
  const dialog = panel.getByRole('dialog', { name: 'Merge incidents' });
  await dialog.getByRole('textbox', { name: 'Reason for merging' }).fill(reason);
  await dialog.getByRole('button', { name: 'Merge' }).click();
  await expect(dialog).toBeHidden();
}

test('a merge reaches Defender as one mergeIncidents, and the store follows the incident Defender keeps', async ({
  openExtensionPage,
}) => {
  const { panel, server } = await connected(openExtensionPage);
  // Defender has a third alert in 1002 this store has not pulled yet: it keeps 1002, the side panel picks 1001.
  server.alerts.set('da-late', { ...structuredClone(server.alerts.get('da63851_0')!), id: 'da-late' });
  await mergeFromQueue(panel, ['1001', '1002'], 'One intrusion');
  await expect.poll(() => server.mergeCalls().length).toBe(1);
  const status = panel.getByRole('status').filter({ hasText: 'Merged incident 1002' });
  await expect(status).toContainText(
    'Microsoft Defender kept incident 1002 instead, so the alerts are there now and incident 1001 redirects to it.',
  );
  await expect(status).toContainText('Synced with Microsoft Defender');
  await expect(status.getByRole('button', { name: 'Undo' })).toHaveCount(0);
  expect(server.mergeCalls()[0]!.body).toEqual({
    incidentIds: ['1001', '1002'],
    incidentComment: 'One intrusion',
  });

  await go(panel, '#/incidents/1001');
  await expect(panel.getByRole('note')).toContainText('redirected (merged) into incident 1002');
  const log = await activityEntries(panel, '1002');
  await expect(log).toContainText(
    'Microsoft Defender kept incident 1002 rather than incident 1001 when it merged them, so the alerts are in incident 1002 here too.',
  );
  const local = await membership(panel);
  expect(['da63850_0', 'da63850_1', 'da63851_0', 'da63851_1'].map((id) => local[id])).toEqual([
    '1002',
    '1002',
    '1002',
    '1002',
  ]);
  expect(server.mergeCalls()).toHaveLength(1);
});

test('a merge Defender refuses is rolled back here, with the reason', async ({ openExtensionPage }) => {
  const { panel, server } = await connected(openExtensionPage);
  // Classified differently in the portal since the last pull: Defender refuses the merge.
  server.update('1001', { classification: 'truePositive' });
  server.update('1002', { classification: 'falsePositive' });
  const before = await membership(panel);
  await mergeFromQueue(panel, ['1001', '1002'], 'One intrusion');
  await expect.poll(() => server.mergeCalls().length).toBe(1);

  await expect(panel.getByRole('status').filter({ hasText: 'refused the merge' })).toContainText(
    'Microsoft Defender refused the merge, so it was rolled back here: the incidents are separate again.',
  );
  await go(panel, '#/incidents/1002?tab=activity');
  const rolled = panel
    .getByRole('tabpanel')
    .locator('.activity-entry')
    .filter({ hasText: 'Sync rolled back' });
  await expect(rolled).toContainText('Microsoft Defender refused this merge, so it was rolled back here');
  await expect(panel.getByRole('note')).toHaveCount(0);
  expect(await membership(panel)).toEqual(before);
  expect(server.incidents.get('1002')?.status).toBe('active');
});
