// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertId } from '@/lib/model';
import {
  DEFENDER_ADAPTER,
  effectiveAdapters,
  findAlertRows,
  isAlertId,
  MAX_MATCHED_TEXT,
  MICROFORMAT_ADAPTER,
  matchesUrl,
  originOf,
  readAlertId,
  type SiteAdapter,
  scanAlertRows,
  selectedRows,
  validateAdapter,
} from '@/lib/sites/adapters';

function fixture(name: string, url = `http://127.0.0.1/${name}`): Document {
  const html = readFileSync(resolve(__dirname, '../../fixtures/pages', name), 'utf8');
  // DOMParser documents never run their scripts: these tests read the pages' static rows.
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const base = doc.createElement('base');
  base.href = url;
  doc.head.prepend(base);
  return doc;
}

function html(markup: string, url = 'https://portal.example.com/queue'): Document {
  return new DOMParser().parseFromString(`<base href="${url}">${markup}`, 'text/html');
}

function adapter(overrides: Partial<SiteAdapter>): SiteAdapter {
  return {
    id: 'custom-1',
    name: 'Portal',
    enabled: true,
    urlPattern: 'https://portal.example.com/*',
    rowSelector: 'tbody tr',
    idFrom: { kind: 'attribute', name: 'data-alert-id' },
    ...overrides,
  };
}

describe('validateAdapter', () => {
  it('accepts a complete adapter and returns it trimmed', () => {
    const result = validateAdapter({
      ...adapter({ idFrom: { kind: 'text', pattern: 'ID: (\\w+)' } }),
      urlPattern: '  https://portal.example.com/*  ',
    });
    expect(result).toEqual({
      ok: true,
      adapter: expect.objectContaining({
        urlPattern: 'https://portal.example.com/*',
        idFrom: { kind: 'text', pattern: 'ID: (\\w+)' },
      }),
    });
  });

  it('reports a bad regular expression, a bad selector and a bad match pattern together, in words', () => {
    const result = validateAdapter(
      adapter({
        urlPattern: 'portal.example.com',
        rowSelector: 'tr[[',
        idFrom: { kind: 'text', pattern: 'ID: (\\w+' },
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(3);
    expect(result.problems.join('\n')).toMatch(/URL pattern .* is not a match pattern/);
    expect(result.problems.join('\n')).toMatch(/alert row selector "tr\[\[" is not a valid CSS selector/);
    expect(result.problems.join('\n')).toMatch(/alert ID pattern is not a valid regular expression/);
  });

  it('asks for a capture group around the id', () => {
    const result = validateAdapter(adapter({ idFrom: { kind: 'href', pattern: '/alerts/\\w+' } }));
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/needs one capture group/)] });
  });

  it('checks the link and checkbox selectors too', () => {
    const result = validateAdapter(
      adapter({
        idFrom: { kind: 'href', linkSelector: 'a[', pattern: '/a/(\\w+)' },
        selectionCheckboxSelector: '::nope(',
      }),
    );
    expect(result.ok ? [] : result.problems).toEqual([
      expect.stringMatching(/selection checkbox selector/),
      expect.stringMatching(/link selector "a\[" is not a valid/),
    ]);
  });

  it('refuses attribute names that are not attribute names and unsupported schemes', () => {
    const result = validateAdapter(
      adapter({ urlPattern: 'file:///tmp/*', idFrom: { kind: 'attribute', name: 'x"] , * , [y' } }),
    );
    expect(result.ok ? [] : result.problems).toEqual([expect.stringMatching(/must be an attribute name/)]);
    const scheme = validateAdapter(adapter({ urlPattern: 'ftp://files.example.com/*' }));
    expect(scheme.ok ? [] : scheme.problems).toEqual([
      expect.stringMatching(/scheme "ftp" is not supported/),
    ]);
  });

  it('never throws on garbage and names what is missing', () => {
    for (const input of [null, undefined, 42, 'site', [], { idFrom: { kind: 'magic' } }]) {
      const result = validateAdapter(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
    }
    const partial = validateAdapter({ ...adapter({}), urlPattern: undefined });
    expect(partial.ok ? [] : partial.problems).toEqual(['The URL pattern is missing or has the wrong type.']);
  });

  it('accepts the built-in adapters', () => {
    expect(validateAdapter(MICROFORMAT_ADAPTER).ok).toBe(true);
    expect(validateAdapter(DEFENDER_ADAPTER).ok).toBe(true);
    expect(DEFENDER_ADAPTER.name).toMatch(/best effort/);
  });
});

