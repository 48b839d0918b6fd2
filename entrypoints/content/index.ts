import { browser } from 'wxt/browser';
import { effectiveAdapters } from '@/lib/site-adapters';
import { sitesItem } from '@/lib/sites-store';
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
      extensionOrigin: browser.runtime.getURL('/').slice(0, -1),
      sendMessage: (message) => browser.runtime.sendMessage(message),
    });
    ctx.onInvalidated(() => controller.destroy());
    ctx.addEventListener(window, 'wxt:locationchange', () => controller.setUrl(location.href));
    ctx.onInvalidated(sitesItem.watch((stored) => controller.setAdapters(effectiveAdapters(stored))));
    const stored = await sitesItem.getValue();
    if (ctx.isValid) controller.setAdapters(effectiveAdapters(stored));
  },
});
