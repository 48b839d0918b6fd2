import type { Page } from '@playwright/test';
import { startFixtureServer } from './fixture-server';
import { expect, loadSampleData, test } from './fixtures';
import { alertsFromDistinctIncidents, readAlerts, readCounts } from './store';

let server: Awaited<ReturnType<typeof startFixtureServer>>;
test.beforeAll(async () => {
  server = await startFixtureServer();
});
test.afterAll(async () => {
  await server.close();
});

/** The analyst enables the fixture site in options → Sites, as they would for an in-house dashboard. */
async function enableSite(options: Page, pattern = 'http://127.0.0.1/*', rowSelector = '[data-alert-id]') {
  await options.getByRole('button', { name: 'Add site' }).click();
  await options.getByRole('textbox', { name: 'URL pattern' }).fill(pattern);
  await options.getByRole('textbox', { name: 'Alert row selector' }).fill(rowSelector);
  await options.getByRole('textbox', { name: 'Alert ID attribute' }).fill('data-alert-id');
  await options.getByRole('button', { name: 'Save site' }).click();
  await expect(options.getByText(/Buttons appear on http:\/\/127\.0\.0\.1\/\*/)).toBeVisible();
}

async function setUp(openExtensionPage: (p: string) => Promise<Page>) {
  const panel = await openExtensionPage('sidepanel.html#/incidents');
  await loadSampleData(panel);
  const alerts = await readAlerts(panel);
  const options = await openExtensionPage('options.html');
  await enableSite(options);
  return { panel, options, alerts };
}

const flyoutFrame = (page: Page) => page.frameLocator('iframe[src^="chrome-extension://"]');

