import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertEntity } from '@/lib/model/entities';
import {
  type CandidateIncident,
  RARE_MAX_INCIDENTS,
  rankIncidents,
  type SelectionFacts,
  whySentence,
} from '@/lib/suggest/rank';

const H = 3600_000;
const entity = (key: string, label = key.slice(key.indexOf(':') + 1)): AlertEntity => ({
  key,
  kind: key.slice(0, key.indexOf(':')) as AlertEntity['kind'],
  label,
});
const selection = (keys: string[], extra: Partial<SelectionFacts> = {}): SelectionFacts => ({
  incidentIds: new Set(['src']),
  entities: keys.map((k) => entity(k)),
  window: { first: 100 * H, last: 100 * H },
  categories: new Set(),
  ...extra,
});
const incident = (
  id: string,
  entities: string[],
  extra: Partial<CandidateIncident> = {},
): CandidateIncident => ({
  id,
  displayName: `Incident ${id}`,
  severity: 'high',
  status: 'active',
  entities,
  ...extra,
});

/** Ranks `candidates` in a store that also holds `src` (the selection's incident) and `others` unrelated incidents. */
function rank(sel: SelectionFacts, candidates: CandidateIncident[], others = 20) {
  const all = [
    incident(
      'src',
      sel.entities.map((e) => e.key),
    ),
    ...candidates,
  ];
  const df = (k: string) => all.filter((c) => c.entities.includes(k)).length;
  return rankIncidents({
    selection: sel,
    candidates,
    incidentsHolding: df,
    incidentCount: all.length + others,
  });
}
const ids = (list: { incidentId: string }[]) => list.map((s) => s.incidentId);

describe('ranking suggested incidents', () => {
  it.each([
    {
      name: 'a rare device beats two common ones',
      sel: ['device:ws1', 'device:dc1', 'ip:proxy'],
      candidates: [incident('A', ['device:ws1']), incident('B', ['device:dc1', 'ip:proxy'])],
      common: ['device:dc1', 'ip:proxy'],
      want: ['A'],
    },
    {
      name: 'the entity seen in fewer incidents weighs more',
      sel: ['file:h1', 'user:u1'],
      candidates: [incident('A', ['user:u1']), incident('B', ['file:h1']), incident('C', ['user:u1'])],
      want: ['B', 'A', 'C'],
    },
    {
      name: 'on a tie, the incident nearer in time first',
      sel: ['user:u1'],
      candidates: [
        incident('far', ['user:u1'], { window: { first: 10 * H, last: 20 * H } }),
        incident('near', ['user:u1'], { window: { first: 90 * H, last: 98 * H } }),
      ],
      want: ['near', 'far'],
    },
    {
      name: 'time never outweighs a rarer shared entity',
      sel: ['user:u1', 'file:h1'],
      candidates: [
        incident('near', ['user:u1'], { window: { first: 99 * H, last: 100 * H } }),
        incident('far', ['user:u1', 'file:h1'], { window: { first: 1 * H, last: 2 * H } }),
      ],
      want: ['far', 'near'],
    },
    {
      name: 'the current, resolved and redirected incidents are never suggested',
      sel: ['device:ws1'],
      candidates: [
        incident('src', ['device:ws1']),
        incident('R', ['device:ws1'], { status: 'resolved' }),
        incident('X', ['device:ws1'], { status: 'redirected' }),
        incident('ok', ['device:ws1'], { status: 'inProgress' }),
      ],
      want: ['ok'],
    },
    {
      name: 'nothing shared but common entities: nothing suggested',
      sel: ['device:dc1'],
      candidates: [incident('A', ['device:dc1']), incident('B', ['device:dc1'])],
      common: ['device:dc1'],
      want: [],
    },
  ])('$name', ({ sel, candidates, common = [], want }) => {
    // Common entities are held by many unrelated incidents too.
    const crowd = Array.from({ length: 30 }, (_, i) => incident(`crowd${i}`, common));
    const s = selection(sel);
    const all = [incident('src', sel), ...candidates, ...crowd];
    const df = (k: string) => all.filter((c) => c.entities.includes(k)).length;
    const out = rankIncidents({
      selection: s,
      candidates: [...candidates, ...crowd],
      incidentsHolding: df,
      incidentCount: all.length,
    });
    expect(ids(out).filter((id) => !id.startsWith('crowd'))).toEqual(want);
    expect(ids(out).some((id) => id.startsWith('crowd'))).toBe(false);
  });

  it('an entity held by more than RARE_MAX_INCIDENTS incidents weighs nothing', () => {
    const s = selection(['ip:proxy', 'user:u1']);
    const out = rankIncidents({
      selection: s,
      candidates: [incident('A', ['user:u1']), incident('B', ['ip:proxy', 'user:u1'])],
      incidentsHolding: (k) => (k === 'ip:proxy' ? RARE_MAX_INCIDENTS + 1 : 3),
      incidentCount: 10_000,
    });
    expect(out.map((s) => s.score)).toEqual([1 / 3, 1 / 3]);
    // The common one breaks no tie either (B holds it, yet the order is by id) and is not named.
    expect(ids(out)).toEqual(['A', 'B']);
    expect(out.map((s) => s.shared.map((e) => e.key))).toEqual([['user:u1'], ['user:u1']]);
  });

  it('says why in one sentence and pre-selects the fitting Graph reasons', () => {
    const s = selection(['device:abc', 'file:3a7f00000000c2', 'ip:1.2.3.4'], {
      categories: new Set(['Execution']),
    });
    s.entities = [
      entity('device:abc', 'fin-ws-0303'),
      entity('file:3a7f00000000c2', '3a7f…c2'),
      entity('ip:1.2.3.4'),
    ];
    const [top] = rank(s, [
      incident('A', ['device:abc', 'file:3a7f00000000c2'], {
        window: { first: 90 * H, last: 98 * H },
        categories: ['Execution'],
      }),
    ]);
    expect(top!.why).toBe('shares device fin-ws-0303 and file 3a7f…c2; 2 h after its last alert');
    expect(top!.reasons).toEqual([
      'sameAsset',
      'sharedIndicators',
      'temporalProximity',
      'similarTTPsOrBehavior',
    ]);
    expect(whySentence({ ...top!, relation: 'during', gapMs: 0 })).toBe(
      'shares device fin-ws-0303 and file 3a7f…c2; while its alerts were active',
    );
    expect(whySentence({ ...top!, relation: 'before', gapMs: 3 * 24 * H })).toMatch(
      /; 3 d before its first alert$/,
    );
  });

  it('a selection with no entities gets no suggestions', () => {
    expect(rank(selection([]), [incident('A', ['device:x'])])).toEqual([]);
  });
});

