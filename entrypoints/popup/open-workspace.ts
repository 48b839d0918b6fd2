import { browser } from 'wxt/browser';

/**
 * Opens the workspace: Chrome's side panel (needs the click that called this), Firefox's sidebar,
 * or else a tab. `route` is a side-panel hash route such as `#/incidents/2041`.
 */
export async function openWorkspace(route = '#/incidents'): Promise<void> {
  const url = browser.runtime.getURL('/sidepanel.html') + route;
  const g = globalThis as unknown as {
    chrome?: {
      sidePanel?: {
        open(o: { windowId: number }): Promise<void>;
        setOptions(o: { path: string }): Promise<void>;
      };
    };
    browser?: { sidebarAction?: { open(): Promise<void>; setPanel(o: { panel: string }): Promise<void> } };
  };
  try {
    if (g.chrome?.sidePanel) {
      const win = await browser.windows.getCurrent();
      // open() must run while the click is still "in hand": start it before anything else awaits.
      const opening = g.chrome.sidePanel.open({ windowId: win.id! });
      await g.chrome.sidePanel.setOptions({ path: `sidepanel.html${route}` });
      await opening;
      return;
    }
    if (g.browser?.sidebarAction) {
      // Firefox, too, opens the sidebar only inside the click: open() first, the route after.
      const opening = g.browser.sidebarAction.open();
      await g.browser.sidebarAction.setPanel({ panel: url });
      await opening;
      return;
    }
  } catch {
    // Fall through to a tab: the side panel may be unavailable (no gesture, old browser).
  }
  await browser.tabs.create({ url });
}
