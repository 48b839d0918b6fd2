import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../../lib/messaging/router';

const refused = (message: unknown) => {
  const r = parseRequest(message);
  if (r.ok) throw new Error('expected a refusal');
  expect(r.response.error.code).toBe('bad-request');
  expect(r.response.error.message).toMatch(/malformed message/);
  return r.response.error.details ?? [];
};

describe('a refused message names the field and the rule', () => {
  it.each([
    [
      'an oversize comment',
      {
        type: 'move.run',
        input: { alertIds: ['da1'], target: { kind: 'new' }, comment: 'x'.repeat(30_001) },
      },
      /^input\.comment: The comment is longer than 30,000 characters\.$/,
    ],
    [
      'an empty selection',
      { type: 'move.run', input: { alertIds: [], target: { kind: 'new' }, comment: 'x' } },
      /^input\.alertIds: Select at least one alert\.$/,
    ],
    [
      'a hostile id in a list',
      {
        type: 'move.run',
        input: { alertIds: ['da1', '<img onerror=x>'], target: { kind: 'new' }, comment: 'x' },
      },
      /^input\.alertIds\[1\]: /,
    ],
    ['a missing input', { type: 'move.run' }, /^input: /],
    [
      'an unknown reason',
      {
        type: 'move.run',
        input: { alertIds: ['da1'], target: { kind: 'new' }, comment: 'x', reasons: ['becauseISaidSo'] },
      },
      /^input\.reasons\[0\]: /,
    ],
    ['a wrong type of value', { type: 'move.undo', token: 42 }, /^token: /],
    ['an unknown type', { type: 'store.dropEverything' }, /^type: "store.dropEverything" is not a message/],
    ['no type at all', { input: {} }, /^type: is missing/],
    ['not an object', 'move.run', /should be an object/],
    ['an array', [{ type: 'store.clear' }], /should be an object/],
  ])('%s', (_name, message, detail) => {
    const details = refused(message);
    expect(details.some((d) => detail.test(d))).toBe(true);
    expect(details.join(' ')).not.toMatch(/^\(message\): Invalid input$/);
  });

  it('accepts a well-formed message as it is', () => {
    const r = parseRequest({ type: 'move.undo', token: 'tok-1' });
    expect(r).toEqual({ ok: true, request: { type: 'move.undo', token: 'tok-1' } });
  });
});
