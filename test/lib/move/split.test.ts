/**
 * Split incident: the proposal (groups connected by rare shared entities) and the split itself (one transaction,
 * activity everywhere, one Undo, one Graph move per new incident), on the sample tenant where two stories are
 * glued into one incident first.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSample } from '@/lib/data/sample';
import { bodyOf, enqueueMove } from '@/lib/graph/outbox';
import { DEFAULT_PROFILE } from '@/lib/model';
import { summarize } from '@/lib/model/derive';
import { MoverError } from '@/lib/model/errors';
import { type MoveContext, moveAlerts, splitIncident, undoMove } from '@/lib/move';
import { MoverDB } from '@/lib/store/db';
import { rareLimit } from '@/lib/suggest/rank';
import { holdersOf, incidentCountForRarity } from '@/lib/suggest/read';
import { connectingKeys, proposeGroups, proposeSplit } from '@/lib/suggest/split';

const NOW = '2026-11-20T12:00:00.000Z';
let db: MoverDB;
let tokens = 0;
const ctx: MoveContext = {
  actor: { displayName: 'Ann Analyst', upn: 'ann@contoso.com' },
  profile: DEFAULT_PROFILE,
  now: () => NOW,
  newToken: () => `split-token-${++tokens}`,
};
beforeEach(async () => {
  db = new MoverDB(`split-${crypto.randomUUID()}`);
  await loadSample(db, { now: NOW });
});
afterEach(() => db.close());

/** Two open incidents of several alerts that share no entity, the second glued into the first. */
async function twoStories() {
  const incidents = (await db.incidents.toArray()).filter(
    (i) => i.status !== 'resolved' && i.alertCount >= 2,
  );
  for (const a of incidents) {
    for (const b of incidents) {
      if (a.id >= b.id) continue;
      const shared = (a.entities ?? []).filter((k) => (b.entities ?? []).includes(k));
      if (shared.length) continue;
      const aIds = (await db.alerts.where('incidentId').equals(a.id).primaryKeys()) as string[];
      const [first] = await proposeSplit(db, a.id).then((p) => p.groups);
      if (first!.length !== aIds.length) continue; // a's own alerts must hang together
      const bIds = (await db.alerts.where('incidentId').equals(b.id).primaryKeys()) as string[];
      const [bFirst] = await proposeSplit(db, b.id).then((p) => p.groups);
      if (bFirst!.length !== bIds.length) continue;
      await moveAlerts(
        db,
        {
          alertIds: bIds,
          target: { kind: 'existing', incidentId: a.id },
          comment: 'correlated',
          reasons: [],
        },
        ctx,
      );
      return { glued: a.id, aIds, bIds, other: b.id };
    }
  }
  throw new Error('no two unrelated connected stories in the sample');
}

describe('proposeGroups', () => {
  const alert = (id: string, entities: string[], t = '2026-01-01') => ({ id, entities, createdDateTime: t });
  it.each([
    {
      name: 'two stories',
      alerts: [alert('a1', ['d:1']), alert('b1', ['d:2']), alert('a2', ['d:1', 'u:1']), alert('b2', ['d:2'])],
      want: [
        ['a1', 'a2'],
        ['b1', 'b2'],
      ],
    },
    {
      name: 'connected through a chain',
      alerts: [alert('a', ['d:1']), alert('b', ['d:1', 'f:1']), alert('c', ['f:1'])],
      want: [['a', 'b', 'c']],
    },
    {
      name: 'a common entity connects nothing',
      alerts: [
        alert('a1', ['dc', 'd:1']),
        alert('a2', ['d:1']),
        alert('b1', ['dc', 'd:2']),
        alert('b2', ['d:2']),
      ],
      want: [
        ['a1', 'a2'],
        ['b1', 'b2'],
      ],
    },
    {
      name: 'alerts that share nothing stay with the first group',
      alerts: [alert('a1', ['d:1']), alert('x', []), alert('a2', ['d:1']), alert('y', ['u:9'])],
      want: [['a1', 'x', 'a2', 'y']],
    },
    {
      name: 'the larger group first',
      alerts: [
        alert('b1', ['d:2']),
        alert('b2', ['d:2']),
        alert('a1', ['d:1']),
        alert('a2', ['d:1']),
        alert('a3', ['d:1']),
      ],
      want: [
        ['a1', 'a2', 'a3'],
        ['b1', 'b2'],
      ],
    },
  ])('$name', ({ alerts, want }) => {
    expect(proposeGroups(alerts, (k) => k !== 'dc')).toEqual(want);
  });
});

describe('connectingKeys', () => {
  it('keeps only the keys two alerts hold (a key repeated on one alert connects nothing)', () => {
    expect(
      connectingKeys([
        { entities: ['d:1', 'u:1', 'u:1'] },
        { entities: ['d:1', 'f:1'] },
        { entities: ['f:1'] },
      ]),
    ).toEqual(['d:1', 'f:1']);
    expect(connectingKeys([{ entities: ['d:1'] }, { entities: [] }])).toEqual([]);
  });

  it('gives the same proposal as looking up every key, for every incident of the sample', async () => {
    const { glued } = await twoStories();
    const count = await incidentCountForRarity(db);
    let split = 0;
    for (const incident of await db.incidents.toArray()) {
      const proposal = await proposeSplit(db, incident.id);
      const alerts = proposal.alerts.map((a) => ({
        id: a.id,
        entities: a.entities ?? [],
        createdDateTime: a.createdDateTime,
      }));
      const holders = await holdersOf(db, [...new Set(alerts.flatMap((a) => a.entities))]);
      const all = proposeGroups(alerts, (k) => (holders.get(k)?.length ?? 0) <= rareLimit(count));
      expect(proposal.groups, incident.id).toEqual(all);
      if (all.length > 1) split++;
    }
    expect((await proposeSplit(db, glued)).groups.length).toBeGreaterThan(1);
    expect(split).toBeGreaterThan(0);
  });
});

