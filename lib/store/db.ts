/**
 * The one Dexie class. Every `version(n)` stays here forever; data changes go in `.upgrade()`.
 * The background service worker is the only writer; extension pages read with liveQuery.
 */
import Dexie, { type EntityTable } from 'dexie';
import type { ActivityEntry, Alert, Incident } from '../model';

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
  /** Set when undone, with the token of the move that undid it. */
  undoneBy?: string;
  /** Set on a move that undoes another. */
  undoes?: string;
  /** Sync state when a connector is on: pending until the server accepted it. */
  sync?: 'local' | 'pending' | 'synced' | 'failed';
  syncError?: string;
}

/** A move waiting to be sent to Microsoft Graph (durable across service-worker restarts). */
export interface OutboxItem {
  id?: number;
  moveToken: string;
  kind: 'moveAlerts';
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

export class MoverDB extends Dexie {
  incidents!: EntityTable<Incident, 'id'>;
  alerts!: EntityTable<Alert, 'id'>;
  activity!: EntityTable<ActivityEntry & { seq: number }, 'seq'>;
  moves!: EntityTable<MoveRecord, 'token'>;
  outbox!: EntityTable<OutboxItem, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;

  constructor(name = DB_NAME, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    this.version(1).stores({
      incidents:
        'id, lastUpdateDateTime, status, severity, createdDateTime, [status+lastUpdateDateTime], *categories, *serviceSources, *scopes, *assets, assignedTo',
      alerts:
        'id, incidentId, [incidentId+createdDateTime], lastActivityDateTime, createdDateTime, severity, status, scope, category, serviceSource',
      activity: '++seq, [incidentId+seq], *alertIds, at, moveToken',
      moves: 'token, at',
      outbox: '++id, state, moveToken',
      meta: 'key',
    });
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
