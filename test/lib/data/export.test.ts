import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXPORT_CONTEXT, exportStore, exportToParts, exportToText } from '../../../lib/data/export';
import { parseImport, writeImport } from '../../../lib/data/import';
import { loadSample, MISCORRELATED_HINTS } from '../../../lib/data/sample';
import type { ActivityEntry } from '../../../lib/model';
import { MoverDB } from '../../../lib/store/db';

const NOW = '2026-11-20T12:00:00.000Z';

async function snapshot(db: MoverDB) {
  return {
    incidents: await db.incidents.toArray(),
    alerts: await db.alerts.toArray(),
    activity: await db.activity.toArray(),
  };
}

/** What a move writes to the log, for the round trip to carry. */
function movedEntries(): ActivityEntry[] {
  const hint = MISCORRELATED_HINTS[0];
  if (!hint) throw new Error('the sample has miscorrelated alerts');
  const base = {
    at: NOW,
    actor: { displayName: 'Kai Carter', upn: 'kai.carter@contoso.com' },
    alertIds: [hint.alertId],
    reasons: ['sameAsset'],
    comment: 'Same workstation as the phishing click; wrongly correlated by time.',
    names: {
      incidents: { [hint.incidentId]: 'Old name', [hint.belongsWithIncidentId]: 'New name' },
      alerts: { [hint.alertId]: hint.title },
    },
    moveToken: 'mv-1',
  };
  return [
    {
      ...base,
      incidentId: hint.belongsWithIncidentId,
      kind: 'alertCorrelated',
      fromIncidentIds: [hint.incidentId],
      toIncidentId: hint.belongsWithIncidentId,
    },
    {
      ...base,
      incidentId: hint.incidentId,
      kind: 'alertMovedOut',
      fromIncidentIds: [hint.incidentId],
      toIncidentId: hint.belongsWithIncidentId,
    },
  ];
}

describe('export', () => {
  let db: MoverDB;
  beforeEach(() => {
    db = new MoverDB(`t-${crypto.randomUUID()}`);
  });
  afterEach(() => db.close());

  it('export → clear → import gives back every table exactly', async () => {
    await loadSample(db, { now: NOW });
    await db.activity.bulkAdd(movedEntries() as (ActivityEntry & { seq: number })[]);
    // A record updated since it was created (version 2), so versions must survive too.
    const first = await db.incidents.get('2000');
    await db.incidents.put({
      ...first!,
      status: 'inProgress',
      version: 2,
      assignedTo: 'kai.carter@contoso.com',
    });
    const before = await snapshot(db);
    expect(before.activity).toHaveLength(2);

    const text = exportToText(await exportStore(db));
    await db.transaction('rw', [db.incidents, db.alerts, db.activity], async () => {
      await Promise.all([db.incidents.clear(), db.alerts.clear(), db.activity.clear()]);
    });
    expect((await snapshot(db)).alerts).toHaveLength(0);

    const parsed = parseImport(text);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    await writeImport(db, parsed.data, { now: '2030-01-01T00:00:00.000Z' });
    const after = await snapshot(db);
    expect(after.incidents).toEqual(before.incidents);
    expect(after.alerts).toEqual(before.alerts);
    expect(after.activity).toEqual(before.activity);
  });

  it('writes Graph’s shape: incidents newest first with their alerts nested, without derived fields', async () => {
    await loadSample(db, { now: NOW, incidents: 6, alerts: 15 });
    const body = await exportStore(db);
    expect(body['@odata.context']).toBe(EXPORT_CONTEXT);
    expect(EXPORT_CONTEXT).toMatch(/#security\/incidents\(alerts\(\)\)$/);
    expect(body.value.map((i) => i.id).sort()).toEqual(['2000', '2001', '2002', '2003', '2004', '2005']);
    const created = body.value.map((i) => String(i.createdDateTime));
    expect([...created].sort().reverse()).toEqual(created);
    let alerts = 0;
    for (const incident of body.value) {
      for (const field of [
        'alertCount',
        'categories',
        'serviceSources',
        'detectionSources',
        'assets',
        'scopes',
      ]) {
        expect(incident).not.toHaveProperty(field);
      }
      const nested = incident.alerts as { incidentId: string; createdDateTime: string }[];
      expect(nested.length).toBeGreaterThan(0);
      expect(nested.every((a) => a.incidentId === incident.id)).toBe(true);
      const times = nested.map((a) => a.createdDateTime);
      expect([...times].sort()).toEqual(times);
      alerts += nested.length;
    }
    expect(alerts).toBe(15);
  });

  it('writes the same text in pieces as in one string, so large stores can go to a Blob', async () => {
    const empty = await exportStore(db);
    expect(exportToText(empty)).toBe(JSON.stringify(empty, null, 2));
    await loadSample(db, { now: NOW, incidents: 4, alerts: 9 });
    await db.activity.bulkAdd(movedEntries() as (ActivityEntry & { seq: number })[]);
    const body = await exportStore(db);
    const parts = exportToParts(body);
    expect(parts.length).toBeGreaterThan(body.value.length);
    expect(parts.join('')).toBe(JSON.stringify(body, null, 2));
  });
});