describe('ranking properties', () => {
  const KEYS = Array.from({ length: 12 }, (_, i) => `device:k${i}`);
  const world = fc.record({
    selected: fc.subarray(KEYS, { minLength: 1 }),
    incidents: fc.array(fc.record({ keys: fc.subarray(KEYS), hours: fc.integer({ min: 0, max: 200 }) }), {
      minLength: 1,
      maxLength: 25,
    }),
    unrelated: fc.integer({ min: 0, max: 500 }),
  });
  const build = (w: {
    selected: string[];
    incidents: { keys: string[]; hours: number }[];
    unrelated: number;
  }) => {
    const s = selection(w.selected);
    const candidates = w.incidents.map((x, i) =>
      incident(`i${String(i).padStart(3, '0')}`, x.keys, {
        window: { first: x.hours * H, last: x.hours * H },
      }),
    );
    const all = [incident('src', w.selected), ...candidates];
    const df = (k: string) => all.filter((c) => c.entities.includes(k)).length;
    return { s, candidates, df, count: all.length + w.unrelated };
  };

  it('adding an unrelated incident never changes the order of the others', () => {
    fc.assert(
      fc.property(world, fc.integer({ min: 1, max: 1000 }), (w, added) => {
        const { s, candidates, df, count } = build(w);
        const before = ids(
          rankIncidents({ selection: s, candidates, incidentsHolding: df, incidentCount: count }),
        );
        const withUnrelated = [...candidates, incident('zz-unrelated', ['device:elsewhere'])];
        const after = ids(
          rankIncidents({
            selection: s,
            candidates: withUnrelated,
            incidentsHolding: df,
            incidentCount: count + added,
          }),
        );
        const kept = after.filter((id) => before.includes(id));
        expect(kept).toEqual(before);
        expect(after).not.toContain('zz-unrelated');
      }),
    );
  });

  it('a candidate that shares strictly more rare entities never ranks lower', () => {
    fc.assert(
      fc.property(world, fc.nat(), fc.nat(), (w, pick, extra) => {
        const { s, candidates, df, count } = build(w);
        const base = candidates[pick % candidates.length]!;
        const shared = new Set(base.entities.filter((k) => w.selected.includes(k)));
        const missing = w.selected.filter((k) => !shared.has(k));
        fc.pre(missing.length > 0);
        // A superset of the base's shared keys, at any time.
        const superset = incident('zz-superset', [...base.entities, missing[extra % missing.length]!], {
          window: { first: (extra % 300) * H, last: (extra % 300) * H },
        });
        const all = [...candidates, superset];
        const dfWith = (k: string) => df(k) + (superset.entities.includes(k) ? 1 : 0);
        const order = ids(
          rankIncidents({
            selection: s,
            candidates: all,
            incidentsHolding: dfWith,
            incidentCount: count + 1,
          }),
        );
        if (order.includes(base.id))
          expect(order.indexOf('zz-superset')).toBeLessThan(order.indexOf(base.id));
      }),
    );
  });
});
