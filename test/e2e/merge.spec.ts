/**
 * Merge incidents (DESIGN §8), end to end in real Chromium through the side panel: two incidents merged from
 * the queue (and undone), one merged from incident details through `Other incident name or ID`, and a merge
 * of incidents with different classifications refused with a sentence, changing nothing.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, go, test } from './fixtures';
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
