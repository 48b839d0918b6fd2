/**
 * The analyst workspace in real Chromium, walked as a person would: the incidents and alerts queues
 * (filters, search by name and by ID, expanding an incident, selecting alerts, the keyboard), incident and
 * alert details and their links, the popup, an axe scan of every view, and a 200,000-alert store.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, go, test, workspace } from './fixtures';

const AXE = readFileSync(resolve('node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * Lets axe be injected: extension pages allow only their own scripts (CSP `script-src 'self'`), so the
 * test turns CSP off for this page through DevTools and reloads it.
 */
async function allowAxe(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setBypassCSP', { enabled: true });
  await page.reload();
}

/** Serious and critical accessibility violations on the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(o: object): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const r = await axe.run({ resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id}: ${v.help} (${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')})`,
      );
  });
  return violations;
}
interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

const cellTexts = (rows: Locator, cls: string) =>
  rows.evaluateAll((els, c) => els.map((e) => e.querySelector(`td.${c}`)?.textContent ?? ''), cls);

/** The number in the queue's status line ("64 incidents"). */
async function queueCount(page: Page, noun: RegExp, timeout?: number): Promise<number> {
  const status = page.locator('.queue-status [role="status"]');
  await expect(status).toHaveText(noun, { timeout });
  return Number((await status.textContent())!.replace(/[^\d]/g, ''));
}

