/** The browser side of site registration, for the background (sites-registration.ts holds the logic). */
import { browser } from 'wxt/browser';
import { sitesItem } from '../../lib/settings/sites';
import { adaptersForUrl, effectiveAdapters, type SiteAdapter } from '../../lib/sites/adapters';
import { type RegistrationApis, syncRegistrations } from '../../lib/sites/registration';

export function browserRegistrationApis(): RegistrationApis {
  return {
    hasOrigin: (origin) => browser.permissions.contains({ origins: [origin] }),
    getRegistered: () => browser.scripting.getRegisteredContentScripts(),
    register: (script) => browser.scripting.registerContentScripts([script]),
    update: (script) => browser.scripting.updateContentScripts([script]),
    unregister: (ids) => browser.scripting.unregisterContentScripts({ ids }),
    readSites: () => sitesItem.getValue(),
    writeSites: (sites: SiteAdapter[]) => sitesItem.setValue(sites),
  };
}

export function createSitesService() {
  const apis = browserRegistrationApis();
  return {
    sync: () => syncRegistrations(apis),
    adaptersFor: async (url: string) => adaptersForUrl(effectiveAdapters(await sitesItem.getValue()), url),
  };
}
