import { describe, expect, it, vi } from 'vitest';
import { ClientError, NO_ANSWER } from '../../../lib/messaging/client';
import { MOVE_NOT_SAVED, MOVE_OUTCOME_UNKNOWN, sendMove } from '../../../lib/messaging/move-client';
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
