import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SiteAdapter, validateAdapter } from '@/lib/sites/adapters';
import { compileLinearPattern } from '@/lib/sites/linear-pattern';
import { compilePattern, MAX_MATCHED_TEXT, readAlertId } from '@/lib/sites/rows';

const capture = (source: string, text: string) => {
  const c = compileLinearPattern(source);
  if (!c.ok) throw new Error(c.why);
  return c.pattern.capture(text);
};

describe('alert ID patterns match in linear time', () => {
  // Each of these takes the browser's backtracking RegExp exponential or high-polynomial time on the text below.
  const catastrophic = [
    '(a+)+$',
    '(a|a)+$',
    '(a|aa)+$',
    '(a*)*b',
    '(\\w+\\s?)+$',
    '^(([a-z])+.)+[A-Z]([a-z])+$',
    '(.*a){12}',
    '(x+x+)+y',
    '.*.*.*.*.*.*=(\\d+)',
  ];
  const text = `${'a'.repeat(MAX_MATCHED_TEXT - 1)}!`;

  it.each(catastrophic)('%s over 500 hostile characters answers within 250 ms', (source) => {
    const compiled = compilePattern(source.includes('(') ? source : `(${source})`);
    expect(compiled.ok).toBe(true);
    const started = performance.now();
    if (compiled.ok) compiled.re.capture(text);
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('reads the id of 5,000 hostile rows with a catastrophic pattern in bounded time (the page does not hang)', () => {
    const adapter = {
      id: 'x',
      name: 'x',
      enabled: true,
      urlPattern: 'https://portal.example.com/*',
      rowSelector: 'li',
      idFrom: { kind: 'text', pattern: '(a+)+$' },
    } as unknown as SiteAdapter;
    const row = { textContent: text } as unknown as Element;
    const started = performance.now();
    for (let k = 0; k < 5_000; k++) readAlertId(row, adapter);
    // Backtracking: 2^499 steps per row (never ends). Linear: ~500 × 6 steps per row.
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('refuses back-references and lookarounds in words (no linear-time matcher can offer them)', () => {
    for (const [source, words] of [
      ['(a)\\1', /back-reference/],
      ['(?<x>a)\\k<x>', /back-reference/],
      ['(?=a)(a)', /lookahead/],
      ['(?<=a)(b)', /lookbehind/],
      ['(a{100}){100}', /too long or repeats too much/],
    ] as const) {
      const compiled = compilePattern(source);
      expect(compiled.ok).toBe(false);
      if (!compiled.ok) expect(compiled.problem).toMatch(words);
    }
    const result = validateAdapter({
      id: 'mine',
      name: 'Mine',
      enabled: true,
      urlPattern: 'https://portal.example.com/*',
      rowSelector: 'li',
      idFrom: { kind: 'text', pattern: 'ID: (\\w+)(?=;)' },
    });
    expect(result.ok ? [] : result.problems).toEqual([
      'The alert ID pattern cannot be used: it uses a lookahead, which ID patterns do not support.',
    ]);
  });
});

describe('alert ID patterns find what JavaScript finds', () => {
  const cases: [string, string][] = [
    ['/alerts/([A-Za-z0-9]+)', 'https://x.test/alerts/da637551/overview'],
    ['/alerts/([^/?#]+)', 'https://x.test/alerts/da6375%2Fx?tab=1'],
    ['ID: ([\\w-]+)', 'Alert title ID: ab-12_c more'],
    ['ID:\\s*(\\w+?)\\b', 'ID:   abc123 tail'],
    ['(\\d{3,5})', 'x12 y123456'],
    ['(?:alert|incident)=(\\w+)', '?foo=1&incident=42&alert=7'],
    ['^(\\w+)$', 'onlyword'],
    ['^(\\w+)$', 'two words'],
    ['(a|ab)(c|bcd)', 'abcd'],
    ['(a*?)b', 'aaab'],
    ['x(?<id>[0-9a-f]{2,})', 'x0x1fx'],
    ['\\[(\\w+)\\]', 'title [abc] [def]'],
    ['([\\w.:=+-]+)@', 'user.name+tag@host'],
    ['(\\S+)', '   '],
    ['\\x41(\\u0042+)', 'zABBB'],
    ['a{2}(b{1,2}?)', 'aabbb'],
    ['([^\\s,]+),', 'one two,three'],
    ['(\\D+)\\d', 'abc1'],
    ['\\B(\\w)\\b', 'xyz abc'],
  ];
  it.each(cases)('%s in %s', (source, text) => {
    expect(capture(source, text)).toBe(new RegExp(source).exec(text)?.[1]);
  });

  it('agrees with RegExp on generated patterns and texts', () => {
    const piece = fc.constantFrom('a', 'b', '\\d', '\\w', '.', '[ab]', '[^a]', 'ab', '\\b', '-');
    const quant = fc.constantFrom('', '', '*', '+', '?', '*?', '+?', '{1,2}', '{2}');
    const part = fc.tuple(piece, quant).map(([p, q]) => (p === '\\b' ? p : `(?:${p})${q}`));
    const pattern = fc
      .tuple(
        fc.array(part, { maxLength: 3 }),
        fc.array(part, { minLength: 1, maxLength: 3 }),
        fc.array(part, { maxLength: 3 }),
        fc.boolean(),
      )
      .map(
        ([pre, group, post, alt]) => `${pre.join('')}(${group.join('')}${alt ? '|b' : ''})${post.join('')}`,
      );
    const textArb = fc.string({ unit: fc.constantFrom('a', 'b', '1', ' ', '-', '_'), maxLength: 12 });
    fc.assert(
      fc.property(pattern, textArb, (source, text) => {
        expect(capture(source, text)).toBe(new RegExp(source).exec(text)?.[1]);
      }),
      { numRuns: 2_000 },
    );
  });
});
