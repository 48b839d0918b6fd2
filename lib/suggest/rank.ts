/**
 * Suggested incidents (DESIGN §7): which other incidents a selection of alerts belongs with, best first, and why.
 * Pure: the store reader (./read.ts) gathers the facts; the ranking, its filter and its words are here.
 *
 * A shared entity counts by how rare it is: a key held by `df` incidents (the selection's own included) weighs
 * 1/df, and nothing at all once more than RARE_MAX_INCIDENTS hold it (a domain controller, a proxy, a backup
 * service account). The weight depends on `df` only, never on how many incidents the store holds, so an
 * incident that shares nothing never changes how the others compare. An incident is suggested only when it
 * shares at least one entity that is rare in this store as well (held by at most a quarter of its incidents):
 * common entities alone suggest nothing, and they break no tie either (they say nothing about where an alert
 * belongs, and finding which incident holds one would cost a lookup per candidate). Time proximity, then shared
 * MITRE tactics, then the number of rare entities shared only break ties. The selection's own incidents, resolved and redirected incidents (the
 * reader follows a redirect to the incident that survived the merge) and incidents the analyst can't read
 * are never suggested.
 */
import type { CorrelationReason } from '../model';
import type { AlertEntity, EntityKind } from '../model/entities';

/** A key held by more incidents than this weighs nothing: it says nothing about where an alert belongs. */
export const RARE_MAX_INCIDENTS = 50;
/** How many suggestions the flyout shows. */
export const SUGGESTIONS_SHOWN = 5;
/** Within a day of each other: `temporalProximity` is pre-selected. */
export const NEAR_IN_TIME_MS = 24 * 3600 * 1000;

/** The most incidents a key may be held by and still make a suggestion in a store of `incidentCount`. */
export function rareLimit(incidentCount: number): number {
  return Math.min(RARE_MAX_INCIDENTS, Math.max(2, Math.floor(incidentCount / 4)));
}

/** What a shared key weighs, from how many incidents hold it. */
export const keyWeight = (df: number): number => (df >= 1 && df <= RARE_MAX_INCIDENTS ? 1 / df : 0);

export interface TimeWindow {
  /** Epoch milliseconds. */
  first: number;
  last: number;
}

export interface SelectionFacts {
  /** The selected alerts' incidents: never suggested. */
  incidentIds: ReadonlySet<string>;
  /** The selected alerts' entities, distinct by key. */
  entities: readonly AlertEntity[];
  window?: TimeWindow;
  categories: ReadonlySet<string>;
}

export interface CandidateIncident {
  id: string;
  displayName: string;
  severity: string;
  status: string;
  entities: readonly string[];
  categories?: readonly string[];
  /** When its alerts were active. */
  window?: TimeWindow;
}

/** An entity a candidate shares with the selection, rare enough to weigh something. */
export interface SharedEntity extends AlertEntity {
  /** How many incidents hold it (at most RARE_MAX_INCIDENTS). */
  incidents: number;
}

export interface Suggestion {
  incidentId: string;
  displayName: string;
  severity: string;
  /** The sum of the rare shared entities' weights. */
  score: number;
  /** Rarest first. */
  shared: SharedEntity[];
  /** Milliseconds between the selection and the incident's activity (0 when they overlap). */
  gapMs?: number;
  relation?: 'after' | 'before' | 'during';
  sharedCategories: string[];
  /** Graph correlation reasons that fit (pre-selected when the analyst picks it). */
  reasons: CorrelationReason[];
  /** One sentence: what it shares, and when. */
  why: string;
}

export interface RankInput {
  selection: SelectionFacts;
  /** Incidents that hold at least one of the selection's keys (others can't be suggested). */
  candidates: readonly CandidateIncident[];
  /** How many incidents hold `key` (at least the ones given in `candidates`). */
  incidentsHolding(key: string): number;
  /** How many incidents the store holds. */
  incidentCount: number;
  canRead?(candidate: CandidateIncident): boolean;
  limit?: number;
}

const ASSET_KINDS: ReadonlySet<EntityKind> = new Set(['device', 'user', 'mailbox']);
const KIND_WORDS: Record<EntityKind, string> = {
  device: 'device',
  user: 'user',
  ip: 'IP address',
  file: 'file',
  url: 'URL',
  mailbox: 'mailbox',
  app: 'cloud app',
  process: 'process',
};

const EXCLUDED_STATUSES: ReadonlySet<string> = new Set(['resolved', 'redirected']);

function relationOf(selection: TimeWindow | undefined, incident: TimeWindow | undefined) {
  if (!selection || !incident) return {};
  if (selection.first > incident.last)
    return { gapMs: selection.first - incident.last, relation: 'after' as const };
  if (selection.last < incident.first)
    return { gapMs: incident.first - selection.last, relation: 'before' as const };
  return { gapMs: 0, relation: 'during' as const };
}

