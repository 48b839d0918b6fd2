/**
 * Incident cards: the few fields of an incident that choosing among many incidents needs (its name, severity,
 * status, redirect, categories and scopes), one small row per incident, kept by every write in the same
 * IndexedDB transaction (a Dexie middleware, like ./counters.ts: no writer has to remember them).
 *
 * An incident record carries its alerts' entity keys and their tally; an incident of a thousand alerts weighs
 * a few hundred kilobytes. Suggestions (lib/suggest/read.ts) weigh dozens of candidates per keystroke-sized
 * moment and read their cards instead, so a large incident costs what a small one does.
 */
import type { DBCore, DBCoreMutateRequest, DBCoreTable, DBCoreTransaction, Transaction } from 'dexie';
import type { Incident } from '../model';
import { derivedTableMiddleware } from './derived-table';

export const CARDS_TABLE = 'cards';

export type IncidentCard = Pick<
  Incident,
  'id' | 'displayName' | 'severity' | 'status' | 'categories' | 'scopes'
> & {
  redirectIncidentId?: string | null;
};

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The card of a stored incident record (raw: records written by older versions may lack fields). */
export function cardOf(incident: Record<string, unknown>): IncidentCard {
  const card: IncidentCard = {
    id: String(incident.id),
    displayName: text(incident.displayName),
    severity: text(incident.severity) as IncidentCard['severity'],
    status: text(incident.status) as IncidentCard['status'],
    categories: strings(incident.categories),
    scopes: strings(incident.scopes),
  };
  if (typeof incident.redirectIncidentId === 'string') card.redirectIncidentId = incident.redirectIncidentId;
  return card;
}

const scopeHasCards = (trans: DBCoreTransaction) =>
  (trans as unknown as IDBTransaction).objectStoreNames?.contains?.(CARDS_TABLE) ?? false;

/** The same write, made to the cards: a put of incidents puts their cards, a delete deletes them. */
function cardWrite(
  req: DBCoreMutateRequest,
  primaryKey: DBCoreTable['schema']['primaryKey'],
): DBCoreMutateRequest {
  const { trans } = req;
  switch (req.type) {
    case 'add':
    case 'put': {
      const values = req.values.map((v) => cardOf(v as Record<string, unknown>));
      const keys = req.keys ?? req.values.map((v) => primaryKey.extractKey!(v));
      return { type: 'put', trans, values, keys };
    }
    case 'delete':
      return { type: 'delete', trans, keys: req.keys };
    case 'deleteRange':
      return { type: 'deleteRange', trans, range: req.range };
  }
}

function cardKeepingTable(core: DBCore, table: DBCoreTable): DBCoreTable {
  return {
    ...table,
    mutate: (req) => {
      if (!scopeHasCards(req.trans)) return table.mutate(req);
      return table.mutate(req).then((res) => {
        // Only the rows that were written: a failed add (its key taken) leaves the card that is there.
        const failed = res.numFailures ? res.failures : {};
        let write = cardWrite(req, table.schema.primaryKey);
        if (res.numFailures && (write.type === 'put' || write.type === 'delete')) {
          const keep = (_: unknown, i: number) => !Object.hasOwn(failed, i);
          write =
            write.type === 'put'
              ? { ...write, values: write.values.filter(keep), keys: write.keys?.filter(keep) }
              : { ...write, keys: write.keys.filter(keep) };
        }
        return core
          .table(CARDS_TABLE)
          .mutate(write)
          .then(() => res);
      });
    },
  };
}

/**
 * The middleware: read-write transactions over incidents also hold the cards, and every write to incidents
 * makes the same write to them before the transaction can commit. Writes made where the schema has no cards
 * yet (upgrade steps before the one that adds them) are left alone: that step writes them all.
 */
export const cardsMiddleware = derivedTableMiddleware({
  name: 'incident-mover-cards',
  table: CARDS_TABLE,
  follows: (name) => name === 'incidents',
  wrap: (down, table) => cardKeepingTable(down, table),
});

/** For an upgrade: writes every incident's card again from scratch (one pass over the incidents). */
export async function rewriteAllCards(tx: Transaction): Promise<void> {
  const cards: IncidentCard[] = [];
  await tx.table('incidents').each((row: Record<string, unknown>) => {
    cards.push(cardOf(row));
  });
  const table = tx.table(CARDS_TABLE);
  await table.clear();
  await table.bulkPut(cards);
}
