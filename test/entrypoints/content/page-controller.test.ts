// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createPageController,
  type PageController,
  ROWS_PER_TICK,
} from '@/entrypoints/content/page-controller';
import { shadowRootOf } from '@/entrypoints/content/ui';
import type { ContentRequest } from '@/lib/messaging/protocol';
import { effectiveAdapters, MAX_ROWS, MICROFORMAT_ADAPTER, type SiteAdapter } from '@/lib/sites/adapters';

const PAGE_URL = 'http://127.0.0.1:4173/plain-table.html';

/** Puts a fixture page's body into the test document (its scripts do not run: rows are the static ones). */
function loadFixture(name: string) {
  const html = readFileSync(resolve(__dirname, '../../fixtures/pages', name), 'utf8');
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  parsed.querySelectorAll('script').forEach((s) => {
    s.remove();
  });
  document.body.replaceChildren(
    ...Array.from(parsed.body.childNodes).map((n) => document.importNode(n, true)),
  );
}

const settle = () => new Promise((r) => setTimeout(r, 40));

function rowHosts(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>('incident-mover-row-button'));
}
function rowButtons(): HTMLButtonElement[] {
  return rowHosts().map((h) => shadowRootOf(h)!.querySelector('button')!);
}
function overlayRoot(): ShadowRoot | undefined {
  const host = document.querySelector('incident-mover-selection');
  return host ? shadowRootOf(host) : undefined;
}
function selectionButton(): HTMLButtonElement | undefined {
  const button = overlayRoot()?.querySelector<HTMLButtonElement>('button.move');
  return button && !button.hidden ? button : undefined;
}
function alertText(): string {
  return overlayRoot()?.querySelector('[role="alert"] span')?.textContent ?? '';
}
function tick(box: Element | null | undefined, checked = true) {
  (box as HTMLInputElement).checked = checked;
  box!.dispatchEvent(new Event('change', { bubbles: true }));
}

let controller: PageController | undefined;
afterEach(() => {
  controller?.destroy();
  controller = undefined;
  document.body.replaceChildren();
  document.documentElement.querySelectorAll('incident-mover-selection').forEach((e) => {
    e.remove();
  });
  vi.restoreAllMocks();
});

function start(
  options: { url?: string; adapters?: SiteAdapter[]; answer?: (m: ContentRequest) => Promise<unknown> } = {},
) {
  const sendMessage = vi.fn(options.answer ?? (async () => ({ ok: true, data: { opened: true } })));
  const log = { warn: vi.fn() };
  controller = createPageController({
    document,
    url: options.url ?? PAGE_URL,
    adapters: options.adapters ?? effectiveAdapters([]),
    sendMessage,
    debounceMs: 5,
    log,
  });
  return { sendMessage, log, controller };
}