describe('splitIncident', () => {
  it('proposes the two stories of a glued incident and splits them in one step; one Undo restores it', async () => {
    const { glued, aIds, bIds } = await twoStories();
    const before = await db.incidents.get(glued);
    const proposal = await proposeSplit(db, glued);
    expect(proposal.groups.map((g) => [...g].sort())).toEqual(
      [[...aIds].sort(), [...bIds].sort()].sort((x, y) => y.length - x.length || 0),
    );

    const result = await splitIncident(
      db,
      { incidentId: glued, groups: proposal.groups, comment: 'Two intrusions' },
      ctx,
    );
    const [created] = result.split!.createdIncidentIds;
    expect(result.split!.incidentId).toBe(glued);
    const moved = proposal.groups[1]!;
    expect((await db.alerts.bulkGet(moved)).map((a) => a!.incidentId)).toEqual(moved.map(() => created));
    const newIncident = (await db.incidents.get(created!))!;
    const stays = await db.alerts.where('incidentId').equals(glued).toArray();
    const leaves = await db.alerts.where('incidentId').equals(created!).toArray();
    // Derived fields, entity keys included, as a recomputation says.
    expect((await db.incidents.get(glued))!.entities).toEqual(summarize(stays).entities);
    expect(newIncident.entities).toEqual(summarize(leaves).entities);
    expect(newIncident.displayName).toBeTruthy();
    const log = await db.activity.where('moveToken').anyOf(result.batchTokens!).toArray();
    expect(log.map((e) => [e.incidentId, e.kind]).sort()).toEqual(
      [
        [created, 'incidentCreated'],
        [created, 'alertCorrelated'],
        [glued, 'alertMovedOut'],
      ].sort(),
    );
    expect(log.every((e) => e.comment.includes('Two intrusions'))).toBe(true);

    // Synced: one moveAlerts with incidentId null per new incident.
    for (const t of result.batchTokens!)
      await enqueueMove(db, t, { now: () => NOW, newId: () => crypto.randomUUID() });
    expect((await db.outbox.toArray()).map((i) => bodyOf(i))).toEqual([
      expect.objectContaining({ alertIds: moved, incidentId: null, alertComment: 'Two intrusions' }),
    ]);

    const undo = await undoMove(db, result.undoToken, ctx);
    expect(undo.movedAlertIds.sort()).toEqual([...moved].sort());
    const after = (await db.incidents.get(glued))!;
    expect(await db.alerts.where('incidentId').equals(glued).count()).toBe(aIds.length + bIds.length);
    expect(after.entities).toEqual(before!.entities);
    expect(after.displayName).toBe(before!.displayName);
    expect((await db.incidents.get(created!))!.status).toBe('resolved');
    await expect(undoMove(db, result.undoToken, ctx)).rejects.toThrow('already undone');
  });

  it('a split into three undoes in one step too', async () => {
    const { glued, aIds, bIds } = await twoStories();
    const groups = [aIds, bIds.slice(0, 1), bIds.slice(1)].filter((g) => g.length);
    const result = await splitIncident(db, { incidentId: glued, groups, comment: 'three ways' }, ctx);
    expect(result.batchTokens).toHaveLength(groups.length - 1);
    // Undo from any of its moves undoes all of it.
    await undoMove(db, result.batchTokens!.at(-1)!, ctx);
    expect(await db.alerts.where('incidentId').equals(glued).count()).toBe(aIds.length + bIds.length);
  });

  it('is refused with a sentence, nothing changed: one alert, one group, a changed incident, no comment', async () => {
    const single = (await db.incidents.toArray()).find((i) => i.alertCount === 1)!;
    const [only] = (await db.alerts.where('incidentId').equals(single.id).primaryKeys()) as string[];
    await expect(
      splitIncident(db, { incidentId: single.id, groups: [[only!], []], comment: 'x' }, ctx),
    ).rejects.toThrow(`Incident ${single.id} has only one alert: there is nothing to split.`);
    const { glued, aIds, bIds } = await twoStories();
    const all = [...aIds, ...bIds];
    await expect(
      splitIncident(db, { incidentId: glued, groups: [all, []], comment: 'x' }, ctx),
    ).rejects.toThrow('Every alert is in Group 1, so nothing would change.');
    await expect(
      splitIncident(db, { incidentId: glued, groups: [aIds, bIds.slice(1)], comment: 'x' }, ctx),
    ).rejects.toThrow(/changed since the split was proposed/);
    await expect(
      splitIncident(db, { incidentId: glued, groups: [aIds, bIds], comment: '  ' }, ctx),
    ).rejects.toBeInstanceOf(MoverError);
    expect(await db.alerts.where('incidentId').equals(glued).count()).toBe(all.length);
  });
});
