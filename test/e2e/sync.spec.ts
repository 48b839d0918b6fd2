import type { BrowserContext, Page } from '@playwright/test';
import { type FakeGraphServer, makeTenant, startFakeGraphServer } from '../support/fake-graph-server';
import { expect, test } from './fixtures';

let server: FakeGraphServer;
test.afterEach(async () => {
  await server?.close();
});

/** Options → Connectors pointed at the fake server, then Sign in (identity.launchWebAuthFlow). */
async function connect(openExtensionPage: (path: string) => Promise<Page>) {
  const options = await openExtensionPage('options.html');
  const section = options.getByRole('region', { name: 'Connectors' });
  await section.getByRole('textbox', { name: 'Tenant ID' }).fill('contoso.onmicrosoft.com');
  await section
    .getByRole('textbox', { name: 'Application (client) ID' })
    .fill('00000000-0000-0000-0000-00000000c11e');
  await section.getByRole('textbox', { name: 'Microsoft Graph URL' }).fill(server.url);
  await section.getByRole('textbox', { name: 'Sign-in URL' }).fill(server.url);
  await section.getByRole('button', { name: 'Sign in' }).click();
  await expect(section.getByText('Signed in. The first sync has started.')).toBeVisible();
  return { options, section };
}

/** Stops the extension's service worker as Chrome does when it is idle (chrome://serviceworker-internals). */
async function stopServiceWorker(context: BrowserContext, extensionId: string) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const versions = new Map<string, string>();
  cdp.on(
    'ServiceWorker.workerVersionUpdated',
    (e: { versions: { versionId: string; scriptURL: string; runningStatus: string }[] }) => {
      for (const v of e.versions)
        if (v.scriptURL.startsWith(`chrome-extension://${extensionId}/`))
          versions.set(v.versionId, v.runningStatus);
    },
  );
  await cdp.send('ServiceWorker.enable');
  await expect.poll(() => [...versions.values()].includes('running')).toBe(true);
  for (const [versionId, status] of versions)
    if (status === 'running') await cdp.send('ServiceWorker.stopWorker', { versionId });
  await expect.poll(() => [...versions.values()].every((s) => s === 'stopped')).toBe(true);
  await page.close();
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
  // The authorize request carried a PKCE challenge and the token request its verifier.
  const authorize = server.requests.find((r) => r.path.endsWith('/oauth2/v2.0/authorize'));
  expect(authorize?.query.get('code_challenge_method')).toBe('S256');
  expect(authorize?.query.get('redirect_uri')).toMatch(/^https:\/\/[a-p]{32}\.chromiumapp\.org\/$/);
  const token = server.requests.find((r) => r.path.endsWith('/oauth2/v2.0/token'));
  expect((token?.body as Record<string, string>).code_verifier).toMatch(/^[\w-]{43}$/);

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
