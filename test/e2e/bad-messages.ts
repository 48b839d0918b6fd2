/**
 * Malformed requests for the real background, one set per request type of the protocol (lib/messaging/protocol.ts):
 * fields of the wrong kind, 10 MB strings, own `__proto__` and `constructor` keys, deep nesting, unknown fields,
 * and (from a content script) well-formed requests a web page may not make. Built in Node as JSON with
 * placeholders, and made into values in the sending context (`SEND_BATCH`), so a 10 MB string does not travel
 * through CDP once per message and `__proto__` arrives as an own key, as JSON.parse makes it.
 */
import type { Page } from '@playwright/test';
import { CONTENT_REQUEST_TYPES, contentRequest, pageRequest } from '@/lib/messaging/protocol';

export const ALL_TYPES: string[] = [...pageRequest.options, ...contentRequest.options].map(
  (o) => o.shape.type.value,
);

export const TEN_MB = '<<10 MB>>';
export const DEEP = '<<5,000 levels>>';

export interface BadMessage {
  type: string;
  what: string;
  /** JSON of the message, with TEN_MB and DEEP standing for their values. */
  json: string;
}

/** A well-formed message of each type, with ids from the store (the variants start from these). */
export function wellFormed(
  alertIds: string[],
  incidentIds: string[],
): Record<string, Record<string, unknown>> {
  const input = {
    alertIds: alertIds.slice(0, 2),
    target: { kind: 'existing', incidentId: incidentIds[1] },
    comment: 'Same host',
    reasons: [],
    expectedVersions: { [alertIds[0]!]: 1 },
    token: 'fuzz-e2e-token-1',
  };
  return {
    'store.loadSample': { type: 'store.loadSample', size: { incidents: 2, alerts: 4, seed: 1 } },
    'store.clear': { type: 'store.clear' },
    'store.check': { type: 'store.check' },
    'store.acknowledgeLoss': { type: 'store.acknowledgeLoss' },
    'backup.now': { type: 'backup.now' },
    'backup.restore': { type: 'backup.restore' },
    'move.run': { type: 'move.run', input },
    'move.undo': { type: 'move.undo', token: 'fuzz-e2e-token-1' },
    'move.status': { type: 'move.status', token: 'fuzz-e2e-token-1' },
    'merge.run': {
      type: 'merge.run',
      input: {
        incidentIds: incidentIds.slice(0, 2),
        comment: 'Same intrusion',
        reasons: [],
        expectedVersions: { [incidentIds[0]!]: 1 },
        token: 'fuzz-e2e-token-2',
      },
    },
    'merge.undo': { type: 'merge.undo', token: 'fuzz-e2e-token-2' },
    'flyout.selection': { type: 'flyout.selection', nonce: 'nonce-0001' },
    'incident.split': {
      type: 'incident.split',
      input: {
        incidentId: incidentIds[0],
        groups: [alertIds.slice(0, 1), alertIds.slice(1, 2)],
        comment: 'Two stories',
        expectedVersions: { [alertIds[0]!]: 1 },
        token: 'fuzz-e2e-token-3',
      },
    },
    'sites.sync': { type: 'sites.sync' },
    'sync.now': { type: 'sync.now' },
    'sync.signIn': { type: 'sync.signIn' },
    'sync.signOut': { type: 'sync.signOut' },
    'page.adapters': { type: 'page.adapters', url: 'http://127.0.0.1/alerts' },
    'page.openFlyout': {
      type: 'page.openFlyout',
      alertIds: alertIds.slice(0, 2),
      pageTitles: ['One', 'Two'],
    },
  };
}

/** JSON with an own key (a property named `__proto__` is written out like any other). */
const withKey = (json: string, key: string, value: string) =>
  json === '{}' ? `{${JSON.stringify(key)}:${value}}` : `{${JSON.stringify(key)}:${value},${json.slice(1)}`;

