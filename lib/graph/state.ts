/**
 * Sync state kept in the IndexedDB `meta` table, so a stopped service worker resumes where it was,
 * and extension pages can show the status live (liveQuery over `meta`).
 */
import { z } from 'zod';
import type { MoverDB } from '../store/db';

export const PULL_STATE_KEY = 'graph.pull';
export const SYNC_STATUS_KEY = 'graph.status';
/** When the connector was signed in: moves made since then belong in the outbox. */
export const CONNECTED_SINCE_KEY = 'graph.connectedSince';

export const pullStateSchema = z.object({
  /** The next page of the run in progress (an interrupted run resumes here). */
  nextLink: z.string().optional(),
  /** Greatest `lastUpdateDateTime` of the last complete run: the next run asks for changes since. */
  highWater: z.string().optional(),
  /** Greatest `lastUpdateDateTime` seen in the run in progress. */
  runHighWater: z.string().optional(),
  runPulled: z.number().int().nonnegative().default(0),
  runPages: z.number().int().nonnegative().default(0),
  runStartedAt: z.string().optional(),
});
export type PullState = z.output<typeof pullStateSchema>;

export const syncStatusSchema = z.object({
  signedIn: z.boolean().default(false),
  phase: z.enum(['idle', 'pulling', 'pushing']).default('idle'),
  /** When the last sync finished without an error. */
  lastSyncAt: z.string().optional(),
  /** Incidents received by the last complete pull, and whether it was a full one. */
  lastPulled: z.number().int().nonnegative().optional(),
  lastPullFull: z.boolean().optional(),
  /** Moves sent by the last sync. */
  lastPushed: z.number().int().nonnegative().optional(),
  /** The last problem, as a sentence; cleared by the next sync that works. */
  lastError: z.string().optional(),
  lastErrorAt: z.string().optional(),
  /** When a throttled or failed sync will try again by itself. */
  retryAt: z.string().optional(),
  /** Pages and incidents received so far by the pull in progress. */
  progress: z.object({ pages: z.number(), incidents: z.number() }).optional(),
});
export type SyncStatus = z.output<typeof syncStatusSchema>;

export async function readPullState(db: MoverDB): Promise<PullState> {
  const parsed = pullStateSchema.safeParse((await db.meta.get(PULL_STATE_KEY))?.value ?? {});
  return parsed.success ? parsed.data : pullStateSchema.parse({});
}

export async function writePullState(db: MoverDB, state: PullState): Promise<void> {
  await db.meta.put({ key: PULL_STATE_KEY, value: state });
}

export function parseSyncStatus(value: unknown): SyncStatus {
  const parsed = syncStatusSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : syncStatusSchema.parse({});
}

export async function readSyncStatus(db: MoverDB): Promise<SyncStatus> {
  return parseSyncStatus((await db.meta.get(SYNC_STATUS_KEY))?.value);
}

/** Merges a change into the status row; `undefined` values remove a field. */
export async function updateSyncStatus(db: MoverDB, patch: Partial<SyncStatus>): Promise<SyncStatus> {
  return db.transaction('rw', db.meta, async () => {
    const next: Record<string, unknown> = { ...(await readSyncStatus(db)) };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    const status = parseSyncStatus(next);
    await db.meta.put({ key: SYNC_STATUS_KEY, value: status });
    return status;
  });
}