describe('row buttons', () => {
  it('adds one "Move alert to another incident" button per alert row, in a shadow root, never twice', async () => {
    loadFixture('plain-table.html');
    start();
    expect(rowButtons()).toHaveLength(4);
    for (const button of rowButtons())
      expect(button.getAttribute('aria-label')).toBe('Move alert to another incident');
    // Each button sits in its own row's last cell.
    const rows = document.querySelectorAll('tbody tr');
    rows.forEach((row) => {
      expect(row.querySelectorAll('incident-mover-row-button')).toHaveLength(1);
      expect(row.lastElementChild?.contains(row.querySelector('incident-mover-row-button'))).toBe(true);
    });
    controller!.scan();
    document.body.append(document.createElement('div'));
    await settle();
    expect(rowHosts()).toHaveLength(4);
  });

  it('keeps up with rows added later and rows the page re-renders from scratch', async () => {
    loadFixture('plain-table.html');
    start();
    const tbody = document.querySelector('tbody')!;
    const added = tbody.querySelector('tr')!.cloneNode(true) as HTMLTableRowElement;
    added.querySelector('incident-mover-row-button')?.remove();
    added.setAttribute('data-alert-id', 'da638000000000000005_1000000005');
    tbody.append(added);
    await settle();
    expect(rowHosts()).toHaveLength(5);
    expect(added.querySelectorAll('incident-mover-row-button')).toHaveLength(1);

    // A framework replaces every row (and the buttons with them).
    tbody.innerHTML =
      '<tr data-alert-id="new_1"><td>One</td></tr><tr data-alert-id="new_2"><td>Two</td></tr>';
    await settle();
    expect(rowHosts()).toHaveLength(2);
    // A framework rewrites one row's cells, taking our button with them.
    tbody.querySelector('tr')!.innerHTML = '<td>One, updated</td>';
    await settle();
    expect(tbody.querySelector('tr')!.querySelectorAll('incident-mover-row-button')).toHaveLength(1);
    expect(rowHosts()).toHaveLength(2);
  });

  it('asks the background to open the move window with the row’s alert, without the page seeing the click', async () => {
    loadFixture('plain-table.html');
    const pageRowClicks = vi.fn();
    const pageMouseDowns = vi.fn();
    document.querySelector('tbody')!.addEventListener('click', pageRowClicks);
    document.querySelector('tbody')!.addEventListener('mousedown', pageMouseDowns);
    const { sendMessage } = start();
    const second = rowButtons()[1]!;
    second.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, composed: true }));
    second.click();
    await settle();
    // With what the row showed (happy-dom's innerText runs the cells together; Chromium separates them).
    expect(sendMessage).toHaveBeenCalledExactlyOnceWith({
      type: 'page.openFlyout',
      alertIds: ['da638000000000000002_1000000002'],
      pageTitles: [expect.stringContaining('Credential dumping activity observed')],
    });
    expect(pageRowClicks).not.toHaveBeenCalled();
    expect(pageMouseDowns).not.toHaveBeenCalled();
    // Nothing is drawn into the page: the move is confirmed in the extension's own window.
    expect(document.querySelector('iframe, dialog')).toBeNull();
    expect(alertText()).toBe('');
  });

  it('keeps its buttons out of the page’s reach: closed shadow roots, and only clicks that start on the button count', async () => {
    loadFixture('plain-table.html');
    const { sendMessage } = start();
    const host = rowHosts()[0]!;
    expect(host.shadowRoot).toBeNull();
    expect(host.tabIndex).toBe(-1);
    // A click dispatched on the host (where a page can reach) never reaches the button's handler.
    host.click();
    await settle();
    expect(sendMessage).not.toHaveBeenCalled();
  });

  it('sends the id the row shows now, when the page reused the row for another alert', async () => {
    loadFixture('plain-table.html');
    const { sendMessage } = start();
    document.querySelector('tbody tr')!.setAttribute('data-alert-id', 'reused_9');
    rowButtons()[0]!.click();
    await settle();
    expect(sendMessage).toHaveBeenCalledWith({
      type: 'page.openFlyout',
      alertIds: ['reused_9'],
      pageTitles: [expect.stringContaining('Suspicious PowerShell command line')],
    });
  });

  it('opens nothing when the page rewrites the row between the analyst’s press and the click, and quotes the row as pressed', async () => {
    loadFixture('plain-table.html');
    const { sendMessage } = start();
    const press = (el: Element) => {
      const e = new Event('pointerdown', { bubbles: true, composed: true });
      Object.defineProperty(e, 'isTrusted', { value: true });
      el.dispatchEvent(e);
    };
    const row = document.querySelector('tbody tr')!;
    // A script reacting to the click before ours shows another alert in the row: nothing opens, the analyst is told.
    press(rowButtons()[0]!);
    row.setAttribute('data-alert-id', 'swapped_1');
    rowButtons()[0]!.click();
    await settle();
    expect(sendMessage).not.toHaveBeenCalled();
    expect(alertText()).toMatch(/^The page changed this row as you clicked it, so nothing was opened/);
    // Only the title changed under the click: the alert opens, with the title the analyst saw at the press.
    press(rowButtons()[0]!);
    row.querySelectorAll('td')[1]!.textContent = 'Benign test';
    rowButtons()[0]!.click();
    await settle();
    expect(sendMessage).toHaveBeenCalledExactlyOnceWith({
      type: 'page.openFlyout',
      alertIds: ['swapped_1'],
      pageTitles: [expect.stringContaining('Suspicious PowerShell command line')],
    });
  });

  it('ignores clicks a page script makes on the buttons', async () => {
    loadFixture('plain-table.html');
    const { sendMessage } = start();
    const forged = new MouseEvent('click', { bubbles: true, composed: true });
    Object.defineProperty(forged, 'isTrusted', { value: false });
    rowButtons()[0]!.dispatchEvent(forged);
    await settle();
    expect(sendMessage).not.toHaveBeenCalled();
  });

  it('puts the button right after the alert link when the id comes from a link', () => {
    loadFixture('link-table.html');
    start({
      adapters: [
        {
          id: 'links',
          name: 'Link table',
          enabled: true,
          urlPattern: 'http://127.0.0.1/*',
          rowSelector: 'tbody tr',
          idFrom: { kind: 'href', linkSelector: 'a[href*="/alerts/"]', pattern: '/alerts/([^/?#]+)' },
        },
      ],
    });
    expect(rowHosts()).toHaveLength(3);
    for (const host of rowHosts())
      expect(host.previousElementSibling?.getAttribute('href')).toMatch(/^\/alerts\/./);
  });

  it('puts it after the link that carries the id, not the row’s first link', () => {
    document.body.innerHTML =
      '<table><tbody><tr><td><a href="/users/lee">Lee</a></td><td><a href="/alerts/id_1">Phish</a></td></tr></tbody></table>';
    start({
      adapters: [
        {
          id: 'links',
          name: 'Links',
          enabled: true,
          urlPattern: '*://*/*',
          rowSelector: 'tr',
          idFrom: { kind: 'href', pattern: '/alerts/(\\w+)' },
        },
      ],
    });
    expect(rowHosts().map((h) => h.previousElementSibling?.textContent)).toEqual(['Phish']);
  });
});

