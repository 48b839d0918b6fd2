import { browser } from 'wxt/browser';
import { showSyncOnBadge } from '@/entrypoints/background/badge';
import { listenForTestUpgrade, testFaults } from '@/entrypoints/background/faults';
import { createBrowserSyncService } from '@/entrypoints/background/graph';
import { createSitesService } from '@/entrypoints/background/sites';
import { createStoreSafety } from '@/entrypoints/background/store-guard';
import { createImportSession } from '@/lib/messaging/import-session';
import { IMPORT_PORT } from '@/lib/messaging/protocol';
import { createRouter, senderKind } from '@/lib/messaging/router';
import { readProfile } from '@/lib/settings/profile';
import { MoverDB } from '@/lib/store/db';

// Wiring only: listeners are registered synchronously, before any await; logic lives in lib/.
export default defineBackground(() => {
  const db = new MoverDB();
  const extensionOrigin = browser.runtime.getURL('/');
  const sync = createBrowserSyncService(db);
  const sites = createSitesService();
  const safety = createStoreSafety(db, () => new Date().toISOString());
  const deps = {
    db,
    extensionId: browser.runtime.id,
    extensionOrigin,
    getProfile: readProfile,
    now: () => new Date().toISOString(),
    newToken: () => crypto.randomUUID(),
    session: {
      get: async (key: string) => (await browser.storage.session.get(key))[key],
      set: (key: string, value: unknown) => browser.storage.session.set({ [key]: value }),
      remove: (key: string) => browser.storage.session.remove(key),
    },
    sync,
    sites,
    afterMove: sync.afterMove,
    openWindow: async (url: string) => {
      await browser.windows.create({ url, type: 'popup', width: 560, height: 820, focused: true });
    },
    faults: testFaults(db),
    guard: safety.guard,
    backup: safety.backup,
    storageEstimate: async () => navigator.storage.estimate(),
  };
  const handle = createRouter(deps);

  browser.runtime.onMessage.addListener((message, sender) => handle(message, sender));
  browser.alarms.onAlarm.addListener((alarm) => {
    sync.onAlarm(alarm.name);
    safety.onAlarm(alarm.name);
  });

  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== IMPORT_PORT || senderKind(port.sender ?? {}, deps) !== 'extension') {
      port.disconnect();
      return;
    }
    const receive = createImportSession({
      db,
      now: deps.now,
      post: (msg) => port.postMessage(msg),
      storageEstimate: deps.storageEstimate,
    });
    port.onMessage.addListener((msg) => void receive(msg));
    // Closed before the end (Cancel, the page went away): the staged part of the file is dropped.
    port.onDisconnect.addListener(() => void receive.cancel());
  });

  listenForTestUpgrade(db);

  // A revoked site permission switches that site off; install/start-up re-checks the registrations.
  browser.permissions.onRemoved.addListener(() => void sites.sync());
  browser.permissions.onAdded.addListener(() => void sites.sync());
  browser.runtime.onInstalled.addListener(() => void sites.sync());

  // Finish what a stopped worker left (outbox, interrupted pull) once the listeners are in place.
  void sync.resume('startup');
  safety.start();
  showSyncOnBadge(db);
});
