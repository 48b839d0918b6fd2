/**
 * Incident search for the flyout's `Incident name or ID` combobox: "begin typing the name or ID number of
 * the incident … the list of available incidents is dynamically displayed and filtered by what you type"
 * (seed). Pure and allocation-light: names are normalised once when the index is built and joined into one
 * string, so a keystroke is a few `indexOf` scans of that string (jumping to the next row after each hit)
 * rather than one call per incident. Budget: p95 ≤ 16 ms per keystroke at 40,000 incidents (benchmarked).
 *
 * Ranking: exact id, then id prefix, then name prefix, then a word of the name starting with the query,
 * then name substring, then names holding every word of the query. Within a rank, the order of the rows
 * given to `buildIncidentIndex` (callers pass the most recently updated first).
 */
import { foldText } from '../model/text';

export interface IncidentRow {
  id: string;
  displayName: string;
  status: string;
  severity: string;
  redirectIncidentId?: string | null;
}

export interface IncidentIndex<R extends IncidentRow = IncidentRow> {
  readonly rows: readonly R[];
  /** Normalised names (see `foldText`), parallel to rows. */
  readonly names: readonly string[];
  /** Id → position. */
  readonly positions: ReadonlyMap<string, number>;
  /** `names` joined by SEP, and where each one starts (plus a final end offset). */
  readonly nameBlob: string;
  readonly nameStarts: Int32Array;
  /** Lower-cased ids, each preceded by SEP, so a search for SEP + query finds id prefixes only. */
  readonly idBlob: string;
  readonly idStarts: Int32Array;
}

export interface SearchOptions {
  /** Most matches returned (default 50). */
  limit?: number;
  /** Incident ids never returned (the selected alerts' current incidents). */
  exclude?: ReadonlySet<string>;
}

/** Never inside a normalised name or id (whitespace is collapsed to single spaces). */
const SEP = '\n';

function starts(parts: readonly string[], lead: number): Int32Array {
  const out = new Int32Array(parts.length + 1);
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    out[i] = at + lead;
    at += lead + parts[i]!.length + (lead ? 0 : 1);
  }
  out[parts.length] = at + lead;
  return out;
}

/**
 * Builds the index. Pass the previous index to reuse its normalised names for rows whose name did not
 * change (the flyout rebuilds on every live update of the incidents table).
 */
export function buildIncidentIndex<R extends IncidentRow>(
  rows: readonly R[],
  previous?: IncidentIndex<IncidentRow>,
): IncidentIndex<R> {
  const names = new Array<string>(rows.length);
  const ids = new Array<string>(rows.length);
  const positions = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    ids[i] = row.id.toLowerCase().replaceAll(SEP, ' ');
    const before = previous?.positions.get(row.id);
    names[i] =
      before !== undefined && previous!.rows[before]!.displayName === row.displayName
        ? previous!.names[before]!
        : foldText(row.displayName);
    if (!positions.has(row.id)) positions.set(row.id, i);
  }
  return {
    rows,
    names,
    positions,
    nameBlob: names.join(SEP),
    nameStarts: starts(names, 0),
    idBlob: SEP + ids.join(SEP),
    idStarts: starts(ids, 1),
  };
}

