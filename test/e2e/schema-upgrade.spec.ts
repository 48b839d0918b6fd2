/**
 * A view left open while a newer build upgrades the store's schema reloads instead of failing (lib/store/db.ts
 * `onUpgradeElsewhere`). The test build's background opens the store one version higher on request, as the next
 * build of the extension would right after an update (entrypoints/background/faults.ts `listenForTestUpgrade`).
 */
import { schemaOf } from '@/lib/store/migrations';
import { expect, go, test, workspace } from './fixtures';

type Chrome = {
  chrome: {
    runtime: { sendMessage(m: unknown): Promise<{ ok: boolean }> };
    storage: { session: { get(k: string): Promise<Record<string, unknown>>; set(v: object): Promise<void> } };
  };
};

test('an incident left open during a schema upgrade reloads on the upgraded store, where it reads and follows changes', async ({
  context,
  openExtensionPage,
}) => {
  const panel = await workspace(openExtensionPage);
  const first = panel.getByRole('table', { name: 'Incidents' }).locator('tr[data-incident-id]').first();
  const incidentId = (await first.getAttribute('data-incident-id'))!;
  await go(panel, `#/incidents/${incidentId}`);
  const alertRows = panel.getByRole('table', { name: 'Alerts' }).locator('tr[data-alert-id]');
  await expect(alertRows.first()).toBeVisible();
  const alertId = (await alertRows.first().getAttribute('data-alert-id'))!;
  const shownBefore = await alertRows.count();

  const errors: string[] = [];
  panel.on('pageerror', (e) => errors.push(e.message));
  let loads = 0;
  panel.on('load', () => loads++);
  // Gone after a reload: tells a reloaded page from one that only re-rendered.
  await panel.evaluate(() => {
    (globalThis as { beforeUpgrade?: boolean }).beforeUpgrade = true;
  });

  const next = schemaOf().version + 1;
  const worker = context.serviceWorkers()[0]!;
  await worker.evaluate(() =>
    (globalThis as unknown as Chrome).chrome.storage.session.set({ 'fault:upgradeSchema': Date.now() }),
  );
  await expect
    .poll(
      () =>
        worker.evaluate(
          async () =>
            (await (globalThis as unknown as Chrome).chrome.storage.session.get('fault:upgradedTo'))[
              'fault:upgradedTo'
            ],
        ),
      { timeout: 30_000 },
    )
    .toBe(next);

  // The open view reloaded once, on the same route, and shows the incident from the upgraded store.
  await expect
    .poll(() => panel.evaluate(() => (globalThis as { beforeUpgrade?: boolean }).beforeUpgrade ?? false))
    .toBe(false);
  expect(new URL(panel.url()).hash).toBe(`#/incidents/${incidentId}`);
  await expect(alertRows).toHaveCount(shownBefore);
  expect(
    await panel.evaluate(
      async () => (await indexedDB.databases()).find((d) => d.name === 'incident-mover')?.version,
    ),
  ).toBe(next * 10); // Dexie's version n is IndexedDB's n × 10

  // It still follows the store: an alert moved away by the background leaves the list.
  const moved = await panel.evaluate(
    (id) =>
      (globalThis as unknown as Chrome).chrome.runtime.sendMessage({
        type: 'move.run',
        input: { alertIds: [id], target: { kind: 'new' }, comment: 'Moved after the upgrade' },
      }),
    alertId,
  );
  expect(moved.ok).toBe(true);
  await expect(panel.locator(`tr[data-alert-id="${alertId}"]`)).toHaveCount(0);
  expect(loads).toBe(1);
  expect(errors).toEqual([]);
});
