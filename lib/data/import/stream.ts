/**
 * Import of a file that arrives in pieces (a port, a stream), so a six-month export of a large tenant is never
 * one string: V8 can't hold a string near 512 MB, and the import should not hold the file twice.
 *
 * - Files up to `WHOLE_FILE_CHARS` are kept whole and read by `parseImport` then `writeImport`, exactly as before.
 * - Larger ones are parsed as a stream by @streamparser/json (a tokenizer and a token parser), which hands over
 *   one incident, alert or activity entry at a time: `{"value": [...]}` bodies (with `activity`, `@odata.*` and
 *   the export's format version beside the list), lists of such pages, and lists of incidents or alerts.
 *   Each record is validated as `parseImport` would (./records.ts), and valid records are staged in batches in
 *   the `staging` table. Nothing reaches incidents, alerts or the activity log until the whole file has been read
 *   and found valid: then one read-write transaction writes every staged batch with `writeImport` and empties the
 *   stage (all or nothing). A bad file, a cancel or a failed commit leaves the store as it was.
 *
 * One file on purpose: the stream's state machine (where in the file a record is), its staging and its commit
 * are one pass over one file and are tested as one.
 */
import { type ParsedTokenInfo, Tokenizer, TokenParser, TokenType } from '@streamparser/json';
import type { ActivityEntry, GraphAlert, GraphIncident, Incident } from '../../model';
import type { MoverDB } from '../../store/db';
import { parseImport, unreadableFormat } from './parse';
import { formatPath, isObject, MAX_NESTING, type Path, Problems, tooDeep, valueWords } from './problems';
import { RecordReader, recordNotes } from './records';
import { type ImportCounts, writeImport } from './write';

/** Files up to this many characters are read whole (32 M characters, 64 MB of memory at most). */
export const WHOLE_FILE_CHARS = 32 * 1024 * 1024;
/** Records (incidents, their alerts, loose alerts, activity entries) per staged batch. */
export const STAGE_BATCH = 2_000;
export const STAGING_TABLE = 'staging';

export interface StagedBatch {
  id?: number;
  session: string;
  startedAt: string;
  incidents: GraphIncident[];
  alerts: GraphAlert[];
  activity: ActivityEntry[];
}

export interface StreamProgress {
  phase: 'receiving' | 'validating' | 'writing';
  done: number;
  total: number;
}

export type StreamImportResult =
  | ({ ok: true; notes: string[] } & ImportCounts)
  | { ok: false; problems: string[] };

export interface StreamImportOptions {
  now(): string;
  session: string;
  origin?: Incident['origin'];
  onProgress?(p: StreamProgress): void;
  /** Characters above which the file is read as a stream (tests make it small). */
  wholeFileChars?: number;
  batchSize?: number;
}

const NOT_A_LIST_LARGE =
  'The file is not a list of incidents or alerts. Expected the body of Microsoft Graph “GET /security/incidents?$expand=alerts” or “GET /security/alerts_v2” ({"value": [...]}), several such pages in a list, or a list of incidents or alerts';

const PRIMITIVES = new Set<TokenType>([
  TokenType.STRING,
  TokenType.NUMBER,
  TokenType.TRUE,
  TokenType.FALSE,
  TokenType.NULL,
]);

/** Deletes staged batches older than a day (an import a stopped worker never finished). */
export async function dropStaleStages(db: MoverDB, now: string): Promise<void> {
  const before = new Date(Date.parse(now) - 86_400_000).toISOString();
  await db
    .table<StagedBatch>(STAGING_TABLE)
    .filter((b) => b.startedAt < before)
    .delete();
}

