/**
 * Counters of alerts and incidents by status × severity × UTC day and hour of each time a queue sorts by, kept by
 * every write in the same IndexedDB transaction (a Dexie middleware: no writer has to remember them), so a queue's
 * count with the default filters reads a few hundred counter rows and at most two partial hours of records instead
 * of every record in its range, and a window deep in a queue starts from the day or hour that holds it
 * (lib/store/queue/read.ts).
 *
 * A counter row is `{ k: [table, field, grain, status, severity, bucket], n }`: `grain` is 10 (a day) or 13 (an
 * hour, for the default views' times only), `bucket` the first `grain` characters of the field's value (`YYYY-MM-DD`, `YYYY-MM-DDTHH` for an ISO
 * time), `status` and `severity` the record's values ('' when not a string). Records whose field is not a string
 * are not counted: a queue's time range never holds them.
 */
import type {
  DBCore,
  DBCoreMutateRequest,
  DBCoreMutateResponse,
  DBCoreTable,
  DBCoreTransaction,
  Transaction,
} from 'dexie';
import { derivedTableMiddleware } from './derived-table';

export const COUNTERS_TABLE = 'counters';
/** The times each counted table is bucketed by: the fields its queue can sort and filter by. */
export const COUNTED_FIELDS = {
  alerts: ['lastActivityDateTime', 'createdDateTime'],
  incidents: ['lastUpdateDateTime', 'createdDateTime'],
} as const;
export type CountedTable = keyof typeof COUNTED_FIELDS;
/** Characters of a time that name its bucket: a UTC day, and a UTC hour. */
export const DAY_CHARS = 10;
export const HOUR_CHARS = 13;
export type Grain = typeof DAY_CHARS | typeof HOUR_CHARS;

export type CounterKey = [
  table: string,
  field: string,
  grain: Grain,
  status: string,
  severity: string,
  bucket: string,
];
export interface CounterRow {
  k: CounterKey;
  n: number;
}

const isCounted = (table: string): table is CountedTable => Object.hasOwn(COUNTED_FIELDS, table);
const word = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * The times also counted by hour: those the default views sort and filter by. Hour rows are many (a write at a
 * scattered time touches a row of its own), so the other times have day rows only.
 */
export const HOURLY_FIELDS: ReadonlySet<string> = new Set(['lastActivityDateTime', 'lastUpdateDateTime']);

/** The counter keys one record adds 1 to: per counted time, its day (and its hour, for HOURLY_FIELDS). */
export function counterKeysOf(table: CountedTable, row: Record<string, unknown>): CounterKey[] {
  const out: CounterKey[] = [];
  const status = word(row.status);
  const severity = word(row.severity);
  for (const field of COUNTED_FIELDS[table]) {
    const v = row[field];
    if (typeof v !== 'string') continue;
    out.push([table, field, DAY_CHARS, status, severity, v.slice(0, DAY_CHARS)]);
    if (HOURLY_FIELDS.has(field))
      out.push([table, field, HOUR_CHARS, status, severity, v.slice(0, HOUR_CHARS)]);
  }
  return out;
}

/** The counter keys of a stored row, none for no row. */
const keysOfRow = (table: CountedTable, row: unknown): CounterKey[] =>
  row && typeof row === 'object' ? counterKeysOf(table, row as Record<string, unknown>) : [];

/** Net changes to counters, by key. */
export class CounterDeltas {
  readonly byKey = new Map<string, CounterRow>();
  add(table: CountedTable, row: unknown, sign: 1 | -1): void {
    this.addKeys(keysOfRow(table, row), sign);
  }
  addKeys(keys: readonly CounterKey[], sign: 1 | -1): void {
    for (const k of keys) {
      const id = JSON.stringify(k);
      const d = this.byKey.get(id);
      if (d) d.n += sign;
      else this.byKey.set(id, { k, n: sign });
    }
  }
  /** The changes that are not zero. */
  changes(): CounterRow[] {
    return [...this.byKey.values()].filter((d) => d.n !== 0);
  }
}

