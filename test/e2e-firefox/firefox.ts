/**
 * Real Firefox (Debian's firefox-esr) with the built extension as a temporary add-on, driven by puppeteer-core
 * over WebDriver BiDi. Controls are found as assistive technology finds them, by role and accessible name
 * (Puppeteer's ARIA selectors read Firefox's accessibility tree).
 *
 * BiDi refuses to navigate a tab to a moz-extension: URL, and a web page may not open an extension page that is
 * not web-accessible. The test build (and only it) declares one static web-accessible page, e2e-entry.html: a
 * tab goes there from about:blank, and from there to any page of the add-on, as a link inside it would.
 */
import { resolve } from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';

export const FIREFOX_EXTENSION_PATH = resolve(
  process.env.FIREFOX_EXTENSION_PATH ?? `${process.env.WXT_OUT_DIR ?? '.output-test'}/firefox-mv3`,
);
const GECKO_ID = 'incident-mover@example.org';
/** Pinned with the `extensions.webextensions.uuids` preference, so page addresses are known in advance. */
export const ADDON_UUID = '3f0c1a9e-5b7d-4c2e-9a61-7e4b2d8c1f00';
export const EXTENSION_ORIGIN = `moz-extension://${ADDON_UUID}`;

export interface Firefox {
  browser: Browser;
  /** Opens an extension page (`sidepanel.html#/incidents`) in a new tab. */
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchFirefox(extensionPath = FIREFOX_EXTENSION_PATH): Promise<Firefox> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: ADDON_UUID }),
    },
  });
  try {
    const id = await browser.installExtension(extensionPath);
    if (id !== GECKO_ID) throw new Error(`installed add-on is ${id}, expected ${GECKO_ID}`);
  } catch (e) {
    await browser.close();
    throw e;
  }
  return {
    browser,
    openExtensionPage: async (path) => {
      const page = await browser.newPage();
      page.on('pageerror', (e) => console.error(`[page error] ${path}: ${(e as Error).message}`));
      await page.goto('about:blank');
      await navigate(page, `${EXTENSION_ORIGIN}/e2e-entry.html`);
      await navigate(page, `${EXTENSION_ORIGIN}/${path}`);
      return page;
    },
    close: () => browser.close(),
  };
}

/** The document's own address (Puppeteer's page.url() lags behind navigations made by the page itself). */
export async function addressOf(page: Page): Promise<string> {
  try {
    return await page.evaluate(() => (document.readyState === 'complete' ? location.href : ''));
  } catch {
    return ''; // the old document went away mid-evaluation
  }
}

/** Sets location.href from inside the page, as a link in it would, and waits for the new document. */
export async function navigate(page: Page, url: string): Promise<void> {
  await page.evaluate((u) => {
    location.href = u;
  }, url);
  await until(async () => (await addressOf(page)) === url, `the tab to reach ${url}`);
}

/** Polls `check` until it returns a truthy value (returned), or fails with what was awaited. */
export async function until<T>(
  check: () => Promise<T>,
  what: string,
  timeout = 20_000,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeout;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`Timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/** A control by role and exact accessible name, inside `within` if given; waits for it to be there. */
export async function control(
  scope: Page | ElementHandle,
  role: string,
  name: string,
  timeout = 20_000,
): Promise<ElementHandle<Element>> {
  const selector = `::-p-aria([name=${JSON.stringify(name)}][role=${JSON.stringify(role)}])`;
  const found = await scope.waitForSelector(selector, { timeout });
  if (!found) throw new Error(`No ${role} named "${name}"`);
  return found as ElementHandle<Element>;
}

/** How many controls with this role and name are there now. */
export async function countControls(
  scope: Page | ElementHandle,
  role: string,
  name: string,
): Promise<number> {
  return (await scope.$$(`::-p-aria([name=${JSON.stringify(name)}][role=${JSON.stringify(role)}])`)).length;
}

/** Types into a text field, replacing what it held, with key presses as a person would. */
export async function fill(field: ElementHandle<Element>, text: string): Promise<void> {
  await field.click({ count: 3 });
  await field.press('Backspace');
  await field.type(text);
}

/** The text of a live region (role=status or alert) once it matches `pattern`. */
export async function waitForText(
  page: Page,
  role: 'status' | 'alert',
  pattern: RegExp,
  timeout = 20_000,
): Promise<string> {
  return until(
    async () => {
      const regions = await page.$$(`::-p-aria([role=${JSON.stringify(role)}])`);
      for (const r of regions) {
        const text = await r.evaluate((el) => el.textContent ?? '');
        if (pattern.test(text)) return text;
      }
      return '';
    },
    `a ${role} saying ${pattern}`,
    timeout,
  );
}

/**
 * The extension page a new window or tab shows (the move window the background opens for a page). Found by the
 * document's own address: Puppeteer keeps such a target's URL at about:blank in Firefox.
 */
export async function nextExtensionPage(browser: Browser, path: string, timeout = 20_000): Promise<Page> {
  const wanted = `${EXTENSION_ORIGIN}/${path}`;
  return until(
    async () => {
      for (const page of await browser.pages()) if ((await addressOf(page)).startsWith(wanted)) return page;
      return undefined;
    },
    `a window showing ${path}`,
    timeout,
  );
}
