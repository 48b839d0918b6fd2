/**
 * Sends a move so that a lost answer never leads to a second move. The move carries its own token; when the
 * answer is lost (the background stopped between the commit and the answer), this asks the background whether
 * that token committed and returns the real outcome, instead of inviting a retry that would move again. A retry
 * with the same token is harmless anyway: the background answers it with the first result.
 */
import type { MoveResult } from '../model/move-result';
import type { MergeResult } from '../store/db';
import { ClientError, send as sendToBackground } from './client';
import type { PageRequest, ResponseMap } from './protocol';

export const MOVE_NOT_SAVED =
  'The extension’s background stopped before it saved the move. Nothing was moved; select Save to try again.';
export const MOVE_OUTCOME_UNKNOWN =
  'The extension’s background is not answering, so it is not known yet whether the move was saved. Select Save again once it answers: a saved move is not made twice.';

export const MERGE_NOT_SAVED =
  'The extension’s background stopped before it saved the merge. Nothing was merged; select Merge to try again.';
export const MERGE_OUTCOME_UNKNOWN =
  'The extension’s background is not answering, so it is not known yet whether the incidents were merged. Select Merge again once it answers: a saved merge is not made twice.';

type MoveRun = Extract<PageRequest, { type: 'move.run' }>;
type MergeRun = Extract<PageRequest, { type: 'merge.run' }>;
type MoveStatus = Extract<PageRequest, { type: 'move.status' }>;

export interface MoveClientDeps {
  send: typeof sendToBackground;
  /** Waits between asks while the background starts again. */
  wait(ms: number): Promise<void>;
}

const defaults: MoveClientDeps = {
  send: sendToBackground,
  wait: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** A fresh token for one move (kept by the flyout across retries of the same move). */
export const newMoveToken = () => crypto.randomUUID();

export async function sendMove(
  input: MoveRun['input'] & { token: string },
  deps: MoveClientDeps = defaults,
): Promise<MoveResult> {
  try {
    return await deps.send<MoveRun>({ type: 'move.run', input });
  } catch (e) {
    if (!(e instanceof ClientError && e.unanswered)) throw e;
  }
  const status = await statusAfterLostAnswer(input.token, deps, MOVE_OUTCOME_UNKNOWN);
  if (status.committed) return status.result;
  throw new ClientError('internal', MOVE_NOT_SAVED);
}

/** The answer was lost: asks what happened to the token, a few times, while the background starts again. */
async function statusAfterLostAnswer(
  token: string,
  deps: MoveClientDeps,
  unknown: string,
): Promise<ResponseMap['move.status']> {
  for (const delay of [0, 300, 1_000, 2_000]) {
    if (delay) await deps.wait(delay);
    try {
      return await deps.send<MoveStatus>({ type: 'move.status', token });
    } catch (e) {
      if (!(e instanceof ClientError && e.unanswered)) throw e;
    }
  }
  throw new ClientError('internal', unknown, [], true);
}

/**
 * Sends a merge the same way: a lost answer is followed by asking whether its token committed (a merge is kept
 * with the moves). A saved merge's own answer comes from sending it again with the same token, which the
 * background answers with the first result instead of merging twice.
 */
export async function sendMerge(
  input: MergeRun['input'] & { token: string },
  deps: MoveClientDeps = defaults,
): Promise<MergeResult> {
  try {
    return await deps.send<MergeRun>({ type: 'merge.run', input });
  } catch (e) {
    if (!(e instanceof ClientError && e.unanswered)) throw e;
  }
  const status = await statusAfterLostAnswer(input.token, deps, MERGE_OUTCOME_UNKNOWN);
  if (!status.committed) throw new ClientError('internal', MERGE_NOT_SAVED);
  return deps.send<MergeRun>({ type: 'merge.run', input });
}
