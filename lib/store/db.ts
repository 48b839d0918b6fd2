/**
 * The one Dexie class. Its versions, each kept forever with its `.upgrade()`, are in ./migrations.ts.
 * The background service worker is the only writer; extension pages read with liveQuery.
 */
import Dexie, { type DexieOptions, type EntityTable } from 'dexie';
import type { ActivityEntry, Alert, Incident } from '../model';
import { isStorageFull } from '../model/errors';
import type { MoveResult } from '../model/move-result';
import type { IncidentCard } from './cards';
import { applyMigrations } from './migrations';

export const DB_NAME = 'incident-mover';

/** One undoable move: what it changed, so Undo can check nothing changed since and put it back. */
export interface MoveRecord {
  token: string;
  at: string;
  actor: { displayName: string; upn: string };
  comment: string;
  destinationIncidentId: string;
  createdIncident: boolean;
  /** Per alert: where it was, and its version right after the move. */
  alerts: { alertId: string; fromIncidentId: string; versionAfter: number }[];
  /** Incidents as they were before the move (name, severity, status), and their version after it. */
  incidents: {
    id: string;
    displayName: string;
    severity: string;
    status: string;
    versionAfter: number;
  }[];
  emptiedIncidentIds: string[];
  /** What the move answered, so a repeated request with its token gets the same answer (not a second move). */
  result?: MoveResult;
  /** Set when undone, with the token of the move that undid it. */
  undoneBy?: string;
  /** Set on a move that undoes another. */
  undoes?: string;
  /** Tokens of every move saved with this one as one change (a split), this one included: undone together. */
  batch?: string[];
  /** Set on a merge of incidents and on its undo (lib/merge): what Undo and sync need beyond a move's. */
  merge?: MergeDetails;
  /** Sync state when a connector is on: pending until the server accepted it. */
  sync?: 'local' | 'pending' | 'synced' | 'failed';
  syncError?: string;
}

/** What a merge record adds to a move's (DESIGN §8). */
export interface MergeDetails {
  /** `merge`: incidents merged into the survivor (`destinationIncidentId`); `unmerge`: its undo. */
  kind: 'merge' | 'unmerge';
  survivorId: string;
  /** The incidents that became redirected to the survivor (or, for an unmerge, were restored). */
  mergedIncidentIds: string[];
  reasons: string[];
  /** Tags and redirect of every incident involved before the merge, so Undo restores them. */
  before: {
    id: string;
    tags?: string[] | null;
    customTags?: string[] | null;
    systemTags?: string[] | null;
    redirectIncidentId?: string | null;
  }[];
  /** What the merge answered (a repeated request with its token gets it again). */
  result?: MergeResult;
}

/** What a merge (or its undo) answers. */
export interface MergeResult {
  survivorId: string;
  survivorName: string;
  mergedIncidentIds: string[];
  movedAlertIds: string[];
  /** Why the product chose this survivor, in words. */
  survivorReason: string;
  token: string;
}

/** A move waiting to be sent to Microsoft Graph (durable across service-worker restarts). */
export interface OutboxItem {
  id?: number;
  moveToken: string;
  kind: 'moveAlerts' | 'mergeIncidents';
  body: Record<string, unknown>;
  provisionalIncidentId?: string;
  state: 'queued' | 'sending' | 'done' | 'failed';
  attempts: number;
  createdAt: string;
  /** Idempotency: the request id the server saw, so a replay after a crash is not sent twice. */
  requestId: string;
  lastError?: string;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

export interface MoverDBOptions extends DexieOptions {
  /**
   * Another connection (a newer build of the extension) is upgrading the schema: this connection is closed
   * for good first, then this is called. Pages pass `() => location.reload()` to come back with the new code.
   * Without it, Dexie's default holds: close so the upgrade can go on, and reopen on the next query.
   */
  onUpgradeElsewhere?: () => void;
}

export class MoverDB extends Dexie {
  incidents!: EntityTable<Incident, 'id'>;
  alerts!: EntityTable<Alert, 'id'>;
  activity!: EntityTable<ActivityEntry & { seq: number }, 'seq'>;
  moves!: EntityTable<MoveRecord, 'token'>;
  outbox!: EntityTable<OutboxItem, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;
  /** One small row per incident, kept by every write (./cards.ts). */
  cards!: EntityTable<IncidentCard, 'id'>;
  /** Closed because a newer schema took over: never opened again by this code. */
  private closedForGood = false;

  constructor(name = DB_NAME, options: MoverDBOptions = {}) {
    const { onUpgradeElsewhere, ...dexieOptions } = options;
    super(name, dexieOptions);
    applyMigrations(this);
    if (onUpgradeElsewhere) {
      this.on('versionchange', (event) => {
        // A deletion (newVersion null): Dexie's own handler closes and reopens on the next query.
        if (!event.newVersion) return;
        // Closed for good: code that knows only the old schema must not reopen and write with it.
        this.closedForGood = true;
        this.close({ disableAutoOpen: true });
        onUpgradeElsewhere();
        // Stops Dexie's own handler, which would close again with reopening allowed.
        return false;
      });
    }
  }

  /**
   * Opens the store again if its last open failed. On a full disk Chromium closes the store after a failed write
   * and refuses to open it again while the disk is full; Dexie then answers every later query with that old
   * error, even once there is room, until it is opened again. A store closed for good stays closed.
   */
  async reopenIfOpenFailed(): Promise<void> {
    if (this.closedForGood || this.isOpen() || !this.hasFailed()) return;
    await this.open().catch(() => undefined);
  }

  /**
   * Runs a write, and once more if it was refused for want of room. On a full disk Chromium's store can refuse
   * the next write as well, even once there is room, and it closes the store after that write; the second try
   * meets a store opened again. Only for writes that write nothing when refused (one transaction each). A plain
   * refusal (the quota, a disk still full) fails the second try too, a second later.
   */
  async writeOnceMoreIfFull<T>(write: () => Promise<T>, waitMs = 1000): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (!isStorageFull(e)) throw e;
      console.warn('[incident-mover] a write refused for want of room is tried once more', e);
      // Chromium's close comes after the failed write's error.
      for (let waited = 0; this.isOpen() && waited < waitMs; waited += 50)
        await new Promise((r) => setTimeout(r, 50));
      if (!this.closedForGood && !this.isOpen()) await this.open().catch(() => undefined);
      return write();
    }
  }
}

/** Everything in the store, for tests and export. */
export async function counts(db: MoverDB) {
  const [incidents, alerts, activity] = await Promise.all([
    db.incidents.count(),
    db.alerts.count(),
    db.activity.count(),
  ]);
  return { incidents, alerts, activity };
}
