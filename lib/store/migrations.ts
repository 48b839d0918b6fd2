/**
 * Every version of the IndexedDB schema, oldest first, kept forever: a browser may hold any of them, and
 * Dexie upgrades it one version at a time through the list. MoverDB applies them all.
 *
 * To add version N:
 * 1. Append `{ version: N, stores: {…}, upgrade }` to MIGRATIONS. `stores` names only the tables that change
 *    (the new index list; `null` deletes a table); Dexie keeps the others. Never edit an earlier entry.
 * 2. Data changes go in `upgrade`. It sees raw records (`tx.table('incidents')`), not today's types, and
 *    awaits only Dexie calls (anything else ends the upgrade transaction).
 * 3. When the version adds an index over a field derived from an incident's alerts (`alertCount`, the
 *    multi-entry `*categories`, `*serviceSources`, `*scopes`, `*assets`…), or lib/model/derive.ts changes
 *    how one is computed, the upgrade calls `recomputeIncidentSummaries(tx)`, so stored incidents agree
 *    with what a move would write.
 * 4. Store its fixture: `node scripts/make-store-fixture.mjs` writes test/fixtures/store/vN.json, and
 *    test/lib/store/migrations.test.ts (which wants one per version) opens every stored version with the
 *    current code. Once version N is released its fixture never changes again.
 */
import type Dexie from 'dexie';
import type { Transaction } from 'dexie';
import type { Alert } from '../model';
import { emptyTally, summaryOf, type Tally, tallyAlert } from '../model/derive';
import { entityKeysOf } from '../model/entities';
import { CARDS_TABLE, cardsMiddleware, rewriteAllCards } from './cards';
import { COUNTERS_TABLE, countersMiddleware, recountAll } from './counters';

export interface Migration {
  version: number;
  /** The tables this version creates or changes, each with its full index list; `null` deletes a table. */
  stores: Record<string, string | null>;
  /** Data changes, run once inside the upgrade transaction when the browser held an older version. */
  upgrade?: (tx: Transaction) => Promise<unknown>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    stores: {
      incidents:
        'id, lastUpdateDateTime, status, severity, createdDateTime, [status+lastUpdateDateTime], *categories, *serviceSources, *scopes, *assets, assignedTo',
      alerts:
        'id, incidentId, [incidentId+createdDateTime], lastActivityDateTime, createdDateTime, severity, status, scope, category, serviceSource',
      activity: '++seq, [incidentId+seq], *alertIds, at, moveToken',
      moves: 'token, at',
      outbox: '++id, state, moveToken',
      meta: 'key',
    },
  },
  {
    // Entity keys (DESIGN §7): each alert keeps its evidence's keys, each incident the union of its alerts'
    // (with their counts in the tally), and `*entities` finds the incidents holding a key without a scan.
    version: 2,
    stores: {
      incidents:
        'id, lastUpdateDateTime, status, severity, createdDateTime, [status+lastUpdateDateTime], *categories, *serviceSources, *scopes, *assets, assignedTo, *entities',
    },
    upgrade: async (tx) => {
      await tx
        .table('alerts')
        .toCollection()
        .modify((alert: Alert) => {
          alert.entities = entityKeysOf(alert);
        });
      await recomputeIncidentSummaries(tx);
    },
  },
  {
    // Counters by status × severity × day (lib/store/counters.ts), kept by every write from now on: a queue's
    // count with the default filters reads them instead of every alert in its range.
    version: 3,
    stores: { [COUNTERS_TABLE]: 'k' },
    upgrade: recountAll,
  },
  {
    // A large import's validated records wait here, in batches, until the whole file has been read and found
    // valid; then one transaction moves them into the store (lib/data/import/stream.ts).
    version: 4,
    stores: { staging: '++id, session' },
  },
  {
    // Counters by hour as well as by day (lib/store/counters.ts): a count reads at most two partial hours of
    // records, not two partial days. The counters are counted again in the new shape.
    version: 5,
    stores: {},
    upgrade: recountAll,
  },
  {
    // A small card per incident (lib/store/cards.ts), kept by every write from now on: suggestions weigh their
    // candidates by it instead of reading incidents whose entity keys can weigh hundreds of kilobytes.
    version: 6,
    stores: { [CARDS_TABLE]: 'id' },
    upgrade: rewriteAllCards,
  },
];

/** Declares every version on a Dexie instance before it opens. */
export function applyMigrations(db: Dexie, migrations: readonly Migration[] = MIGRATIONS): void {
  for (const m of migrations) {
    const version = db.version(m.version).stores(m.stores);
    if (m.upgrade) version.upgrade(m.upgrade);
  }
  // The counters table is only right if every write keeps it: from the version that adds it on, every
  // read-write transaction over alerts or incidents updates it (it does nothing where the table is absent).
  db.use(countersMiddleware);
  // The same for the incident cards, from version 6 on.
  db.use(cardsMiddleware);
}

/** The whole schema at the last version of `migrations`: each table's index list, deleted tables left out. */
export function schemaOf(migrations: readonly Migration[] = MIGRATIONS): {
  version: number;
  stores: Record<string, string>;
} {
  const stores: Record<string, string> = {};
  for (const m of migrations) {
    for (const [table, indexes] of Object.entries(m.stores)) {
      if (indexes === null) delete stores[table];
      else stores[table] = indexes;
    }
  }
  return { version: migrations.at(-1)?.version ?? 0, stores };
}

/**
 * For an upgrade: recomputes every incident's derived fields (alertCount, categories, serviceSources,
 * detectionSources, assets, scopes, entities, tally) from the alerts that point at it, with the functions the move
 * uses. Severity, version and everything else stay as they are: the analyst changed nothing. One pass over
 * the alerts, then one over the incidents, so it works at hundreds of thousands of alerts.
 * Answers how many incidents it rewrote.
 */
export async function recomputeIncidentSummaries(tx: Transaction): Promise<number> {
  const tallies = new Map<string, Tally>();
  await tx.table('alerts').each((alert: Alert) => {
    const tally = tallies.get(alert.incidentId) ?? emptyTally();
    tallies.set(alert.incidentId, tallyAlert(tally, alert, 1));
  });
  return tx
    .table('incidents')
    .toCollection()
    .modify((incident: { id: string }) => {
      const { severity: _keep, ...derived } = summaryOf(tallies.get(incident.id) ?? emptyTally());
      Object.assign(incident, derived);
    });
}
