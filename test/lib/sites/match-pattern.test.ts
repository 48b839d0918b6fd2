import { describe, expect, it } from 'vitest';
import { globMatches, matchesUrl } from '@/lib/sites/match-pattern';

describe('URL pattern paths', () => {
  it.each([
    ['/*', '/', true],
    ['/alerts/*', '/alerts/da1?x=1', true],
    ['/alerts/*', '/incidents/1', false],
    ['/*a*a*b', '/aaab', true],
    ['/*a*a*b', `/${'a'.repeat(4_000)}`, false],
    ['/x', '/x/', false],
    ['/.+?', '/.+?', true],
    ['/.+?', '/ab', false],
  ])('%s against %s: %s', (glob, path, expected) => {
    expect(globMatches(glob, path)).toBe(expected);
  });

  it('answers for a long page-controlled URL against a chain of stars', () => {
    expect(matchesUrl('https://x.example.com/*a*a*a*a*b', `https://x.example.com/${'a'.repeat(4_000)}`)).toBe(
      false,
    );
  });
});
