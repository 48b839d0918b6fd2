/**
 * Every released schema version, as a browser may still hold it, opens with the current MoverDB: the
 * fixtures in test/fixtures/store/ (made once per version by scripts/make-store-fixture.mjs) carry their
 * records and their own schema, so the old database is rebuilt from the fixture, not from today's code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import Dexie, { cmp, type IndexableType, type IndexSpec, type Table } from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '@/lib/model';
import { type IncidentSummary, summarize } from '@/lib/model/derive';
import { entityKeysOf } from '@/lib/model/entities';
import { cardOf } from '@/lib/store/cards';
import { expectedCounters } from '@/lib/store/counters';
import { MoverDB } from '@/lib/store/db';
import { MIGRATIONS, recomputeIncidentSummaries, schemaOf } from '@/lib/store/migrations';

type StoredRecord = Record<string, unknown>;
interface StoreFixture {
  version: number;
  /** The schema of that version, each table's index list as Dexie's `stores()` takes it. */
  stores: Record<string, string>;
  /** Every object store's records, in primary-key order. */
  tables: Record<string, StoredRecord[]>;
}

const FIXTURES = new URL('../../fixtures/store/', import.meta.url);
const fixtures: StoreFixture[] = readdirSync(FIXTURES)
  .filter((f) => /^v\d+\.json$/.test(f))
  .map((f) => JSON.parse(readFileSync(new URL(f, FIXTURES), 'utf8')) as StoreFixture)
  .sort((a, b) => a.version - b.version);
const LATEST = schemaOf().version;

const opened: Dexie[] = [];
const track = <T extends Dexie>(db: T): T => {
  opened.push(db);
  return db;
};
afterEach(async () => {
  for (const db of opened.splice(0)) db.close();
});

/** The database as the fixture's version of the extension left it, then closed. */
async function restore(fixture: StoreFixture): Promise<string> {
  const name = `v${fixture.version}-${crypto.randomUUID()}`;
  const old = new Dexie(name);
  old.version(fixture.version).stores(fixture.stores);
  await old.transaction('rw', old.tables, async () => {
    for (const [table, records] of Object.entries(fixture.tables)) await old.table(table).bulkAdd(records);
  });
  old.close();
  return name;
}

/** MoverDB as the next build would declare it: one version more, with `upgrade`. */
function nextBuild(name: string, upgrade?: Parameters<ReturnType<Dexie['version']>['upgrade']>[0]) {
  const db = new MoverDB(name);
  const version = db.version(LATEST + 1).stores({});
  if (upgrade) version.upgrade(upgrade);
  return track(db);
}

const isKey = (v: unknown): v is IndexableType =>
  typeof v === 'string' ||
  (typeof v === 'number' && !Number.isNaN(v)) ||
  (v instanceof Date && !Number.isNaN(v.getTime())) ||
  (Array.isArray(v) && v.every(isKey));

/** What an index over `records` must hold, as IndexedDB defines it: [key, primary key] pairs in order. */
function expectedEntries(
  records: StoredRecord[],
  primaryKey: string,
  index: IndexSpec,
  field: (record: StoredRecord, path: string) => unknown,
): [IndexableType, IndexableType][] {
  const out: [IndexableType, IndexableType][] = [];
  for (const record of records) {
    const pk = record[primaryKey] as IndexableType;
    const paths = index.keyPath;
    if (Array.isArray(paths)) {
      const key = paths.map((p) => field(record, p));
      if (isKey(key)) out.push([key, pk]);
    } else if (paths) {
      const value = field(record, paths);
      if (index.multi && Array.isArray(value)) {
        const keys = value.filter(isKey).sort(cmp);
        for (const [i, key] of keys.entries())
          if (i === 0 || cmp(key, keys[i - 1]) !== 0) out.push([key, pk]);
      } else if (isKey(value)) out.push([value, pk]);
    }
  }
  return out.sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
}

async function actualEntries(table: Table, index: IndexSpec): Promise<[IndexableType, IndexableType][]> {
  const out: [IndexableType, IndexableType][] = [];
  await table.orderBy(index.name).eachKey((key, cursor) => {
    out.push([key, cursor.primaryKey]);
  });
  return out;
}

/** Each incident's derived fields recomputed from the alerts that point at it. */
function summariesOf(alerts: readonly StoredRecord[]): Map<string, IncidentSummary> {
  const byIncident = new Map<string, Alert[]>();
  for (const a of alerts as unknown as Alert[])
    byIncident.set(a.incidentId, [...(byIncident.get(a.incidentId) ?? []), a]);
  return new Map([...byIncident].map(([id, list]) => [id, summarize(list)]));
}
const DERIVED = [
  'alertCount',
  'categories',
  'serviceSources',
  'detectionSources',
  'assets',
  'scopes',
  'entities',
  'tally',
];