/** "40 min", "2 h", "3 d". */
export function durationWords(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} d`;
}

const joinAnd = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/** "shares device fin-ws-0303 and file 3a7f…c2; 2 h after its last alert". */
export function whySentence(
  s: Pick<Suggestion, 'shared' | 'gapMs' | 'relation' | 'sharedCategories'>,
): string {
  const named = s.shared.slice(0, 3).map((e) => `${KIND_WORDS[e.kind]} ${e.label}`);
  if (s.shared.length > 3) named.push(`${s.shared.length - 3} more`);
  const parts = [`shares ${joinAnd(named)}`];
  if (s.relation === 'during') parts.push('while its alerts were active');
  else if (s.relation === 'after' && s.gapMs !== undefined)
    parts.push(`${durationWords(s.gapMs)} after its last alert`);
  else if (s.relation === 'before' && s.gapMs !== undefined)
    parts.push(`${durationWords(s.gapMs)} before its first alert`);
  return parts.join('; ');
}

function reasonsOf(
  shared: readonly SharedEntity[],
  gapMs: number | undefined,
  categories: readonly string[],
) {
  const reasons: CorrelationReason[] = [];
  if (shared.some((e) => ASSET_KINDS.has(e.kind))) reasons.push('sameAsset');
  if (shared.some((e) => !ASSET_KINDS.has(e.kind))) reasons.push('sharedIndicators');
  if (gapMs !== undefined && gapMs <= NEAR_IN_TIME_MS) reasons.push('temporalProximity');
  if (categories.length) reasons.push('similarTTPsOrBehavior');
  return reasons;
}

/** Orders suggestions: a total order, so the same facts always give the same list. */
export function compareSuggestions(a: Suggestion, b: Suggestion): number {
  if (Math.abs(a.score - b.score) > 1e-9) return b.score - a.score;
  const ga = a.gapMs ?? Number.POSITIVE_INFINITY;
  const gb = b.gapMs ?? Number.POSITIVE_INFINITY;
  if (ga !== gb) return ga < gb ? -1 : 1;
  if (a.sharedCategories.length !== b.sharedCategories.length)
    return b.sharedCategories.length - a.sharedCategories.length;
  const ca = a.shared.length;
  const cb = b.shared.length;
  if (ca !== cb) return cb - ca;
  return a.incidentId < b.incidentId ? -1 : a.incidentId > b.incidentId ? 1 : 0;
}

/** Scores one candidate; undefined when it is not to be suggested. */
export function scoreCandidate(
  input: Omit<RankInput, 'candidates' | 'limit'>,
  candidate: CandidateIncident,
): Suggestion | undefined {
  const { selection } = input;
  if (selection.incidentIds.has(candidate.id) || EXCLUDED_STATUSES.has(candidate.status)) return undefined;
  if (input.canRead && !input.canRead(candidate)) return undefined;
  const held = new Set(candidate.entities);
  const limit = rareLimit(input.incidentCount);
  const shared: SharedEntity[] = [];
  let score = 0;
  let suggestible = false;
  for (const e of selection.entities) {
    if (!held.has(e.key)) continue;
    const df = Math.max(1, input.incidentsHolding(e.key));
    const weight = keyWeight(df);
    if (!weight) continue;
    score += weight;
    if (df <= limit) suggestible = true;
    shared.push({ ...e, incidents: df });
  }
  if (!suggestible) return undefined;
  shared.sort((a, b) => a.incidents - b.incidents);
  const { gapMs, relation } = relationOf(selection.window, candidate.window);
  const sharedCategories = (candidate.categories ?? []).filter((c) => selection.categories.has(c));
  const partial = {
    shared,
    sharedCategories,
    ...(gapMs !== undefined ? { gapMs } : {}),
    ...(relation ? { relation } : {}),
  };
  return {
    incidentId: candidate.id,
    displayName: candidate.displayName,
    severity: candidate.severity,
    score,
    ...partial,
    reasons: reasonsOf(shared, gapMs, sharedCategories),
    why: whySentence(partial),
  };
}

/** The suggestions for a selection, best first, at most `limit` (all when not given). */
export function rankIncidents(input: RankInput): Suggestion[] {
  const out: Suggestion[] = [];
  const seen = new Set<string>();
  for (const c of input.candidates) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    const s = scoreCandidate(input, c);
    if (s) out.push(s);
  }
  out.sort(compareSuggestions);
  return input.limit === undefined ? out : out.slice(0, input.limit);
}
