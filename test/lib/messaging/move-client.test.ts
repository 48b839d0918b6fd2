import { describe, expect, it, vi } from 'vitest';
import { ClientError, NO_ANSWER } from '../../../lib/messaging/client';
import {
  MERGE_NOT_SAVED,
  MERGE_OUTCOME_UNKNOWN,
  MOVE_NOT_SAVED,
  MOVE_OUTCOME_UNKNOWN,
  sendMerge,
  sendMove,
} from '../../../lib/messaging/move-client';
import type { MoveResult } from '../../../lib/model/move-result';

const input = {
  alertIds: ['da1'],
  target: { kind: 'new' as const },
  comment: 'why',
  reasons: [],
  token: 'tok-12345678',
};
const result: MoveResult = {
  destinationIncidentId: '2100',
  destinationName: 'Run key',
  createdIncident: true,
  movedAlertIds: ['da1'],
  skippedAlertIds: [],
  emptiedIncidentIds: [],
  undoToken: 'tok-12345678',
};
const lost = () => new ClientError('internal', NO_ANSWER, [], true);

function fake(answers: Record<string, Array<() => unknown>>) {
  const asked: string[] = [];
  const send = vi.fn(async (req: { type: string }) => {
    asked.push(req.type);
    const next = answers[req.type]?.shift();
    if (!next) throw new Error(`unexpected ${req.type}`);
    return next();
  });
  return { asked, deps: { send: send as never, wait: async () => {} } };
}

describe('a move whose answer is lost', () => {
  it('is shown as done when the background says its token committed, without moving again', async () => {
    const { asked, deps } = fake({
      'move.run': [() => Promise.reject(lost())],
      'move.status': [() => Promise.reject(lost()), () => ({ committed: true, result })],
    });
    await expect(sendMove(input, deps)).resolves.toEqual(result);
    expect(asked).toEqual(['move.run', 'move.status', 'move.status']);
  });

  it('says plainly that nothing was moved when the token never committed', async () => {
    const { deps } = fake({
      'move.run': [() => Promise.reject(lost())],
      'move.status': [() => ({ committed: false })],
    });
    await expect(sendMove(input, deps)).rejects.toThrow(MOVE_NOT_SAVED);
  });

  it('says the outcome is not known yet while the background does not answer at all', async () => {
    const { deps } = fake({
      'move.run': [() => Promise.reject(lost())],
      'move.status': Array.from({ length: 4 }, () => () => Promise.reject(lost())),
    });
    await expect(sendMove(input, deps)).rejects.toThrow(MOVE_OUTCOME_UNKNOWN);
  });

  it('passes a refusal through as it is (nothing to look up)', async () => {
    const refused = new ClientError('conflict', 'Changed elsewhere.');
    const { asked, deps } = fake({ 'move.run': [() => Promise.reject(refused)] });
    await expect(sendMove(input, deps)).rejects.toBe(refused);
    expect(asked).toEqual(['move.run']);
  });
});

describe('a merge whose answer is lost', () => {
  const mergeInput = {
    incidentIds: ['201', '202'],
    comment: 'same intruder',
    reasons: [],
    token: 'tok-merge-1',
  };
  const merged = {
    survivorId: '201',
    survivorName: 'Credential theft',
    mergedIncidentIds: ['202'],
    movedAlertIds: ['da202-0'],
    survivorReason: 'it has the most alerts',
    token: 'tok-merge-1',
  };

  it('says plainly that nothing was merged when its token never committed, and does not merge again', async () => {
    const { asked, deps } = fake({
      'merge.run': [() => Promise.reject(lost())],
      'move.status': [() => Promise.reject(lost()), () => ({ committed: false })],
    });
    await expect(sendMerge(mergeInput, deps)).rejects.toThrow(MERGE_NOT_SAVED);
    expect(asked).toEqual(['merge.run', 'move.status', 'move.status']);
  });

  it('answers the saved merge’s own result when its token committed (the same token is not merged twice)', async () => {
    const { asked, deps } = fake({
      'merge.run': [() => Promise.reject(lost()), () => merged],
      'move.status': [() => ({ committed: true, result })],
    });
    await expect(sendMerge(mergeInput, deps)).resolves.toEqual(merged);
    expect(asked).toEqual(['merge.run', 'move.status', 'merge.run']);
  });

  it('says the outcome is not known yet while the background does not answer, as an unanswered error', async () => {
    const { deps } = fake({
      'merge.run': [() => Promise.reject(lost())],
      'move.status': Array.from({ length: 4 }, () => () => Promise.reject(lost())),
    });
    const e = await sendMerge(mergeInput, deps).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClientError);
    expect((e as ClientError).message).toBe(MERGE_OUTCOME_UNKNOWN);
    expect((e as ClientError).unanswered).toBe(true);
  });
});
