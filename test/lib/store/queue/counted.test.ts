/**
 * Counted plans (status and severity over a bucketed time) read their counts and deep windows through the
 * counters: for random stores (ties, odd time strings, records on day boundaries), random filters, both sorts and
 * both directions, every count and every window equals a full sort-and-filter of the records.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '@/lib/model';
import { toStoredAlert } from '@/lib/model/derive';
import { DEFAULT_FILTERS, type QueueFilters } from '@/lib/store/queue/filters';
import { planAlerts } from '@/lib/store/queue/plan';
import { countQueue, readIds, readWindow, ScanCache } from '@/lib/store/queue/read';
import { deleteDbs, freshDb, ids, NOW, reference } from './fixtures';

afterEach(deleteDbs);

// Times around the edges of the default ranges (7 and 30 days before NOW), exact day strings, ties, a time
// without milliseconds, a short string and text that is not a time at all.
const TIMES = [
  '2026-11-23T11:59:59.999Z',
  '2026-11-23T12:00:00.000Z',
  '2026-11-23T12:00:00Z',
  '2026-11-23T23:59:59.999Z',
  '2026-11-24',
  '2026-11-24T00:00:00.000Z',
  '2026-11-27T08:00:00.000Z',
  '2026-11-30T11:00:00.000Z',
  '2026-11-30T23:00:00.000Z',
  '2026-10-31T12:00:00.000Z',
  '2026-10-31T13:00:00.000Z',
  '2026-06-01T00:00:00.000Z',
  '2026',
  'not a time',
];
const STATUSES = ['new', 'inProgress', 'resolved', 'unknownFutureValue'];
const SEVERITIES = ['high', 'medium', 'low', 'informational'];

const recordArb = fc.record({
  last: fc.constantFrom(...TIMES),
  created: fc.constantFrom(...TIMES),
  status: fc.constantFrom(...STATUSES),
  severity: fc.constantFrom(...SEVERITIES),
});
const filterArb = fc.record({
  status: fc.subarray(STATUSES),
  severity: fc.subarray(SEVERITIES),
  range: fc.constantFrom('7d', '30d', '6m', 'custom'),
  from: fc.constantFrom('', '2026-11-23', '2026-11-24'),
  to: fc.constantFrom('', '2026-11-27', '2026-11-30'),
  sort: fc.constantFrom('lastActivity', 'created'),
  dir: fc.constantFrom('asc', 'desc'),
});

describe('counted queues', () => {
  it('count and page exactly like a full sort-and-filter, at every offset', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordArb, { minLength: 30, maxLength: 200 }),
        fc.array(filterArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 17 }),
        async (records, filters, page) => {
          const db = freshDb();
          const alerts = records.map((r, i) =>
            toStoredAlert(
              {
                id: `da${String(i).padStart(4, '0')}`,
                incidentId: '1',
                title: `Alert ${i}`,
                status: r.status,
                severity: r.severity,
                createdDateTime: r.created,
                lastActivityDateTime: r.last,
              },
              NOW,
            ),
          );
          await db.alerts.bulkAdd(alerts);
          for (const f of filters) {
            const plan = planAlerts({ ...DEFAULT_FILTERS.alerts, ...f } as QueueFilters, {
              profile: DEFAULT_PROFILE,
              now: NOW,
            });
            expect(plan.counted).toBeDefined();
            const want = reference(alerts, plan);
            const cache = new ScanCache(plan.key);
            const count = await countQueue(db, plan, { cache });
            expect(count, JSON.stringify(f)).toMatchObject({ total: want.length, scanned: false });
            for (let offset = 0; offset <= want.length; offset += page) {
              expect(
                ids(await readWindow(db, plan, offset, page, { cache })),
                `${JSON.stringify(f)} @${offset}`,
              ).toEqual(ids(want.slice(offset, offset + page)));
              // Without the cache (a fresh view) too.
              expect(ids(await readWindow(db, plan, offset, page))).toEqual(
                ids(want.slice(offset, offset + page)),
              );
            }
            expect(await readIds(db, plan, 1, 1 + page)).toEqual(ids(want.slice(1, 1 + page)));
            checked += want.length;
          }
          db.close();
        },
      ),
      { numRuns: 25 },
    );
    expect(checked).toBeGreaterThan(200);
  }, 120_000);
});