test('incidents queue: default view, filters in the URL, search by name and ID, expand, select, open', async ({
  openExtensionPage,
}) => {
  const page = await workspace(openExtensionPage);
  const table = page.getByRole('table', { name: 'Incidents' });
  const rows = table.locator('tr[data-incident-id]');
  await expect(rows.first()).toBeVisible();
  const total = await queueCount(page, /^[\d,]+ incidents?$/);
  expect(total).toBeGreaterThan(5);

  // The default view: New/Active and In progress; High, Medium and Low; newest update first.
  for (const s of await cellTexts(rows, 'c-status')) expect(['Active', 'In progress']).toContain(s);
  for (const s of await cellTexts(rows, 'c-sev')) expect(['High', 'Medium', 'Low']).toContain(s);
  await expect(
    page.getByText('Status: Active, In progress · Severity: High, Medium, Low · Last 6 months'),
  ).toBeVisible();

  // A filter goes into the hash, and a reload keeps it.
  await page.getByRole('button', { name: /^Filters/ }).click();
  const filters = page.getByRole('region', { name: 'Filters' });
  await filters.getByRole('group', { name: 'Severity' }).getByRole('checkbox', { name: 'Low' }).uncheck();
  await expect(page).toHaveURL(/#\/incidents\?severity=high&severity=medium/);
  await expect.poll(async () => (await cellTexts(rows, 'c-sev')).includes('Low')).toBe(false);
  await page.reload();
  await expect(page.getByText('Severity: High, Medium ·', { exact: false })).toBeVisible();
  await page.getByRole('button', { name: 'Reset filters' }).click();
  await expect(page).toHaveURL(/#\/incidents$/);
  await expect.poll(() => queueCount(page, /incidents?$/)).toBe(total);

  // Search by ID, then by name.
  const first = rows.first();
  const id = (await first.getAttribute('data-incident-id'))!;
  const name = (await first.locator('td.c-title').textContent())!;
  const search = page.getByRole('searchbox', { name: 'Search for name or ID' });
  await search.fill(id);
  await expect(page).toHaveURL(new RegExp(`q=${id}`));
  await expect.poll(() => rows.count()).toBe(1);
  await expect(rows.first()).toHaveAttribute('data-incident-id', id);
  await search.fill(name.toLowerCase());
  await expect(table.locator(`tr[data-incident-id="${id}"]`)).toBeVisible();
  for (const n of await cellTexts(rows, 'c-title')) expect(n.toLowerCase()).toContain(name.toLowerCase());
  await search.press('Escape');
  await expect.poll(() => queueCount(page, /incidents?$/)).toBe(total);

  // Expand the incident: its alerts appear under it, each with a checkbox.
  const expand = table.getByRole('button', { name: `Expand incident ${id}` });
  await expect(expand).toHaveAttribute('aria-expanded', 'false');
  await expand.click();
  await expect(expand).toHaveAttribute('aria-expanded', 'true');
  const group = table.locator('tbody', { has: page.locator(`tr[data-incident-id="${id}"]`) });
  const alertRows = group.locator('tr[data-alert-id]');
  await expect(alertRows.first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Move alerts to another incident' })).toHaveCount(0);
  await alertRows
    .first()
    .getByRole('checkbox', { name: /^Select alert / })
    .check();
  await expect(page.getByText('1 alert selected')).toBeVisible();
  const move = page.getByRole('button', { name: 'Move alerts to another incident' });
  await expect(move).toBeVisible();
  // The header checkbox selects every alert shown under expanded incidents.
  const shown = await alertRows.count();
  await table.getByRole('checkbox', { name: 'Select all alerts in expanded incidents' }).check();
  await expect(page.getByText(`${shown} alert${shown === 1 ? '' : 's'} selected`)).toBeVisible();
  // The toolbar opens the flyout with the selection; Cancel leaves the selection as it was.
  await move.click();
  const dialog = page.getByRole('dialog', { name: /^Move (alert|multiple alerts) to another incident$/ });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`${shown} alert${shown === 1 ? '' : 's'} selected`)).toBeVisible();
  await page.getByRole('button', { name: 'Clear selection' }).click();
  await expect(move).toHaveCount(0);

  // Open the incident: its facts, its alerts, its activity log.
  await first.getByRole('link', { name }).click();
  await expect(page).toHaveURL(new RegExp(`#/incidents/${id}$`));
  await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Alerts' })).toHaveAttribute('aria-selected', 'true');
  const tabAlerts = page
    .getByRole('tabpanel')
    .getByRole('table', { name: 'Alerts' })
    .locator('tr[data-alert-id]');
  await expect(tabAlerts).toHaveCount(shown);
  await page.getByRole('tab', { name: 'Activity log' }).click();
  await expect(page).toHaveURL(/tab=activity/);
  await expect(page.getByRole('tabpanel')).toContainText(
    /No activity yet|Alert correlated|Imported|Incident created/,
  );

  // From the incident to one of its alerts, and back through the alert's incident link.
  await page.getByRole('tab', { name: 'Alerts' }).click();
  const alertId = (await tabAlerts.first().getAttribute('data-alert-id'))!;
  await tabAlerts.first().locator('td.c-title a').click();
  await expect(page).toHaveURL(new RegExp(`#/alerts/${alertId}$`));
  await expect(page.getByRole('button', { name: 'Move alert to another incident' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Evidence' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Move history' })).toBeVisible();
  await page.getByRole('link', { name: `${name} (${id})` }).click();
  await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
});

test('alerts queue: default view, search by title and ID, Shift-click, select all, keyboard', async ({
  openExtensionPage,
}) => {
  const page = await workspace(openExtensionPage);
  await page.getByRole('link', { name: 'Alerts' }).click();
  const table = page.getByRole('table', { name: 'Alerts' });
  const rows = table.locator('tr[data-alert-id]');
  await expect(rows.first()).toBeVisible();
  const total = await queueCount(page, /^[\d,]+ alerts?$/);
  for (const s of await cellTexts(rows, 'c-status')) expect(['New', 'In progress']).toContain(s);
  await expect(page.getByText('Status: New, In progress · Last week')).toBeVisible();

  // Search by ID and by title.
  const id = (await rows.first().getAttribute('data-alert-id'))!;
  const title = (await rows.first().locator('td.c-title').textContent())!;
  const search = page.getByRole('searchbox', { name: 'Search for title or ID' });
  await search.fill(id);
  await expect.poll(() => rows.count()).toBe(1);
  await search.fill(title);
  await expect(table.locator(`tr[data-alert-id="${id}"]`)).toBeVisible();
  for (const t of await cellTexts(rows, 'c-title')) expect(t.toLowerCase()).toContain(title.toLowerCase());
  await search.press('Escape');
  await expect.poll(() => queueCount(page, /alerts?$/)).toBe(total);

  // Shift-click selects the range; the selection survives a filter change.
  // (The count can read "all" a moment before the virtual list has rendered the rows again.)
  await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(5);
  const ids = await rows.evaluateAll((els) => els.slice(0, 5).map((e) => e.getAttribute('data-alert-id')!));
  await table.locator(`tr[data-alert-id="${ids[0]}"]`).getByRole('checkbox').click();
  await table
    .locator(`tr[data-alert-id="${ids[4]}"]`)
    .getByRole('checkbox')
    .click({ modifiers: ['Shift'] });
  await expect(page.getByText('5 alerts selected')).toBeVisible();
  for (const a of ids)
    await expect(table.locator(`tr[data-alert-id="${a}"]`).getByRole('checkbox')).toBeChecked();
  await page.getByRole('button', { name: /^Filters/ }).click();
  await page.getByRole('region', { name: 'Filters' }).getByRole('radio', { name: '30 days' }).check();
  await expect(page).toHaveURL(/range=30d/);
  await expect(page.getByText('5 alerts selected')).toBeVisible();
  const wider = await queueCount(page, /alerts?$/);
  expect(wider).toBeGreaterThanOrEqual(total);

  // The header checkbox selects every alert in the view.
  await table.getByRole('checkbox', { name: 'Select all alerts' }).check();
  await expect(page.getByText(`${wider.toLocaleString('en')} alerts selected`)).toBeVisible();
  await page.getByRole('button', { name: 'Clear selection' }).click();
  await expect(page.getByText('Select alerts to move them to another incident.')).toBeVisible();

  // Keyboard: arrows move through rows, Space selects, Enter opens.
  await rows.first().locator('td.c-sev').click();
  await page.keyboard.press('ArrowDown');
  const second = rows.nth(1);
  await expect(second).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.getByText('1 alert selected')).toBeVisible();
  await expect(second.getByRole('checkbox')).toBeChecked();
  await page.keyboard.press('ArrowUp');
  await expect(rows.first()).toBeFocused();
  const secondId = (await second.getAttribute('data-alert-id'))!;
  await second.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/alerts/${secondId}$`));
  await expect(page.getByRole('button', { name: 'Move alert to another incident' })).toBeVisible();
});

test('no serious or critical accessibility violations in any view, in light and dark', async ({
  openExtensionPage,
}) => {
  const page = await workspace(openExtensionPage);
  await allowAxe(page);
  const incidents = page.getByRole('table', { name: 'Incidents' });
  const id = (await incidents.locator('tr[data-incident-id]').first().getAttribute('data-incident-id'))!;
  await incidents.getByRole('button', { name: `Expand incident ${id}` }).click();
  await expect(incidents.locator('tr[data-alert-id]').first()).toBeVisible();
  await incidents.locator('tr[data-alert-id]').first().getByRole('checkbox').check();
  await page.getByRole('button', { name: /^Filters/ }).click();
  const views: [string, () => Promise<void>][] = [
    ['incidents queue', async () => {}],
    [
      'alerts queue',
      async () => {
        await go(page, '#/alerts');
        await expect(
          page.getByRole('table', { name: 'Alerts' }).locator('tr[data-alert-id]').first(),
        ).toBeVisible();
      },
    ],
    [
      'incident alerts tab',
      async () => {
        await go(page, `#/incidents/${id}`);
        await expect(page.getByRole('tabpanel').locator('tr[data-alert-id]').first()).toBeVisible();
      },
    ],
    [
      'incident activity log',
      async () => {
        await go(page, `#/incidents/${id}?tab=activity`);
        await expect(page.getByRole('tab', { name: 'Activity log' })).toHaveAttribute(
          'aria-selected',
          'true',
        );
        await expect(page.getByRole('combobox', { name: 'Show' })).toBeVisible();
      },
    ],
    [
      'alert details',
      async () => {
        await go(page, '#/alerts');
        const row = page.getByRole('table', { name: 'Alerts' }).locator('tr[data-alert-id]').first();
        await row.locator('td.c-title a').click();
        await expect(page.getByRole('heading', { name: 'Evidence' })).toBeVisible();
      },
    ],
  ];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [name, open] of views) {
      await go(page, '#/incidents');
      await open();
      expect(await axeViolations(page), `${name} (${scheme})`).toEqual([]);
    }
  }
  // Dark follows the system.
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(23, 24, 27)');

  const popup = await openExtensionPage('popup.html');
  await allowAxe(popup);
  await expect(popup.getByRole('heading', { name: 'Open incidents' })).toBeVisible();
  await expect(popup.locator('.sev-counts')).toBeVisible();
  expect(await axeViolations(popup), 'popup').toEqual([]);
});

