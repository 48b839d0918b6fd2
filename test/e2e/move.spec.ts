/**
 * The move, end to end in real Chromium through the side panel, as the seed describes it: select alerts
 * (alerts queue, an expanded incident in the incidents queue, or an alert's details), the flyout, Save,
 * the status with Undo, and the incidents' Activity logs. Ids are read from the page, never hard-coded.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, go, test, workspace } from './fixtures';

/** Alert rows of the alerts queue with the incident each belongs to (its incident link). */
async function alertRows(page: Page): Promise<{ id: string; incidentId: string }[]> {
  await go(page, '#/alerts');
  const table = page.getByRole('table', { name: 'Alerts' });
  await expect(table.locator('tr[data-alert-id]').first()).toBeVisible();
  return table.locator('tr[data-alert-id]').evaluateAll((rows) =>
    rows.map((r) => {
      const link = r.querySelector<HTMLAnchorElement>('a[href^="#/incidents/"]');
      return {
        id: r.getAttribute('data-alert-id') ?? '',
        incidentId: decodeURIComponent(link?.getAttribute('href')?.slice('#/incidents/'.length) ?? ''),
      };
    }),
  );
}

/** The incident an alert is in, as the alerts queue shows it now. */
const incidentOf = async (page: Page, alertId: string) =>
  (await alertRows(page)).find((r) => r.id === alertId)?.incidentId;

const alertRow = (page: Page, id: string) => page.locator(`tr[data-alert-id="${id}"]`);
const select = (row: Locator) => row.getByRole('checkbox', { name: /^Select alert/ }).check();
const combobox = (dialog: Locator) => dialog.getByRole('combobox', { name: 'Incident name or ID' });

/** Opens the list and returns the first offered incident that is not a redirect (id and name). */
async function someOfferedIncident(dialog: Locator, except: string[] = []) {
  await combobox(dialog).click();
  const options = dialog.getByRole('option').filter({ hasNotText: 'redirected' });
  await expect(options.first()).toBeVisible();
  const offered = await options.evaluateAll((els) =>
    els.map((e) => ({
      id: e.getAttribute('data-incident-id') ?? '',
      name: e.querySelector('.option-name')?.textContent ?? '',
    })),
  );
  const found = offered.find((o) => !except.includes(o.id));
  if (!found) throw new Error('no incident to move to');
  return found;
}

async function activityLog(page: Page, incidentId: string): Promise<Locator> {
  await go(page, `#/incidents/${encodeURIComponent(incidentId)}`);
  await page.getByRole('tab', { name: 'Activity log' }).click();
  const panel = page.getByRole('tabpanel');
  await expect(panel.locator('.activity-entry').first()).toBeVisible();
  return panel;
}

test('moves one alert, found by ID, from its details page', async ({ openExtensionPage }) => {
  const page = await workspace(openExtensionPage);
  const [first] = await alertRows(page);
  const alertId = first!.id;
  await go(page, `#/alerts/${encodeURIComponent(alertId)}`);
  await page.getByRole('button', { name: 'Move alert to another incident' }).click();

  const dialog = page.getByRole('dialog', { name: 'Move alert to another incident' });
  await expect(dialog.locator(`[data-alert-id="${alertId}"]`)).toContainText(`(${first!.incidentId})`);
  const target = await someOfferedIncident(dialog);
  await combobox(dialog).fill(target.id);
  await expect(dialog.getByRole('option').first()).toHaveAttribute('data-incident-id', target.id);
  await combobox(dialog).press('Enter');
  await expect(combobox(dialog)).toHaveValue(target.name);
  await expect(dialog.getByRole('button', { name: 'Save' })).toBeDisabled();
  await dialog
    .getByRole('textbox', { name: 'Comment' })
    .fill('Same device and the same attacker as this incident.');
  await expect(
    dialog.getByText(`Moves 1 alert to ${target.name} (${target.id})`, { exact: false }),
  ).toBeVisible();
  await dialog.getByRole('button', { name: 'Save' }).click();

  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Moved 1 alert to' })).toContainText(
    `Moved 1 alert to ${target.name} (${target.id})`,
  );
  await go(page, `#/incidents/${encodeURIComponent(target.id)}`);
  await page.getByRole('tab', { name: 'Alerts' }).click();
  await expect(page.locator(`[data-alert-id="${alertId}"]`)).toBeVisible();
});

