import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Incident } from '@/lib/model';
import { toStoredIncident } from '@/lib/model/derive';
import { MoverDB } from '@/lib/store/db';
import { type CatalogRow, IncidentCatalog, incidentCatalog } from '@/lib/store/incident-catalog';

const incident = (
  id: string,
  displayName: string,
  updated: string,
  extra: Partial<Incident> = {},
): Incident => ({
  ...toStoredIncident(
    {
      id,
      displayName,
      status: 'active',
      severity: 'low',
      createdDateTime: updated,
      lastUpdateDateTime: updated,
    },
    [],
    updated,
  ),
  ...extra,
});

let db: MoverDB;
beforeEach(async () => {
  db = new MoverDB(`t-${crypto.randomUUID()}`);
  await db.incidents.bulkAdd([
    incident('1', 'Oldest', '2026-01-01T00:00:00Z'),
    incident('2', 'Middle', '2026-01-02T00:00:00Z', { scopes: ['Servers'] }),
    incident('3', 'Newest', '2026-01-03T00:00:00Z'),
  ]);
});
afterEach(() => db.close());

/** Subscribes and returns a getter for the latest rows. */
function watch(catalog: IncidentCatalog) {
  let latest: readonly CatalogRow[] | undefined;
  const stop = catalog.subscribe((rows) => {
    latest = rows;
  });
  return { rows: () => latest, ids: () => latest?.map((r) => r.id), stop };
}

describe('the incident catalog', () => {
  it('lists every incident, most recently updated first, with only what the search needs', async () => {
    const w = watch(new IncidentCatalog(db));
    await vi.waitFor(() => expect(w.ids()).toEqual(['3', '2', '1']));
    expect(w.rows()?.[1]).toEqual({
      id: '2',
      displayName: 'Middle',
      status: 'active',
      severity: 'low',
      redirectIncidentId: null,
      scopes: ['Servers'],
      lastUpdateDateTime: '2026-01-02T00:00:00Z',
    });
    w.stop();
  });

  it('shows new, renamed and redirected incidents live', async () => {
    const w = watch(new IncidentCatalog(db));
    await vi.waitFor(() => expect(w.ids()).toEqual(['3', '2', '1']));
    await db.incidents.add(incident('4', 'Created by a move', '2026-01-04T00:00:00Z'));
    await vi.waitFor(() => expect(w.ids()).toEqual(['4', '3', '2', '1']));
    await db.incidents.update('1', { displayName: 'Renamed', lastUpdateDateTime: '2026-01-05T00:00:00Z' });
    await vi.waitFor(() => expect(w.ids()).toEqual(['1', '4', '3', '2']));
    expect(w.rows()?.[0]?.displayName).toBe('Renamed');
    await db.incidents.update('2', {
      status: 'redirected',
      redirectIncidentId: '3',
      lastUpdateDateTime: '2026-01-06T00:00:00Z',
    });
    await vi.waitFor(() =>
      expect(w.rows()?.[0]).toMatchObject({ id: '2', status: 'redirected', redirectIncidentId: '3' }),
    );
    w.stop();
  });

  it('notices deletions and a cleared store, and records imported with older dates', async () => {
    const w = watch(new IncidentCatalog(db));
    await vi.waitFor(() => expect(w.ids()).toHaveLength(3));
    await db.incidents.delete('2');
    await vi.waitFor(() => expect(w.ids()).toEqual(['3', '1']));
    await db.incidents.add(incident('0', 'Imported, older than everything', '2025-06-01T00:00:00Z'));
    await vi.waitFor(() => expect(w.ids()).toEqual(['3', '1', '0']));
    await db.incidents.clear();
    await vi.waitFor(() => expect(w.ids()).toEqual([]));
    w.stop();
  });

  it('is shared per database: a second flyout gets the rows at once and catches up after a pause', async () => {
    const first = watch(incidentCatalog(db));
    await vi.waitFor(() => expect(first.ids()).toHaveLength(3));
    first.stop();
    // Nobody watching: a change happens, then a flyout opens again.
    await db.incidents.add(incident('5', 'While closed', '2026-02-01T00:00:00Z'));
    expect(
      incidentCatalog(db)
        .current()
        ?.map((r) => r.id),
    ).toEqual(['3', '2', '1']);
    const second = watch(incidentCatalog(db));
    expect(second.ids()).toEqual(['3', '2', '1']);
    await vi.waitFor(() => expect(second.ids()).toEqual(['5', '3', '2', '1']));
    second.stop();
  });
});
