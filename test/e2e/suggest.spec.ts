/**
 * Where does this alert belong? In real Chromium on the sample tenant: a planted misplaced alert's flyout lists
 * its true incident first with a sentence of why, and Save moves it there with the reasons recorded; an incident
 * that is really two stories is split in one step, and one Undo puts it back.
 */
import type { Locator, Page } from '@playwright/test';
import { generateTenant, MISCORRELATED_HINTS } from '../../lib/data/sample';
import type { GraphAlert } from '../../lib/model';
import { entityKeysOf } from '../../lib/model/entities';
import { rareLimit } from '../../lib/suggest/rank';
import { proposeGroups } from '../../lib/suggest/split';
import { expect, go, test, workspace } from './fixtures';

// The default sample tenant: the same incidents, alerts and statuses whatever the date.
const tenant = generateTenant({ now: new Date().toISOString() });
const incidentById = new Map(tenant.incidents.map((i) => [i.id, i]));

const combobox = (dialog: Locator) => dialog.getByRole('combobox', { name: 'Incident name or ID' });

async function incidentOf(page: Page, alertId: string): Promise<string | undefined> {
  return page.evaluate(
    (id) =>
      new Promise<string | undefined>((resolve, reject) => {
        const req = indexedDB.open('incident-mover');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const get = req.result.transaction('alerts').objectStore('alerts').get(id);
          get.onsuccess = () => {
            resolve(get.result?.incidentId);
            req.result.close();
          };
        };
      }),
    alertId,
  );
}

test('a misplaced alert’s flyout suggests its true incident first, says why, and Save moves it there with the reasons', async ({
  openExtensionPage,
}) => {
  const hint = MISCORRELATED_HINTS.find(
    (h) => incidentById.get(h.belongsWithIncidentId)?.status !== 'resolved',
  );
  if (!hint) throw new Error('the sample tenant plants no misplaced alert with an open true incident');
  const truth = incidentById.get(hint.belongsWithIncidentId)!;
  const page = await workspace(openExtensionPage);
  await go(page, `#/alerts/${encodeURIComponent(hint.alertId)}`);

  // Alert details list the same suggestions.
  const onDetails = page.getByRole('list', { name: 'Suggested incidents' });
  await expect(onDetails.getByRole('button').first()).toHaveAttribute('data-incident-id', truth.id);

  await page.getByRole('button', { name: 'Move alert to another incident' }).click();
  const dialog = page.getByRole('dialog', { name: 'Move alert to another incident' });
  const list = dialog.getByRole('list', { name: 'Suggested incidents' });
  const first = list.getByRole('button').first();
  await expect(first).toHaveAttribute('data-incident-id', truth.id);
  await expect(first).toContainText(`${truth.displayName} (${truth.id})`);
  await expect(first).toContainText(/Shares (device|user|mailbox|file|IP address|URL) /);
  await expect(list.locator(`[data-incident-id="${hint.incidentId}"]`)).toHaveCount(0);

  await first.click();
  await expect(first).toHaveAttribute('aria-pressed', 'true');
  await expect(combobox(dialog)).toHaveValue(truth.displayName);
  await dialog.getByText('Reasons (optional)').click();
  await expect(dialog.getByRole('checkbox', { name: 'Same asset' })).toBeChecked();
  const comment = 'Same device and user as the rest of this incident.';
  await dialog.getByRole('textbox', { name: 'Comment' }).fill(comment);
  await dialog.getByRole('button', { name: 'Save' }).click();

  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Moved 1 alert to' })).toContainText(
    `Moved 1 alert to ${truth.displayName} (${truth.id})`,
  );
  await expect.poll(() => incidentOf(page, hint.alertId)).toBe(truth.id);
  await go(page, `#/incidents/${encodeURIComponent(truth.id)}?tab=activity`);
  const entry = page.getByRole('tabpanel').locator('.activity-entry').filter({ hasText: comment }).first();
  await expect(entry).toContainText('Same asset');
});

