// `npm start`: build the extension, open Chromium with it loaded in a fresh profile, and show the side panel
// with sample data. With no display (a server, CI) it runs headless, saves screenshots and prints their paths.
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumVersion, findChromium } from './chromium.mjs';

const root = resolve(import.meta.dirname, '..');
const ext = join(root, '.output/chrome-mv3');
const headless = !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;

console.log('Building the extension…');
execSync('npx wxt build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const executablePath = findChromium();
const profile = mkdtempSync(join(tmpdir(), 'incident-mover-'));
console.log(
  `Starting ${chromiumVersion(executablePath)} ${headless ? '(headless: no display found)' : ''} with a fresh profile…`,
);

const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless,
  viewport: headless ? { width: 1280, height: 800 } : null,
  ignoreDefaultArgs: ['--disable-extensions'],
  args: [
    ...(headless ? ['--headless=new'] : []),
    ...CHROMIUM_ARGS,
    `--disable-extensions-except=${ext}`,
    `--load-extension=${ext}`,
  ],
});
const sw = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
const id = new URL(sw.url()).host;
const page = context.pages()[0] ?? (await context.newPage());
await page.goto(`chrome-extension://${id}/sidepanel.html#/incidents`);

// A fresh profile opens on the empty state: load the sample tenant as an analyst would.
const load = page.getByRole('button', { name: 'Load sample data' });
const rows = page.locator('[data-incident-id]').first();
await load.or(rows).first().waitFor({ timeout: 30_000 });
if (await load.isVisible()) {
  await load.click();
  await rows.waitFor({ timeout: 120_000 });
}
const count = await page.evaluate(
  () =>
    new Promise((res) => {
      const req = indexedDB.open('incident-mover');
      req.onsuccess = () => {
        const db = req.result;
        const tx = db.transaction(['incidents', 'alerts']);
        const a = tx.objectStore('incidents').count();
        const b = tx.objectStore('alerts').count();
        tx.oncomplete = () => res({ incidents: a.result, alerts: b.result });
      };
    }),
);
console.log(`Loaded sample data: ${count.incidents} incidents, ${count.alerts} alerts.`);
console.log(
  `Side panel: chrome-extension://${id}/sidepanel.html  (options: chrome-extension://${id}/options.html)`,
);

if (headless) {
  const dir = join(root, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const shots = [];
  for (const [name, url] of [
    ['incidents', 'sidepanel.html#/incidents'],
    ['alerts', 'sidepanel.html#/alerts'],
    ['options', 'options.html'],
  ]) {
    await page.goto(`chrome-extension://${id}/${url}`);
    await page.waitForTimeout(800);
    const file = join(dir, `${name}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
  }
  console.log('No display, so it ran headless. Screenshots of what it opened:');
  for (const s of shots) console.log(`  ${s}`);
  await context.close();
} else {
  console.log('Chromium is open with the extension loaded. Close the window (or press Ctrl+C) to stop.');
  context.on('close', () => process.exit(0));
  process.on('SIGINT', async () => {
    await context.close();
    process.exit(0);
  });
}