/** The malformed variants of every type; `fromContent` adds the well-formed requests a page may not make. */
export function badMessages(
  valid: Record<string, Record<string, unknown>>,
  fromContent: boolean,
): BadMessage[] {
  const out: BadMessage[] = [];
  for (const type of ALL_TYPES) {
    const message = valid[type];
    if (!message)
      throw new Error(`No well-formed example of "${type}": a new request type must be fuzzed too`);
    const push = (what: string, m: unknown) => out.push({ type, what, json: JSON.stringify(m) });
    const fields = Object.keys(message).filter((k) => k !== 'type');
    for (const field of fields) {
      const kind = Array.isArray(message[field]) ? 'array' : typeof message[field];
      for (const [what, v] of [
        ['a number', 42],
        ['null', null],
        ['a string', 'not-the-right-kind'],
        ['an array', ['x']],
        ['an object', { x: 1 }],
        ['a 10 MB string', TEN_MB],
        ['nested 5,000 levels', DEEP],
      ] as const) {
        const same =
          (kind === 'string' && typeof v === 'string' && v !== TEN_MB && v !== DEEP) ||
          (kind === 'array' && Array.isArray(v)) ||
          (kind === 'object' && v !== null && typeof v === 'object' && !Array.isArray(v));
        if (!same) push(`${field} as ${what}`, { ...message, [field]: v });
      }
      // One level down too: the move's, merge's and split's input fields, and list items.
      const inner = message[field];
      if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
        for (const key of Object.keys(inner)) {
          push(`${field}.${key} as a 10 MB string`, { ...message, [field]: { ...inner, [key]: TEN_MB } });
          push(`${field}.${key} nested 5,000 levels`, { ...message, [field]: { ...inner, [key]: DEEP } });
        }
      }
      if (Array.isArray(inner)) push(`${field}[0] as a 10 MB string`, { ...message, [field]: [TEN_MB] });
    }
    const json = JSON.stringify(message);
    for (const key of ['__proto__', 'constructor']) {
      out.push({ type, what: `an own "${key}" key`, json: withKey(json, key, '{"polluted":true}') });
      for (const field of fields) {
        const inner = message[field];
        if (!inner || typeof inner !== 'object' || Array.isArray(inner)) continue;
        out.push({
          type,
          what: `an own "${key}" key in ${field}`,
          json: JSON.stringify({ ...message, [field]: '<<inner>>' }).replace(
            '"<<inner>>"',
            withKey(JSON.stringify(inner), key, '{"polluted":true}'),
          ),
        });
      }
    }
    push('an unknown field holding 10 MB', { ...message, extra: TEN_MB });
    push('an unknown field nested 5,000 levels', { ...message, extra: DEEP });
    push('the type in capitals', { ...message, type: type.toUpperCase() });
    if (fromContent && !CONTENT_REQUEST_TYPES.has(type))
      push('a well-formed request a page may not make', message);
  }
  out.push({ type: '(none)', what: 'the type as a 10 MB string', json: JSON.stringify({ type: TEN_MB }) });
  out.push({ type: '(none)', what: 'the type as a number', json: JSON.stringify({ type: 7 }) });
  out.push({ type: '(none)', what: 'no type at all', json: '{}' });
  out.push({ type: '(none)', what: 'an array', json: '[{"type":"store.clear"}]' });
  out.push({ type: '(none)', what: 'nested 5,000 levels', json: JSON.stringify(DEEP) });
  return out;
}

export interface Answered {
  what: string;
  /** The answer as JSON, cut at 10,000 characters, and its whole length. */
  answer?: string;
  length?: number;
  /** The sending side's error, when sendMessage threw instead of answering. */
  threw?: string;
}

/**
 * Sends a batch with `chrome.runtime.sendMessage` from the context it is evaluated in (a content script's world
 * or an extension page), one message at a time, and answers what came back. A function's source, so it runs the
 * same in both.
 */
export const SEND_BATCH = `async (batch) => {
  const big = 'x'.repeat(10 * 1024 * 1024);
  let deep = 'bottom';
  for (let i = 0; i < 5000; i++) deep = { a: deep };
  const revive = (_k, v) => (v === ${JSON.stringify(TEN_MB)} ? big : v === ${JSON.stringify(DEEP)} ? deep : v);
  const out = [];
  for (const { what, json } of batch) {
    try {
      const answer = await chrome.runtime.sendMessage(JSON.parse(json, revive));
      const text = JSON.stringify(answer) ?? 'undefined';
      out.push({ what, answer: text.slice(0, 10000), length: text.length });
    } catch (e) {
      out.push({ what, threw: String(e && e.message || e).slice(0, 500) });
    }
  }
  return out;
}`;

/** Counts and a SHA-256 digest of every record of every object store of the extension's database. */
export function storeFingerprint(page: Page): Promise<Record<string, { count: number; sha256: string }>> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('incident-mover');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = Array.from(db.objectStoreNames);
          const tx = db.transaction(names);
          const rows: Record<string, unknown[]> = {};
          for (const name of names) {
            const req = tx.objectStore(name).getAll();
            req.onsuccess = () => {
              rows[name] = req.result;
            };
          }
          tx.onerror = () => reject(tx.error);
          tx.oncomplete = async () => {
            db.close();
            const out: Record<string, { count: number; sha256: string }> = {};
            for (const name of names) {
              const bytes = new TextEncoder().encode(JSON.stringify(rows[name]));
              const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
              out[name] = {
                count: rows[name]!.length,
                sha256: Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join(''),
              };
            }
            resolve(out);
          };
        };
      }),
  );
}
