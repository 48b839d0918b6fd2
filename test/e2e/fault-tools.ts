/**
 * The means of injecting faults into a real browser, shared by the fault-injection specs: a profile of its own
 * (kept across a kill), the browser process SIGKILLed, a pause inside an operation's transaction (test build
 * only: entrypoints/background/faults.ts), and a disk that fills up.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from '@playwright/test';
import { expect, launchOnProfile } from './fixtures';
import { countsOf, type WholeStore } from './invariants';
import { stopServiceWorker } from './worker';

export const INSIDE_MOVE_KEY = 'fault:insideMoveMs';
export const INSIDE_MERGE_KEY = 'fault:insideMergeMs';

export interface Browser {
  profile: string;
  context: BrowserContext;
  extensionId: string;
}

/** Chromium with the extension on `profile` (a fresh folder unless given: a killed browser reopens its own). */
export async function open(
  profile = mkdtempSync(join(tmpdir(), 'incident-mover-faults-')),
): Promise<Browser> {
  const { context, extensionId } = await launchOnProfile(profile);
  return { profile, context, extensionId };
}

/** An extension page as a tab. */
export async function page(b: Browser, path: string): Promise<Page> {
  const p = await b.context.newPage();
  p.on('pageerror', (e) => console.error(`[page error] ${path}: ${e.message}`));
  await p.goto(`chrome-extension://${b.extensionId}/${path}`);
  return p;
}

/** Stops the extension's service worker as Chrome does when idle (test/e2e/worker.ts). */
export const stopWorker = (b: Browser) => stopServiceWorker(b.context, b.extensionId);

/** Closes the browser and removes its profile. */
export async function close(b: Browser) {
  await b.context.close().catch(() => {});
  rmSync(b.profile, { recursive: true, force: true });
}

/** The browser's own process (not a renderer or helper): the one started on this profile without a --type. */
function browserPid(profile: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const args = cmd.split('\0');
    if (args.includes(`--user-data-dir=${profile}`) && !args.some((a) => a.startsWith('--type=')))
      return Number(entry);
  }
  throw new Error(`no browser process runs on ${profile}`);
}

/** Kills the browser as a crash or a power cut would (SIGKILL: nothing is flushed or closed). */
export async function killBrowser(b: Browser) {
  const closed = new Promise((r) => b.context.once('close', r));
  process.kill(browserPid(b.profile), 'SIGKILL');
  await closed;
}

/** The extension API as the evaluated functions see it (an extension page). */
type Chrome = {
  chrome: {
    runtime: { sendMessage(m: unknown): Promise<unknown> };
    storage: { session: { get(key: string): Promise<Record<string, unknown>> } };
  };
};

/** A message to the background, as an extension page sends it. */
export const send = (p: Page, message: unknown) =>
  p.evaluate((m) => (globalThis as unknown as Chrome).chrome.runtime.sendMessage(m), message) as Promise<{
    ok: boolean;
    error?: { message: string };
  }>;

/** Writes a row of the store's meta table (where the test build reads its fault settings). */
export function setMeta(p: Page, key: string, value: unknown) {
  return p.evaluate(
    ([k, v]) =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('incident-mover');
        req.onsuccess = () => {
          const tx = req.result.transaction('meta', 'readwrite');
          tx.objectStore('meta').put({ key: k, value: v });
          tx.oncomplete = () => {
            req.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    [key, value] as const,
  );
}

/** Waits until the background says it is paused inside an operation's transaction (test build only). */
/**
 * Arms the test build's pause inside an operation's transaction (`key`: INSIDE_MOVE_KEY or INSIDE_MERGE_KEY), presses
 * the button that starts it and waits until the background is inside the transaction.
 */
export async function pressUntilInsideTransaction(p: Page, key: string, button: Locator) {
  await setMeta(p, key, 30_000);
  const since = Date.now();
  await button.click();
  await waitUntilInsideTransaction(p, since);
}

export async function waitUntilInsideTransaction(p: Page, since: number) {
  await expect
    .poll(
      async () =>
        p.evaluate(
          async () =>
            ((await (globalThis as unknown as Chrome).chrome.storage.session.get('fault:paused'))[
              'fault:paused'
            ] as number) ?? 0,
        ),
      { timeout: 30_000 },
    )
    .toBeGreaterThan(since);
}

/**
 * A profile folder on a tmpfs of its own, so the test can fill its disk. The extension has `unlimitedStorage`, so
 * Chromium ignores a quota override for its origin: what refuses its writes is a full disk. Needs root (`mount`).
 */
export function smallDisk(sizeMB = 256): {
  dir: string;
  fill(leaveBytes: number): void;
  free(): void;
  unmount(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'incident-mover-full-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMB}m`, 'tmpfs', dir]);
  const filler = join(dir, 'filler');
  return {
    dir,
    fill(leaveBytes) {
      // Write until the disk is full, then give back `leaveBytes`.
      const fd = openSync(filler, 'w');
      const block = Buffer.alloc(256 * 1024, 1);
      let written = 0;
      try {
        for (;;) written += writeSync(fd, block);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
      ftruncateSync(fd, Math.max(0, written - leaveBytes));
      closeSync(fd);
    },
    free: () => rmSync(filler, { force: true }),
    unmount() {
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Nothing of the interrupted operation is in the store: same records, every alert where it was. */
export function expectUnchanged(after: WholeStore, before: WholeStore) {
  const { meta: _a, ...countsAfter } = countsOf(after);
  const { meta: _b, ...countsBefore } = countsOf(before);
  expect(countsAfter).toEqual(countsBefore);
  const where = (s: WholeStore) => Object.fromEntries(s.alerts.map((a) => [a.id, a.incidentId]));
  expect(where(after)).toEqual(where(before));
  const statuses = (s: WholeStore) => Object.fromEntries(s.incidents.map((i) => [i.id, i.status]));
  expect(statuses(after)).toEqual(statuses(before));
}