describe('isAlertId', () => {
  it('accepts and refuses exactly the ids the model does', () => {
    const samples = [
      'da638000000000000001_1000000001',
      'da637551227677560813_-961444813',
      'fa3a8f7b-3b3e-4b7a-9b3a-1b2c3d4e5f60',
      'a=b+c:d.e',
      '',
      ' da1',
      'da1 ',
      '"><img src=x onerror=alert(1)>',
      'javascript:alert(1)//',
      'x'.repeat(200),
      'x'.repeat(201),
      'ålert',
      'a/b',
    ];
    for (const id of samples) expect([id, isAlertId(id)]).toEqual([id, alertId.safeParse(id).success]);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 210, unit: fc.constantFrom(...'aZ09_.:=+-/ <>"\'é\n'.split('')) }),
        (id) => {
          expect(isAlertId(id)).toBe(alertId.safeParse(id).success);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('matchesUrl and originOf', () => {
  it.each([
    ['https://portal.example.com/*', 'https://portal.example.com/alerts?page=2', true],
    ['https://portal.example.com/*', 'http://portal.example.com/alerts', false],
    ['https://portal.example.com/*', 'https://evil.example.com/portal.example.com/', false],
    ['https://portal.example.com/*', 'https://portal.example.com.evil.test/', false],
    ['*://portal.example.com/*', 'http://portal.example.com/', true],
    ['https://*.example.com/*', 'https://example.com/', true],
    ['https://*.example.com/*', 'https://a.b.example.com/x', true],
    ['https://*.example.com/*', 'https://notexample.com/', false],
    ['https://portal.example.com/alerts*', 'https://portal.example.com/alerts/123', true],
    ['https://portal.example.com/alerts*', 'https://portal.example.com/incidents', false],
    ['https://portal.example.com/*?view=alerts', 'https://portal.example.com/q?view=alerts', true],
    ['https://portal.example.com/q', 'https://portal.example.com/q#fragment', true],
    ['http://127.0.0.1/*', 'http://127.0.0.1:41234/plain-table.html', true],
    ['http://localhost:8080/*', 'http://localhost:8081/', false],
    ['http://localhost:8080/*', 'http://localhost:8080/', true],
    ['https://host.example/*', 'https://HOST.example/', true],
    ['*://*/*', 'https://anything.test/x', true],
    ['*://*/*', 'file:///etc/passwd', false],
    ['<all_urls>', 'https://anything.test/', true],
    ['not a pattern', 'https://anything.test/', false],
    ['https://portal.example.com/*', 'not a url', false],
  ])('%s on %s: %s', (pattern, url, expected) => {
    expect(matchesUrl(pattern, url)).toBe(expected);
  });

  it.each([
    ['https://portal.example.com/alerts/*', 'https://portal.example.com/*'],
    ['*://*.example.com/x', '*://*.example.com/*'],
    ['http://localhost:8080/*', 'http://localhost/*'],
    ['<all_urls>', '*://*/*'],
    ['nonsense', undefined],
  ])('the permission for %s is %s', (pattern, origin) => {
    expect(originOf(pattern)).toBe(origin);
  });
});

describe('findAlertRows', () => {
  it('reads ids from an attribute (plain-table.html with the microformat adapter)', () => {
    const doc = fixture('plain-table.html');
    const rows = findAlertRows(doc, MICROFORMAT_ADAPTER);
    expect(rows.map((r) => r.alertId)).toEqual([
      'da638000000000000001_1000000001',
      'da638000000000000002_1000000002',
      'da638000000000000003_1000000003',
      'da638000000000000004_1000000004',
    ]);
    expect(rows.every((r) => r.row.localName === 'tr')).toBe(true);
  });

  it('reads ids from links, percent-decoded, and counts rows without one (link-table.html)', () => {
    const doc = fixture('link-table.html');
    const linkAdapter = adapter({
      urlPattern: 'http://127.0.0.1/*',
      idFrom: { kind: 'href', pattern: '/alerts/([^/?#]+)' },
    });
    const scan = scanAlertRows(doc, linkAdapter);
    expect(scan.rows.map((r) => r.alertId)).toEqual([
      'da638000000000000011_1000000011',
      'da638000000000000012_1000000012',
      'fa638000000000000013_1000000013',
    ]);
    // The summary row links to /alerts/ with no id.
    expect(scan.skipped).toBe(1);
  });

  it('reads ids from text with the first capture group', () => {
    const doc = html(`<ul>
      <li class="a">Ransomware behaviour · ID: da1_11 · High</li>
      <li class="a">No id in this one</li>
      <li class="a">ID: da2_22</li></ul>`);
    const scan = scanAlertRows(
      doc,
      adapter({ rowSelector: 'li.a', idFrom: { kind: 'text', pattern: 'ID: ([\\w-]+)' } }),
    );
    expect(scan.rows.map((r) => r.alertId)).toEqual(['da1_11', 'da2_22']);
    expect(scan.skipped).toBe(1);
  });

  it('only looks at the start of very long row text', () => {
    const doc = html(
      `<div class="r">${'x'.repeat(MAX_MATCHED_TEXT)} ID: late_1</div><div class="r">ID: early_2</div>`,
    );
    const rows = findAlertRows(
      doc,
      adapter({ rowSelector: '.r', idFrom: { kind: 'text', pattern: 'ID: (\\w+)' } }),
    );
    expect(rows.map((r) => r.alertId)).toEqual(['early_2']);
  });

  it('skips hostile ids and never takes markup for an id (hostile.html)', () => {
    const doc = fixture('hostile.html');
    const scan = scanAlertRows(doc, MICROFORMAT_ADAPTER);
    expect(scan.rows.map((r) => r.alertId)).toEqual([
      'da638000000000000021_1000000021',
      'da638000000000000022_1000000022',
      'da638000000000000023_1000000023',
    ]);
    expect(scan.skipped).toBe(3);
    // The hostile titles are still text in the page, not elements.
    expect(doc.querySelectorAll('tbody img, tbody svg, tbody script')).toHaveLength(0);
  });

  it('ignores javascript: links and links outside the selector', () => {
    const doc = html(`<table><tbody>
      <tr><td><a href="javascript:void('/alerts/evil_1')">x</a></td></tr>
      <tr><td><a class="other" href="/alerts/wrong_2">x</a><a class="alert" href="/alerts/right_3">y</a></td></tr>
    </tbody></table>`);
    const rows = findAlertRows(
      doc,
      adapter({ idFrom: { kind: 'href', linkSelector: 'a.alert', pattern: '/alerts/([\\w]+)' } }),
    );
    expect(rows.map((r) => r.alertId)).toEqual(['right_3']);
    const any = findAlertRows(doc, adapter({ idFrom: { kind: 'href', pattern: '/alerts/([\\w]+)' } }));
    expect(any.map((r) => r.alertId)).toEqual(['wrong_2']);
  });

  it('counts a nested match once, as its outermost row', () => {
    const doc = html(
      `<div data-alert-id="outer_1"><span data-alert-id="inner_2">x</span></div><p data-alert-id="next_3"></p>`,
    );
    expect(findAlertRows(doc, MICROFORMAT_ADAPTER).map((r) => r.alertId)).toEqual(['outer_1', 'next_3']);
  });

  it('finds the id attribute on a descendant when the row itself has none', () => {
    const doc = html(`<table><tbody><tr><td><span data-alert-id="deep_1">x</span></td></tr></tbody></table>`);
    expect(findAlertRows(doc, adapter({})).map((r) => r.alertId)).toEqual(['deep_1']);
  });

  it('reads an id again from the current DOM (rows get reused for other alerts)', () => {
    const doc = html('<table><tbody><tr data-alert-id="first_1"><td>x</td></tr></tbody></table>');
    const row = doc.querySelector('tr')!;
    expect(readAlertId(row, MICROFORMAT_ADAPTER)).toBe('first_1');
    row.setAttribute('data-alert-id', 'second_2');
    expect(readAlertId(row, MICROFORMAT_ADAPTER)).toBe('second_2');
  });

  it('reports a broken row selector instead of throwing', () => {
    const scan = scanAlertRows(html('<p></p>'), adapter({ rowSelector: 'tr[[' }));
    expect(scan).toEqual({ rows: [], skipped: 0, problem: expect.stringMatching(/not valid/) });
  });

  it('reads the Defender portal queue (role rows, alert links, header row skipped)', () => {
    const doc = html(
      `<div role="grid">
        <div role="row"><div role="columnheader"><div role="checkbox" aria-checked="false"></div></div><div role="columnheader">Alert name</div></div>
        <div role="row" aria-selected="false"><div role="gridcell"><div role="checkbox" aria-checked="true"></div></div>
          <div role="gridcell"><a href="/alerts/da638123456789012345_-1234567890?tid=0000">Suspicious process</a></div></div>
        <div role="row"><div role="gridcell"><div role="checkbox" aria-checked="false"></div></div>
          <div role="gridcell"><a href="https://security.microsoft.com/alerts/ed638123456789012345_987?tid=0000">Phish</a>
          <a href="/incidents/123/overview">Incident</a></div></div>
      </div>`,
      'https://security.microsoft.com/alerts?tid=0000',
    );
    expect(matchesUrl(DEFENDER_ADAPTER.urlPattern, 'https://security.microsoft.com/alerts?tid=0000')).toBe(
      true,
    );
    const scan = scanAlertRows(doc, DEFENDER_ADAPTER);
    expect(scan.rows.map((r) => r.alertId)).toEqual([
      'da638123456789012345_-1234567890',
      'ed638123456789012345_987',
    ]);
    expect(scan.skipped).toBe(1);
    expect(selectedRows(scan.rows, DEFENDER_ADAPTER).map((r) => r.alertId)).toEqual([
      'da638123456789012345_-1234567890',
    ]);
  });
});

describe('selectedRows', () => {
  it('follows the page checkbox of each row, the default or the adapter’s own', () => {
    const doc = fixture('plain-table.html');
    const rows = findAlertRows(doc, MICROFORMAT_ADAPTER);
    expect(selectedRows(rows, MICROFORMAT_ADAPTER)).toEqual([]);
    (rows[1]?.row.querySelector('input') as HTMLInputElement).checked = true;
    (rows[3]?.row.querySelector('input') as HTMLInputElement).checked = true;
    expect(selectedRows(rows, MICROFORMAT_ADAPTER).map((r) => r.alertId)).toEqual([
      'da638000000000000002_1000000002',
      'da638000000000000004_1000000004',
    ]);
    const own = { ...MICROFORMAT_ADAPTER, selectionCheckboxSelector: 'input.pick' };
    expect(selectedRows(rows, own)).toEqual([]);
  });
});

describe('effectiveAdapters', () => {
  it('adds the built-ins, lets a stored copy only switch one off, and drops invalid entries', () => {
    const custom = adapter({ id: 'mine' });
    const list = effectiveAdapters([
      { id: DEFENDER_ADAPTER.id, enabled: false, urlPattern: 'https://evil.test/*', rowSelector: '*' },
      custom,
      { ...custom, id: 'broken', rowSelector: 'tr[[' },
      'garbage',
      { ...custom, name: 'duplicate id' },
    ]);
    expect(list.map((a) => [a.id, a.enabled])).toEqual([
      [MICROFORMAT_ADAPTER.id, true],
      [DEFENDER_ADAPTER.id, false],
      ['mine', true],
    ]);
    expect(list[1]?.urlPattern).toBe(DEFENDER_ADAPTER.urlPattern);
    expect(effectiveAdapters(undefined)).toHaveLength(2);
  });
});