/**
 * The fixture's records as the upgrades to the current version leave them. Version 2 adds each alert's
 * entity keys and recomputes every incident's derived fields (now with its entity keys); nothing else changes.
 */
function upgradedTables(fixture: StoreFixture): Record<string, StoredRecord[]> {
  const tables = upgradedRecords(fixture);
  // Version 6 writes every incident's card (lib/store/cards.ts).
  const cards: Record<string, StoredRecord[]> =
    fixture.version < 6
      ? { cards: (tables.incidents ?? []).map((i) => cardOf(i)) as unknown as StoredRecord[] }
      : {};
  // Version 5 counts the counters again, by hour as well as by day (lib/store/counters.ts).
  if (fixture.version >= 5 || !tables.counters) return { ...tables, ...cards };
  const counters = expectedCounters({ alerts: tables.alerts ?? [], incidents: tables.incidents ?? [] }).sort(
    (a, b) => cmp(a.k, b.k),
  ) as unknown as StoredRecord[];
  return { ...tables, counters, ...cards };
}

function upgradedRecords(fixture: StoreFixture): Record<string, StoredRecord[]> {
  if (fixture.version >= 2) return fixture.tables;
  const alerts = (fixture.tables.alerts ?? []).map((a) => ({
    ...a,
    entities: entityKeysOf(a as unknown as Alert),
  }));
  const summaries = summariesOf(alerts);
  const none = summarize([]);
  const incidents = (fixture.tables.incidents ?? []).map((incident) => {
    const { severity: _keep, ...derived } = summaries.get(incident.id as string) ?? none;
    return { ...incident, ...derived };
  });
  return { ...fixture.tables, alerts, incidents };
}

/**
 * Every index of every table answers exactly what its records say, the incidents' derived indexes
 * (`*categories`, `*scopes`…) what a recomputation from the alerts says; and the incidents hold those
 * recomputed fields.
 */
async function expectIndexesAgreeWithRecords(db: MoverDB) {
  const alerts = (await db.alerts.toArray()) as unknown as StoredRecord[];
  const summaries = summariesOf(alerts);
  const none = summarize([]);
  for (const table of db.tables) {
    const records = (await table.toArray()) as StoredRecord[];
    const primaryKey = table.schema.primKey.keyPath as string;
    const field = (record: StoredRecord, path: string) =>
      table.name === 'incidents' && DERIVED.includes(path)
        ? (summaries.get(record.id as string) ?? none)[path as keyof IncidentSummary]
        : record[path];
    expect(await table.toCollection().primaryKeys(), `${table.name} primary keys`).toEqual(
      records.map((r) => r[primaryKey]),
    );
    for (const index of table.schema.indexes) {
      const expected = expectedEntries(records, primaryKey, index, field);
      expect(await actualEntries(table, index), `${table.name}.${index.name}`).toEqual(expected);
      const keys = expected.map(([key]) => key).filter((k, i, all) => i === 0 || cmp(k, all[i - 1]) !== 0);
      for (const key of keys) {
        const want = expected.filter(([k]) => cmp(k, key) === 0).map(([, pk]) => pk);
        const got = await table.where(index.name).equals(key).primaryKeys();
        expect(got.sort(cmp), `${table.name} where ${index.name} = ${JSON.stringify(key)}`).toEqual(want);
      }
    }
  }
  for (const incident of (await db.incidents.toArray()) as unknown as StoredRecord[]) {
    const recomputed = summaries.get(incident.id as string) ?? none;
    for (const f of DERIVED)
      expect(incident[f], `incident ${incident.id} ${f}`).toEqual(recomputed[f as keyof IncidentSummary]);
  }
}

it('has a fixture of every schema version', () => {
  expect(fixtures.map((f) => f.version)).toEqual(MIGRATIONS.map((m) => m.version));
});

describe.each(fixtures)('a store left at schema version $version', (fixture) => {
  it('is the schema that version declared, which stays as it was released', () => {
    expect(Object.keys(fixture.tables).sort()).toEqual(Object.keys(fixture.stores).sort());
    expect(schemaOf(MIGRATIONS.filter((m) => m.version <= fixture.version)).stores).toEqual(fixture.stores);
  });

  it('opens with the current MoverDB: every record kept, every index right', async () => {
    const db = track(new MoverDB(await restore(fixture)));
    await db.open();
    expect(db.verno).toBe(LATEST);
    // How the upgrades rewrite records is said in upgradedTables.
    for (const [table, records] of Object.entries(upgradedTables(fixture)))
      expect(await db.table(table).toArray(), table).toEqual(records);
    await expectIndexesAgreeWithRecords(db);
  });
});