export function createStreamImport(db: MoverDB, opts: StreamImportOptions) {
  const wholeFileChars = opts.wholeFileChars ?? WHOLE_FILE_CHARS;
  const batchSize = opts.batchSize ?? STAGE_BATCH;
  const startedAt = opts.now();
  const staging = db.table<StagedBatch>(STAGING_TABLE);
  let received = 0;
  let whole: string[] | null = [];
  let wholeChars = 0;
  let cancelled = false;

  // ---- the stream's reader ----
  const problems = new Problems();
  /** A problem that makes every other one moot (not JSON, nested too deep): the only one reported. */
  let fatal: string | undefined;
  let batch = {
    incidents: [] as GraphIncident[],
    alerts: [] as GraphAlert[],
    activity: [] as ActivityEntry[],
  };
  let batchRecords = 0;
  const ready: (typeof batch)[] = [];
  let staged = 0;
  let records = 0;
  const looseByIncident = new Map<string, number>();
  const take = (n: number) => {
    batchRecords += n;
    records += n;
    if (batchRecords >= batchSize) {
      ready.push(batch);
      batch = { incidents: [], alerts: [], activity: [] };
      batchRecords = 0;
    }
  };
  const reader = new RecordReader(problems, {
    incident: (i) => {
      batch.incidents.push(i);
      take(1 + (i.alerts?.length ?? 0));
    },
    alert: (a) => {
      batch.alerts.push(a);
      looseByIncident.set(a.incidentId, (looseByIncident.get(a.incidentId) ?? 0) + 1);
      take(1);
    },
    activity: (e) => {
      batch.activity.push(e);
      take(1);
    },
  });

  // What the tokens say about the root: its kind, and its own fields that are not lists (format, links, error).
  let root: 'object' | 'array' | 'other' | undefined;
  const top: Record<string, unknown> = {};
  let depth = 0;
  let topKey: string | undefined;
  let expectKey = false;
  let pages: boolean | undefined;
  let parser: TokenParser | undefined;
  let tokenizer: Tokenizer | undefined;

  const checkDepth = (item: unknown, path: Path) => {
    const deep = tooDeep(item, MAX_NESTING - path.length);
    if (!deep) return false;
    const full = [...path, ...deep];
    const shown = full.length > 12 ? `${formatPath(full.slice(0, 8))}…` : formatPath(full);
    fatal ??= `${shown}: values are nested more than ${MAX_NESTING} levels deep here, which no Microsoft Graph record is; the file can't be imported as it is.`;
    return true;
  };

  const onValue = ({ value, key, stack }: { value: unknown; key?: string | number; stack: unknown[] }) => {
    if (fatal) return;
    if (root === 'object') {
      const list = (stack[1] as { key?: unknown } | undefined)?.key;
      const path: Path = [list as string, key as number];
      if (checkDepth(value, path)) return;
      if (list === 'activity') reader.activity(value, path);
      else reader.listItem(value, key as number);
      return;
    }
    // A list at the root: of pages, or of records (the first element decides, as parseImport does).
    const i = key as number;
    if (checkDepth(value, [i])) return;
    if (pages === undefined) {
      pages = isObject(value) && 'value' in value;
      if (!pages) reader.beginList([]);
    }
    if (!pages) {
      reader.listItem(value, i);
      return;
    }
    const unreadable = unreadableFormat(value);
    if (unreadable) problems.add([i], unreadable);
    else if (isObject(value) && 'value' in value) {
      if (Array.isArray(value.value)) reader.list([i, 'value'], value.value);
      else
        problems.add(
          [i, 'value'],
          `should be a list of incidents or alerts, but is ${valueWords(value.value)}`,
        );
      if (value.activity !== undefined) {
        if (Array.isArray(value.activity))
          value.activity.forEach((e, j) => {
            reader.activity(e, [i, 'activity', j]);
          });
        else
          problems.add(
            [i, 'activity'],
            `should be a list of activity entries, but is ${valueWords(value.activity)}`,
          );
      }
      top['@odata.nextLink'] = value['@odata.nextLink'];
    } else problems.add([i], `should be a page of incidents ({"value": [...]}), but is ${valueWords(value)}`);
  };

  /** Follows the root's own fields; passes every token on to the parser. */
  const onToken = (t: ParsedTokenInfo) => {
    if (fatal) return;
    if (root === undefined) {
      root =
        t.token === TokenType.LEFT_BRACE ? 'object' : t.token === TokenType.LEFT_BRACKET ? 'array' : 'other';
      if (root === 'other') {
        fatal = `${NOT_A_LIST_LARGE}; this file holds ${valueWords(t.value)}.`;
        return;
      }
      parser = new TokenParser({
        paths: root === 'object' ? ['$.value.*', '$.activity.*'] : ['$.*'],
        keepStack: false,
      });
      parser.onValue = onValue as never;
      parser.onError = (e) => {
        fatal ??= notJson(e);
      };
      if (root === 'object') reader.beginList(['value']);
    }
    if (root === 'object') {
      if (t.token === TokenType.LEFT_BRACE || t.token === TokenType.LEFT_BRACKET) {
        if (depth === 1 && topKey !== undefined) top[topKey] = t.token === TokenType.LEFT_BRACKET ? [] : {};
        depth++;
        if (depth === 1) expectKey = true;
      } else if (t.token === TokenType.RIGHT_BRACE || t.token === TokenType.RIGHT_BRACKET) depth--;
      else if (depth === 1) {
        if (expectKey && t.token === TokenType.STRING) {
          topKey = String(t.value);
          expectKey = false;
        } else if (t.token === TokenType.COMMA) expectKey = true;
        else if (PRIMITIVES.has(t.token) && topKey !== undefined) top[topKey] = t.value;
      }
    }
    parser!.write(t);
  };

  const notJson = (e: Error) =>
    `The file is not valid JSON, so nothing in it could be imported (${e.message.replace(/\s*Either not all.*$/, '')}).`;

  const startStream = () => {
    tokenizer = new Tokenizer();
    tokenizer.onToken = onToken;
    tokenizer.onError = (e) => {
      fatal ??= notJson(e);
    };
  };

  /** One batch into the stage (tried once more if refused for want of room: nothing of it was written then). */
  const stage = (row: StagedBatch) => db.writeOnceMoreIfFull(() => staging.add(row));

  /** Stages the full batches while the file is still valid (a bad file stages nothing more). */
  const stageReady = async () => {
    while (ready.length) {
      const b = ready.shift()!;
      if (fatal || problems.count || cancelled) continue;
      await stage({ session: opts.session, startedAt, ...b });
      staged++;
    }
  };

  const dropStage = () => staging.where('session').equals(opts.session).delete();

  return {
    /** The next piece of the file. */
    async write(text: string): Promise<void> {
      if (cancelled) return;
      if (received === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // PowerShell writes a BOM
      received += text.length;
      if (whole) {
        whole.push(text);
        wholeChars += text.length;
        if (wholeChars <= wholeFileChars) return;
        // Too large to hold: from here on, a stream (starting with what was kept).
        const kept = whole;
        whole = null;
        startStream();
        for (const piece of kept) if (!fatal) tokenizer!.write(piece);
      } else if (!fatal) tokenizer!.write(text);
      await stageReady();
      opts.onProgress?.({ phase: 'receiving', done: received, total: 0 });
    },

    /** The file is complete: answers the problems, or writes everything in one transaction. */
    async end(): Promise<StreamImportResult> {
      if (whole) {
        const text = whole.join('');
        whole = null;
        opts.onProgress?.({ phase: 'validating', done: 0, total: 1 });
        const result = parseImport(text);
        if (!result.ok) return result;
        const counts = await writeImport(db, result.data, {
          now: opts.now(),
          origin: opts.origin,
          onProgress: (done, total) => opts.onProgress?.({ phase: 'writing', done, total }),
        });
        return { ok: true, notes: result.data.notes ?? [], ...counts };
      }
      if (!fatal) {
        try {
          tokenizer!.end();
          // A file cut at a boundary between values ends the tokens cleanly; the parser knows it is unfinished.
          if (!fatal && parser && !parser.isEnded) parser.end();
        } catch (e) {
          fatal ??= notJson(e as Error);
        }
      }
      if (!fatal && root === 'object') reader.endList();
      if (!fatal && root === 'array' && pages === false) reader.endList();
      const answer = (list: string[]): StreamImportResult => ({ ok: false, problems: list });
      const refuse = async (list: string[]) => {
        await dropStage();
        return answer(list);
      };
      if (fatal) return refuse([fatal]);
      const unreadable = root === 'object' ? unreadableFormat(top) : undefined;
      if (unreadable) return refuse([unreadable]);
      if (root === 'object') {
        if (!('value' in top)) {
          const error = isObject(top.error);
          return refuse([
            error
              ? 'The file is a Microsoft Graph error response, not a list of incidents.'
              : `${NOT_A_LIST_LARGE}; this file holds an object with no "value" list.`,
          ]);
        }
        if (!Array.isArray(top.value))
          problems.add(['value'], `should be a list of incidents or alerts, but is ${valueWords(top.value)}`);
        if ('activity' in top && !Array.isArray(top.activity))
          problems.add(
            ['activity'],
            `should be a list of activity entries, but is ${valueWords(top.activity)}`,
          );
      }
      if (!problems.count && records === 0)
        problems.add([], 'The file has no incidents: its list of incidents is empty.');
      if (problems.count) return refuse(problems.result());

      // Valid: the last batch, then one transaction from the stage into the store.
      if (batchRecords) ready.push(batch);
      await stageReady();
      const notes = recordNotes({
        disagreeing: reader.disagreeing,
        looseAlerts: [...looseByIncident].reduce((n, [id, c]) => (reader.hasIncident(id) ? n : n + c), 0),
        looseIncidentIds: new Set([...looseByIncident.keys()].filter((id) => !reader.hasIncident(id))),
        withoutAlerts: reader.withoutAlerts,
        incidents: reader.incidents,
      });
      if (typeof top['@odata.nextLink'] === 'string')
        notes.unshift(
          'The file ends with an “@odata.nextLink”: it is one page of a longer list. Only the incidents in the file were imported.',
        );
      const totals: ImportCounts = { incidents: 0, alerts: 0, activity: 0 };
      try {
        await db.transaction('rw', [staging, db.incidents, db.alerts, db.activity], async () => {
          const keys = (await staging.where('session').equals(opts.session).primaryKeys()) as number[];
          let done = 0;
          for (const key of keys.sort((a, b) => a - b)) {
            const b = (await staging.get(key))!;
            const n = await writeImport(
              db,
              { incidents: b.incidents, alerts: b.alerts, activity: b.activity },
              { now: opts.now(), origin: opts.origin },
            );
            totals.incidents += n.incidents;
            totals.alerts += n.alerts;
            totals.activity += n.activity;
            done += b.incidents.length + b.alerts.length + b.activity.length;
            for (const i of b.incidents) done += i.alerts?.length ?? 0;
            opts.onProgress?.({ phase: 'writing', done, total: records });
          }
          await staging.bulkDelete(keys);
        });
      } catch (e) {
        await dropStage().catch(() => undefined);
        throw e;
      }
      return { ok: true, notes, ...totals };
    },

    /** The analyst cancelled (or the page went away): nothing is written, the stage is emptied. */
    async cancel(): Promise<void> {
      cancelled = true;
      whole = null;
      await dropStage();
    },

    /** Batches staged so far (tests). */
    get staged() {
      return staged;
    },
  };
}
