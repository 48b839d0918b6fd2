import { afterEach, describe, expect, it } from 'vitest';
import { type MergeRequest, mergeIncidents, undoMerge } from '@/lib/merge';
import { DEFAULT_PROFILE } from '@/lib/model';
import { MoverError } from '@/lib/model/errors';
import { graphHarness } from '../../support/graph-harness';

type Harness = Awaited<ReturnType<typeof graphHarness>>;
let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** A connected store with a pulled tenant: incidents 1001… with alerts da6385<i>_<j>. */
async function connected(incidents = 4, alertsPer = 2) {
  h = await graphHarness({ tenant: [incidents, alertsPer] });
  await h.service.signIn();
  await h.service.now();
  h.server.requests.length = 0;
  return h;
}

let tokens = 0;
const ctx = () => ({
  actor: { displayName: 'Ana Analyst', upn: 'ana@contoso.com' },
  profile: DEFAULT_PROFILE,
  now: h.deps.now,
  newToken: () => `merge-${++tokens}`,
});

/** A merge as the router makes it, then its afterMove hook (queued for Graph). */
async function merge(input: Partial<MergeRequest> & Pick<MergeRequest, 'incidentIds'>) {
  const result = await mergeIncidents(h.db, { comment: 'Same intrusion', reasons: [], ...input }, ctx());
  await h.service.afterMove({ undoToken: result.token });
  return result;
}

const activityOf = (incidentId: string) => h.db.activity.where('incidentId').equals(incidentId).toArray();

describe('merges through the outbox', () => {
  it('sends one mergeIncidents with the comment and reasons, and marks the merge synced', async () => {
    await connected();
    const r = await merge({ incidentIds: ['1001', '1002'], reasons: ['sameActor', 'sharedIndicators'] });
    expect(r.survivorId).toBe('1001');
    expect((await h.db.outbox.toArray()).map((i) => [i.kind, i.body])).toEqual([
      [
        'mergeIncidents',
        {
          incidentIds: ['1001', '1002'],
          incidentComment: 'Same intrusion',
          mergeReasons: 'sameActor, sharedIndicators',
        },
      ],
    ]);
    await h.service.now();
    await h.service.now();
    expect(h.server.mergeCalls()).toHaveLength(1);
    expect(h.server.incidents.get('1002')).toMatchObject({
      status: 'redirected',
      redirectIncidentId: '1001',
    });
    expect(h.server.alerts.get('da63851_0')?.incidentId).toBe('1001');
    expect((await h.db.moves.get(r.token))?.sync).toBe('synced');
    // The pull that follows leaves the merge as it is.
    expect((await h.db.incidents.get('1002'))?.status).toBe('redirected');
    expect((await h.db.alerts.get('da63851_0'))?.incidentId).toBe('1001');
    // Defender has no unmerge: once sent, Undo is refused with a sentence.
    await expect(undoMerge(h.db, r.token, ctx())).rejects.toThrow(/can’t unmerge incidents/);
  });

  it('follows the service when it keeps the other incident, in one step the activity log explains', async () => {
    await connected();
    // Defender has a third alert in 1002 that this store has not pulled yet: it keeps 1002, this store chose 1001.
    h.server.alerts.set('da-late', { ...structuredClone(h.server.alerts.get('da63851_0')!), id: 'da-late' });
    const r = await merge({ incidentIds: ['1001', '1002'] });
    expect(r.survivorId).toBe('1001');
    await h.service.now();

    expect(h.server.mergeCalls()).toHaveLength(1);
    expect(h.server.incidents.get('1001')).toMatchObject({
      status: 'redirected',
      redirectIncidentId: '1002',
    });
    const [i1001, i1002] = await h.db.incidents.bulkGet(['1001', '1002']);
    expect(i1001).toMatchObject({ status: 'redirected', redirectIncidentId: '1002', alertCount: 0 });
    expect(i1002).toMatchObject({ status: 'active', redirectIncidentId: null });
    const inLocal = (await h.db.alerts.toArray()).filter((a) =>
      ['da63850_0', 'da63850_1', 'da63851_0', 'da63851_1'].includes(a.id),
    );
    expect(inLocal.map((a) => a.incidentId)).toEqual(['1002', '1002', '1002', '1002']);
    expect(i1002!.alertCount).toBe(await h.db.alerts.where('incidentId').equals('1002').count());
    const record = await h.db.moves.get(r.token);
    expect(record).toMatchObject({
      sync: 'synced',
      destinationIncidentId: '1002',
      merge: { survivorId: '1002' },
    });
    const said = (await activityOf('1002')).find((e) => e.comment.startsWith('Microsoft Defender kept'));
    expect(said?.comment).toBe(
      'Microsoft Defender kept incident 1002 rather than incident 1001 when it merged them, so the alerts are in incident 1002 here too.',
    );
    expect((await activityOf('1001')).some((e) => e.kind === 'mergedInto' && e.toIncidentId === '1002')).toBe(
      true,
    );
  });

  it('rolls a refused merge back here, and says why', async () => {
    await connected();
    // Someone set different classifications in the portal since the last pull: Defender refuses the merge.
    h.server.update('1001', { classification: 'truePositive' });
    h.server.update('1002', { classification: 'falsePositive' });
    const before = await h.db.alerts.toArray();
    const r = await merge({ incidentIds: ['1001', '1002'] });
    await expect(h.service.now()).resolves.toBeDefined();

    expect(h.server.mergeCalls()).toHaveLength(1);
    const record = await h.db.moves.get(r.token);
    expect(record?.sync).toBe('failed');
    expect(record?.syncError).toMatch(/different values of classification/);
    expect((await h.db.alerts.toArray()).map((a) => [a.id, a.incidentId])).toEqual(
      before.map((a) => [a.id, a.incidentId]),
    );
    expect(await h.db.incidents.get('1002')).toMatchObject({ status: 'active', alertCount: 2 });
    expect((await h.db.incidents.get('1002'))?.systemTags ?? []).not.toContain('Redirected');
    const rolled = (await activityOf('1002')).filter((e) => e.kind === 'syncRollback');
    expect(rolled).toHaveLength(1);
    expect(rolled[0]!.comment).toMatch(/^Microsoft Defender refused this merge, so it was rolled back here:/);
    await expect(undoMerge(h.db, r.token, ctx())).rejects.toBeInstanceOf(MoverError);
  });
});
