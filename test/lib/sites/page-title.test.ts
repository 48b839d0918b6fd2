// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { MAX_PAGE_TITLE } from '@/lib/messaging/protocol';
import { MICROFORMAT_ADAPTER, type SiteAdapter } from '@/lib/sites/adapters';
import { PAGE_TITLE_CHARS, pageShowsTitle, readRowTitle } from '@/lib/sites/rows';

describe('what a page showed for an alert', () => {
  it('is the row’s text, whitespace collapsed, cut to what the protocol carries', () => {
    expect(PAGE_TITLE_CHARS).toBe(MAX_PAGE_TITLE);
    document.body.innerHTML = `<div data-alert-id="a1">  Phishing\n   mail <b>reported</b> </div><div data-alert-id="a2">${'x'.repeat(400)}</div>`;
    const [one, two] = Array.from(document.querySelectorAll('[data-alert-id]'));
    expect(readRowTitle(one!, MICROFORMAT_ADAPTER)).toBe('Phishing mail reported');
    const long = readRowTitle(two!, MICROFORMAT_ADAPTER);
    expect(long).toHaveLength(PAGE_TITLE_CHARS);
    expect(long.endsWith('…')).toBe(true);
  });

  it('is the alert link’s text when the adapter reads ids from links', () => {
    const links: SiteAdapter = {
      ...MICROFORMAT_ADAPTER,
      rowSelector: 'tr',
      idFrom: { kind: 'href', pattern: '/alerts/(\\w+)' },
    };
    document.body.innerHTML =
      '<table><tr><td>High</td><td><a href="/alerts/a1">Credential dumping</a></td><td>2 min ago</td></tr></table>';
    expect(readRowTitle(document.querySelector('tr')!, links)).toBe('Credential dumping');
  });

  it('shows the store’s title when the title is anywhere in it, ignoring case and spacing, or cut short with an ellipsis', () => {
    expect(
      pageShowsTitle('☐ Suspicious  PowerShell command line High', 'Suspicious PowerShell command line'),
    ).toBe(true);
    expect(pageShowsTitle('SUSPICIOUS POWERSHELL COMMAND LINE', 'Suspicious PowerShell command line')).toBe(
      true,
    );
    expect(
      pageShowsTitle('High Suspicious PowerShell comm… 2 min ago', 'Suspicious PowerShell command line'),
    ).toBe(true);
    expect(
      pageShowsTitle('Suspicious PowerShell command line...', 'Suspicious PowerShell command line'),
    ).toBe(true);
  });

  it('does not when the page showed another title, or too little of it to tell', () => {
    expect(pageShowsTitle('Benign test alert High', 'Ransomware behavior detected')).toBe(false);
    expect(pageShowsTitle('Ransom… High', 'Ransomware behavior detected')).toBe(false);
    expect(pageShowsTitle('Suspicious PowerShell command', 'Suspicious PowerShell command line')).toBe(false);
    expect(pageShowsTitle('', 'Ransomware behavior detected')).toBe(false);
  });
});