/** The row whose [start, next start) range holds `offset`. */
function rowAt(startsOf: Int32Array, rowCount: number, offset: number): number {
  let lo = 0;
  let hi = rowCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (startsOf[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const EXACT_ID = 0;
const ID_PREFIX = 1;
const NAME_PREFIX = 2;
const WORD_PREFIX = 3;
const SUBSTRING = 4;
const ALL_WORDS = 5;
const RANKS = 6;

/** Is the character at `at` the start of a word (after a space or punctuation)? */
function startsWord(blob: string, at: number): boolean {
  const c = blob.charCodeAt(at - 1);
  // Not a letter or digit (names are accent-stripped; other scripts count as letters).
  return !((c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c > 127);
}

/** Keeps, per rank, up to `limit` row positions; `full` is the best rank whose bucket is full. */
class Buckets {
  readonly lists: number[][] = [];
  full = RANKS;
  constructor(readonly limit: number) {
    for (let r = 0; r < RANKS; r++) this.lists.push([]);
  }
  /** Nothing of this rank or worse can make the cut. */
  closed(rank: number): boolean {
    return rank >= this.full;
  }
  add(rank: number, row: number): void {
    const list = this.lists[rank]!;
    if (rank >= this.full) return;
    list.push(row);
    if (list.length >= this.limit) this.full = rank;
  }
  count(): number {
    let n = 0;
    for (const l of this.lists) n += l.length;
    return n;
  }
}

/**
 * The incidents matching `query`, best first, at most `limit`. An empty query lists the first rows in
 * index order (for browsing). Returns the index's own row objects.
 */
export function searchIncidents<R extends IncidentRow>(
  index: IncidentIndex<R>,
  query: string,
  options: SearchOptions = {},
): R[] {
  const limit = Math.max(0, Math.floor(options.limit ?? 50));
  const exclude = options.exclude && options.exclude.size > 0 ? options.exclude : undefined;
  const { rows, names, nameBlob, nameStarts, idBlob, idStarts } = index;
  const n = rows.length;
  const out: R[] = [];
  if (limit === 0 || n === 0) return out;
  const excluded = (i: number) => exclude?.has(rows[i]!.id) === true;

  const q = foldText(query);
  if (!q) {
    for (let i = 0; i < n && out.length < limit; i++) if (!excluded(i)) out.push(rows[i]!);
    return out;
  }

  const b = new Buckets(limit);
  // Rows already ranked by id: a name hit on them must not list them twice (at most `limit` of them
  // when the name pass runs at all, since a full id bucket closes every name rank).
  const byId = new Set<number>();

  // Ids: "#2041" and "ID 2041" are how people write them.
  const idQuery = q.replace(/^(?:#|id:?\s*)/, '');
  if (idQuery && !idQuery.includes(SEP)) {
    const needle = SEP + idQuery;
    let from = 0;
    while (!b.closed(ID_PREFIX)) {
      const at = idBlob.indexOf(needle, from);
      if (at < 0) break;
      const i = rowAt(idStarts, n, at + 1);
      const exact = idStarts[i + 1]! - 1 === at + needle.length;
      if (!excluded(i)) {
        b.add(exact ? EXACT_ID : ID_PREFIX, i);
        byId.add(i);
      }
      from = idStarts[i + 1]! - 1;
    }
  }

  // Names: one scan of the joined names; after a hit, continue at the next row.
  let from = 0;
  while (!b.closed(NAME_PREFIX)) {
    const at = nameBlob.indexOf(q, from);
    if (at < 0) break;
    const i = rowAt(nameStarts, n, at);
    const start = nameStarts[i]!;
    const end = nameStarts[i + 1]! - 1;
    from = end + 1;
    if (byId.has(i) || excluded(i)) continue;
    let rank = SUBSTRING;
    if (at === start) rank = NAME_PREFIX;
    else {
      // The first hit may be mid-word while a later one starts a word ("rans" in "transfer ransomware").
      for (let k = at; k >= 0 && k + q.length <= end; k = nameBlob.indexOf(q, k + 1)) {
        if (startsWord(nameBlob, k)) {
          rank = WORD_PREFIX;
          break;
        }
      }
    }
    b.add(rank, i);
  }

  // Every word of the query, in any order: candidates from the first word's hits.
  if (q.includes(' ') && !b.closed(ALL_WORDS)) {
    const [first = '', ...rest] = q.split(' ').sort((x, y) => y.length - x.length);
    let from2 = 0;
    while (!b.closed(ALL_WORDS)) {
      const at = nameBlob.indexOf(first, from2);
      if (at < 0) break;
      const i = rowAt(nameStarts, n, at);
      from2 = nameStarts[i + 1]!;
      const name = names[i]!;
      if (name.includes(q) || byId.has(i) || excluded(i)) continue;
      if (rest.every((w) => name.includes(w))) b.add(ALL_WORDS, i);
    }
  }

  if (b.count() === 0) return out;
  for (const list of b.lists) {
    for (const i of list) {
      if (out.length >= limit) return out;
      out.push(rows[i]!);
    }
  }
  return out;
}

/** The brief's short name. */
export const search = searchIncidents;
