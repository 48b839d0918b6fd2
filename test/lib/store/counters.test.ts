/**
 * The counters (lib/store/counters.ts) never disagree with the records: after every step of random sequences of
 * moves, undos, merges, unmerges, imports, sync pulls, provisional-id renames, partly failing bulk writes, aborted
 * transactions and clears, the stored counters equal a recount of every alert and incident, and the incident cards
 * (lib/store/cards.ts) equal the cards of the stored incidents.
 */
import { readFileSync } from 'node:fs';
import Dexie from 'dexie';
import fc from 'fast-check';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { parseImport, writeImport } from '@/lib/data/import';
import { replaceIncidentId } from '@/lib/graph/provisional-ids';
import { prepareIncidents } from '@/lib/graph/pull';
import { mergeIncidents, undoMerge } from '@/lib/merge';
import { DEFAULT_PROFILE } from '@/lib/model';
import { type MoveContext, moveAlerts, undoMove } from '@/lib/move';
import { cardOf } from '@/lib/store/cards';
import { COUNTER_MEMORY, COUNTERS_TABLE, type CounterRow, expectedCounters } from '@/lib/store/counters';
import { MoverDB } from '@/lib/store/db';
import { clearStore } from '@/lib/store/lifecycle';

const dbs: MoverDB[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});

const sorted = (rows: CounterRow[]) =>
  rows.map((r) => JSON.stringify([r.k, r.n])).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

async function expectCountersAgree(db: MoverDB, step: string) {
  const [stored, alerts, incidents] = await Promise.all([
    db.table<CounterRow>(COUNTERS_TABLE).toArray(),
    db.alerts.toArray(),
    db.incidents.toArray(),
  ]);
  expect(sorted(stored), step).toEqual(sorted(expectedCounters({ alerts, incidents })));
  // The cards are kept by the same kind of middleware, through the same writes.
  expect(await db.cards.toArray(), `${step}: cards`).toEqual(incidents.map((i) => cardOf(i)));
}

const STATUSES = ['new', 'inProgress', 'resolved', 'unknown', 'someFutureStatus'] as const;
const SEVERITIES = ['high', 'medium', 'low', 'informational', 'unknown'] as const;
const DAYS = ['2026-11-01', '2026-11-02', '2026-11-29', '2026-11-30'] as const;

const alertArb = fc.record({
  n: fc.nat(14),
  incident: fc.nat(5),
  status: fc.constantFrom(...STATUSES),
  severity: fc.constantFrom(...SEVERITIES),
  day: fc.constantFrom(...DAYS),
  hour: fc.nat(23),
});
type AlertSpec = typeof alertArb extends fc.Arbitrary<infer T> ? T : never;

/** A Graph body (`{value:[incidents with alerts]}`) as an export or a pull page would carry it. */
function graphBody(specs: AlertSpec[], incidentStatus: string) {
  const byIncident = new Map<string, AlertSpec[]>();
  for (const s of specs) {
    const id = String(100 + s.incident);
    byIncident.set(id, [...(byIncident.get(id) ?? []).filter((x) => x.n !== s.n), s]);
  }
  // One alert id lives in one incident of a file.
  const seen = new Set<number>();
  return {
    value: [...byIncident].map(([id, alerts]) => ({
      id,
      displayName: `Incident ${id}`,
      status: incidentStatus,
      severity: alerts[0]!.severity,
      createdDateTime: `${alerts[0]!.day}T00:00:00Z`,
      lastUpdateDateTime: `${alerts[0]!.day}T${String(alerts[0]!.hour).padStart(2, '0')}:30:00Z`,
      alerts: alerts
        .filter((a) => !seen.has(a.n) && seen.add(a.n))
        .map((a) => ({
          id: `da${a.n}`,
          incidentId: id,
          title: `Alert ${a.n}`,
          status: a.status,
          severity: a.severity,
          serviceSource: 'microsoftDefenderForEndpoint',
          createdDateTime: `${a.day}T00:00:00Z`,
          lastActivityDateTime: `${a.day}T${String(a.hour).padStart(2, '0')}:00:00Z`,
          evidence: [],
        })),
    })),
  };
}

const stepArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('import' as const),
      alerts: fc.array(alertArb, { minLength: 1, maxLength: 8 }),
      status: fc.constantFrom('active', 'inProgress', 'resolved'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('sync' as const),
      alerts: fc.array(alertArb, { minLength: 1, maxLength: 6 }),
      status: fc.constantFrom('active', 'resolved'),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      picks: fc.uniqueArray(fc.nat(14), { minLength: 1, maxLength: 4 }),
      target: fc.option(fc.nat(5)),
      thenUndo: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('undo' as const), back: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), incident: fc.nat(5) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('merge' as const),
      picks: fc.uniqueArray(fc.nat(5), { minLength: 2, maxLength: 3 }),
      thenUndo: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('partial' as const), alert: alertArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('aborted' as const), alert: alertArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), n: fc.nat(14) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('counters', () => {
  it('equal a recount of every record (and the cards every incident’s card) after random moves, undos, merges, imports, syncs, renames, failed writes and clears', async () => {
    let run = 0;
    const done = { move: 0, undo: 0, rename: 0, merge: 0, unmerge: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 4, maxLength: 14 }), async (steps) => {
        const db = new MoverDB(`counters-${++run}-${crypto.randomUUID()}`);
        dbs.push(db);
        let clock = 0;
        let tokens = 0;
        const ctx: MoveContext = {
          actor: { displayName: 'Ann', upn: 'ann@contoso.com' },
          profile: DEFAULT_PROFILE,
          now: () => new Date(Date.parse('2026-12-01T00:00:00Z') + ++clock * 60_000).toISOString(),
          newToken: () => `t${++tokens}`,
        };
        const moves: string[] = [];
        for (const [i, step] of steps.entries()) {
          const label = `step ${i}: ${JSON.stringify(step)}`;
          // Steps the store refuses (a conflict, nothing to move) must leave the counters as they were too.
          await (async () => {
            switch (step.kind) {
              case 'import': {
                const parsed = parseImport(JSON.stringify(graphBody(step.alerts, step.status)));
                if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
                await writeImport(db, parsed.data, { now: ctx.now(), batchSize: 3 });
                return;
              }
              case 'sync': {
                const parsed = parseImport(JSON.stringify(graphBody(step.alerts, step.status)));
                if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
                const incidents = await prepareIncidents(db, parsed.data.incidents);
                await writeImport(db, { incidents, activity: [] }, { now: ctx.now(), origin: 'graph' });
                return;
              }
              case 'move': {
                const target =
                  step.target === null
                    ? { kind: 'new' as const }
                    : { kind: 'existing' as const, incidentId: String(100 + step.target) };
                const ids = (await db.alerts.toCollection().primaryKeys()) as string[];
                if (!ids.length) return;
                const alertIds = [...new Set(step.picks.map((n) => ids[n % ids.length]!))];
                const r = await moveAlerts(db, { alertIds, target, comment: 'Counted.', reasons: [] }, ctx);
                moves.push(r.undoToken);
                done.move++;
                if (step.thenUndo) {
                  await expectCountersAgree(db, `${label} (moved)`);
                  await undoMove(db, r.undoToken, ctx);
                  done.undo++;
                }
                return;
              }
              case 'undo': {
                const token = moves.at(-1 - step.back);
                if (token) await undoMove(db, token, ctx).then(() => done.undo++);
                return;
              }
              case 'rename': {
                const from = String(100 + step.incident);
                await db.transaction('rw', [db.incidents, db.alerts, db.activity, db.moves, db.outbox], () =>
                  replaceIncidentId(db, from, `9${from}`),
                );
                done.rename++;
                return;
              }
              case 'merge': {
                // Incidents a merge may take (not resolved or merged away).
                const open = (await db.incidents.toArray())
                  .filter((i) => i.status !== 'resolved' && i.status !== 'redirected')
                  .map((i) => i.id);
                const incidentIds = [...new Set(step.picks.map((n) => open[n % (open.length || 1)]!))];
                if (incidentIds.length < 2) return;
                const r = await mergeIncidents(
                  db,
                  {
                    incidentIds,
                    comment: 'Same attack.',
                    reasons: [],
                  },
                  ctx,
                );
                done.merge++;
                if (step.thenUndo) {
                  await expectCountersAgree(db, `${label} (merged)`);
                  await undoMerge(db, r.token, ctx);
                  done.unmerge++;
                }
                return;
              }
              case 'partial': {
                // A bulk add where one record already exists: the others are written, the duplicate is not.
                const existing = (await db.alerts.toCollection().first()) ?? null;
                const fresh = graphBody([step.alert], 'active').value[0]!.alerts[0]!;
                const rows = [
                  { ...fresh, id: `px${clock++}`, incidentId: '100' },
                  ...(existing ? [{ ...existing, status: 'resolved' }] : []),
                ];
                await db.alerts.bulkAdd(rows as never).catch(() => undefined);
                return;
              }
              case 'aborted': {
                const fresh = graphBody([step.alert], 'active').value[0]!.alerts[0]!;
                await db
                  .transaction('rw', db.alerts, async () => {
                    await db.alerts.put({ ...fresh, id: `ab${clock++}` } as never);
                    throw new Error('changed my mind');
                  })
                  .catch(() => undefined);
                return;
              }
              case 'delete':
                await db.alerts.where('id').equals(`da${step.n}`).delete();
                return;
              case 'clear':
                await clearStore(db, () => 'store');
                return;
            }
          })().catch((e: unknown) => {
            // Refusals in words are expected (nothing to move, a conflict); anything else is a failure.
            if (!(e instanceof Error) || !('code' in e)) throw e;
          });
          await expectCountersAgree(db, label);
        }
        db.close();
      }),
      { numRuns: 80 },
    );
    // The sequences did what they say: moves, undos and renames went through, not only refusals.
    expect(done.move).toBeGreaterThan(20);
    expect(done.undo).toBeGreaterThan(5);
    expect(done.rename).toBeGreaterThan(5);
    expect(done.merge).toBeGreaterThan(5);
    expect(done.unmerge).toBeGreaterThan(2);
  }, 120_000);

  it('are kept by table writes outside any explicit transaction, and by modify()', async () => {
    const db = new MoverDB(`counters-${crypto.randomUUID()}`);
    dbs.push(db);
    const body = graphBody(
      [
        { n: 1, incident: 0, status: 'new', severity: 'high', day: '2026-11-30', hour: 3 },
        { n: 2, incident: 0, status: 'inProgress', severity: 'low', day: '2026-11-29', hour: 4 },
      ],
      'active',
    );
    const parsed = parseImport(JSON.stringify(body));
    if (!parsed.ok) throw new Error('bad fixture');
    await writeImport(db, parsed.data, { now: '2026-12-01T00:00:00Z' });
    await expectCountersAgree(db, 'import');
    await db.alerts.update('da1', { status: 'resolved' });
    await expectCountersAgree(db, 'update');
    await db.alerts.toCollection().modify({ severity: 'medium' });
    await expectCountersAgree(db, 'modify');
    const rows = await db.table<CounterRow>(COUNTERS_TABLE).toArray();
    expect(rows).toContainEqual({
      k: ['alerts', 'lastActivityDateTime', 10, 'resolved', 'medium', '2026-11-30'],
      n: 1,
    });
    expect(rows).toContainEqual({
      k: ['alerts', 'lastActivityDateTime', 13, 'resolved', 'medium', '2026-11-30T03'],
      n: 1,
    });
    await db.alerts.clear();
    expect((await db.table<CounterRow>(COUNTERS_TABLE).toArray()).every((r) => r.k[0] === 'incidents')).toBe(
      true,
    );
  });

  it.each([COUNTER_MEMORY.perTable, 1])(
    'stay right when a transaction changes a record it read before putting it back, reads it again, deletes it or writes it twice (at most %i records remembered per table)',
    async (limit) => {
      const before = COUNTER_MEMORY.perTable;
      COUNTER_MEMORY.perTable = limit;
      onTestFinished(() => {
        COUNTER_MEMORY.perTable = before;
      });
      const db = new MoverDB(`counters-${crypto.randomUUID()}`);
      dbs.push(db);
      const body = graphBody(
        [
          { n: 1, incident: 0, status: 'new', severity: 'high', day: '2026-11-30', hour: 3 },
          { n: 2, incident: 0, status: 'inProgress', severity: 'low', day: '2026-11-29', hour: 4 },
          { n: 3, incident: 0, status: 'new', severity: 'low', day: '2026-11-01', hour: 5 },
        ],
        'active',
      );
      const parsed = parseImport(JSON.stringify(body));
      if (!parsed.ok) throw new Error('bad fixture');
      await writeImport(db, parsed.data, { now: '2026-12-01T00:00:00Z' });
      await db.transaction('rw', db.alerts, async () => {
        // Read, changed in place (the remembered keys must be those of the stored record), put back.
        const [one, two] = await db.alerts.bulkGet(['da1', 'da2']);
        one!.status = 'resolved';
        one!.lastActivityDateTime = '2026-11-02T10:00:00Z';
        await db.alerts.bulkPut([one!]);
        // Written twice in one transaction: the second write replaces the first one's counts.
        two!.severity = 'high';
        await db.alerts.put(two!);
        two!.severity = 'medium';
        await db.alerts.put(two!);
        // Read again after the write, then deleted.
        const again = await db.alerts.get('da1');
        expect(again?.status).toBe('resolved');
        await db.alerts.delete('da1');
        // Deleted, then put back under the same id.
        await db.alerts.put({ ...again!, status: 'new' });
        await db.alerts.where('id').equals('da3').delete();
      });
      await expectCountersAgree(db, 'after the transaction');
      expect((await db.alerts.get('da1'))?.status).toBe('new');
      expect(await db.alerts.get('da3')).toBeUndefined();
    },
  );

  it('are counted from scratch when a store made before them (schema version 2) opens', async () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../../fixtures/store/v2.json', import.meta.url), 'utf8'),
    ) as { version: number; stores: Record<string, string>; tables: Record<string, object[]> };
    const name = `counters-v2-${crypto.randomUUID()}`;
    const old = new Dexie(name);
    old.version(fixture.version).stores(fixture.stores);
    await old.transaction('rw', old.tables, async () => {
      for (const [table, records] of Object.entries(fixture.tables)) await old.table(table).bulkAdd(records);
    });
    old.close();
    const db = new MoverDB(name);
    dbs.push(db);
    await expectCountersAgree(db, 'upgraded');
    expect(await db.table(COUNTERS_TABLE).count()).toBeGreaterThan(10);
  });
});