/**
 * Adds `deltas` to the stored counters, inside `trans` (a row that reaches 0 is deleted). Promise chains, not
 * async/await: Dexie's middlewares below read the transaction from Dexie's zone, which `.then` on its promises
 * carries and a native `await` loses.
 */
function applyDeltas(
  counters: DBCoreTable,
  trans: DBCoreTransaction,
  deltas: CounterRow[],
): Promise<unknown> {
  if (!deltas.length) return Promise.resolve();
  const keys = deltas.map((d) => d.k);
  return counters.getMany({ trans, keys }).then((current: (CounterRow | undefined)[]) => {
    const put: CounterRow[] = [];
    const del: CounterKey[] = [];
    deltas.forEach((d, i) => {
      const n = (current[i]?.n ?? 0) + d.n;
      if (n === 0) del.push(d.k);
      else put.push({ k: d.k, n });
    });
    const puts = put.length
      ? counters.mutate({ type: 'put', trans, values: put, keys: put.map((r) => r.k) })
      : undefined;
    return del.length
      ? (puts ?? Promise.resolve()).then(() => counters.mutate({ type: 'delete', trans, keys: del }))
      : puts;
  });
}

const scopeHasCounters = (trans: DBCoreTransaction) =>
  (trans as unknown as IDBTransaction).objectStoreNames?.contains?.(COUNTERS_TABLE) ?? false;
/** Reads worth remembering: those of transactions that can write (and so keep the counters). */
const writesCounters = (trans: DBCoreTransaction) =>
  (trans as unknown as IDBTransaction).mode === 'readwrite' && scopeHasCounters(trans);

/**
 * What each record a read-write transaction has read or written counts toward (its counter keys when it was
 * read; [] for no record), by transaction and table: a write of records the transaction has just read (a move
 * reads the alerts it moves) needs no second read to know what it replaces. Keys, not the records: a caller may
 * change a record it read before it puts it back. Only string primary keys are remembered.
 */
const seen = new WeakMap<DBCoreTransaction, Map<string, Map<string, CounterKey[]>>>();

function seenIn(trans: DBCoreTransaction, table: string): Map<string, CounterKey[]> {
  const tables = seen.get(trans) ?? new Map<string, Map<string, CounterKey[]>>();
  seen.set(trans, tables);
  const keys = tables.get(table) ?? new Map<string, CounterKey[]>();
  tables.set(table, keys);
  return keys;
}

/**
 * How many records per table a transaction remembers: enough for any move or merge, while an import of a
 * million alerts in one transaction does not keep a million entries (what is not remembered is read again).
 * A record already remembered is always updated, so what is remembered is never stale.
 */
export const COUNTER_MEMORY = { perTable: 20_000 };

function remember(
  trans: DBCoreTransaction,
  name: CountedTable,
  keys: readonly unknown[],
  rows: readonly unknown[],
) {
  const known = seenIn(trans, name);
  keys.forEach((key, i) => {
    if (typeof key !== 'string') return;
    if (known.has(key) || known.size < COUNTER_MEMORY.perTable) known.set(key, keysOfRow(name, rows[i]));
  });
}

/** The counter keys of every record `req` will replace or delete, in the order of its keys. */
function keysBefore(
  table: DBCoreTable,
  name: CountedTable,
  req: DBCoreMutateRequest,
): Promise<CounterKey[][]> | CounterKey[][] {
  const trans = req.trans;
  if (req.type === 'add') return [];
  if (req.type === 'deleteRange') {
    seen.get(trans)?.delete(name);
    return table
      .query({ trans, values: true, query: { index: table.schema.primaryKey, range: req.range } })
      .then((r) => r.result.map((row) => keysOfRow(name, row)));
  }
  const keys =
    req.keys ?? (req.type === 'put' ? req.values.map((v) => table.schema.primaryKey.extractKey!(v)) : []);
  const known = seen.get(trans)?.get(name);
  if (known && keys.every((k) => typeof k === 'string' && known.has(k)))
    return keys.map((k) => known.get(k as string)!);
  return table.getMany({ trans, keys }).then((rows) => rows.map((row) => keysOfRow(name, row)));
}

