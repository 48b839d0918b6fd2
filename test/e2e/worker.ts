import { type BrowserContext, expect } from '@playwright/test';

/**
 * Stops the extension's service worker as Chrome does when it is idle, through CDP `ServiceWorker.stopWorker`
 * (what chrome://serviceworker-internals' Stop does). Resolves once each running version has been seen stopped:
 * a page that was waiting for an answer may wake the worker again right away, which is what some tests check.
 */
export async function stopServiceWorker(context: BrowserContext, extensionId: string) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const versions = new Map<string, string>();
  const stopped = new Set<string>();
  cdp.on(
    'ServiceWorker.workerVersionUpdated',
    (e: { versions: { versionId: string; scriptURL: string; runningStatus: string }[] }) => {
      for (const v of e.versions) {
        if (!v.scriptURL.startsWith(`chrome-extension://${extensionId}/`)) continue;
        versions.set(v.versionId, v.runningStatus);
        if (v.runningStatus === 'stopped') stopped.add(v.versionId);
      }
    },
  );
  await cdp.send('ServiceWorker.enable');
  await expect.poll(() => [...versions.values()].includes('running')).toBe(true);
  const running = [...versions].filter(([, status]) => status === 'running').map(([id]) => id);
  stopped.clear();
  for (const versionId of running) await cdp.send('ServiceWorker.stopWorker', { versionId });
  await expect.poll(() => running.every((id) => stopped.has(id))).toBe(true);
  await page.close();
}