/** Two open incidents of the sample whose alerts hang together by rare entities and share none with each other. */
function twoStories() {
  const keysOf = (alerts: readonly GraphAlert[]) => new Set(alerts.flatMap((a) => entityKeysOf(a)));
  const df = new Map<string, number>();
  for (const i of tenant.incidents) for (const k of keysOf(i.alerts ?? [])) df.set(k, (df.get(k) ?? 0) + 1);
  const limit = rareLimit(tenant.incidents.length);
  const whole = (alerts: readonly GraphAlert[]) =>
    proposeGroups(
      alerts.map((a) => ({ id: a.id, entities: entityKeysOf(a), createdDateTime: a.createdDateTime })),
      (k) => (df.get(k) ?? 0) <= limit,
    ).length === 1 &&
    alerts.length >= 2 &&
    alerts.length <= 5;
  const open = tenant.incidents.filter((i) => i.status !== 'resolved' && whole(i.alerts ?? []));
  for (const a of open)
    for (const b of open) {
      if (a === b || (a.alerts ?? []).length < (b.alerts ?? []).length) continue;
      const ka = keysOf(a.alerts ?? []);
      if ([...keysOf(b.alerts ?? [])].some((k) => ka.has(k))) continue;
      return { a, b };
    }
  throw new Error('no two unrelated stories in the sample tenant');
}

test('an incident that is two stories is split in one step into two incidents, and Undo puts it back', async ({
  openExtensionPage,
}) => {
  const { a, b } = twoStories();
  const aIds = (a.alerts ?? []).map((x) => x.id);
  const bIds = (b.alerts ?? []).map((x) => x.id);
  const page = await workspace(openExtensionPage);

  // Glue b's alerts into a, as a wrong correlation would.
  await go(page, `#/incidents/${encodeURIComponent(b.id)}`);
  for (const id of bIds)
    await page
      .locator(`tr[data-alert-id="${id}"]`)
      .getByRole('checkbox', { name: /^Select alert/ })
      .check();
  await page.getByRole('button', { name: 'Move alerts to another incident' }).click();
  const flyout = page.getByRole('dialog', { name: /Move (multiple alerts|alert) to another incident/ });
  await combobox(flyout).fill(a.id);
  await flyout.locator(`[role="option"][data-incident-id="${a.id}"]`).click();
  await flyout.getByRole('textbox', { name: 'Comment' }).fill('Correlated by time.');
  await flyout.getByRole('button', { name: 'Save' }).click();
  await expect(flyout).toBeHidden();
  for (const id of bIds) await expect.poll(() => incidentOf(page, id)).toBe(a.id);

  await go(page, `#/incidents/${encodeURIComponent(a.id)}`);
  await page.getByRole('button', { name: 'Split incident' }).click();
  const dialog = page.getByRole('dialog', { name: `Split incident ${a.id}` });
  const group1 = dialog.getByRole('group', { name: 'Group 1' });
  const group2 = dialog.getByRole('group', { name: 'Group 2' });
  await expect(group1.locator('[data-alert-id]')).toHaveCount(aIds.length);
  await expect(group2.locator('[data-alert-id]')).toHaveCount(bIds.length);
  for (const id of aIds) await expect(group1.locator(`[data-alert-id="${id}"]`)).toBeVisible();
  for (const id of bIds) await expect(group2.locator(`[data-alert-id="${id}"]`)).toBeVisible();
  await expect(dialog.getByRole('group', { name: 'Group 3' })).toHaveCount(0);

  // Save needs a comment.
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Add a comment that says why the incident is split.');
  await dialog.getByRole('textbox', { name: 'Comment' }).fill('Two intrusions glued together by time.');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();

  const status = page.getByRole('status').filter({ hasText: `Split incident ${a.id}` });
  await expect(status).toContainText(`${bIds.length} alerts moved to new incident`);
  const created = await incidentOf(page, bIds[0]!);
  expect(created).not.toBe(a.id);
  for (const id of bIds) expect(await incidentOf(page, id)).toBe(created);
  for (const id of aIds) expect(await incidentOf(page, id)).toBe(a.id);
  await status.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Undone' })).toContainText(
    `Undone: ${bIds.length} alerts are back where they were.`,
  );
  for (const id of [...aIds, ...bIds]) await expect.poll(() => incidentOf(page, id)).toBe(a.id);
  // The new incident's log keeps where its alerts came from and that they went back.
  await go(page, `#/incidents/${encodeURIComponent(created!)}?tab=activity`);
  await expect(page.getByRole('tabpanel')).toContainText(`Split from incident ${a.id}`);
  await expect(
    page.getByRole('tabpanel').getByRole('heading', { name: 'Move undone' }).first(),
  ).toBeVisible();
});
