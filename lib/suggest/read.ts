/**
 * Suggested incidents read from the store: the selection's entity keys, how many incidents hold each (through
 * the `*entities` index, never a scan: each read stops after RARE_MAX_INCIDENTS + 1 holders), then only the
 * candidates that can still reach the top, ranked by ./rank.ts. The answer is the same as ranking every
 * incident that shares a key (a test checks it).
 */
import Dexie from 'dexie';
import type { Alert, Incident, Profile } from '../model';
import { type AlertEntity, entitiesOf } from '../model/entities';
import { canRead, canReadIncident } from '../model/permissions';
import { CARDS_TABLE, type IncidentCard } from '../store/cards';
import type { MoverDB } from '../store/db';
import { done } from '../store/lite';
import {
  type CandidateIncident,
  keyWeight,
  RARE_MAX_INCIDENTS,
  rankIncidents,
  rareLimit,
  type SelectionFacts,
  SUGGESTIONS_SHOWN,
  type Suggestion,
  scoreCandidate,
  type TimeWindow,
} from './rank';

/**
 * The most distinct keys of a selection looked up: each is one index read (a fifth of a millisecond or more in
 * Chromium at 200,000 alerts), and 50 alerts of 200 keys each would be 10,000. The keys most of the selected
 * alerts share are kept first (they say what the selection is about), then evidence order.
 */
export const MAX_SELECTION_KEYS = 32;
const CHUNK = 16;
const MAX_REDIRECTS = 32;

/** Where a merged (redirected) incident went: the survivor's card, or undefined for a chain that leads nowhere. */
async function survivorOf(trans: IDBTransaction, card: IncidentCard): Promise<IncidentCard | undefined> {
  const seen = new Set([card.id]);
  let at: IncidentCard | undefined = card;
  while (at?.status === 'redirected') {
    const next: string | null | undefined = at.redirectIncidentId;
    if (!next || seen.has(next) || seen.size > MAX_REDIRECTS) return undefined;
    seen.add(next);
    at = await cardRaw(trans, next);
  }
  return at;
}

const cardRaw = (trans: IDBTransaction, id: string) =>
  done<IncidentCard | undefined>(trans.objectStore(CARDS_TABLE).get(id));

export interface SuggestOptions {
  /** Incidents and alerts the analyst can't read are left out. Everything is readable when not given. */
  profile?: Pick<Profile, 'scopes' | 'defaultAccess'>;
  limit?: number;
}

const time = (s: string | null | undefined) => {
  const t = s ? Date.parse(s) : Number.NaN;
  return Number.isNaN(t) ? undefined : t;
};

/** What ranking needs to know of the selected alerts. */
export function selectionFacts(alerts: readonly Alert[]): SelectionFacts {
  const entities = new Map<string, AlertEntity>();
  const often = new Map<string, number>();
  let first: number | undefined;
  let last: number | undefined;
  const categories = new Set<string>();
  for (const a of alerts) {
    for (const e of entitiesOf(a)) {
      if (!entities.has(e.key)) entities.set(e.key, e);
      often.set(e.key, (often.get(e.key) ?? 0) + 1);
    }
    const t = time(a.createdDateTime);
    if (t !== undefined) {
      first = first === undefined ? t : Math.min(first, t);
      last = last === undefined ? t : Math.max(last, t);
    }
    if (a.category) categories.add(a.category);
  }
  // Most shared first; a stable sort keeps evidence order among equals.
  const kept = [...entities.values()]
    .sort((x, y) => often.get(y.key)! - often.get(x.key)!)
    .slice(0, MAX_SELECTION_KEYS);
  return {
    incidentIds: new Set(alerts.map((a) => a.incidentId)),
    entities: kept,
    ...(first !== undefined && last !== undefined ? { window: { first, last } } : {}),
    categories,
  };
}

/**
 * When an incident's alerts were created: its first and last, from the two ends of the
 * [incidentId+createdDateTime] index (two one-step key cursors, whatever the incident's size; the alerts
 * themselves are never read: their evidence can be large). Graph writes UTC times, which sort as text.
 */
