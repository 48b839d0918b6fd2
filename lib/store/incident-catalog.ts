/**
 * The incidents the `Incident name or ID` combobox searches, kept live and cheap: read in full once per
 * database (reading 40,000 incidents takes 1–2 s in Chromium), then kept up to date by a small live query
 * (the count, plus the incidents updated since the newest one seen) so new and renamed incidents appear
 * while the flyout is open without re-reading everything. A count that doesn't add up (deletions, a clear,
 * an import of older records) falls back to a full read. Only the fields the search needs are kept.
 *
 * Dexie only, no DOM: the database is an argument.
 */
import { liveQuery, type Subscription } from 'dexie';
import type { Incident } from '../model';
import type { MoverDB } from './db';
import type { IncidentRow } from './incident-search';

export interface CatalogRow extends IncidentRow {
  scopes: string[];
  lastUpdateDateTime: string;
}

type Listener = (rows: readonly CatalogRow[]) => void;

type Read = { kind: 'full'; incidents: Incident[] } | { kind: 'changes'; incidents: Incident[] };

function toRow(i: Incident): CatalogRow {
  return {
    id: i.id,
    displayName: i.displayName,
    status: i.status,
    severity: i.severity,
    redirectIncidentId: i.redirectIncidentId ?? null,
    scopes: i.scopes ?? [],
    lastUpdateDateTime: i.lastUpdateDateTime ?? '',
  };
}

/** Most recently updated first; ties by id so the order is stable. */
function newestFirst(a: CatalogRow, b: CatalogRow): number {
  if (a.lastUpdateDateTime !== b.lastUpdateDateTime)
    return a.lastUpdateDateTime < b.lastUpdateDateTime ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class IncidentCatalog {
  private rows: CatalogRow[] | undefined;
  private ids = new Set<string>();
  private since = '';
  private readonly listeners = new Set<Listener>();
  private subscription: Subscription | undefined;
  private failed: unknown;

  constructor(private readonly db: MoverDB) {}

  /** The rows now (undefined until the first read finished). */
  current(): readonly CatalogRow[] | undefined {
    return this.rows;
  }

  /** Calls `listener` with the rows now (if read) and after every change; returns the unsubscribe. */
  subscribe(listener: Listener, onError?: (error: unknown) => void): () => void {
    this.listeners.add(listener);
    if (this.rows) listener(this.rows);
    if (this.failed !== undefined) onError?.(this.failed);
    if (!this.subscription) this.start(onError);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        // Nobody is looking: stop watching, keep the rows; the next subscriber catches up from `since`.
        this.subscription?.unsubscribe();
        this.subscription = undefined;
      }
    };
  }

  private start(onError?: (error: unknown) => void) {
    const { db } = this;
    this.subscription = liveQuery(async (): Promise<Read> => {
      if (!this.rows) return { kind: 'full', incidents: await db.incidents.toArray() };
      const [count, changed] = await Promise.all([
        db.incidents.count(),
        db.incidents.where('lastUpdateDateTime').aboveOrEqual(this.since).toArray(),
      ]);
      let expected = this.ids.size;
      for (const i of changed) if (!this.ids.has(i.id)) expected++;
      // Something went away or changed without a newer timestamp: read everything again.
      if (count !== expected) return { kind: 'full', incidents: await db.incidents.toArray() };
      return { kind: 'changes', incidents: changed };
    }).subscribe({
      next: (read) => this.apply(read),
      error: (error) => {
        this.failed = error;
        onError?.(error);
      },
    });
  }

  private apply(read: Read) {
    const fresh = read.incidents.map(toRow);
    let rows: CatalogRow[];
    if (read.kind === 'full') {
      rows = fresh.sort(newestFirst);
    } else {
      if (fresh.length === 0 && this.rows) return;
      const changed = new Set(fresh.map((r) => r.id));
      rows = [...fresh.sort(newestFirst), ...(this.rows ?? []).filter((r) => !changed.has(r.id))];
      // The changed rows are the newest by construction, but an update may carry an older timestamp.
      if (rows.some((r, i) => i > 0 && newestFirst(rows[i - 1]!, r) > 0)) rows.sort(newestFirst);
    }
    this.rows = rows;
    this.ids = new Set(rows.map((r) => r.id));
    // Sorted newest first: the first row has the newest timestamp.
    this.since = rows[0]?.lastUpdateDateTime ?? '';
    this.failed = undefined;
    for (const l of this.listeners) l(rows);
  }
}

const catalogs = new WeakMap<MoverDB, IncidentCatalog>();

/** One catalog per database, shared by every flyout of the page (reopening the flyout is instant). */
export function incidentCatalog(db: MoverDB): IncidentCatalog {
  let catalog = catalogs.get(db);
  if (!catalog) {
    catalog = new IncidentCatalog(db);
    catalogs.set(db, catalog);
  }
  return catalog;
}