test('popup: open incidents by severity, search opens the incident, recent moves with Undo', async ({
  context,
  openExtensionPage,
}) => {
  const page = await workspace(openExtensionPage);
  await go(page, '#/alerts');
  const table = page.getByRole('table', { name: 'Alerts' });
  const row = table.locator('tr[data-alert-id]').first();
  await expect(row).toBeVisible();
  await row.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Move alerts to another incident' }).click();
  const dialog = page.getByRole('dialog', { name: 'Move alert to another incident' });
  await dialog.getByRole('radio', { name: 'Create a new incident' }).check();
  await dialog.getByRole('textbox', { name: 'Comment' }).fill('Not part of that attack.');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  // After the move the selection is cleared and the status offers Undo.
  await expect(page.getByText('Select alerts to move them to another incident.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Undo' })).toBeVisible();

  const popup = await openExtensionPage('popup.html');
  const counts = popup.getByRole('region', { name: 'Open incidents' });
  await expect(counts).toContainText('High');
  const openTotal = await popup
    .locator('.sev-counts strong')
    .evaluateAll((els) => els.reduce((n, e) => n + Number(e.textContent!.replace(/,/g, '')), 0));
  expect(openTotal).toBeGreaterThan(0);

  // The recent move, with Undo.
  const moves = popup.getByRole('region', { name: 'Your recent moves' });
  await expect(moves).toContainText('1 alert to');
  await expect(moves).toContainText('Not part of that attack.');
  await moves.getByRole('button', { name: 'Undo' }).click();
  await expect(moves.getByRole('status')).toContainText('Undone: 1 alert moved back.');

  // Search by ID opens the incident in the workspace.
  await go(page, '#/incidents');
  const incident = page.getByRole('table', { name: 'Incidents' }).locator('tr[data-incident-id]').first();
  const id = (await incident.getAttribute('data-incident-id'))!;
  const name = (await incident.locator('td.c-title').textContent())!;
  const search = popup.getByRole('searchbox', { name: 'Search for name or ID' });
  await search.fill(id);
  const result = popup.getByRole('button', { name: new RegExp(`^${escapeRegExp(name)} ${id}$`) });
  await expect(result).toBeVisible();
  await result.click();
  // Chrome opens its side panel on the incident (a page target Playwright does not attach to by itself).
  const cdp = await context.newCDPSession(popup);
  const targets = async () =>
    ((await cdp.send('Target.getTargets')) as { targetInfos: { type: string; url: string }[] }).targetInfos
      .filter((t) => t.type === 'page')
      .map((t) => t.url.replace(/^chrome-extension:\/\/[^/]+\//, ''));
  await expect.poll(targets).toContain(`sidepanel.html#/incidents/${id}`);
  // And by the name, in another case.
  await search.fill(name.toUpperCase());
  await expect(
    popup.getByRole('button', { name: new RegExp(`^${escapeRegExp(name)} ${id}$`) }),
  ).toBeVisible();
});

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('200,000 alerts: queues open fast, scroll to the end, and keep the DOM small', async ({
  openExtensionPage,
}) => {
  test.setTimeout(900_000);
  const page = await openExtensionPage('sidepanel.html#/alerts?status=&range=6m');
  await expect(page.getByRole('heading', { name: 'No incidents yet' })).toBeVisible();
  let started = Date.now();
  const loaded = await page.evaluate(
    () =>
      new Promise<{ incidents: number; alerts: number }>((resolveLoad, reject) => {
        const chrome = (globalThis as unknown as { chrome: { runtime: { connect(o: object): Port } } })
          .chrome;
        const port = chrome.runtime.connect({ name: 'import' });
        port.onMessage.addListener(
          (m: { type: string; incidents: number; alerts: number; message: string }) => {
            if (m.type === 'done') resolveLoad(m);
            else if (m.type === 'error') reject(new Error(m.message));
          },
        );
        port.postMessage({ type: 'sample', size: { incidents: 40000, alerts: 200000 } });
      }),
  );
  expect(loaded).toMatchObject({ incidents: 40000, alerts: 200000 });
  timing('sample data written', started);
  started = Date.now();

  const table = page.getByRole('table', { name: 'Alerts' });
  const rows = table.locator('tr[data-alert-id]');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  // Every status, six months: the whole store, counted natively.
  await expect(page.locator('.queue-status [role="status"]')).toHaveText('200,000 alerts', {
    timeout: 120_000,
  });
  await expect(table).toHaveAttribute('aria-rowcount', '200001');
  timing('all alerts: first rows and native count', started);

  // To the end with the keyboard, and by dragging the scrollbar to the bottom.
  await rows.first().locator('td.c-sev').click();
  await page.keyboard.press('End');
  const last = table.locator('tr[aria-rowindex="200001"][data-alert-id]');
  await expect(last).toBeVisible({ timeout: 60_000 });
  await expect(last).toBeFocused();
  expect(await page.locator('tr').count()).toBeLessThanOrEqual(150);
  await page.keyboard.press('Home');
  await expect(table.locator('tr[aria-rowindex="2"][data-alert-id]')).toBeFocused({ timeout: 60_000 });
  await page.locator('.vt-scroll').evaluate((el) => {
    el.scrollTop = el.scrollHeight / 2;
  });
  await expect(table.locator('tr[aria-rowindex="100001"][data-alert-id]')).toBeAttached({ timeout: 60_000 });
  expect(await page.locator('tr').count()).toBeLessThanOrEqual(150);
  // Rows are laid out at the height the virtualizer assumes, so the end is where it says.
  const heights = await rows.evaluateAll((els) =>
    els.map((e) => Math.round(e.getBoundingClientRect().height)),
  );
  expect(new Set(heights)).toEqual(new Set([36]));
  await page.locator('.vt-scroll').evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(last).toBeVisible({ timeout: 60_000 });
  expect(await page.locator('tr').count()).toBeLessThanOrEqual(150);

  // The page never held the store: its heap stays far below what 200,000 alerts take (~2 kB each).
  const heap = await page.evaluate(
    () => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize,
  );
  expect(heap).toBeLessThan(120 * 1024 * 1024);

  // The default alerts view (a status filter no index answers) shows rows while it counts, then pages from
  // the checkpoints its count left: the end is as near as the top.
  let t = Date.now();
  await go(page, '#/alerts');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  timing('default alerts view: first rows', t);
  for (const s of await cellTexts(rows, 'c-status')) expect(['New', 'In progress']).toContain(s);
  const matching = await queueCount(page, /^[\d,]+ alerts$/, 300_000);
  timing(`default alerts view: counted ${matching}`, t);
  expect(matching).toBeGreaterThan(10_000);
  t = Date.now();
  await rows.first().locator('td.c-sev').click();
  await page.keyboard.press('End');
  await expect(table.locator(`tr[aria-rowindex="${matching + 1}"][data-alert-id]`)).toBeFocused({
    timeout: 60_000,
  });
  timing('default alerts view: End', t);
  for (const s of await cellTexts(rows, 'c-status')) expect(['New', 'In progress']).toContain(s);
  expect(await page.locator('tr').count()).toBeLessThanOrEqual(150);

  // The incidents queue, 40,000 incidents: first rows, then its count.
  t = Date.now();
  await page.getByRole('link', { name: 'Incidents' }).click();
  const incidents = page.getByRole('table', { name: 'Incidents' }).locator('tr[data-incident-id]');
  await expect(incidents.first()).toBeVisible({ timeout: 60_000 });
  timing('incidents queue: first rows', t);
  await queueCount(page, /^[\d,]+ incidents$/, 300_000);
  timing('incidents queue: counted', t);
  expect(await page.locator('tr').count()).toBeLessThanOrEqual(150);
});

/** Records how long a step took, in the report (not asserted: these machines vary). */
function timing(what: string, since: number) {
  test.info().annotations.push({ type: 'timing', description: `${what}: ${Date.now() - since} ms` });
}

interface Port {
  onMessage: { addListener(fn: (m: never) => void): void };
  postMessage(m: unknown): void;
}
