/**
 * Bad messages: every request type of the protocol, malformed on purpose (wrong types, 10 MB strings, `__proto__` and
 * `constructor` keys, deep nesting), sent to the real background through fakeBrowser from an extension page and
 * from a content script. Each must be refused in words, answer small, and leave every record of every object
 * store as it was. The import port's messages are fuzzed the same way through the import session.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import background from '@/entrypoints/background';
import { createImportSession } from '@/lib/messaging/import-session';
import { contentRequest, type ImportProgress, pageRequest } from '@/lib/messaging/protocol';
import { DEFAULT_PROFILE } from '@/lib/model';
import { profileItem } from '@/lib/settings/profile';
import { MoverDB } from '@/lib/store/db';

const EXT = `chrome-extension://${fakeBrowser.runtime.id}/`;
const pageSender = { id: fakeBrowser.runtime.id, url: `${EXT}sidepanel.html#/incidents` };
const contentSender = {
  id: fakeBrowser.runtime.id,
  url: 'https://portal.example.com/alerts',
  tab: { id: 7 },
  frameId: 0,
};

type Resp = { ok: boolean; error?: { code: string; message: string; details?: string[] } };
const sendAs = async (sender: object, message: unknown): Promise<Resp> => {
  const results = await fakeBrowser.runtime.onMessage.trigger(message, sender as never, () => {});
  return (await results[0]) as unknown as Resp;
};

const db = new MoverDB();

/** Every record of every object store, so "unchanged" means unchanged, not just the same counts. */
async function snapshot() {
  const out: Record<string, { count: number; digest: string }> = {};
  for (const table of db.tables) {
    const rows = await table.toArray();
    out[table.name] = { count: rows.length, digest: JSON.stringify(rows) };
  }
  return out;
}

const TEN_MB = 'x'.repeat(10 * 1024 * 1024);
function deeplyNested(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}
const DEEP = deeplyNested(5_000);
const DEEP_ARRAY = (() => {
  let v: unknown = [];
  for (let i = 0; i < 5_000; i++) v = [v];
  return v;
})();

/** Values of the wrong kind for any field (each field gets every one that is not its own kind). */
const WRONG_VALUES: readonly [string, unknown][] = [
  ['a number', 42],
  ['a string', 'not-the-right-kind'],
  ['null', null],
  ['a boolean', true],
  ['an array', ['x']],
  ['an object', { x: 1 }],
  ['a 10 MB string', TEN_MB],
  ['a 5,000-level nested object', DEEP],
  ['a 5,000-level nested array', DEEP_ARRAY],
];

const kindOf = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v;

/** Every leaf and object below `value`, with its path (the message's own `type` is fuzzed separately). */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [at];
  const inner = Object.entries(value).flatMap(([k, v]) =>
    paths(v, [...at, Array.isArray(value) ? Number(k) : k]),
  );
  return at.length ? [at, ...inner] : inner;
}

function setAt(message: Record<string, unknown>, path: (string | number)[], v: unknown) {
  const copy = structuredClone(message);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = v;
  return copy;
}

/** A key set as an own property, as JSON.parse does for `"__proto__"` (an assignment would set the prototype). */
function withOwnKey(target: Record<string, unknown>, key: string, v: unknown) {
  const copy = structuredClone(target);
  Object.defineProperty(copy, key, { value: v, enumerable: true, writable: true, configurable: true });
  return copy;
}

let alertIds: string[] = [];
let otherIncident = '';

