import type { Locator, Page } from '@playwright/test';
import { type FakeGraphServer, makeTenant, startFakeGraphServer } from '../support/fake-graph-server';
import { expect, go, signInToTestGraph, test } from './fixtures';
import { stopServiceWorker } from './worker';

let server: FakeGraphServer;
/** Alerts from the last day, so the alerts queue's default time range (7 days) shows them. */
const RECENT = Date.now() - 86_400_000;
test.afterEach(async () => {
  await server?.close();
});

/** Options → Connectors pointed at the fake server, then Sign in (identity.launchWebAuthFlow). */
async function connect(openExtensionPage: (path: string) => Promise<Page>) {
  const options = await openExtensionPage('options.html');
  const section = await signInToTestGraph(options, server.url);
  await expect(section.getByText('Signed in. The first sync has started.')).toBeVisible();
  return { options, section };
}

test('signs in with PKCE through the sign-in window and pulls a tenant of several pages', async ({
  openExtensionPage,
}) => {
  const tenant = makeTenant(12, 2);
  server = await startFakeGraphServer({ ...tenant, maxPageSize: 5 });
  const { section } = await connect(openExtensionPage);

  await expect(
    section.getByText(/Last synced .*: 12 incidents received \(full\), 0 moves sent\./),
  ).toBeVisible();
  const pages = server.requests.filter((r) => r.path === '/v1.0/security/incidents');
  expect(pages.map((r) => r.query.get('$skiptoken'))).toEqual([null, '5', '10']);
  // Every read asks for Graph's evolvable enum members (otherwise Sentinel values arrive as unknownFutureValue).
  expect(pages.every((r) => r.prefer === 'include-unknown-enum-members')).toBe(true);
  // The authorize request carried a PKCE challenge and the token request its verifier.
  const authorize = server.requests.find((r) => r.path.endsWith('/oauth2/v2.0/authorize'));
  expect(authorize?.query.get('code_challenge_method')).toBe('S256');
  expect(authorize?.query.get('redirect_uri')).toMatch(/^https:\/\/[a-p]{32}\.chromiumapp\.org\/$/);
  const token = server.requests.find((r) => r.path.endsWith('/oauth2/v2.0/token'));
  expect(token).toBeDefined();
  expect((token!.body as Record<string, string>).code_verifier).toMatch(/^[\w-]{43}$/);

  const panel = await openExtensionPage('sidepanel.html#/incidents');
  await expect(panel.locator('[data-incident-id]')).toHaveCount(12);
});

test('a pull stopped with the service worker resumes at the page it was on', async ({
  context,
  extensionId,
  openExtensionPage,
}) => {
  server = await startFakeGraphServer({ ...makeTenant(15, 1), maxPageSize: 5 });
  // Page 2 reaches the server, but the worker is stopped before it gets the answer.
  const held = server.hold({ path: /\/security\/incidents$/, search: /skiptoken=5/ });
  const { section } = await connect(openExtensionPage);
  await held.arrived;
  await stopServiceWorker(context, extensionId);
  held.release();

  // Any event wakes the worker; it finishes the pull from the saved next link.
  await section.getByRole('button', { name: 'Sync now' }).click();
  await expect(section.getByText(/Last synced .*: 15 incidents received \(full\)/)).toBeVisible();
  const pages = server.requests.filter((r) => r.path === '/v1.0/security/incidents');
  expect(pages.map((r) => r.query.get('$skiptoken'))).toEqual([null, '5', '5', '10']);
  const panel = await openExtensionPage('sidepanel.html#/incidents');
  await expect(panel.locator('[data-incident-id]')).toHaveCount(15);
});