test('a plain table gets a move button on every alert row, and one alert moves to a new incident', async ({
  context,
  openExtensionPage,
}) => {
  const { panel, alerts } = await setUp(openExtensionPage);
  const picked = alertsFromDistinctIncidents(alerts, 3);
  const page = await context.newPage();
  await page.goto(`${server.origin}/plain-table.html?ids=${picked.map((a) => a.id).join(',')}`);
  const rowButtons = page.getByRole('button', { name: 'Move alert to another incident', exact: true });
  await expect(rowButtons).toHaveCount(3);

  await page
    .locator(`tr[data-alert-id="${picked[0]!.id}"]`)
    .getByRole('button', { name: 'Move alert to another incident' })
    .click();
  expect(await page.evaluate(() => (window as unknown as { __rowClicks: number }).__rowClicks)).toBe(0);
  const flyout = flyoutFrame(page);
  const dialog = flyout.getByRole('dialog', { name: 'Move alert to another incident' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('radio', { name: 'Create a new incident' }).check();
  await dialog.getByRole('textbox', { name: 'Comment' }).fill('Unrelated host: split out from the page');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(flyout.getByRole('status').filter({ hasText: /Created incident|Moved/ })).toBeVisible();

  const after = (await readAlerts(panel)).find((a) => a.id === picked[0]!.id)!;
  expect(after.incidentId).not.toBe(picked[0]!.incidentId);
  await panel.goto(panel.url().replace(/#.*/, `#/incidents/${after.incidentId}`));
  await panel.getByRole('tab', { name: 'Activity log' }).click();
  await expect(panel.getByText('Unrelated host: split out from the page').first()).toBeVisible();
});

test('two rows selected on a single-page app move together with the floating button, rows added later get buttons', async ({
  context,
  openExtensionPage,
}) => {
  const { panel, alerts } = await setUp(openExtensionPage);
  const picked = alertsFromDistinctIncidents(alerts, 8);
  const target = picked[7]!;
  const page = await context.newPage();
  await page.goto(
    `${server.origin}/spa.html?ids=${picked
      .slice(0, 7)
      .map((a) => a.id)
      .join(',')}&pageSize=3&rerender=0`,
  );
  const rowButtons = page.getByRole('button', { name: 'Move alert to another incident', exact: true });
  await expect(rowButtons).toHaveCount(3);
  // The app paginates with pushState and renders new rows: they get buttons too.
  await page.getByRole('button', { name: /Next/ }).click();
  await expect(page.locator(`[data-alert-id="${picked[3]!.id}"]`)).toBeVisible();
  await expect(rowButtons).toHaveCount(3);

  await page.locator(`[data-alert-id="${picked[3]!.id}"]`).getByRole('checkbox').check();
  await page.locator(`[data-alert-id="${picked[4]!.id}"]`).getByRole('checkbox').check();
  const floating = page.getByRole('button', { name: /^Move alerts to another incident/ });
  await expect(floating).toBeVisible();
  await expect(floating).toContainText('2');
  await floating.click();

  const dialog = flyoutFrame(page).getByRole('dialog', { name: 'Move multiple alerts to another incident' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('radio', { name: 'Link to an existing incident' }).check();
  await dialog.getByRole('combobox', { name: 'Incident name or ID' }).fill(target.incidentId);
  await dialog
    .getByRole('option', { name: new RegExp(target.incidentId) })
    .first()
    .click();
  await dialog.getByRole('textbox', { name: 'Comment' }).fill('Same campaign as the target incident');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(
    flyoutFrame(page)
      .getByRole('status')
      .filter({ hasText: /Moved 2 alerts/ }),
  ).toBeVisible();

  const now = await readAlerts(panel);
  for (const a of [picked[3]!, picked[4]!])
    expect(now.find((x) => x.id === a.id)!.incidentId).toBe(target.incidentId);
  await panel.goto(panel.url().replace(/#.*/, `#/incidents/${target.incidentId}`));
  await panel.getByRole('tab', { name: 'Activity log' }).click();
  await expect(panel.getByText('Same campaign as the target incident').first()).toBeVisible();
});

test('a table where the id is only in a link gets buttons through a link pattern site', async ({
  context,
  openExtensionPage,
}) => {
  const panel = await openExtensionPage('sidepanel.html#/incidents');
  await loadSampleData(panel);
  const picked = alertsFromDistinctIncidents(await readAlerts(panel), 2);
  const options = await openExtensionPage('options.html');
  await options.getByRole('button', { name: 'Add site' }).click();
  await options.getByRole('textbox', { name: 'URL pattern' }).fill('http://127.0.0.1/*');
  await options.getByRole('textbox', { name: 'Alert row selector' }).fill('tbody tr');
  await options.getByRole('combobox', { name: 'Read the alert ID from' }).selectOption('href');
  await options.getByRole('textbox', { name: 'Alert ID pattern' }).fill('/alerts/([A-Za-z0-9_-]+)');
  await options.getByRole('button', { name: 'Save site' }).click();
  await expect(options.getByText(/Buttons appear on/)).toBeVisible();
  const page = await context.newPage();
  await page.goto(`${server.origin}/link-table.html?ids=${picked.map((a) => a.id).join(',')}`);
  await expect(page.getByRole('button', { name: 'Move alert to another incident', exact: true })).toHaveCount(
    2,
  );
});

test('hostile titles stay inert text, and a page forging extension messages moves nothing', async ({
  context,
  extensionId,
  openExtensionPage,
}) => {
  const { panel, alerts } = await setUp(openExtensionPage);
  const picked = alertsFromDistinctIncidents(alerts, 3);
  const hostile = await context.newPage();
  await hostile.goto(`${server.origin}/hostile.html?ids=${picked.map((a) => a.id).join(',')}`);
  await expect(
    hostile.getByRole('button', { name: 'Move alert to another incident', exact: true }).first(),
  ).toBeVisible();
  await hostile.getByRole('button', { name: 'Move alert to another incident', exact: true }).first().click();
  await expect(flyoutFrame(hostile).getByRole('dialog')).toBeVisible();
  expect(await hostile.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();

  const before = await readCounts(panel);
  const beforeAlerts = await readAlerts(panel);
  const forge = await context.newPage();
  await forge.goto(
    `${server.origin}/forge.html?ids=${picked.map((a) => a.id).join(',')}&target=${picked[2]!.incidentId}&ext=${extensionId}`,
  );
  await forge.waitForFunction(() => (window as unknown as { __forgeDone?: boolean }).__forgeDone === true);
  await expect(forge.locator('iframe[src^="chrome-extension://"]')).toHaveCount(0);
  expect(await readCounts(panel)).toEqual(before);
  expect(await readAlerts(panel)).toEqual(beforeAlerts);
});
