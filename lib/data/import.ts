/**
 * Import of incidents with their alerts (DESIGN §2): the body of Graph
 * `GET /security/incidents?$expand=alerts` (one page, or several pages in one file), a bare list
 * of incidents, or our own export (which adds a top-level `activity` list).
 * https://learn.microsoft.com/graph/api/security-list-incidents
 *
 * `parseImport` validates everything and reports every problem with its JSON path; nothing is
 * written unless the whole file is valid. `writeImport` upserts in one transaction.
 */

import {
  type ActivityEntry,
  type Alert,
  activitySchema,
  type GraphAlert,
  type GraphIncident,
  type Incident,
  incidentSchema,
} from '../model';
import { summarize, toStoredAlert, toStoredIncident } from '../model/derive';
import type { MoverDB } from '../store/db';

export interface ParsedImport {
  /** Graph-shaped incidents, each with its nested alerts. */
  incidents: GraphIncident[];
  activity: ActivityEntry[];
  /** Things worth telling the user about a valid file (e.g. it is one page of a longer list). */
  notes?: string[];
}

export type ParseResult = { ok: true; data: ParsedImport } | { ok: false; problems: string[] };

/** Problems listed before the list ends with "…and N more problems". */
export const MAX_PROBLEMS = 200;

type Path = readonly PropertyKey[];
type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `['value', 3, 'alerts', 0, 'id']` → `value[3].alerts[0].id`; odd keys in brackets (`["@odata.type"]`). */
export function formatPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

class Problems {
  readonly list: string[] = [];
  private more = 0;

  add(path: Path, message: string) {
    if (this.list.length >= MAX_PROBLEMS) this.more++;
    else this.list.push(path.length ? `${formatPath(path)}: ${message}` : message);
  }

  get count() {
    return this.list.length + this.more;
  }

  result(): string[] {
    if (!this.more) return this.list;
    return [...this.list, `…and ${this.more.toLocaleString('en')} more problem${this.more === 1 ? '' : 's'}`];
  }
}

// ---------------------------------------------------------------------------------------------
// Words for values and zod issues