describe('version 2: entity keys', () => {
  const v1 = fixtures.find((f) => f.version === 1);
  if (!v1) throw new Error('test/fixtures/store/v1.json is missing');

  it('a v1 store gets every alert’s keys, and the entity index finds the incidents that hold a key', async () => {
    const db = track(new MoverDB(await restore(v1)));
    await db.open();
    const alerts = v1.tables.alerts as unknown as Alert[];
    const holders = new Map<string, Set<string>>();
    for (const a of alerts)
      for (const key of entityKeysOf(a)) holders.set(key, (holders.get(key) ?? new Set()).add(a.incidentId));
    // The fixture's evidence names devices, users, IPs, files, URLs and mailboxes.
    const kinds = new Set([...holders.keys()].map((k) => k.slice(0, k.indexOf(':'))));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['device', 'file', 'ip', 'user']));
    for (const [key, ids] of holders) {
      const found = await db.incidents.where('entities').equals(key).primaryKeys();
      expect(found.sort(), key).toEqual([...ids].sort());
    }
    for (const a of await db.alerts.toArray()) expect(a.entities).toEqual(entityKeysOf(a));
  });
});

describe('recomputeIncidentSummaries', () => {
  const [v1] = fixtures;
  if (!v1) throw new Error('test/fixtures/store/v1.json is missing');
  const upgradedIncidents = upgradedTables(v1).incidents;

  /** A store whose incidents' derived fields (and so their multi-entry indexes) are all wrong. */
  async function corrupted(): Promise<string> {
    const name = await restore(v1!);
    const db = track(new MoverDB(name));
    await db.incidents.toCollection().modify((incident) => {
      Object.assign(incident, {
        alertCount: 99,
        categories: ['Bogus'],
        serviceSources: [],
        detectionSources: ['nowhere'],
        assets: ['ghost-device'],
        scopes: ['Nobody'],
        entities: ['device:ghost'],
      });
      delete incident.tally;
    });
    expect(await db.incidents.where('categories').equals('Bogus').count()).toBe(v1!.tables.incidents!.length);
    db.close();
    return name;
  }

  it('puts every incident back as its alerts say, inside one transaction, nothing else changed', async () => {
    const db = track(new MoverDB(await corrupted()));
    const n = await db.transaction('rw', db.incidents, db.alerts, (tx) => recomputeIncidentSummaries(tx));
    expect(n).toBe(v1.tables.incidents!.length);
    // The upgraded fixture's incidents were right: severity, version, names and the rest untouched.
    expect(await db.incidents.toArray()).toEqual(upgradedIncidents);
    expect(await db.incidents.where('categories').equals('Bogus').count()).toBe(0);
    await expectIndexesAgreeWithRecords(db);
  });

  it('runs as the upgrade of a next schema version', async () => {
    const db = nextBuild(await corrupted(), recomputeIncidentSummaries);
    await db.open();
    expect(db.verno).toBe(LATEST + 1);
    expect(await db.incidents.toArray()).toEqual(upgradedIncidents);
    await expectIndexesAgreeWithRecords(db);
  });

  it('leaves the alerts as they are, and empties an incident no alert points at', async () => {
    const db = track(new MoverDB(await restore(v1)));
    const [incident] = await db.incidents.orderBy('id').toArray();
    await db.alerts.where('incidentId').equals(incident!.id).delete();
    const alertsBefore = await db.alerts.toArray();
    await db.transaction('rw', db.incidents, db.alerts, (tx) => recomputeIncidentSummaries(tx));
    const after = await db.incidents.get(incident!.id);
    expect(after).toMatchObject({
      alertCount: 0,
      categories: [],
      scopes: [],
      assets: [],
      severity: incident!.severity,
    });
    expect(await db.alerts.toArray()).toEqual(alertsBefore);
  });
});

describe('a view left open while another connection upgrades the schema', () => {
  it('closes for good and is told to reload', async () => {
    const name = `open-${crypto.randomUUID()}`;
    const onUpgradeElsewhere = vi.fn();
    const view = track(new MoverDB(name, { onUpgradeElsewhere }));
    await view.meta.count();
    const next = nextBuild(name);
    await next.open();
    expect(onUpgradeElsewhere).toHaveBeenCalledTimes(1);
    expect(view.isOpen()).toBe(false);
    // It does not reopen with the schema it knows, which is no longer the store's.
    await expect(view.meta.count()).rejects.toThrow();
    expect(next.verno).toBe(LATEST + 1);
  });

  it('is not told to reload when the store is deleted', async () => {
    const name = `open-${crypto.randomUUID()}`;
    const onUpgradeElsewhere = vi.fn();
    const view = track(new MoverDB(name, { onUpgradeElsewhere }));
    await view.meta.count();
    await Dexie.delete(name);
    expect(onUpgradeElsewhere).not.toHaveBeenCalled();
  });
});
