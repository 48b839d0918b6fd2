import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type BrowserContext,
  test as base,
  chromium,
  expect,
  type Locator,
  type Page,
} from '@playwright/test';
import { CHROMIUM_ARGS } from '../../scripts/chromium.mjs';

export const EXTENSION_PATH = resolve(process.env.EXTENSION_PATH ?? '.output-test/chrome-mv3');

export async function launchWithExtension(extensionPath = EXTENSION_PATH) {
  const profile = mkdtempSync(join(tmpdir(), 'incident-mover-e2e-'));
  const launched = await launchOnProfile(profile, extensionPath);
  return {
    ...launched,
    close: async () => {
      await launched.context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Chromium with the extension on the given profile folder, which is kept (a test that kills the browser reopens
 * the same profile); the test removes it when done.
 */
export async function launchOnProfile(profile: string, extensionPath = EXTENSION_PATH) {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      '--headless=new',
      ...CHROMIUM_ARGS,
      `--disable-extensions-except=${extensionPath}`,
      `--load-extension=${extensionPath}`,
      ...(process.env.E2E_CHROME_LOG ? ['--enable-logging=stderr', '--v=0'] : []),
    ],
  });
  const sw = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(sw.url()).host;
  return { context, extensionId };
}

interface Fixtures {
  context: BrowserContext;
  extensionId: string;
  /** Opens an extension page (`sidepanel.html#/incidents`) as an ordinary tab. */
  openExtensionPage(path: string): Promise<Page>;
}

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring.
  context: async ({}, use) => {
    const launched = await launchWithExtension();
    (launched.context as BrowserContext & { extensionId?: string }).extensionId = launched.extensionId;
    await use(launched.context);
    await launched.close();
  },
  extensionId: async ({ context }, use) => {
    await use((context as BrowserContext & { extensionId?: string }).extensionId!);
  },
  openExtensionPage: async ({ context, extensionId }, use) => {
    await use(async (path: string) => {
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error(`[page error] ${path}: ${e.message}`));
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    });
  },
});

/** Loads the sample tenant through the empty state, as a new analyst would. */
export async function loadSampleData(page: Page) {
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await expect(page.getByRole('table', { name: 'Incidents' })).toBeVisible({ timeout: 30_000 });
}

/** Follows a side-panel route in the same page, as a link would (hash routes). */
export const go = (page: Page, hash: string) =>
  page.evaluate((h) => {
    location.hash = h;
  }, hash);

/** The side panel with the sample tenant loaded. */
export async function workspace(openExtensionPage: (path: string) => Promise<Page>): Promise<Page> {
  const page = await openExtensionPage('sidepanel.html#/incidents');
  await loadSampleData(page);
  return page;
}

/** Options → Connectors filled in for the test Graph server at `url`, then Sign in pressed; the section. */
export async function signInToTestGraph(options: Page, url: string): Promise<Locator> {
  const section = options.getByRole('region', { name: 'Connectors' });
  await section.getByRole('textbox', { name: 'Tenant ID' }).fill('contoso.onmicrosoft.com');
  await section
    .getByRole('textbox', { name: 'Application (client) ID' })
    .fill('00000000-0000-0000-0000-00000000c11e');
  await section.getByRole('textbox', { name: 'Microsoft Graph URL' }).fill(url);
  await section.getByRole('textbox', { name: 'Sign-in URL' }).fill(url);
  await section.getByRole('button', { name: 'Sign in' }).click();
  return section;
}

export { expect };
