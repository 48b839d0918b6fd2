import { browser } from 'wxt/browser';
import type { SiteAdapter } from '@/lib/sites/adapters';
import { readAdapters, readAnswer } from './answers';
import { createPageController } from './page-controller';

/**
 * Move buttons on pages that list alerts (DESIGN.md §5). Wiring only; the logic is in page-controller.ts.
 *
 * Registered at runtime by the background (`scripting.registerContentScripts`, file
 * `content-scripts/content.js`) for the origins the user granted. There is deliberately no `matches` here:
 * with `registration: 'runtime'` WXT adds them to `host_permissions`, and the extension asks for none up front.
 */
export default defineContentScript({
  registration: 'runtime',
  // No stylesheet reaches the page: every style lives inside the shadow roots the script creates.
  cssInjectionMode: 'ui',
  async main(ctx) {
    const controller = createPageController({
      document,
      url: location.href,
      adapters: [],
      sendMessage: (message) => browser.runtime.sendMessage(message),
    });
    // The background validates the analyst's sites and answers with the ones for this URL.
    const refresh = async () => {
      const url = location.href;
      try {
        const answer = readAnswer(
          await browser.runtime.sendMessage({ type: 'page.adapters', url }),
          readAdapters,
        );
        const adapters = answer?.ok ? (answer.data as SiteAdapter[]) : [];
        if (ctx.isValid) {
          controller.setUrl(url);
          controller.setAdapters(adapters);
        }
      } catch {
        // The extension was reloaded: this context is invalid and tears itself down.
      }
    };
    // The test build lets the e2e tests read what scanning costs, from this script's own (isolated) world.
    if (import.meta.env.WXT_TEST_BUILD === '1')
      Object.assign(globalThis, { __incidentMoverScanStats: (reset?: boolean) => controller.stats(reset) });
    ctx.onInvalidated(() => controller.destroy());
    ctx.addEventListener(window, 'wxt:locationchange', () => void refresh());
    // Back from the options page (a site switched on or off): ask again.
    ctx.addEventListener(document, 'visibilitychange', () => {
      if (document.visibilityState === 'visible') void refresh();
    });
    await refresh();
  },
});
