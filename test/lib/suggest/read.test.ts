/** Suggestions read from a store (fake-indexeddb) with the sample tenant, whose planted misplaced alerts are known. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSample, MISCORRELATED_HINTS } from '@/lib/data/sample';
import { DEFAULT_PROFILE } from '@/lib/model';
import { entityKeysOf } from '@/lib/model/entities';
import { MoverDB } from '@/lib/store/db';
import { rankIncidents } from '@/lib/suggest/rank';
import { incidentWindow, selectionFacts, suggestIncidents, toCandidate } from '@/lib/suggest/read';

const NOW = '2026-11-20T12:00:00.000Z';
let db: MoverDB;
beforeEach(async () => {
  db = new MoverDB(`suggest-${crypto.randomUUID()}`);
  await loadSample(db, { now: NOW });
});
afterEach(() => db.close());

/** The ranking over every incident of the store, with no shortcut. */
async function rankEverything(alertIds: string[]) {
  const alerts = (await db.alerts.bulkGet(alertIds)).filter((a) => !!a);
  const incidents = await db.incidents.toArray();
  const selection = selectionFacts(alerts);
  const df = (k: string) => incidents.filter((i) => i.entities?.includes(k)).length;
  const candidates = await Promise.all(
    incidents.map(async (i) => toCandidate(i, await incidentWindow(db, i.id))),
  );
  return rankIncidents({
    selection,
    candidates,
    incidentsHolding: df,
    incidentCount: incidents.length,
    limit: 5,
  });
}

describe('suggestIncidents', () => {
  it('lists the incident each planted misplaced alert belongs with first, unless that incident is resolved', async () => {
    let checked = 0;
    for (const hint of MISCORRELATED_HINTS) {
      const belongs = await db.incidents.get(hint.belongsWithIncidentId);
      const out = await suggestIncidents(db, [hint.alertId]);
      expect(out.map((s) => s.incidentId)).not.toContain(hint.incidentId);
      if (belongs!.status === 'resolved') {
        expect(out.map((s) => s.incidentId)).not.toContain(hint.belongsWithIncidentId);
        continue;
      }
      expect(out[0]?.incidentId, hint.alertId).toBe(hint.belongsWithIncidentId);
      expect(out[0]!.why).toMatch(/^shares /);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('answers what ranking every incident answers, for one alert and for many', async () => {
    const ids = (await db.alerts.orderBy('id').primaryKeys()) as string[];
    for (const sel of [[ids[0]!], [ids[7]!], ids.slice(10, 60), [MISCORRELATED_HINTS[0]!.alertId]]) {
      expect(await suggestIncidents(db, sel)).toEqual(await rankEverything(sel));
    }
  });

  it('follows a merged (redirected) incident to the one that survived, and leaves out what the analyst can’t read', async () => {
    const hint = MISCORRELATED_HINTS.find((h) => h.belongsWithIncidentId === '2040')!;
    const [top] = await suggestIncidents(db, [hint.alertId]);
    expect(top!.incidentId).toBe('2040');
    // The true incident was merged into another: its alerts (and keys) went with it.
    const survivor = (await db.incidents.get('2039'))!;
    const merged = (await db.incidents.get('2040'))!;
    await db.alerts.where('incidentId').equals('2040').modify({ incidentId: survivor.id });
    await db.incidents.put({
      ...survivor,
      entities: [...(survivor.entities ?? []), ...(merged.entities ?? [])],
    });
    await db.incidents.put({ ...merged, status: 'redirected', redirectIncidentId: survivor.id });
    const after = await suggestIncidents(db, [hint.alertId]);
    expect(after[0]!.incidentId).toBe(survivor.id);
    expect(after.map((s) => s.incidentId)).not.toContain('2040');

    const noAccess = { ...DEFAULT_PROFILE, defaultAccess: 'none' as const };
    expect(await suggestIncidents(db, [hint.alertId], { profile: noAccess })).toEqual([]);
  });

  it('common entities weigh nothing, break no tie and are not named', async () => {
    const [a] = await db.alerts.limit(1).toArray();
    const [base] = await db.incidents.limit(1).toArray();
    const ip = (ipAddress: string) => ({ '@odata.type': '#microsoft.graph.security.ipEvidence', ipAddress });
    const alert = { ...a!, id: 'sel', evidence: [ip('198.51.100.7'), ip('203.0.113.9')] };
    await db.alerts.put(alert);
    const [common, rare] = entityKeysOf(alert);
    const incident = (id: string, entities: string[]) => ({
      ...base!,
      id,
      status: 'active' as const,
      entities,
    });
    // A proxy held by 60 incidents; two incidents share the rare address, one of them the proxy as well.
    await db.incidents.bulkPut([
      ...Array.from({ length: 60 }, (_, i) => incident(`c${String(i).padStart(2, '0')}`, [common!])),
      incident('a1', [rare!]),
      incident('c30b', [common!, rare!]),
    ]);
    const out = await suggestIncidents(db, ['sel']);
    // A tie on the rare address, broken by id alone: the proxy counts for nothing.
    expect(out.map((s) => s.incidentId)).toEqual(['a1', 'c30b']);
    expect(out.map((s) => s.shared.map((e) => e.key))).toEqual([[rare], [rare]]);
    expect(out[0]!.why).toBe('shares IP address 203.0.113.9');
    expect(out).toEqual(await rankEverything(['sel']));
  });

  it('an alert without evidence, an unknown alert and an alert with 10,000 evidence entities: no crash, no stall', async () => {
    const [a] = await db.alerts.limit(1).toArray();
    await db.alerts.put({ ...a!, id: 'bare', evidence: [], entities: [] });
    expect(await suggestIncidents(db, ['bare'])).toEqual([]);
    expect(await suggestIncidents(db, ['nope'])).toEqual([]);
    const evidence = Array.from({ length: 10_000 }, (_, i) => ({
      '@odata.type': '#microsoft.graph.security.ipEvidence',
      ipAddress: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`,
    }));
    await db.alerts.put({ ...a!, id: 'huge', evidence });
    const started = performance.now();
    await suggestIncidents(db, ['huge']);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