describe('hostile pages', () => {
  it('adds buttons only to rows with real alert ids and never renders page text as markup', async () => {
    loadFixture('hostile.html');
    const { log } = start();
    await settle();
    expect(rowHosts().map((h) => h.closest('tr')?.getAttribute('data-alert-id'))).toEqual([
      'da638000000000000021_1000000021',
      'da638000000000000022_1000000022',
      'da638000000000000023_1000000023',
    ]);
    for (const button of rowButtons()) expect(button.textContent).toBe('⇄Move');
    expect(document.querySelectorAll('img, svg, script')).toHaveLength(0);
    expect((window as { __pwned?: unknown }).__pwned).toBeUndefined();
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('says so in the log when a selector matches rows but no id can be read any more', async () => {
    document.body.innerHTML = '<table><tbody><tr><td>No id</td></tr><tr><td>None</td></tr></tbody></table>';
    const { log } = start({
      adapters: [
        {
          ...MICROFORMAT_ADAPTER,
          id: 'mine',
          name: 'My SIEM',
          builtIn: false,
          rowSelector: 'tbody tr',
        },
      ],
    });
    document.body.append(document.createElement('p'));
    await settle();
    expect(rowHosts()).toHaveLength(0);
    expect(log.warn).toHaveBeenCalledOnce();
    expect(log.warn.mock.calls[0]?.[0]).toMatch(
      /My SIEM: 2 element\(s\) match the row selector "tbody tr" but none/,
    );
  });
});

describe('selection on the page', () => {
  it('shows "Move alerts to another incident" with the count only while rows are selected, and sends those ids', async () => {
    loadFixture('plain-table.html');
    const { sendMessage } = start();
    expect(selectionButton()).toBeUndefined();
    const boxes = document.querySelectorAll('tbody input[type="checkbox"]');
    tick(boxes[0]);
    tick(boxes[2]);
    await settle();
    const button = selectionButton();
    expect(button?.getAttribute('aria-label')).toBe('Move alerts to another incident');
    expect(button?.textContent).toBe('Move alerts to another incident2');
    expect(overlayRoot()?.getElementById('incident-mover-count')?.textContent).toBe(
      '2 alerts selected on this page',
    );
    button!.click();
    await settle();
    expect(sendMessage).toHaveBeenCalledWith({
      type: 'page.openFlyout',
      alertIds: ['da638000000000000001_1000000001', 'da638000000000000003_1000000003'],
      pageTitles: [
        expect.stringContaining('Suspicious PowerShell command line'),
        expect.stringContaining('Anomalous sign-in from unfamiliar location'),
      ],
    });
    tick(boxes[0], false);
    tick(boxes[2], false);
    await settle();
    expect(selectionButton()).toBeUndefined();
  });

  it('follows ARIA checkboxes that the page toggles without a change event', async () => {
    document.body.innerHTML =
      '<div data-alert-id="a_1"><span role="checkbox" aria-checked="false"></span></div><div data-alert-id="b_2"></div>';
    start();
    document.querySelector('[role="checkbox"]')!.setAttribute('aria-checked', 'true');
    await settle();
    expect(selectionButton()).toBeDefined();
    expect(controller!.selectedAlertIds()).toEqual(['a_1']);
  });
});

describe('the move window', () => {
  it('shows the background’s error where the analyst acted, and opens nothing', async () => {
    loadFixture('plain-table.html');
    start({
      answer: async () => ({
        ok: false,
        error: { code: 'not-found', message: 'These alerts are not in the store.' },
      }),
    });
    rowButtons()[0]!.click();
    await settle();
    expect(alertText()).toBe('These alerts are not in the store.');
  });

  it('tells the analyst to reload the page when the extension is gone', async () => {
    loadFixture('plain-table.html');
    start({
      answer: async () => {
        throw new Error('Extension context invalidated.');
      },
    });
    rowButtons()[0]!.click();
    await settle();
    expect(alertText()).toMatch(/Reload this page/);
  });

  it('says so when the background answers with something unexpected', async () => {
    loadFixture('plain-table.html');
    start({ answer: async () => ({ ok: true, data: { url: 'https://evil.test/flyout.html#n' } }) });
    rowButtons()[0]!.click();
    await settle();
    expect(alertText()).toMatch(/unexpected/);
  });
});

describe('lifecycle', () => {
  it('follows single-page navigation: buttons leave with the URL the adapter names and come back with it', async () => {
    loadFixture('plain-table.html');
    const queue: SiteAdapter = {
      ...MICROFORMAT_ADAPTER,
      id: 'queue',
      builtIn: false,
      urlPattern: 'http://127.0.0.1/alerts*',
    };
    start({ url: 'http://127.0.0.1:4173/alerts?page=1', adapters: [queue] });
    expect(rowHosts()).toHaveLength(4);
    controller!.setUrl('http://127.0.0.1:4173/settings');
    expect(rowHosts()).toHaveLength(0);
    expect(controller!.observing).toBe(false);
    controller!.setUrl('http://127.0.0.1:4173/alerts?page=2');
    expect(rowHosts()).toHaveLength(4);
    expect(controller!.observing).toBe(true);
  });

  it('follows the adapters being switched off and on', () => {
    loadFixture('plain-table.html');
    start();
    controller!.setAdapters(effectiveAdapters([{ id: MICROFORMAT_ADAPTER.id, enabled: false }]));
    expect(rowHosts()).toHaveLength(0);
    controller!.setAdapters(effectiveAdapters([]));
    expect(rowHosts()).toHaveLength(4);
  });

  it('uses one observer for every adapter and leaves nothing behind when torn down', async () => {
    const created = vi.spyOn(globalThis, 'MutationObserver');
    loadFixture('plain-table.html');
    start({
      adapters: [
        MICROFORMAT_ADAPTER,
        { ...MICROFORMAT_ADAPTER, id: 'second', builtIn: false, rowSelector: 'tr', urlPattern: '*://*/*' },
      ],
    });
    expect(created).toHaveBeenCalledOnce();
    tick(document.querySelector('tbody input'));
    await settle();
    expect(selectionButton()).toBeDefined();

    controller!.destroy();
    expect(document.querySelectorAll('incident-mover-row-button, incident-mover-selection')).toHaveLength(0);
    document.querySelector('tbody')!.append(document.createElement('tr'));
    document.querySelector('tbody tr:last-child')!.setAttribute('data-alert-id', 'after_1');
    await settle();
    expect(rowHosts()).toHaveLength(0);
  });
});

describe('cost on big, busy pages', () => {
  /** `n` rows marked with data-alert-id, each with a checkbox, a title and a "last activity" cell. */
  function rows(n: number, from = 0): HTMLElement[] {
    return Array.from({ length: n }, (_, i) => {
      const row = document.createElement('div');
      row.setAttribute('data-alert-id', `busy_${from + i}`);
      row.innerHTML = `<input type="checkbox"><span>Alert ${from + i}</span><span class="when">now</span>`;
      return row;
    });
  }
  function list(n: number): HTMLElement {
    const box = document.createElement('div');
    box.append(...rows(n));
    document.body.append(box);
    return box;
  }
  const buttonIn = (row: Element) => row.querySelector('incident-mover-row-button') !== null;

  it('reads again only the rows a change touched, not the whole page', async () => {
    const box = list(2_000);
    start();
    expect(rowHosts()).toHaveLength(2_000);
    controller!.stats(true);
    // A render: one row's cell rewritten, one row replaced by a new alert, one attribute changed.
    box.children[10]!.querySelector('.when')!.textContent = '1 s ago';
    const fresh = rows(1, 9_000)[0]!;
    box.replaceChild(fresh, box.children[500]!);
    box.children[1_500]!.setAttribute('data-alert-id', 'busy_reused');
    await settle();
    const cost = controller!.stats(true);
    expect(cost.ticks).toBe(1);
    expect(cost.rowsRead).toBeLessThanOrEqual(5);
    expect(buttonIn(fresh)).toBe(true);
    expect(rowHosts()).toHaveLength(2_000);
    expect(cost.handled).toBe(2_000);
  });

  it('spreads a change of many rows over several ticks, a bounded number of rows each', async () => {
    document.body.innerHTML = '<p>Loading</p>';
    start();
    const box = document.createElement('div');
    box.append(...rows(3 * ROWS_PER_TICK + 10));
    document.body.append(box);
    await new Promise((r) => setTimeout(r, 8));
    // The first tick read one budget; the rest follow without waiting for another change.
    expect(rowHosts().length).toBeLessThanOrEqual(ROWS_PER_TICK);
    await vi.waitFor(() => expect(rowHosts()).toHaveLength(3 * ROWS_PER_TICK + 10), { timeout: 10_000 });
    const cost = controller!.stats();
    expect(cost.ticks).toBeGreaterThanOrEqual(4);
    expect(cost.maxRowsPerTick).toBeLessThanOrEqual(ROWS_PER_TICK);
  });

  it('forgets the rows a page replaces, however often it re-renders', async () => {
    const box = list(200);
    start();
    for (let render = 0; render < 30; render++) {
      box.replaceChildren(...rows(200, (render + 1) * 1_000));
      await new Promise((r) => setTimeout(r, 1));
    }
    await settle();
    await vi.waitFor(() => expect(controller!.stats().handled).toBe(200), { timeout: 10_000 });
    expect(rowHosts()).toHaveLength(200);
    expect(Array.from(box.children).every(buttonIn)).toBe(true);
  });

  it('counts rows selected by a "select all" outside the rows when the analyst clicks it, not when a script does', async () => {
    loadFixture('plain-table.html');
    start();
    const all = document.getElementById('select-all')!;
    const selectAll = (trusted: boolean) => {
      for (const b of document.querySelectorAll<HTMLInputElement>('tbody input')) b.checked = true;
      const e = new Event('change', { bubbles: true });
      Object.defineProperty(e, 'isTrusted', { value: trusted });
      all.dispatchEvent(e);
    };
    selectAll(false);
    await settle();
    expect(selectionButton()).toBeUndefined();
    selectAll(true);
    await settle();
    expect(selectionButton()?.textContent).toBe('Move alerts to another incident4');
  });

  it('keeps buttons on the first rows of a page longer than it fits buttons on, while the page replaces rows', async () => {
    const box = list(MAX_ROWS + 20);
    start();
    expect(rowHosts()).toHaveLength(MAX_ROWS);
    // A row near the top and one past the cap are replaced by new alerts.
    const top = rows(1, 50_000)[0]!;
    const past = rows(1, 60_000)[0]!;
    box.replaceChild(top, box.children[3]!);
    box.replaceChild(past, box.children[MAX_ROWS + 5]!);
    await vi.waitFor(() => expect(buttonIn(top)).toBe(true), { timeout: 10_000 });
    expect(buttonIn(past)).toBe(false);
    expect(Array.from(box.children).slice(0, MAX_ROWS).every(buttonIn)).toBe(true);
  }, 30_000);
});
