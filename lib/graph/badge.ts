/**
 * What the toolbar button's badge says: moves that have not reached Microsoft Defender yet, and whether the
 * last sync failed. Pure words and colours here; the background shows them (entrypoints/background/badge.ts).
 */
import type { MoverDB } from '../store/db';
import { readSyncStatus } from './state';

export interface BadgeSummary {
  /** Moves in the outbox not yet accepted by Graph (queued or being sent). */
  waiting: number;
  /** The last sync's problem, as a sentence, while it stands. */
  syncError?: string;
}

export interface Badge {
  text: string;
  color: string;
  /** The button's tooltip and accessible name. */
  title: string;
}

const NAME = 'Incident Mover';
/** Dark enough for the white badge text in both browsers (contrast above 4.5:1). */
export const WAITING_COLOR = '#1d4ed8';
export const PROBLEM_COLOR = '#b91c1c';

export function badgeFor({ waiting, syncError }: BadgeSummary): Badge {
  const moves = `${waiting} ${waiting === 1 ? 'move' : 'moves'} waiting to sync with Microsoft Defender`;
  if (syncError) {
    return {
      text: waiting > 0 ? count(waiting) : '!',
      color: PROBLEM_COLOR,
      title: `${NAME}: sync failed: ${syncError}${waiting > 0 ? ` (${moves})` : ''}`,
    };
  }
  if (waiting > 0) return { text: count(waiting), color: WAITING_COLOR, title: `${NAME}: ${moves}` };
  return { text: '', color: WAITING_COLOR, title: NAME };
}

/** A badge has room for about four characters. */
const count = (n: number) => (n > 999 ? '999+' : String(n));

export async function readBadgeSummary(db: MoverDB): Promise<BadgeSummary> {
  const [waiting, status] = await Promise.all([
    db.outbox.where('state').anyOf('queued', 'sending').count(),
    readSyncStatus(db),
  ]);
  return { waiting, syncError: status.signedIn ? status.lastError : undefined };
}