/** A well-formed message of each type; the fuzz starts from these, so a lenient schema would really act. */
function validMessages(): Record<string, Record<string, unknown>> {
  const input = {
    alertIds: alertIds.slice(0, 2),
    target: { kind: 'existing', incidentId: otherIncident },
    comment: 'Same host',
    reasons: [],
    expectedVersions: { [alertIds[0]!]: 1 },
    token: 'fuzz-token-0001',
  };
  return {
    'store.loadSample': { type: 'store.loadSample', size: { incidents: 2, alerts: 4, seed: 1 } },
    'store.clear': { type: 'store.clear' },
    'store.check': { type: 'store.check' },
    'store.acknowledgeLoss': { type: 'store.acknowledgeLoss' },
    'backup.now': { type: 'backup.now' },
    'backup.restore': { type: 'backup.restore' },
    'move.run': { type: 'move.run', input },
    'move.undo': { type: 'move.undo', token: 'fuzz-token-0001' },
    'move.status': { type: 'move.status', token: 'fuzz-token-0001' },
    'flyout.selection': { type: 'flyout.selection', nonce: 'nonce-0001' },
    'merge.run': {
      type: 'merge.run',
      input: {
        incidentIds: [otherIncident, '1'],
        comment: 'Same intrusion',
        reasons: [],
        expectedVersions: { [otherIncident]: 1 },
        token: 'fuzz-token-0003',
      },
    },
    'merge.undo': { type: 'merge.undo', token: 'fuzz-token-0003' },
    'incident.split': {
      type: 'incident.split',
      input: {
        incidentId: otherIncident,
        groups: [alertIds.slice(0, 1), alertIds.slice(1, 2)],
        comment: 'Two stories',
        expectedVersions: { [alertIds[0]!]: 1 },
        token: 'fuzz-token-0002',
      },
    },
    'sites.sync': { type: 'sites.sync' },
    'sync.now': { type: 'sync.now' },
    'sync.signIn': { type: 'sync.signIn' },
    'sync.signOut': { type: 'sync.signOut' },
    'page.adapters': { type: 'page.adapters', url: 'https://portal.example.com/alerts' },
    'page.openFlyout': { type: 'page.openFlyout', alertIds: alertIds.slice(0, 2) },
  };
}

/** Malformed variants of one message, each with a name saying what is wrong with it. */
function malformed(valid: Record<string, unknown>): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const path of paths(valid)) {
    if (path.length === 1 && path[0] === 'type') continue;
    let current: unknown = valid;
    for (const k of path) current = (current as Record<string | number, unknown>)[k];
    for (const [name, v] of WRONG_VALUES) {
      if (kindOf(v) === kindOf(current) && name !== 'a 10 MB string') continue;
      // Graph's incident ids are digits: the protocol takes them as numbers too (lib/model incidentId).
      if (path[path.length - 1] === 'incidentId' && name === 'a number') continue;
      out.push([`${path.join('.')} is ${name}`, setAt(valid, path, v)]);
    }
  }
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    out.push([`an own "${key}" key`, withOwnKey(valid, key, { type: 'store.clear', polluted: true })]);
    for (const path of paths(valid)) {
      let node: unknown = valid;
      for (const k of path) node = (node as Record<string | number, unknown>)[k];
      if (node === null || typeof node !== 'object' || Array.isArray(node)) continue;
      out.push([
        `an own "${key}" key in ${path.join('.')}`,
        setAt(valid, path, withOwnKey(node as Record<string, unknown>, key, { polluted: true })),
      ]);
    }
  }
  out.push(['an extra field holding 10 MB', { ...valid, extra: TEN_MB }]);
  out.push(['an extra field nested 5,000 levels', { ...valid, extra: DEEP }]);
  out.push(['the type as a 10 MB string', { ...valid, type: TEN_MB }]);
  out.push(['the type as a number', { ...valid, type: 7 }]);
  out.push(['the type in another case', { ...valid, type: String(valid.type).toUpperCase() }]);
  return out;
}

beforeAll(() => {
  for (const event of [
    fakeBrowser.runtime.onConnect,
    fakeBrowser.permissions.onRemoved,
    fakeBrowser.permissions.onAdded,
  ]) {
    vi.spyOn(event, 'addListener').mockImplementation(() => {});
  }
  background.main();
});