/** In the side panel's alerts queue: select alerts by id, open the flyout, pick the target, comment, Save. */
async function moveInPanel(
  panel: Page,
  alertIds: string[],
  target: { incidentId: string } | 'new',
  comment: string,
  reasons: string[] = [],
): Promise<Locator> {
  await go(panel, '#/alerts');
  const table = panel.getByRole('table', { name: 'Alerts' });
  for (const id of alertIds) {
    await table
      .locator(`tr[data-alert-id="${id}"]`)
      .getByRole('checkbox', { name: /^Select alert/ })
      .check();
  }
  await panel.getByRole('button', { name: 'Move alerts to another incident' }).click();
  const dialog = panel.getByRole('dialog', {
    name:
      alertIds.length === 1 ? 'Move alert to another incident' : 'Move multiple alerts to another incident',
  });
  if (target === 'new') {
    await dialog.getByRole('radio', { name: 'Create a new incident' }).check();
  } else {
    await dialog.getByRole('radio', { name: 'Link to an existing incident' }).check();
    const box = dialog.getByRole('combobox', { name: 'Incident name or ID' });
    await box.fill(target.incidentId);
    await dialog.locator(`[role="option"][data-incident-id="${target.incidentId}"]`).click();
  }
  if (reasons.length) {
    await dialog.getByText('Reasons (optional)').click();
    for (const r of reasons) await dialog.getByRole('checkbox', { name: r, exact: true }).check();
  }
  await dialog.getByRole('textbox', { name: 'Comment' }).fill(comment);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  return dialog;
}

const moveBodies = () => server.moveCalls().map((c) => c.body);

test('moves made in the side panel reach Defender exactly once each, also across a stopped service worker', async ({
  context,
  extensionId,
  openExtensionPage,
}) => {
  server = await startFakeGraphServer({ ...makeTenant(8, 2, RECENT), maxPageSize: 5 });
  const { section } = await connect(openExtensionPage);
  await expect(section.getByText(/Last synced .*: 8 incidents received/)).toBeVisible();
  const panel = await openExtensionPage('sidepanel.html#/alerts');

  // 1. To an existing incident: sent at once, with the comment.
  await moveInPanel(panel, ['da63850_0'], { incidentId: '1003' }, 'Same host as incident 1003.');
  await expect
    .poll(moveBodies)
    .toEqual([{ alertIds: ['da63850_0'], incidentId: '1003', alertComment: 'Same host as incident 1003.' }]);
  expect(server.alerts.get('da63850_0')?.incidentId).toBe('1003');

  // 2. To a new incident, and the worker is stopped while Defender is creating it: the request reached
  //    Defender (which applied it) but its answer never came back.
  const held = server.hold({ method: 'POST', path: /moveAlerts$/ });
  await moveInPanel(panel, ['da63852_0', 'da63852_1'], 'new', 'A separate intrusion.');
  await held.arrived;
  await stopServiceWorker(context, extensionId);
  held.release();

  // Waking the worker (any message) finishes the outbox: it reads the alerts back, finds them in the
  // incident Defender created, and does not post the move again.
  await section.getByRole('button', { name: 'Sync now' }).click();
  await expect(section.getByText(/^Synced: \d+ incidents? received, 1 move sent\.$/)).toBeVisible();
  expect(moveBodies()).toEqual([
    { alertIds: ['da63850_0'], incidentId: '1003', alertComment: 'Same host as incident 1003.' },
    { alertIds: ['da63852_0', 'da63852_1'], incidentId: null, alertComment: 'A separate intrusion.' },
  ]);
  expect(server.requests.filter((r) => r.path.startsWith('/v1.0/security/alerts_v2/da6385')).length).toBe(2);

  // The provisional incident became Defender's incident 1009 everywhere the side panel looks.
  expect(server.alerts.get('da63852_0')?.incidentId).toBe('1009');
  await go(panel, '#/incidents');
  await expect(panel.locator('tr[data-incident-id="1009"]')).toBeVisible();
  await expect(panel.locator('tr[data-incident-id^="1000000000"]')).toHaveCount(0);
  await go(panel, '#/incidents/1009');
  await panel.getByRole('tab', { name: 'Alerts' }).click();
  await expect(panel.locator('[data-alert-id="da63852_0"]')).toBeVisible();
  await expect(panel.locator('[data-alert-id="da63852_1"]')).toBeVisible();
  await expect(section.getByText(/waiting to be sent/)).toHaveCount(0);
});