export async function incidentWindow(
  db: MoverDB,
  id: string,
  native = openTransaction(),
): Promise<TimeWindow | undefined> {
  const range = () =>
    db.alerts.where('[incidentId+createdDateTime]').between([id, Dexie.minKey], [id, Dexie.maxKey]);
  const [first, last] = native
    ? await Promise.all([endKeyRaw(native, id, 'next'), endKeyRaw(native, id, 'prev')])
    : await Promise.all([
        range()
          .limit(1)
          .keys()
          .then((k) => k[0]),
        range()
          .reverse()
          .limit(1)
          .keys()
          .then((k) => k[0]),
      ]);
  const at = (key: unknown) => time(Array.isArray(key) ? (key[1] as string) : undefined);
  const from = at(first);
  const to = at(last);
  return from !== undefined && to !== undefined
    ? { first: Math.min(from, to), last: Math.max(from, to) }
    : undefined;
}

/**
 * The IndexedDB transaction of the Dexie transaction this runs in, if any. The suggestion's many small reads
 * (one index lookup per key, two cursor steps per candidate) go straight to it: Dexie's own bookkeeping per
 * request costs more than such a read.
 */
function openTransaction(): IDBTransaction | undefined {
  return (Dexie.currentTransaction as unknown as { idbtrans?: IDBTransaction } | null)?.idbtrans;
}

/** The first or last key of an incident's alerts in the [incidentId+createdDateTime] index. */
function endKeyRaw(trans: IDBTransaction, id: string, direction: 'next' | 'prev'): Promise<unknown> {
  const index = trans.objectStore('alerts').index('[incidentId+createdDateTime]');
  // [id] sorts before every [id, time], and [id, []] after them (an array sorts after any string).
  return done(index.openKeyCursor(IDBKeyRange.bound([id], [id, []]), direction)).then((c) => c?.key);
}

const cardCandidate = (
  card: IncidentCard,
  entities: readonly string[],
  window?: TimeWindow,
): CandidateIncident => ({
  id: card.id,
  displayName: card.displayName,
  severity: card.severity,
  status: card.status,
  entities,
  categories: card.categories,
  ...(window ? { window } : {}),
});

export const toCandidate = (i: Incident, window?: TimeWindow): CandidateIncident => ({
  id: i.id,
  displayName: i.displayName,
  severity: i.severity,
  status: i.status,
  entities: i.entities ?? [],
  categories: i.categories ?? [],
  ...(window ? { window } : {}),
});

/**
 * How many incidents hold each key, up to RARE_MAX_INCIDENTS + 1, and which (for the keys that are rare); inside
 * a Dexie transaction, straight on its IndexedDB transaction.
 */
export async function holdersOf(
  db: MoverDB,
  keys: readonly string[],
  native = openTransaction(),
): Promise<Map<string, string[]>> {
  const lists = native
    ? await Promise.all(keys.map((k) => holdersRaw(native, k)))
    : await Promise.all(
        keys.map((k) =>
          db.incidents
            .where('entities')
            .equals(k)
            .limit(RARE_MAX_INCIDENTS + 1)
            .primaryKeys(),
        ),
      );
  return new Map(keys.map((k, i) => [k, lists[i] as string[]]));
}

function holdersRaw(trans: IDBTransaction, key: string): Promise<IDBValidKey[]> {
  return done(
    trans
      .objectStore('incidents')
      .index('entities')
      .getAllKeys(key, RARE_MAX_INCIDENTS + 1),
  );
}

/**
 * How many incidents the store holds, counted up to the size where `rareLimit` stops growing: counting 40,000
 * incidents would cost more than the whole suggestion.
 */
export async function incidentCountForRarity(db: MoverDB): Promise<number> {
  const cap = RARE_MAX_INCIDENTS * 4;
  return (await db.incidents.toCollection().limit(cap).primaryKeys()).length;
}

/** Suggested incidents for the selected alerts, best first. Alerts the store does not have are ignored. */
export function suggestIncidents(
  db: MoverDB,
  alertIds: readonly string[],
  options: SuggestOptions = {},
): Promise<Suggestion[]> {
  // One read transaction for the hundreds of small reads (each outside one would open its own).
  return db.transaction('r', [db.alerts, db.incidents, db.cards], () =>
    readSuggestions(db, alertIds, options),
  );
}