function deltasOf(
  name: CountedTable,
  req: DBCoreMutateRequest,
  before: CounterKey[][],
  res: DBCoreMutateResponse,
) {
  const failed = res.numFailures ? res.failures : {};
  const deltas = new CounterDeltas();
  const written: unknown[] = [];
  const after: unknown[] = [];
  if (req.type === 'add' || req.type === 'put') {
    const keys = req.keys ?? req.values.map((_, i) => res.results?.[i]);
    req.values.forEach((value, i) => {
      if (Object.hasOwn(failed, i)) return;
      if (before[i]) deltas.addKeys(before[i]!, -1);
      deltas.add(name, value, 1);
      written.push(keys[i]);
      after.push(value);
    });
  } else if (req.type === 'delete') {
    before.forEach((keys, i) => {
      if (Object.hasOwn(failed, i)) return;
      deltas.addKeys(keys, -1);
      written.push(req.keys[i]);
      after.push(undefined);
    });
  } else {
    for (const keys of before) deltas.addKeys(keys, -1);
  }
  remember(req.trans, name, written, after);
  return deltas.changes();
}

function countingTable(core: DBCore, table: DBCoreTable, name: CountedTable): DBCoreTable {
  return {
    ...table,
    get: (req) =>
      writesCounters(req.trans)
        ? table.get(req).then((row) => {
            remember(req.trans, name, [req.key], [row]);
            return row;
          })
        : table.get(req),
    getMany: (req) =>
      writesCounters(req.trans)
        ? table.getMany(req).then((rows) => {
            remember(req.trans, name, req.keys, rows);
            return rows;
          })
        : table.getMany(req),
    mutate: (req: DBCoreMutateRequest): Promise<DBCoreMutateResponse> => {
      if (!scopeHasCounters(req.trans)) return table.mutate(req);
      const counters = core.table(COUNTERS_TABLE);
      const read = keysBefore(table, name, req);
      const write = (before: CounterKey[][]) =>
        table
          .mutate(req)
          .then((res) => applyDeltas(counters, req.trans, deltasOf(name, req, before, res)).then(() => res));
      return Array.isArray(read) ? write(read) : read.then(write);
    },
  };
}

/**
 * The middleware: read-write transactions over alerts or incidents also hold the counters, and every write to
 * alerts or incidents adds its changes to them before the transaction can commit. Writes made where the schema
 * has no counters yet (the upgrade steps before the one that adds them) are left alone: that step counts all.
 */
export const countersMiddleware = derivedTableMiddleware({
  name: 'incident-mover-counters',
  table: COUNTERS_TABLE,
  follows: isCounted,
  wrap: (down, table, name) => countingTable(down, table, name as CountedTable),
});

/** For an upgrade: counts every alert and incident again from scratch (one pass over each table). */
export async function recountAll(tx: Transaction): Promise<void> {
  const deltas = new CounterDeltas();
  for (const table of Object.keys(COUNTED_FIELDS) as CountedTable[])
    await tx.table(table).each((row: unknown) => deltas.add(table, row, 1));
  const counters = tx.table(COUNTERS_TABLE);
  await counters.clear();
  await counters.bulkPut(deltas.changes());
}

/** What the counters should say, computed from the records themselves (tests, checks). */
export function expectedCounters(tables: Partial<Record<CountedTable, readonly unknown[]>>): CounterRow[] {
  const deltas = new CounterDeltas();
  for (const [table, rows] of Object.entries(tables) as [CountedTable, unknown[]][])
    for (const row of rows) deltas.add(table, row, 1);
  return deltas.changes();
}
