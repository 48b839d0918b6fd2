import type { BrowserContext, Page } from '@playwright/test';
import { startFixtureServer } from './fixture-server';
import { expect, loadSampleData, test } from './fixtures';
import { clickInPage, countInPage, textInPage } from './page-ui';
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

const ROW_BUTTON = 'Move alert to another incident';
const SELECTION_BUTTON = 'Move alerts to another incident';

/** The move window the extension opens for a page (an extension window of its own, never part of the page). */
const nextMoveWindow = (context: BrowserContext) =>
  context.waitForEvent('page', { predicate: (p) => p.url().includes('/flyout.html') });

test('a plain table gets a move button on every alert row, and one alert moves to a new incident', async ({
  context,
  openExtensionPage,
}) => {
  const { panel, alerts } = await setUp(openExtensionPage);
  const picked = alertsFromDistinctIncidents(alerts, 3);
  const page = await context.newPage();
  await page.goto(`${server.origin}/plain-table.html?ids=${picked.map((a) => a.id).join(',')}`);
  await expect.poll(() => countInPage(page, ROW_BUTTON)).toBe(3);

  const opening = nextMoveWindow(context);
  await clickInPage(page, ROW_BUTTON, { within: `tr[data-alert-id="${picked[0]!.id}"]` });
  const flyout = await opening;
  expect(await page.evaluate(() => (window as unknown as { __rowClicks: number }).__rowClicks)).toBe(0);
  // Nothing of the move is drawn into the page.
  await expect(page.locator('iframe, dialog')).toHaveCount(0);
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
  await expect.poll(() => countInPage(page, ROW_BUTTON)).toBe(3);
  // The app paginates with pushState and renders new rows: they get buttons too.
  await page.getByRole('button', { name: /Next/ }).click();
  await expect(page.locator(`[data-alert-id="${picked[3]!.id}"]`)).toBeVisible();
  await expect
    .poll(() => countInPage(page, ROW_BUTTON, { within: `[data-alert-id="${picked[3]!.id}"]` }))
    .toBe(1);
  await expect.poll(() => countInPage(page, ROW_BUTTON)).toBe(3);

  await page.locator(`[data-alert-id="${picked[3]!.id}"]`).getByRole('checkbox').check();
  await page.locator(`[data-alert-id="${picked[4]!.id}"]`).getByRole('checkbox').check();
  await expect.poll(() => textInPage(page, SELECTION_BUTTON)).toContain('2');
  const opening = nextMoveWindow(context);
  await clickInPage(page, SELECTION_BUTTON);
  const flyout = await opening;

  const dialog = flyout.getByRole('dialog', { name: 'Move multiple alerts to another incident' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('radio', { name: 'Link to an existing incident' }).check();
  await dialog.getByRole('combobox', { name: 'Incident name or ID' }).fill(target.incidentId);
  await dialog
    .getByRole('option', { name: new RegExp(target.incidentId) })
    .first()
    .click();
  await dialog.getByRole('textbox', { name: 'Comment' }).fill('Same campaign as the target incident');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(flyout.getByRole('status').filter({ hasText: /Moved 2 alerts/ })).toBeVisible();

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
  await expect.poll(() => countInPage(page, ROW_BUTTON)).toBe(2);
});

test('hostile titles stay inert text, a page can neither reach our buttons nor see the extension, and forged messages move nothing', async ({
  context,
  extensionId,
  openExtensionPage,
}) => {
  const { panel, alerts } = await setUp(openExtensionPage);
  const picked = alertsFromDistinctIncidents(alerts, 3);
  const hostile = await context.newPage();
  await hostile.goto(`${server.origin}/hostile.html?ids=${picked.map((a) => a.id).join(',')}`);
  await expect.poll(() => countInPage(hostile, ROW_BUTTON)).toBe(3);

  // The page tries to put the focus on our row button, so that the analyst's next Enter presses it.
  expect(await hostile.evaluate(() => (window as unknown as { __grabFocus(): string }).__grabFocus())).toBe(
    'could not reach the button',
  );
  const windows = () => context.pages().filter((p) => p.url().includes('/flyout.html')).length;
  await hostile.keyboard.press('Enter');
  expect(await hostile.evaluate(() => (window as unknown as { __searched: number }).__searched)).toBe(1);
  await hostile.waitForTimeout(1_000);
  expect(windows()).toBe(0);

  // The extension is invisible to the page: none of its pages can be loaded from a web page.
  const reachable = await hostile.evaluate(async (id) => {
    try {
      await fetch(`chrome-extension://${id}/flyout.html`, { mode: 'no-cors' });
      return true;
    } catch {
      return false;
    }
  }, extensionId);
  expect(reachable).toBe(false);

  // The analyst's own click opens the move window; the titles stay text.
  const opening = nextMoveWindow(context);
  await clickInPage(hostile, ROW_BUTTON, { within: `tr[data-alert-id="${picked[0]!.id}"]` });
  const flyout = await opening;
  await expect(flyout.getByRole('dialog')).toBeVisible();
  expect(await hostile.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  await flyout.close();

  const before = await readCounts(panel);
  const beforeAlerts = await readAlerts(panel);
  const forge = await context.newPage();
  await forge.goto(
    `${server.origin}/forge.html?ids=${picked.map((a) => a.id).join(',')}&target=${picked[2]!.incidentId}&ext=${extensionId}`,
  );
  await forge.waitForFunction(() => (window as unknown as { __forgeDone?: boolean }).__forgeDone === true);
  expect(windows()).toBe(0);
  expect(await readCounts(panel)).toEqual(before);
  expect(await readAlerts(panel)).toEqual(beforeAlerts);
});