test('a move Defender refuses is rolled back in the side panel, logged, and explained', async ({
  openExtensionPage,
}) => {
  server = await startFakeGraphServer({ ...makeTenant(4, 2, RECENT), maxPageSize: 5 });
  server.forbiddenAlerts.add('da63851_0');
  const { section } = await connect(openExtensionPage);
  await expect(section.getByText(/Last synced .*: 4 incidents received/)).toBeVisible();
  const panel = await openExtensionPage('sidepanel.html#/alerts');

  await moveInPanel(panel, ['da63851_0'], { incidentId: '1004' }, 'Belongs with 1004.');
  // Where the analyst saved it, the status follows the move's fate: no stale "Moved", no Undo.
  const saved = panel.getByRole('status').filter({ hasText: 'Microsoft Defender refused the move' });
  await expect(saved).toContainText(
    'Microsoft Defender refused the move of 1 alert to Incident 1004 on host-3 (1004), so it was rolled back here: the alert is back where it was. You do not have permission for this in Microsoft Defender (403: Insufficient privileges to update alert da63851_0.).',
  );
  await expect(saved).not.toContainText('Moved 1 alert');
  await expect(saved.getByRole('button', { name: 'Undo' })).toHaveCount(0);

  await expect(section.getByRole('alert')).toContainText(
    'The move of 1 alert to incident 1004 was refused by Microsoft Defender: You do not have permission for this in Microsoft Defender (403: Insufficient privileges to update alert da63851_0.). It was rolled back here.',
  );
  await expect(section.getByText('1 move refused by Microsoft Defender and rolled back here.')).toBeVisible();
  expect(server.moveCalls()).toHaveLength(1);
  // Back in its incident, live, with the reason in the incident's activity log.
  await go(panel, '#/incidents/1002');
  await panel.getByRole('tab', { name: 'Alerts' }).click();
  await expect(panel.locator('[data-alert-id="da63851_0"]')).toBeVisible();
  await panel.getByRole('tab', { name: 'Activity log' }).click();
  await expect(panel.getByRole('tabpanel')).toContainText(
    'Microsoft Defender refused this move, so it was rolled back here',
  );
});

test("a move with reasons reaches Defender as Graph's correlationReason flags, and its status follows it to synced", async ({
  openExtensionPage,
}) => {
  server = await startFakeGraphServer({ ...makeTenant(4, 2, RECENT), maxPageSize: 5 });
  const { section } = await connect(openExtensionPage);
  await expect(section.getByText(/Last synced .*: 4 incidents received/)).toBeVisible();
  const panel = await openExtensionPage('sidepanel.html#/alerts');

  await moveInPanel(panel, ['da63850_0'], { incidentId: '1003' }, 'Same attacker.', [
    'Same asset',
    'Lateral movement path',
    'Similar TTPs or behavior',
  ]);

  await expect.poll(moveBodies).toEqual([
    {
      alertIds: ['da63850_0'],
      incidentId: '1003',
      alertComment: 'Same attacker.',
      newCorrelationReasons: 'sameAsset, lateralMovementPath, similarTTPsOrBehavior',
    },
  ]);
  expect(server.moveCalls().map((c) => c.status)).toEqual([200]);
  const saved = panel
    .getByRole('status')
    .filter({ hasText: 'Moved 1 alert to Incident 1003 on host-2 (1003).' });
  await expect(saved).toContainText('Synced with Microsoft Defender.');
  await expect(saved.getByRole('button', { name: 'Undo' })).toBeVisible();
  expect(server.alerts.get('da63850_0')?.incidentId).toBe('1003');
});