function valueWords(v: unknown): string {
  if (v === null) return 'empty (null)';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return v.length > 40
        ? `the text ${JSON.stringify(`${v.slice(0, 40)}…`)}`
        : `the text ${JSON.stringify(v)}`;
    case 'number':
      return `the number ${v}`;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

interface IssueLike {
  code: string;
  message: string;
  path: PropertyKey[];
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  values?: unknown[];
  errors?: IssueLike[][];
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** One zod issue as a person would say it, given the offending value. */
function describeIssue(issue: IssueLike, value: unknown): string {
  // Our own wording from model.ts ("is not a date and time", "is longer than 2000 characters").
  if (/^(is|has) /.test(issue.message)) return issue.message;
  if (value === undefined) return 'is missing';
  switch (issue.code) {
    case 'invalid_type':
      return `should be ${TYPE_WORDS[issue.expected ?? ''] ?? issue.expected}, but is ${valueWords(value)}`;
    case 'invalid_union': {
      const branches = (issue.errors ?? []).flat().filter((e) => e.path.length === 0);
      const specific = branches.find((e) => e.code !== 'invalid_type' && e.code !== 'invalid_value');
      if (specific) return describeIssue(specific, value);
      const expected = [
        ...new Set(branches.filter((e) => e.code === 'invalid_type').map((e) => e.expected ?? '')),
      ];
      if (!expected.length) return 'is not valid';
      return `should be ${expected.map((e) => TYPE_WORDS[e] ?? e).join(' or ')}, but is ${valueWords(value)}`;
    }
    case 'too_small':
      if (issue.origin === 'string')
        return issue.minimum === 1 ? 'is empty' : `is shorter than ${issue.minimum} characters`;
      if (issue.origin === 'array') return `should have at least ${issue.minimum} items`;
      return `should be at least ${issue.minimum}, but is ${valueWords(value)}`;
    case 'too_big':
      if (issue.origin === 'string') return `is longer than ${issue.maximum} characters`;
      if (issue.origin === 'array') return `has more than ${issue.maximum} items`;
      return `should be at most ${issue.maximum}, but is ${valueWords(value)}`;
    case 'invalid_value':
      return `should be one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}, but is ${valueWords(value)}`;
    case 'invalid_format':
      return 'is not in the expected format';
    default:
      return 'is not valid';
  }
}

// ---------------------------------------------------------------------------------------------
// JSON syntax errors with a position

function lineAndColumn(text: string, pos: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${pos - lineStart + 1}`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings may not hold raw control characters (RFC 8259 §7).
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

function showChar(c: string): string {
  return c === '\n' ? 'a line break' : `"${c}"`;
}

/**
 * Finds the first syntax error and says what it is, for when JSON.parse gives no position
 * (V8 says "Unexpected token ']', ..." with no position for the commonest hand-editing slip, a trailing comma).
 * Iterative, so a hostile deeply nested file cannot overflow the stack.
 */
export function findJsonError(text: string): { pos: number; reason: string } | undefined {
  const stack: string[] = [];
  let i = 0;
  let expect: 'value' | 'key' | 'after' = 'value';
  let firstInContainer = false;
  let commaAt = -1;
  const skipSpace = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
  };
  const match = (re: RegExp) => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  for (;;) {
    skipSpace();
    if (i >= text.length) {
      if (expect === 'after' && !stack.length) return undefined;
      return { pos: i, reason: 'the file ends before the JSON is complete (is it cut short?)' };
    }
    const c = text.charAt(i);
    const top = stack[stack.length - 1];
    const close = top === '[' ? ']' : '}';
    if (expect !== 'after' && c === close && (firstInContainer || commaAt >= 0)) {
      if (!firstInContainer)
        return { pos: commaAt, reason: `a comma before "${close}" (JSON allows no trailing comma)` };
      stack.pop();
      i++;
      expect = 'after';
      continue;
    }
    firstInContainer = false;
    if (expect === 'key') {
      if (c !== '"')
        return { pos: i, reason: `${showChar(c)} where a property name in double quotes should be` };
      if (!match(STRING)) return { pos: i, reason: 'a property name that is not a valid string' };
      skipSpace();
      if (text.charAt(i) !== ':') return { pos: i, reason: 'a missing ":" after a property name' };
      i++;
      expect = 'value';
      commaAt = -1;
      continue;
    }
    if (expect === 'value') {
      commaAt = -1;
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        expect = c === '{' ? 'key' : 'value';
        firstInContainer = true;
        continue;
      }
      if (c === '"') {
        if (!match(STRING))
          return { pos: i, reason: 'a string that is not closed or has a raw line break or bad escape' };
      } else if (!match(NUMBER) && !match(LITERAL)) {
        return { pos: i, reason: `${showChar(c)} where a value should be` };
      }
      expect = 'after';
      continue;
    }
    // expect === 'after'
    if (!top) return { pos: i, reason: 'more text after the end of the JSON' };
    if (c === ',') {
      commaAt = i;
      i++;
      expect = top === '[' ? 'value' : 'key';
      continue;
    }
    if (c === close) {
      stack.pop();
      i++;
      continue;
    }
    return { pos: i, reason: `${showChar(c)} where "," or "${close}" should be` };
  }
}

function notJsonProblem(text: string, error: unknown): string {
  const found = findJsonError(text);
  if (found) return `The file is not valid JSON: ${found.reason}, at ${lineAndColumn(text, found.pos)}.`;
  const message = error instanceof Error ? error.message : String(error);
  const pos = /at position (\d+)/.exec(message)?.[1];
  return `The file is not valid JSON${pos ? ` (at ${lineAndColumn(text, Number(pos))})` : ''}: ${message}`;
}

// ---------------------------------------------------------------------------------------------
// parseImport

const NOT_A_LIST =
  'The file is not a list of incidents. Expected the body of Microsoft Graph “GET /security/incidents?$expand=alerts” ({"value": [...]}), several such pages in a list, or a list of incidents';

const hasValue = (v: unknown): v is Obj => isObject(v) && 'value' in v;

/** The id as the schema will read it (numbers become strings), or undefined if it is not one. */
const idOf = (v: unknown): string | undefined =>
  typeof v === 'string' && v ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

export function parseImport(text: string): ParseResult {
  const problems = new Problems();
  const fail = (): ParseResult => ({ ok: false, problems: problems.result() });
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // PowerShell writes a BOM
  if (!source.trim()) {
    problems.add([], 'The file is empty.');
    return fail();
  }
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (e) {
    problems.add([], notJsonProblem(source, e));
    return fail();
  }

  // Where the incidents and the activity entries are.
  const incidentLists: { path: Path; items: unknown[] }[] = [];
  const activityLists: { path: Path; items: unknown[] }[] = [];
  const notes: string[] = [];
  let endsWithNextLink = false;
  const readPage = (page: Obj, path: Path) => {
    if (Array.isArray(page.value)) incidentLists.push({ path: [...path, 'value'], items: page.value });
    else problems.add([...path, 'value'], `should be a list of incidents, but is ${valueWords(page.value)}`);
    if (page.activity !== undefined) {
      if (Array.isArray(page.activity))
        activityLists.push({ path: [...path, 'activity'], items: page.activity });
      else
        problems.add(
          [...path, 'activity'],
          `should be a list of activity entries, but is ${valueWords(page.activity)}`,
        );
    }
    endsWithNextLink = typeof page['@odata.nextLink'] === 'string';
  };

  if (Array.isArray(raw)) {
    if (raw.length && hasValue(raw[0])) {
      raw.forEach((page, i) => {
        if (hasValue(page)) readPage(page, [i]);
        else
          problems.add([i], `should be a page of incidents ({"value": [...]}), but is ${valueWords(page)}`);
      });
    } else {
      incidentLists.push({ path: [], items: raw });
    }
  } else if (hasValue(raw)) {
    readPage(raw, []);
  } else if (isObject(raw) && isObject(raw.error)) {
    const { code, message } = raw.error;
    problems.add(
      [],
      `The file is a Microsoft Graph error response, not a list of incidents${typeof code === 'string' ? ` (${code}${typeof message === 'string' ? `: ${message.slice(0, 300)}` : ''})` : ''}.`,
    );
  } else if (isObject(raw) && 'id' in raw && ('displayName' in raw || 'alerts' in raw)) {
    // GET /security/incidents/{id}?$expand=alerts: one incident.
    incidentLists.push({ path: [], items: [raw] });
  } else {
    problems.add(
      [],
      `${NOT_A_LIST}; this file holds ${valueWords(raw)}${isObject(raw) ? ' without a "value" list' : ''}.`,
    );
  }
  if (problems.count) return fail();
  if (endsWithNextLink) {
    notes.push(
      'The file ends with an “@odata.nextLink”: it is one page of a longer list. Only the incidents in the file were imported.',
    );
  }

  const incidents: GraphIncident[] = [];
  const incidentAt = new Map<string, Path>();
  const alertAt = new Map<string, Path>();
  let withoutAlerts = 0;
  // A single incident body has paths relative to the file's root (e.g. `alerts[0].id`).
  const single = incidentLists.length === 1 && incidentLists[0]?.items[0] === raw;
  for (const list of incidentLists) {
    list.items.forEach((item, i) => {
      const path: Path = single ? [] : [...list.path, i];
      const parentId = isObject(item) ? idOf(item.id) : undefined;
      const parsed = incidentSchema.safeParse(item);
      if (!parsed.success) {
        for (const issue of parsed.error.issues as IssueLike[]) {
          const value = valueAt(item, issue.path);
          const [k0, k1, k2] = issue.path;
          const isAlertIncidentId =
            k0 === 'alerts' && typeof k1 === 'number' && k2 === 'incidentId' && issue.path.length === 3;
          if (isAlertIncidentId && value == null) {
            problems.add(
              [...path, ...issue.path],
              `is missing: every alert must name its incident${parentId ? ` (this one is listed under incident "${parentId}")` : ''}`,
            );
          } else if (issue.path.length === 0) {
            problems.add(path, `should be an incident (an object), but is ${valueWords(item)}`);
          } else {
            problems.add([...path, ...issue.path], describeIssue(issue, value));
          }
        }
      }
      // Checks across records, on the raw data so they run even where the schema failed.
      if (parentId !== undefined) {
        const first = incidentAt.get(parentId);
        if (first)
          problems.add(
            [...path, 'id'],
            `incident "${parentId}" is listed twice (first at ${formatPath(first)})`,
          );
        else incidentAt.set(parentId, path);
      }
      const alerts = isObject(item) ? item.alerts : undefined;
      if (alerts === undefined) withoutAlerts++;
      if (Array.isArray(alerts)) {
        alerts.forEach((alert, j) => {
          if (!isObject(alert)) return;
          const alertPath = [...path, 'alerts', j];
          const id = typeof alert.id === 'string' && alert.id ? alert.id : undefined;
          if (id !== undefined) {
            const first = alertAt.get(id);
            if (first)
              problems.add(
                [...alertPath, 'id'],
                `alert "${id}" is listed twice (first at ${formatPath(first)})`,
              );
            else alertAt.set(id, alertPath);
          }
          const own = idOf(alert.incidentId);
          if (own !== undefined && parentId !== undefined && own !== parentId) {
            problems.add(
              [...alertPath, 'incidentId'],
              `is "${own}", but the alert is listed under incident "${parentId}" (an alert belongs to exactly one incident)`,
            );
          }
        });
      }
      if (parsed.success) incidents.push(parsed.data as GraphIncident);
      // The validated copy is all we keep: let the raw one go, so a 200,000-alert file is not held twice.
      list.items[i] = undefined;
    });
  }

  const activity: ActivityEntry[] = [];
  const seqAt = new Map<number, Path>();
  for (const list of activityLists) {
    list.items.forEach((item, i) => {
      const path = [...list.path, i];
      const parsed = activitySchema.safeParse(item);
      if (!parsed.success) {
        for (const issue of parsed.error.issues as IssueLike[]) {
          if (issue.path.length === 0)
            problems.add(path, `should be an activity entry (an object), but is ${valueWords(item)}`);
          else problems.add([...path, ...issue.path], describeIssue(issue, valueAt(item, issue.path)));
        }
        return;
      }
      const { seq } = parsed.data;
      if (seq !== undefined) {
        const first = seqAt.get(seq);
        if (first)
          problems.add(
            [...path, 'seq'],
            `activity entry ${seq} is listed twice (first at ${formatPath(first)})`,
          );
        else seqAt.set(seq, path);
      }
      activity.push(parsed.data);
    });
  }

  if (problems.count) return fail();
  if (!incidents.length && !activity.length) {
    problems.add([], 'The file has no incidents: its list of incidents is empty.');
    return fail();
  }
  if (withoutAlerts && incidents.length) {
    notes.push(
      `${withoutAlerts === incidents.length ? 'The incidents' : `${withoutAlerts} of ${incidents.length} incidents`} came without their alerts: was the list fetched without “$expand=alerts”? Alerts already in the store were kept.`,
    );
  }
  return { ok: true, data: { incidents, activity, ...(notes.length ? { notes } : {}) } };
}

// ---------------------------------------------------------------------------------------------
// writeImport

export interface WriteImportOptions {
  now: string;
  /** Origin of incidents the file does not mark; default `imported`. */
  origin?: Incident['origin'];
  /** Called between batches, with records written so far and in all. */
  onProgress?: (done: number, total: number) => void;
  /** Records per bulkPut; default 5,000. */
  batchSize?: number;
}

export interface ImportCounts {
  incidents: number;
  alerts: number;
  activity: number;
}

type StoredActivity = ActivityEntry & { seq: number };

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Obj)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Obj)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Obj)[k], (b as Obj)[k]));
}

/**
 * Upserts a parsed file in ONE read-write transaction (all or nothing), in batches with progress.
 * Derived incident fields reflect each touched incident's full set of alerts after the import,
 * including alerts already stored that the file does not list, and incidents that lost an alert to
 * another incident are recomputed too. Versions go up by one on records the file updates (so an
 * open flyout notices), unless the file carries a version (our export does).
 */
/**
 * A record's version after an import: the file's own when it carries one that is not behind the store (export →
 * import gives back the same store, and sync keeps an unchanged record's version); otherwise the stored one + 1, so
 * versions never go back and an old Undo record can't match again.
 */
function nextVersion(fromFile: number | undefined, stored: number | undefined): number {
  if (stored === undefined) return fromFile ?? 1;
  return fromFile !== undefined && fromFile >= stored ? fromFile : stored + 1;
}

export async function writeImport(
  db: MoverDB,
  data: ParsedImport,
  opts: WriteImportOptions,
): Promise<ImportCounts> {
  const { now } = opts;
  const origin = opts.origin ?? 'imported';
  const batchSize = Math.max(1, opts.batchSize ?? 5_000);

  const fileAlerts = new Map<string, GraphAlert>();
  const fileIncidentIds = new Set<string>();
  for (const incident of data.incidents) {
    fileIncidentIds.add(incident.id);
    for (const alert of incident.alerts ?? []) fileAlerts.set(alert.id, alert);
  }
  const alertIds = [...fileAlerts.keys()];

  return db.transaction('rw', [db.incidents, db.alerts, db.activity], async () => {
    // What the store holds now, read in bulk (nothing to read into an empty store: the common first import).
    const storeIsEmpty = (await db.alerts.count()) === 0 && (await db.incidents.count()) === 0;
    const before = storeIsEmpty ? [] : await db.alerts.bulkGet(alertIds);
    const previousVersion = new Map<string, number>();
    const touched = new Set(fileIncidentIds);
    for (const old of before) {
      if (!old) continue;
      previousVersion.set(old.id, old.version);
      if (old.incidentId !== fileAlerts.get(old.id)?.incidentId) touched.add(old.incidentId);
    }
    const touchedIds = [...touched];
    const existing = new Map<string, Incident>();
    if (!storeIsEmpty) {
      for (const incident of await db.incidents.bulkGet(touchedIds))
        if (incident) existing.set(incident.id, incident);
    }
    const storedIds = storeIsEmpty
      ? []
      : ((await db.alerts.where('incidentId').anyOf(touchedIds).primaryKeys()) as string[]);
    const keptIds = storedIds.filter((id) => !fileAlerts.has(id));
    const kept = (await db.alerts.bulkGet(keptIds)).filter((a): a is Alert => a !== undefined);

    // The records to write.
    const byIncident = new Map<string, Alert[]>();
    const group = (alert: Alert) => {
      const list = byIncident.get(alert.incidentId);
      if (list) list.push(alert);
      else byIncident.set(alert.incidentId, [alert]);
    };
    const alerts: Alert[] = [];
    for (const alert of fileAlerts.values()) {
      const previous = previousVersion.get(alert.id);
      const stored = toStoredAlert({ ...alert, version: nextVersion(alert.version, previous) }, now);
      alerts.push(stored);
      group(stored);
    }
    for (const alert of kept) group(alert);

    const incidents: Incident[] = [];
    for (const incident of data.incidents) {
      const previous = existing.get(incident.id);
      const version = nextVersion(incident.version, previous?.version);
      incidents.push(
        toStoredIncident({ ...incident, version }, byIncident.get(incident.id) ?? [], now, origin),
      );
    }
    // Incidents the file does not list but that lost alerts to incidents it does.
    for (const id of touchedIds) {
      const previous = existing.get(id);
      if (fileIncidentIds.has(id) || !previous) continue;
      const { severity, ...derived } = summarize(byIncident.get(id) ?? []);
      incidents.push({
        ...previous,
        ...derived,
        severity: severity ?? previous.severity,
        version: previous.version + 1,
        lastUpdateDateTime: now,
      });
    }

    // Activity is append-only: restore entries at their seq, unless that seq holds a different entry
    // (a file from another store), which then gets a new seq rather than overwrite history.
    const withSeq = data.activity.filter((e): e is StoredActivity => e.seq !== undefined);
    const atSeq = new Map<number, StoredActivity>();
    for (const there of await db.activity.bulkGet(withSeq.map((e) => e.seq)))
      if (there) atSeq.set(there.seq, there);
    const restore: StoredActivity[] = [];
    const append: ActivityEntry[] = [];
    for (const entry of data.activity) {
      const there = entry.seq === undefined ? undefined : atSeq.get(entry.seq);
      if (entry.seq !== undefined && !there) restore.push(entry as StoredActivity);
      else if (!there || !sameJson(there, entry)) append.push(entry);
    }

    const total = alerts.length + incidents.length + restore.length + append.length;
    let done = 0;
    const inBatches = async <T>(rows: T[], write: (batch: T[]) => Promise<unknown>) => {
      for (let i = 0; i < rows.length; i += batchSize) {
        const batch = rows.slice(i, i + batchSize);
        await write(batch);
        done += batch.length;
        opts.onProgress?.(done, total);
      }
    };
    opts.onProgress?.(0, total);
    await inBatches(alerts, (b) => db.alerts.bulkPut(b));
    await inBatches(incidents, (b) => db.incidents.bulkPut(b));
    await inBatches(restore, (b) => db.activity.bulkPut(b));
    await inBatches(append, (b) =>
      db.activity.bulkAdd(b.map(({ seq: _seq, ...entry }) => entry) as StoredActivity[]),
    );
    return { incidents: data.incidents.length, alerts: alerts.length, activity: data.activity.length };
  });
}
