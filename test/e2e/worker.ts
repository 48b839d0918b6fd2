import { type BrowserContext, expect } from '@playwright/test';

/** Stops the extension's service worker as Chrome does when it is idle, through CDP `ServiceWorker.stopWorker` (what chrome://serviceworker-internals' Stop does). */
export async function stopServiceWorker(context: BrowserContext, extensionId: string) {
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
