/**
 * What the options page asks of the browser for a site: its origin's host permission, and a read-only trial of an
 * adapter on the tab the analyst was last looking at (the site-probe script).
 */
import { browser } from 'wxt/browser';

/** Asks for one origin's host permission (must run in the click's handler: the browser shows its prompt). */
export async function requestOrigin(origin: string): Promise<boolean> {
  try {
    return await browser.permissions.request({ origins: [origin] });
  } catch {
    return false;
  }
}

export type ProbeResult =
  | { ok: true; count: number; skipped: number; firstIds: string[]; problem?: string; url: string }
  | { ok: false; message: string };

/**
 * Runs a site adapter, read-only, on the tab the analyst was last looking at (not an extension page), and says
 * how many alert rows it finds and their first ids.
 */
export async function testAdapterOnCurrentTab(adapter: unknown, origin: string): Promise<ProbeResult> {
  const granted = await requestOrigin(origin);
  if (!granted)
    return { ok: false, message: 'The test needs permission to read that site; it was not granted.' };
  const ext = browser.runtime.getURL('/');
  const tabs = (await browser.tabs.query({ active: true })).filter(
    (t) => t.url && !t.url.startsWith(ext) && t.id !== undefined,
  );
  tabs.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
  const tab = tabs[0];
  if (!tab?.id) return { ok: false, message: 'Open the page that lists alerts in a tab, then test again.' };
  try {
    await browser.scripting.executeScript({
      target: { tabId: tab.id },
      func: (a: unknown) => {
        (window as unknown as { __incidentMoverProbe?: unknown }).__incidentMoverProbe = a;
      },
      args: [adapter],
    });
    const [res] = await browser.scripting.executeScript({
      target: { tabId: tab.id },
      files: ['/site-probe.js'],
    });
    const r = res?.result as
      | {
          ok: boolean;
          count?: number;
          skipped?: number;
          firstIds?: string[];
          problem?: string;
          problems?: string[];
        }
      | undefined;
    if (!r) return { ok: false, message: 'The page did not answer the test.' };
    if (!r.ok) return { ok: false, message: (r.problems ?? []).join(' ') };
    return {
      ok: true,
      count: r.count ?? 0,
      skipped: r.skipped ?? 0,
      firstIds: r.firstIds ?? [],
      problem: r.problem,
      url: tab.url ?? '',
    };
  } catch {
    return {
      ok: false,
      message: `The extension may not read ${tab.url ? new URL(tab.url).host : 'that tab'}: its address does not match the URL pattern, or the browser forbids it.`,
    };
  }
}
