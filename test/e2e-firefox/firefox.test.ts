/**
 * The extension in real Firefox ESR (the test build, .output-test/firefox-mv3, installed as a temporary
 * add-on): the side panel's move with its activity logs and Undo, a page that lists alerts with its row
 * buttons and the move window, an import that is refused, and Graph sign-in with the toolbar badge.
 * One fresh browser and profile per test.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { startFixtureServer } from '../e2e/fixture-server';
import { type FakeGraphServer, makeTenant, startFakeGraphServer } from '../support/fake-graph-server';
import { control, type Firefox, fill, launchFirefox, nextExtensionPage, until, waitForText } from './firefox';
import { alertsFromDistinctIncidents, readAlerts, readCounts } from './store';

let firefox: Firefox;
beforeEach(async () => {
  firefox = await launchFirefox();
});
afterEach(async () => {
  await firefox?.close();
});

let server: Awaited<ReturnType<typeof startFixtureServer>>;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server?.close();
});

/** The host element the content script puts in each alert row (its button is in a closed shadow root). */
const PAGE_ROW_BUTTON = 'incident-mover-row-button';

/** A real mouse click at the centre of the element `selector` finds, as a person would click what they see. */
async function clickCentre(page: Page, selector: string) {
  const el = await page.waitForSelector(selector);
  const box = await el!.boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

/** Follows a side-panel route in the same page, as a link would. */
const go = (page: Page, hash: string) =>
  page.evaluate((h) => {
    location.hash = h;
  }, hash);

async function loadSampleData(page: Page) {
  await (await control(page, 'button', 'Load sample data')).click();
  await control(page, 'table', 'Incidents', 60_000);
}

/** The first incident the move dialog offers that is not one of `except` and not a redirect. */
async function someOfferedIncident(dialog: ElementHandle, except: string[]) {
  await (await control(dialog, 'combobox', 'Incident name or ID')).click();
  return until(async () => {
    const offered = await dialog.$$eval('[role="option"]', (els) =>
      els.map((e) => ({ id: e.getAttribute('data-incident-id') ?? '', text: e.textContent ?? '' })),
    );
    return offered.find((o) => o.id && !except.includes(o.id) && !o.text.includes('redirected'));
  }, 'an incident to move to');
}

/** The activity log of an incident: its entries' text, once there is one. */
async function activityLog(page: Page, incidentId: string): Promise<ElementHandle> {
  await go(page, `#/incidents/${encodeURIComponent(incidentId)}`);
  await (await control(page, 'tab', 'Activity log')).click();
  const panel = await page.waitForSelector('::-p-aria([role="tabpanel"])');
  await panel!.waitForSelector('.activity-entry');
  return panel!;
}

/** The headings of the log entries that mention `text`. */
const headingsOfEntriesWith = (log: ElementHandle, text: string) =>
  log.$$eval(
    '.activity-entry',
    (entries, t) =>
      entries
        .filter((e) => (e.textContent ?? '').includes(t))
        .map((e) => e.querySelector('h1,h2,h3,h4,h5,h6')?.textContent ?? ''),
    text,
  );

test('sample data, a move of two alerts with a comment and a reason, both activity logs, and Undo', async () => {
  const page = await firefox.openExtensionPage('sidepanel.html#/incidents');
  await loadSampleData(page);
  await go(page, '#/alerts');
  const table = await control(page, 'table', 'Alerts');
  await table.waitForSelector('tr[data-alert-id]');
  // The queue is virtualised: pick among the rows it shows, each with the incident its link names.
  const shown = await table.$$eval('tr[data-alert-id]', (rows) =>
    rows.map((r) => ({
      id: r.getAttribute('data-alert-id') ?? '',
      incidentId: decodeURIComponent(
        r.querySelector('a[href^="#/incidents/"]')?.getAttribute('href')?.slice('#/incidents/'.length) ?? '',
      ),
    })),
  );
  const [a, b] = alertsFromDistinctIncidents(shown, 2);
  for (const alert of [a!, b!]) {
    const row = await table.waitForSelector(`tr[data-alert-id="${alert.id}"]`);
    await (await row!.waitForSelector('::-p-aria([role="checkbox"])'))!.click();
  }
  await (await control(page, 'button', 'Move alerts to another incident')).click();

  const dialog = await control(page, 'dialog', 'Move multiple alerts to another incident');
  const target = await someOfferedIncident(dialog, [a!.incidentId, b!.incidentId]);
  // Typed by ID and taken with Enter once the list offers it first, as a keyboard user would.
  const combobox = await control(dialog, 'combobox', 'Incident name or ID');
  await fill(combobox, target.id);
  await until(
    async () =>
      (await dialog.$eval('[role="option"]', (o) => o.getAttribute('data-incident-id'))) === target.id,
    `the list to offer ${target.id} first`,
  );
  await combobox.press('Enter');
  // The reasons are folded in a <details>: opened from the keyboard on its summary.
  await (await dialog.waitForSelector('details.flyout-reasons > summary'))!.press('Enter');
  await dialog.waitForSelector('details.flyout-reasons[open]');
  const sameAsset = await control(dialog, 'checkbox', 'Same asset');
  await sameAsset.press(' ');
  expect(await sameAsset.evaluate((e) => (e as HTMLInputElement).checked)).toBe(true);
  const comment = 'Both alerts are the same intrusion as this incident (Firefox).';
  await fill(await control(dialog, 'textbox', 'Comment'), comment);
  await (await control(dialog, 'button', 'Save')).click();

  expect(await waitForText(page, 'status', /Moved 2 alerts to/)).toContain(`(${target.id})`);
  const moved = await readAlerts(page);
  for (const alert of [a!, b!]) expect(moved.find((x) => x.id === alert.id)?.incidentId).toBe(target.id);

  const status = await until(async () => {
    for (const s of await page.$$('::-p-aria([role="status"])'))
      if ((await s.evaluate((e) => e.textContent ?? '')).includes('Moved 2 alerts')) return s;
    return undefined;
  }, 'the move status');
  await (await control(status, 'button', 'Undo')).click();
  await waitForText(page, 'status', /Undone: 2 alerts are back where they were\./);
  const undone = await readAlerts(page);
  expect(undone.find((x) => x.id === a!.id)?.incidentId).toBe(a!.incidentId);
  expect(undone.find((x) => x.id === b!.id)?.incidentId).toBe(b!.incidentId);

  const destination = await activityLog(page, target.id);
  await until(
    async () => (await headingsOfEntriesWith(destination, comment)).includes('Alert correlated'),
    'the destination log to record the move',
  );
  const destinationText = await destination.evaluate((e) => e.textContent ?? '');
  expect(destinationText).toContain('Reasons: Same asset');
  expect(destinationText).toContain('Move undone');

  const source = await activityLog(page, a!.incidentId);
  await until(
    async () => (await headingsOfEntriesWith(source, comment)).includes('Alert moved out'),
    'the source log to record the move',
  );
  expect(await source.evaluate((e) => e.textContent ?? '')).toContain('Move undone');
});

test('a page that lists alerts gets a button on each row, and one alert moves through the move window', async () => {
  const panel = await firefox.openExtensionPage('sidepanel.html#/incidents');
  await loadSampleData(panel);
  const picked = alertsFromDistinctIncidents(await readAlerts(panel), 3);

  const options = await firefox.openExtensionPage('options.html');
  await (await control(options, 'button', 'Add site')).click();
  await fill(await control(options, 'textbox', 'URL pattern'), 'http://127.0.0.1/*');
  await fill(await control(options, 'textbox', 'Alert row selector'), '[data-alert-id]');
  await fill(await control(options, 'textbox', 'Alert ID attribute'), 'data-alert-id');
  await (await control(options, 'button', 'Save site')).click();
  await until(
    async () => (await options.evaluate(() => document.body.textContent ?? '')).includes('Buttons appear on'),
    'the site to be saved',
  );

  const page = await firefox.browser.newPage();
  await page.goto(`${server.origin}/plain-table.html?ids=${picked.map((a) => a.id).join(',')}`);
  // The buttons live in closed shadow roots, which Firefox's BiDi accessibility locator does not enter (the
  // Chromium suite finds them by name through CDP's accessibility tree). Here: the host each row gets, clicked
  // with the real mouse at its centre, and the window that click opens is checked by role and name.
  await until(
    async () => (await page.$$(PAGE_ROW_BUTTON)).length === 3,
    'a move button on each of the 3 rows',
  );
  const opening = nextExtensionPage(firefox.browser, 'flyout.html');
  await clickCentre(page, `tr[data-alert-id="${picked[0]!.id}"] ${PAGE_ROW_BUTTON}`);
  const flyout = await opening;
  // The page's own row handler did not fire, and nothing of the move is drawn into the page.
  expect(await page.evaluate(() => (window as unknown as { __rowClicks: number }).__rowClicks)).toBe(0);
  expect(await page.$$('iframe, dialog')).toHaveLength(0);

  const dialog = await control(flyout, 'dialog', 'Move alert to another incident');
  await (await control(dialog, 'radio', 'Create a new incident')).click();
  await fill(await control(dialog, 'textbox', 'Comment'), 'Unrelated host: split out from the page');
  await (await control(dialog, 'button', 'Save')).click();
  await waitForText(flyout, 'status', /Created incident|Moved/);

  const after = (await readAlerts(panel)).find((a) => a.id === picked[0]!.id)!;
  expect(after.incidentId).not.toBe(picked[0]!.incidentId);
  const log = await activityLog(panel, after.incidentId);
  await until(
    async () =>
      (await log.evaluate((e) => e.textContent ?? '')).includes('Unrelated host: split out from the page'),
    "the new incident's log to hold the comment",
  );
});

test('a bad file is refused with its problems listed, and writes nothing', async () => {
  const options = await firefox.openExtensionPage('options.html');
  await (await control(options, 'button', 'Load sample data')).click();
  await waitForText(options, 'status', /Loaded sample data/, 60_000);
  const before = await readCounts(options);
  const bad = {
    value: [
      {
        id: '1',
        displayName: 'ok',
        createdDateTime: 'yesterday',
        alerts: [{ id: 'a1', incidentId: '1', title: 't', createdDateTime: 'soon' }],
      },
    ],
  };
  const file = join(tmpdir(), `bad-firefox-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(bad));
  // Firefox exposes a file input as a group with a "Browse…" button, not by its aria-label: found by the label here.
  const input = (await options.waitForSelector(
    'input[type="file"][aria-label="Import incidents"]',
  )) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(file);

  const alert = await waitForText(options, 'alert', /was not imported/);
  const problems = await control(options, 'list', 'Problems in the file');
  const listed = await problems.evaluate((e) => e.textContent ?? '');
  expect(listed).toContain('value[0].createdDateTime');
  expect(listed).toContain('value[0].alerts[0].createdDateTime');
  expect(alert).toContain('was not imported');
  expect(await readCounts(options)).toEqual(before);
});

/** The toolbar button's badge and title, as the browser holds them (read from an extension page). */
const badgeOf = (page: Page) =>
  page.evaluate(async () => {
    const { action } = (globalThis as unknown as { browser: typeof import('wxt/browser').browser }).browser;
    return { text: await action.getBadgeText({}), title: await action.getTitle({}) };
  });

test("signs in to Microsoft Graph with Firefox's redirect URI, and the badge counts a move until Defender has it", async () => {
  let graph: FakeGraphServer | undefined;
  try {
    graph = await startFakeGraphServer({ ...makeTenant(4, 2, Date.now() - 86_400_000), maxPageSize: 5 });
    const options = await firefox.openExtensionPage('options.html');
    const section = await control(options, 'region', 'Connectors');
    await fill(await control(section, 'textbox', 'Tenant ID'), 'contoso.onmicrosoft.com');
    await fill(
      await control(section, 'textbox', 'Application (client) ID'),
      '00000000-0000-0000-0000-00000000c11e',
    );
    await fill(await control(section, 'textbox', 'Microsoft Graph URL'), graph.url);
    await fill(await control(section, 'textbox', 'Sign-in URL'), graph.url);
    await (await control(section, 'button', 'Sign in')).click();
    await until(
      async () =>
        /Last synced .*: 4 incidents received/.test(await section.evaluate((e) => e.textContent ?? '')),
      'the first sync to finish',
      60_000,
    );
    // Firefox's redirect URI, asked for by the sign-in and shown in Connectors for the app registration.
    const authorize = graph.requests.find((r) => r.path.endsWith('/oauth2/v2.0/authorize'));
    const redirectUri = authorize?.query.get('redirect_uri') ?? '';
    expect(redirectUri).toMatch(/^https:\/\/[0-9a-f]{40}\.extensions\.allizom\.org\/$/);
    expect(await section.evaluate((e) => e.textContent ?? '')).toContain(`Redirect URI${redirectUri}`);
    expect(await badgeOf(options)).toEqual({ text: '', title: 'Incident Mover' });

    // A move whose answer from Defender is held: waiting to sync, on the badge; then sent, and the badge clears.
    const held = graph.hold({ method: 'POST', path: /moveAlerts$/ });
    const panel = await firefox.openExtensionPage('sidepanel.html#/alerts');
    const row = await panel.waitForSelector('tr[data-alert-id="da63850_0"]');
    await (await row!.waitForSelector('::-p-aria([role="checkbox"])'))!.click();
    await (await control(panel, 'button', 'Move alerts to another incident')).click();
    const dialog = await control(panel, 'dialog', 'Move alert to another incident');
    const combobox = await control(dialog, 'combobox', 'Incident name or ID');
    await fill(combobox, '1003');
    await until(
      async () =>
        (await dialog.$eval('[role="option"]', (o) => o.getAttribute('data-incident-id'))) === '1003',
      'the list to offer 1003 first',
    );
    await combobox.press('Enter');
    await fill(await control(dialog, 'textbox', 'Comment'), 'Same host as incident 1003.');
    await (await control(dialog, 'button', 'Save')).click();
    await held.arrived;
    await until(async () => (await badgeOf(options)).text === '1', 'the badge to count the waiting move');
    expect((await badgeOf(options)).title).toBe(
      'Incident Mover: 1 move waiting to sync with Microsoft Defender',
    );
    held.release();
    await until(
      async () => (await badgeOf(options)).text === '',
      'the badge to clear once Defender has the move',
    );
    expect(graph.moveCalls().map((c) => c.body)).toEqual([
      { alertIds: ['da63850_0'], incidentId: '1003', alertComment: 'Same host as incident 1003.' },
    ]);
  } finally {
    await graph?.close();
  }
});