async function readSuggestions(
  db: MoverDB,
  alertIds: readonly string[],
  options: SuggestOptions,
): Promise<Suggestion[]> {
  const limit = options.limit ?? SUGGESTIONS_SHOWN;
  const { profile } = options;
  const trans = openTransaction();
  if (!trans) throw new Error('Suggestions are read inside a transaction.');
  // The count does not depend on the selection: it is read while the alerts are.
  const counting = incidentCountForRarity(db);
  const alertStore = trans.objectStore('alerts');
  const found = await Promise.all(
    [...new Set(alertIds)].map((id) => done<Alert | undefined>(alertStore.get(id))),
  );
  const alerts = found.filter((a): a is Alert => !!a && (!profile || canRead(profile, a.scope)));
  if (!alerts.length) return [];
  const selection = selectionFacts(alerts);
  if (!selection.entities.length) return [];
  const [incidentCount, holders] = await Promise.all([
    counting,
    holdersOf(
      db,
      selection.entities.map((e) => e.key),
      trans,
    ),
  ]);
  const df = (key: string) => holders.get(key)?.length ?? 0;
  const suggestLimit = rareLimit(incidentCount);

  // Every incident that shares a key rare enough to make a suggestion, with the score it will have.
  const preScore = new Map<string, number>();
  for (const ids of holders.values()) {
    if (ids.length > suggestLimit) continue;
    for (const id of ids) if (!selection.incidentIds.has(id)) preScore.set(id, 0);
  }
  for (const ids of holders.values()) {
    const w = keyWeight(ids.length);
    if (w) for (const id of ids) if (preScore.has(id)) preScore.set(id, preScore.get(id)! + w);
  }
  const order = [...preScore].sort((a, b) => b[1] - a[1]);

  // Read candidates' cards best first until the list is full and the next one can only rank lower.
  const eligible = new Map<string, IncidentCard>();
  const rankable = (c: IncidentCard) =>
    !selection.incidentIds.has(c.id) &&
    c.status !== 'resolved' &&
    c.status !== 'redirected' &&
    (!profile || canReadIncident(profile, c));
  const scores: number[] = [];
  for (let at = 0; at < order.length; at += CHUNK) {
    const cutoff = scores.length >= limit ? scores.sort((a, b) => b - a)[limit - 1]! : undefined;
    if (cutoff !== undefined && order[at]![1] < cutoff - 1e-9) break;
    const chunk = order.slice(at, at + CHUNK);
    const cards = await Promise.all(chunk.map(([id]) => cardRaw(trans, id)));
    for (const [k, found] of cards.entries()) {
      if (!found) continue;
      let card = found;
      if (card.status === 'redirected') {
        // A merged incident's alerts are in the survivor: suggest that one (if it is not suggested already).
        const survivor = await survivorOf(trans, card);
        if (!survivor) continue;
        card = survivor;
      }
      if (eligible.has(card.id) || !rankable(card)) continue;
      eligible.set(card.id, card);
      // A survivor's own score is not known yet: it counts as 0, so the cut-off is never too high.
      scores.push(card === found ? chunk[k]![1] : (preScore.get(card.id) ?? 0));
    }
  }
  // The keys each candidate shares that weigh anything: the rare ones, whose lists in `holders` are whole.
  const rareHeld = new Map<string, string[]>();
  for (const [key, ids] of holders) {
    if (ids.length > RARE_MAX_INCIDENTS) continue;
    for (const id of ids) if (eligible.has(id)) rareHeld.set(id, [...(rareHeld.get(id) ?? []), key]);
  }
  const facts = { selection, incidentsHolding: df, incidentCount };
  const scored = [...eligible.values()].flatMap((card) => {
    const s = scoreCandidate(facts, cardCandidate(card, rareHeld.get(card.id) ?? []));
    return s ? [{ card, score: s.score }] : [];
  });
  scored.sort((a, b) => b.score - a.score);
  const cutoff = scored[limit - 1]?.score ?? Number.NEGATIVE_INFINITY;
  const contenders = scored.filter((x) => x.score >= cutoff - 1e-9);
  // Time only breaks ties and goes in the sentence: read for the ones that can make the list.
  const candidates = await Promise.all(
    contenders.map(async ({ card }) =>
      cardCandidate(card, rareHeld.get(card.id) ?? [], await incidentWindow(db, card.id, trans)),
    ),
  );
  return rankIncidents({ ...facts, candidates, limit });
}