test('moves two alerts of different incidents to an incident found by name, shows the logs, and Undo puts them back', async ({
  openExtensionPage,
}) => {
  const page = await workspace(openExtensionPage);
  const rows = await alertRows(page);
  const a = rows[0]!;
  const b = rows.find((r) => r.incidentId !== a.incidentId)!;
  await select(alertRow(page, a.id));
  await select(alertRow(page, b.id));
  await page.getByRole('button', { name: 'Move alerts to another incident' }).click();

  const dialog = page.getByRole('dialog', { name: 'Move multiple alerts to another incident' });
  const target = await someOfferedIncident(dialog, [a.incidentId, b.incidentId]);
  // By name, typed in another case: the list narrows as you type.
  await combobox(dialog).fill(target.name.toUpperCase());
  await dialog.locator(`[role="option"][data-incident-id="${target.id}"]`).click();
  await expect(combobox(dialog)).toHaveValue(target.name);
  await dialog.getByText('Reasons (optional)').click();
  await dialog.getByRole('checkbox', { name: 'Same asset' }).check();
  const comment = 'Both alerts are the same intrusion as this incident.';
  await dialog.getByRole('textbox', { name: 'Comment' }).fill(comment);
  await dialog.getByRole('button', { name: 'Save' }).click();

  await expect(dialog).toBeHidden();
  const status = page.getByRole('status').filter({ hasText: 'Moved 2 alerts to' });
  await expect(status).toContainText(`Moved 2 alerts to ${target.name} (${target.id})`);

  await status.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Undone' })).toHaveText(
    /Undone: 2 alerts are back where they were\./,
  );
  await expect.poll(() => incidentOf(page, a.id)).toBe(a.incidentId);
  await expect.poll(() => incidentOf(page, b.id)).toBe(b.incidentId);

  // The destination's log: the correlation (comment, reasons, both alerts), then the undo.
  const destination = await activityLog(page, target.id);
  const correlated = destination.locator('.activity-entry').filter({ hasText: comment });
  await expect(correlated.getByRole('heading', { name: 'Alert correlated' })).toBeVisible();
  await expect(correlated).toContainText('Reasons: Same asset');
  await expect(correlated.locator(`a[href="#/alerts/${encodeURIComponent(a.id)}"]`)).toBeVisible();
  await expect(correlated.locator(`a[href="#/alerts/${encodeURIComponent(b.id)}"]`)).toBeVisible();
  await expect(destination.getByRole('heading', { name: 'Move undone' }).first()).toBeVisible();

  // A source's log: the alert moved out, and came back.
  const source = await activityLog(page, a.incidentId);
  const movedOut = source.locator('.activity-entry').filter({ hasText: comment });
  await expect(movedOut.getByRole('heading', { name: 'Alert moved out' })).toBeVisible();
  await expect(source.getByRole('heading', { name: 'Move undone' }).first()).toBeVisible();
});

test('moves three alerts from expanded incidents to a new incident with its automatic name', async ({
  openExtensionPage,
}) => {
  const page = await workspace(openExtensionPage);
  const incidents = page.getByRole('table', { name: 'Incidents' });
  const chosen: string[] = [];
  for (let i = 0; chosen.length < 3; i++) {
    const row = incidents.locator('tr[data-incident-id]').nth(i);
    const id = await row.getAttribute('data-incident-id');
    await incidents.getByRole('button', { name: `Expand incident ${id}` }).click();
    const group = incidents.locator('tbody', { has: page.locator(`tr[data-incident-id="${id}"]`) });
    const alerts = group.locator('tr[data-alert-id]');
    await expect(alerts.first()).toBeVisible();
    for (const alertId of await alerts.evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-alert-id') ?? ''),
    )) {
      if (chosen.length === 3) break;
      await select(group.locator(`tr[data-alert-id="${alertId}"]`));
      chosen.push(alertId);
    }
  }
  await page.getByRole('button', { name: 'Move alerts to another incident' }).first().click();

  const dialog = page.getByRole('dialog', { name: 'Move multiple alerts to another incident' });
  await dialog.getByRole('radio', { name: 'Create a new incident' }).check();
  const preview = dialog.getByText(/^Creates a new incident named “.+” with 3 alerts/);
  await expect(preview).toBeVisible();
  const name = (await preview.textContent())!.match(/named “(.+)” with/)![1]!;
  await dialog.getByRole('textbox', { name: 'Comment' }).fill('These three belong to their own incident.');
  await dialog.getByRole('button', { name: 'Save' }).click();

  await expect(dialog).toBeHidden();
  const status = page.getByRole('status').filter({ hasText: 'Created incident' });
  await expect(status).toContainText(` ${name} with 3 alerts`);
  const created = (await status.textContent())!.match(/Created incident (\S+) /)![1]!;

  // The new incident is in the queue with that name, and holds the three alerts.
  await go(page, '#/incidents');
  await expect(page.locator(`tr[data-incident-id="${created}"]`)).toContainText(name);
  await go(page, `#/incidents/${encodeURIComponent(created)}`);
  await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
  await page.getByRole('tab', { name: 'Alerts' }).click();
  for (const id of chosen) await expect(page.locator(`[data-alert-id="${id}"]`)).toBeVisible();
});

