import { scanAlertRows, validateAdapter } from '@/lib/sites/adapters';

/**
 * Injected by the options page's `Test on current tab` (scripting.executeScript) after it has put the adapter on
 * `window.__incidentMoverProbe`; returns what the adapter finds on the page. Reads only, changes nothing.
 */
export default defineUnlistedScript(() => {
  const w = window as unknown as { __incidentMoverProbe?: unknown };
  const checked = validateAdapter(w.__incidentMoverProbe);
  delete w.__incidentMoverProbe;
  if (!checked.ok) return { ok: false as const, problems: checked.problems };
  const scan = scanAlertRows(document, checked.adapter);
  return {
    ok: true as const,
    count: scan.rows.length,
    skipped: scan.skipped,
    firstIds: scan.rows.slice(0, 5).map((r) => r.alertId),
    problem: scan.problem,
  };
});