beforeEach(async () => {
  await profileItem.setValue(DEFAULT_PROFILE);
  await sendAs(pageSender, { type: 'store.clear' });
  await sendAs(pageSender, { type: 'store.loadSample', size: { incidents: 6, alerts: 20, seed: 3 } });
  const alerts = await db.alerts.orderBy('id').toArray();
  alertIds = alerts.map((a) => a.id);
  otherIncident = alerts.find((a) => a.incidentId !== alerts[0]!.incidentId)!.incidentId;
});

const ALL_TYPES = [...pageRequest.options, ...contentRequest.options].map((o) => o.shape.type.value);

describe('malformed messages', () => {
  it('has a well-formed example of every request type of the protocol (a new type must be fuzzed too)', () => {
    expect(Object.keys(validMessages()).sort()).toEqual([...ALL_TYPES].sort());
  });

  for (const type of ALL_TYPES) {
    it(`refuses every malformed "${type}" from an extension page and from a content script, changing nothing`, async () => {
      const before = await snapshot();
      const variants = malformed(validMessages()[type]!);
      expect(variants.length).toBeGreaterThan(4);
      for (const [sender, from] of [
        [pageSender, 'extension page'],
        [contentSender, 'content script'],
      ] as const) {
        for (const [what, message] of variants) {
          const answer = await sendAs(sender, message);
          const context = `${type} from a ${from} with ${what}`;
          expect(answer.ok, context).toBe(false);
          expect(['bad-request', 'forbidden-sender'], context).toContain(answer.error?.code);
          // A refusal in words, short enough to show: never the 10 MB value echoed back.
          expect(answer.error?.message, context).toMatch(/malformed|cannot ask/);
          expect(JSON.stringify(answer).length, context).toBeLessThan(8_000);
        }
      }
      expect(await snapshot()).toEqual(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('refuses non-objects and messages without a type, naming what is missing', async () => {
    const before = await snapshot();
    for (const message of [
      null,
      undefined,
      42,
      'store.clear',
      [],
      [{ type: 'store.clear' }],
      {},
      DEEP,
      TEN_MB,
    ]) {
      const answer = await sendAs(pageSender, message);
      expect(answer.ok).toBe(false);
      expect(answer.error?.code).toBe('bad-request');
      expect(answer.error?.details?.join(' ')).toMatch(/type|object/);
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('malformed import-port messages', () => {
  const portMessages: [string, unknown][] = [
    ['a chunk without text', { type: 'chunk' }],
    ['a chunk of a number', { type: 'chunk', text: 42 }],
    ['a chunk of a nested object', { type: 'chunk', text: DEEP }],
    ['an end with a 10 MB file name', { type: 'end', fileName: TEN_MB }],
    ['an end with an own __proto__ key', withOwnKey({ type: 'end' }, '__proto__', { fileName: 'x' })],
    ['a sample with a wrong size', { type: 'sample', size: { alerts: 'many' } }],
    [
      'a sample with a constructor key',
      { type: 'sample', size: withOwnKey({}, 'constructor', { alerts: 5 }) },
    ],
    ['an unknown type', { type: 'write', text: '{}' }],
    ['null', null],
  ];
  for (const [what, message] of portMessages) {
    it(`ends an import that receives ${what}, in words, writing nothing`, async () => {
      const before = await snapshot();
      const posted: ImportProgress[] = [];
      const receive = createImportSession({
        db,
        now: () => '2026-01-01T00:00:00Z',
        post: (m) => posted.push(m),
      });
      // A good start, then the bad message, then what would have finished the import.
      await receive({ type: 'chunk', text: '{"incidents":[' });
      await receive(message);
      await receive({ type: 'chunk', text: ']}' });
      await receive({ type: 'end', fileName: 'a.json' });
      const error = posted.find((m) => m.type === 'error');
      expect(error?.type === 'error' ? error.message : 'no error posted').toMatch(/Nothing was imported/);
      expect(posted.some((m) => m.type === 'done')).toBe(false);
      expect(await snapshot()).toEqual(before);
    });
  }
});