test('a move without write access to the device group changes nothing and the flyout says why', async ({
  openExtensionPage,
}) => {
  const page = await workspace(openExtensionPage);
  const [first] = await alertRows(page);
  await go(page, `#/alerts/${encodeURIComponent(first!.id)}`);
  const group = (await page
    .locator('dt', { hasText: /^Device group$/ })
    .locator('xpath=following-sibling::dd[1]')
    .textContent())!;

  const options = await openExtensionPage('options.html');
  await options.getByRole('combobox', { name: group, exact: true }).selectOption({ label: 'Read' });
  await options.close();

  await page.getByRole('button', { name: 'Move alert to another incident' }).click();
  const dialog = page.getByRole('dialog', { name: 'Move alert to another incident' });
  const target = await someOfferedIncident(dialog);
  await combobox(dialog).fill(target.id);
  await combobox(dialog).press('Enter');
  await dialog.getByRole('textbox', { name: 'Comment' }).fill('Trying without the right.');
  await expect(dialog).toContainText(`you have read-only access to its device group "${group}"`);
  await expect(dialog).toContainText(`(${first!.id})`);
  await expect(dialog.getByRole('button', { name: 'Save' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();

  // Nothing moved.
  expect(await incidentOf(page, first!.id)).toBe(first!.incidentId);
});

test('two pages moving the same alert at once: one succeeds, the other is told it changed', async ({
  openExtensionPage,
}) => {
  const one = await workspace(openExtensionPage);
  const [first] = await alertRows(one);
  const alertHash = `#/alerts/${encodeURIComponent(first!.id)}`;
  const two = await openExtensionPage(`sidepanel.html${alertHash}`);
  await go(one, alertHash);

  const prepare = async (page: Page, except: string[]) => {
    await page.getByRole('button', { name: 'Move alert to another incident' }).click();
    const dialog = page.getByRole('dialog', { name: 'Move alert to another incident' });
    const target = await someOfferedIncident(dialog, except);
    await combobox(dialog).fill(target.id);
    await combobox(dialog).press('Enter');
    await dialog.getByRole('textbox', { name: 'Comment' }).fill(`Moving to ${target.id}`);
    await expect(dialog.getByRole('button', { name: 'Save' })).toBeEnabled();
    return { dialog, target };
  };
  const a = await prepare(one, []);
  const b = await prepare(two, [a.target.id]);

  await Promise.all([
    a.dialog.getByRole('button', { name: 'Save' }).click(),
    b.dialog.getByRole('button', { name: 'Save' }).click(),
  ]);
  // Each page ends either moved (the dialog closed) or refused (the dialog says why).
  const settle = async (dialog: Locator) => {
    const state = async () =>
      (await dialog.count()) === 0
        ? 'moved'
        : (await dialog.getByRole('alert').count())
          ? 'conflict'
          : 'pending';
    await expect.poll(state).not.toBe('pending');
    return state();
  };
  const outcomes = [await settle(a.dialog), await settle(b.dialog)];
  expect([...outcomes].sort()).toEqual(['conflict', 'moved']);
  const loser = outcomes[0] === 'conflict' ? a : b;
  await expect(loser.dialog.getByRole('alert')).toContainText('was changed in another view');
  // The loser's input is intact, and the alert is where the winner put it.
  await expect(loser.dialog.getByRole('textbox', { name: 'Comment' })).toHaveValue(
    `Moving to ${loser.target.id}`,
  );
  const winner = loser === a ? b : a;
  await expect.poll(() => incidentOf(loser === a ? two : one, first!.id)).toBe(winner.target.id);
});

test('the page flyout refuses an unknown or expired move window, in words', async ({ openExtensionPage }) => {
  const page = await openExtensionPage('flyout.html#not-a-real-nonce');
  await expect(page.getByRole('alert')).toHaveText(
    'This move window has expired. Select the alerts on the page again.',
  );
  await expect(page.getByRole('dialog')).toHaveCount(0);
});
