/**
 * Keeps a page's alert rows fitted with move buttons (DESIGN.md §5): one scoped, coalesced MutationObserver,
 * a map of handled rows so nothing is handled twice, single-page navigation through `setUrl`, and a full
 * teardown in `destroy`. Messaging is injected so this is unit-tested in happy-dom without a browser.
 */
import type { ContentRequest } from '@/lib/messaging/protocol';
import type { SiteAdapter } from '@/lib/sites/adapters';
import {
  adaptersForUrl,
  findIdLink,
  isRowSelected,
  MAX_ROWS,
  readAlertId,
  readRowTitle,
  scanAlertRows,
} from '@/lib/sites/rows';
import { readAnswer, readOpened } from './answers';
import { createRowChanges, type RowLocator } from './row-changes';
import {
  createRowButton,
  createSelectionOverlay,
  isOwnElement,
  type RowButton,
  type SelectionOverlay,
} from './ui';

/** The background answers at most this many ids per request (lib/protocol.ts `contentRequest`). */
export const MAX_IDS_PER_FLYOUT = 1_000;
/** Rows read per tick at most; the rest of a big change is read in the next ticks, so the page stays usable. */
export const ROWS_PER_TICK = 500;
/** Changed nodes (and queued rows) kept between ticks at most; past it the page is read again, in budgets. */
export const MAX_PENDING_CHANGES = 20_000;

export interface PageControllerOptions {
  document: Document;
  url: string;
  adapters: readonly SiteAdapter[];
  /** `browser.runtime.sendMessage`, answered with the protocol's `{ ok, data | error }` envelope. */
  sendMessage(message: ContentRequest): Promise<unknown>;
  /** How long row changes are collected before one scan (ms). */
  debounceMs?: number;
  log?: Pick<Console, 'warn'>;
}

export interface PageController {
  /** Single-page navigation: the adapters in effect follow the URL. */
  setUrl(url: string): void;
  setAdapters(adapters: readonly SiteAdapter[]): void;
  /** Scans now; the observer calls it (coalesced) whenever the page changes. */
  scan(): void;
  /** The alert ids of the rows the page shows as selected. */
  selectedAlertIds(): string[];
  /** Whether the page is being watched (only while an adapter applies to the URL). */
  readonly observing: boolean;
  /** What scanning has cost since the last reset (read by the e2e tests through the test build). */
  stats(reset?: boolean): ScanStats;
  destroy(): void;
}

export interface ScanStats {
  /** Scans run since the last reset. */
  ticks: number;
  /** Rows read (their alert id or their selection) by those scans. */
  rowsRead: number;
  /** The most rows one scan read. */
  maxRowsPerTick: number;
  /** Time spent in scans, and the longest one (ms). */
  totalMs: number;
  maxTickMs: number;
  /** Rows that have a button now, and how many alerts the floating button counts as selected. */
  handled: number;
  selected: number;
}

/** An alert as the page showed it at the click: its id and its row's text. */
interface ShownAlert {
  id: string;
  title: string;
}

interface HandledRow {
  ui: RowButton;
  adapter: SiteAdapter;
  alertId: string;
}

const UNEXPECTED_MESSAGE = 'The extension answered with something unexpected; nothing was opened.';
const GONE_MESSAGE = 'Incident Mover was updated or restarted. Reload this page to move alerts from it.';

export function createPageController(options: PageControllerOptions): PageController {
  const doc = options.document;
  const debounceMs = options.debounceMs ?? 150;
  const log = options.log ?? console;
  const listeners = new AbortController();
  const handled = new Map<Element, HandledRow>();
  const warned = new Set<string>();

  let url = options.url;
  let adapters: readonly SiteAdapter[] = options.adapters;
  let active: SiteAdapter[] = adaptersForUrl(adapters, url);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let destroyed = false;
  let busy = false;
  let overlay: SelectionOverlay | undefined;
  let observing = false;
  const cost = { ticks: 0, rowsRead: 0, maxRowsPerTick: 0, totalMs: 0, maxTickMs: 0 };
  function account(rows: number, ms: number) {
    cost.ticks++;
    cost.rowsRead += rows;
    cost.maxRowsPerTick = Math.max(cost.maxRowsPerTick, rows);
    cost.totalMs += ms;
    cost.maxTickMs = Math.max(cost.maxTickMs, ms);
  }

  const changes = createRowChanges(isOwnElement, MAX_PENDING_CHANGES);
  /** On a page with more than MAX_ROWS rows, the last row (in document order) that gets a button. */
  let boundary: Element | undefined;
  /** Rows the page shows as selected (kept up to date row by row, so the count costs nothing per change). */
  const selected = new Set<Element>();
  /** A trusted click or change outside any row (a "select all"): every row's selection is read again. */
  let selectionSweepDue = false;

  const observer = new MutationObserver((records) => {
    if (changes.record(records)) schedule();
  });

  function safeClosest(el: Element | null, selector: string): Element | null {
    try {
      return el?.closest(selector) ?? null;
    } catch {
      return null;
    }
  }

  const locator: RowLocator = {
    rowOf(node) {
      const start = node.nodeType === 1 ? (node as Element) : node.parentElement;
      for (const adapter of active) {
        let outer: Element | undefined;
        for (
          let r = safeClosest(start, adapter.rowSelector);
          r;
          r = safeClosest(r.parentElement, adapter.rowSelector)
        )
          outer = r;
        if (outer && !isOwnElement(outer)) return outer;
      }
      return undefined;
    },
    rowsIn(root) {
      const rows: Element[] = [];
      for (const adapter of active) rows.push(...outermostRows(root, adapter.rowSelector));
      return rows;
    },
  };

  function outermostRows(root: ParentNode, selector: string): Element[] {
    let candidates: Element[];
    try {
      candidates = Array.from(root.querySelectorAll(selector));
      if ((root as Element).nodeType === 1 && (root as Element).matches(selector))
        candidates.unshift(root as Element);
    } catch {
      return [];
    }
    const rows: Element[] = [];
    let outer: Element | undefined;
    for (const row of candidates) {
      if (outer?.contains(row)) continue;
      outer = row;
      if (!isOwnElement(row)) rows.push(row);
    }
    return rows;
  }

  function observedAttributes(): string[] {
    const names = new Set(['aria-checked', 'aria-selected', 'checked', 'href']);
    for (const a of active) if (a.idFrom.kind === 'attribute') names.add(a.idFrom.name);
    return [...names];
  }

  function observe() {
    observer.disconnect();
    observing = false;
    if (destroyed || active.length === 0) return;
    observer.observe(doc.documentElement, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: observedAttributes(),
    });
    observing = true;
  }

  /** Coalesces bursts of changes into one tick; a page that never stops changing still gets read. */
  function schedule(delay = debounceMs) {
    if (destroyed || timer !== undefined) return;
    timer = setTimeout(tick, delay);
  }

  /**
   * Reads the rows the changes since the last tick touched, at most ROWS_PER_TICK of them; the rest wait for the
   * next tick, which comes at once. The cost follows what changed, not how many rows the page has.
   */
  function tick() {
    timer = undefined;
    if (destroyed) return;
    const started = performance.now();
    let read = 0;
    const kept = changes.resolve(locator, (removed) => {
      read += forgetRemoved(removed);
    });
    if (!kept) {
      // More changed at once than is worth tracking: read the page as it is now, a budget at a time.
      for (const row of handled.keys()) if (!row.isConnected) forget(row);
      for (const adapter of active)
        changes.enqueue(outermostRows(doc, adapter.rowSelector).slice(0, MAX_ROWS));
    }
    const rows = changes.take(ROWS_PER_TICK);
    for (const row of rows) readRow(row);
    read += rows.length;
    if (selectionSweepDue) {
      selectionSweepDue = false;
      for (const [row, entry] of handled) markSelected(row, entry.adapter);
      read += handled.size;
    }
    updateSelection();
    account(read, performance.now() - started);
    if (changes.pending) schedule(0);
  }

  /** Forgets the rows inside an element the page removed; answers how many it had. */
  function forgetRemoved(removed: Element): number {
    if (handled.has(removed)) {
      forget(removed);
      return 1;
    }
    if (handled.size === 0 || !removed.firstElementChild) return 0;
    let n = 0;
    for (const adapter of active)
      for (const row of outermostRows(removed, adapter.rowSelector))
        if (handled.has(row)) {
          forget(row);
          n++;
        }
    return n;
  }

  function forget(row: Element) {
    handled.get(row)?.ui.host.remove();
    handled.delete(row);
    selected.delete(row);
  }

  function markSelected(row: Element, adapter: SiteAdapter) {
    if (isRowSelected(row, adapter)) selected.add(row);
    else selected.delete(row);
  }

  /** One row, read again: its id (under the first adapter that reads one), its button, its selection. */
  function readRow(row: Element) {
    if (!row.isConnected || isOwnElement(row)) return forget(row);
    for (const adapter of active) {
      let matches = false;
      try {
        matches = row.matches(adapter.rowSelector);
      } catch {}
      const alertId = matches ? readAlertId(row, adapter) : undefined;
      if (!alertId) continue;
      if (!withinCap(row)) return;
      place(row, adapter, alertId);
      markSelected(row, adapter);
      return;
    }
    forget(row);
  }

  /**
   * Whether a row may have a button: a page shows buttons on its first MAX_ROWS rows in document order (as a
   * whole-page read does), so a row the page adds past them doesn't take the place of one it replaced near the top.
   */
  function withinCap(row: Element): boolean {
    if (handled.has(row)) return true;
    if (handled.size >= 2 * MAX_ROWS) return false;
    if (boundary && !boundary.isConnected) {
      // The last row that had a place is gone: find the row that has it now (one selector query).
      boundary = active.length ? outermostRows(doc, active[0]!.rowSelector)[MAX_ROWS - 1] : undefined;
    }
    if (!boundary) return handled.size < MAX_ROWS;
    return row === boundary || (boundary.compareDocumentPosition(row) & 2) !== 0; // 2: row precedes it
  }

  /** Mounts a row's button, or keeps the one it has (the row now shows `alertId`). */
  function place(row: Element, adapter: SiteAdapter, alertId: string) {
    const entry = handled.get(row);
    if (entry?.ui.host.isConnected && row.contains(entry.ui.host)) {
      entry.adapter = adapter;
      entry.alertId = alertId;
      return;
    }
    // New row, or the page re-rendered the row's content and took our button with it.
    entry?.ui.host.remove();
    handled.set(row, mount(row, adapter, alertId));
  }

  /** A click or change on the page: its row may be selected now; outside any row, any row may be. */
  function onPageEvent(e: Event) {
    const target = e.composedPath()[0] ?? e.target;
    if (!target || typeof (target as Node).nodeType !== 'number' || isOwnElement(target as Node)) return;
    changes.touch(target as Node);
    if (e.isTrusted && !locator.rowOf(target as Node)) selectionSweepDue = true;
    schedule();
  }

  function warnOnce(key: string, message: string) {
    if (warned.has(key)) return;
    warned.add(key);
    log.warn(`[incident-mover] ${message}`);
  }

  function anchorFor(row: Element, adapter: SiteAdapter): { parent: Element; after?: Element } {
    // Next to the alert's link (its title, usually), but never inside it: a click there would navigate.
    const link = findIdLink(row, adapter)?.link;
    if (link && link !== row && link.parentElement && row.contains(link.parentElement)) {
      return { parent: link.parentElement, after: link };
    }
    const cells = row.querySelectorAll(':scope > td, :scope > th, [role="gridcell"], [role="cell"]');
    const last = cells[cells.length - 1];
    return { parent: last ?? row };
  }

  function mount(row: Element, adapter: SiteAdapter, alertId: string): HandledRow {
    const ui = createRowButton(doc, (e) => {
      if (e.isTrusted === false) return; // a page script clicking our button is not the analyst
      // Read the id again: frameworks reuse row elements for other alerts. Id and title are taken now, as the
      // page shows them at the click; what the page does to the row afterwards changes nothing.
      const current = readAlertId(row, adapter);
      if (!current) {
        showMessage('This row no longer shows an alert id the extension can read.');
        return;
      }
      void openFlyout([{ id: current, title: readRowTitle(row, adapter) }], ui.button);
    });
    const { parent, after } = anchorFor(row, adapter);
    if (after) after.after(ui.host);
    else parent.append(ui.host);
    return { ui, adapter, alertId };
  }

  /** Reads the whole page now (bounded by MAX_ROWS rows): on start, on navigation, and when the analyst acts. */
  function scan() {
    if (destroyed) return;
    const started = performance.now();
    let rowsRead = 0;
    changes.clear();
    boundary = undefined;
    const found = new Map<Element, { adapter: SiteAdapter; alertId: string }>();
    for (const adapter of active) {
      const result = scanAlertRows(doc, adapter);
      rowsRead += result.rows.length + result.skipped;
      if (result.rows.length >= MAX_ROWS) boundary = result.rows[result.rows.length - 1]!.row;
      if (result.problem) warnOnce(`problem:${adapter.id}`, `${adapter.name}: ${result.problem}`);
      if (result.skipped > 0 && result.rows.length === 0) {
        warnOnce(
          `stopped:${adapter.id}:${url}`,
          `${adapter.name}: ${result.skipped} element(s) match the row selector "${adapter.rowSelector}" but none has an alert id the adapter can read. The selector may have stopped matching this site.`,
        );
      }
      for (const { row, alertId } of result.rows) {
        if (!found.has(row) && !isOwnElement(row)) found.set(row, { adapter, alertId });
      }
    }
    for (const row of handled.keys()) if (!found.has(row)) forget(row);
    for (const [row, { adapter, alertId }] of found) place(row, adapter, alertId);
    selected.clear();
    for (const [row, entry] of handled) markSelected(row, entry.adapter);
    rowsRead += handled.size;
    updateSelection();
    account(rowsRead, performance.now() - started);
  }

  function selectedAlertIds(): string[] {
    return selectedAlerts().map((a) => a.id);
  }

  /** The selected rows' alerts, each once, with what the page shows for it. */
  function selectedAlerts(): ShownAlert[] {
    const out = new Map<string, ShownAlert>();
    for (const [row, entry] of handled)
      if (selected.has(row) && !out.has(entry.alertId))
        out.set(entry.alertId, { id: entry.alertId, title: readRowTitle(row, entry.adapter) });
    return [...out.values()];
  }

  function selectedCount(): number {
    const ids = new Set<string>();
    for (const row of selected) {
      const id = handled.get(row)?.alertId;
      if (id) ids.add(id);
    }
    return ids.size;
  }

  function ensureOverlay(): SelectionOverlay {
    if (!overlay) {
      const created = createSelectionOverlay(doc, (e) => {
        if (e.isTrusted === false) return;
        scan(); // the ids as the page shows them right now
        const alerts = selectedAlerts();
        if (alerts.length === 0) return;
        if (alerts.length > MAX_IDS_PER_FLYOUT) {
          showMessage(
            `${alerts.length.toLocaleString('en')} alerts are selected; move at most ${MAX_IDS_PER_FLYOUT.toLocaleString('en')} at a time from a page.`,
          );
          return;
        }
        void openFlyout(alerts, created.button);
      });
      overlay = created;
    }
    if (!overlay.host.isConnected) doc.documentElement.append(overlay.host);
    return overlay;
  }

  function updateSelection() {
    const count = selectedCount();
    if (count === 0 && !overlay) return;
    ensureOverlay().setCount(count);
  }

  function showMessage(text: string) {
    if (destroyed) return;
    ensureOverlay().showMessage(text);
  }

  /**
   * Asks the background to open the move window for these alerts. The ids are taken now, as the page shows them
   * at the click, and the window is the extension's own: the page can neither draw over it nor read its address.
   */
  async function openFlyout(alerts: ShownAlert[], opener: HTMLButtonElement) {
    if (busy || destroyed) return;
    busy = true;
    opener.setAttribute('aria-busy', 'true');
    overlay?.clearMessage();
    try {
      let answer: unknown;
      try {
        answer = await options.sendMessage({
          type: 'page.openFlyout',
          alertIds: alerts.map((a) => a.id),
          pageTitles: alerts.map((a) => a.title),
        });
      } catch {
        showMessage(GONE_MESSAGE);
        return;
      }
      if (destroyed) return;
      const response = readAnswer(answer, readOpened);
      if (!response) showMessage(answer === undefined ? GONE_MESSAGE : UNEXPECTED_MESSAGE);
      else if (!response.ok) showMessage(response.message);
    } finally {
      busy = false;
      opener.removeAttribute('aria-busy');
    }
  }

  function refreshActive() {
    active = adaptersForUrl(adapters, url);
    observe();
    scan();
  }

  doc.addEventListener('change', onPageEvent, { capture: true, signal: listeners.signal });
  doc.addEventListener('click', onPageEvent, { capture: true, passive: true, signal: listeners.signal });
  refreshActive();

  return {
    setUrl(next) {
      if (destroyed || next === url) return;
      url = next;
      refreshActive();
    },
    setAdapters(next) {
      if (destroyed) return;
      adapters = next;
      refreshActive();
    },
    scan,
    selectedAlertIds,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      observer.disconnect();
      observing = false;
      listeners.abort();
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      for (const entry of handled.values()) entry.ui.host.remove();
      handled.clear();
      selected.clear();
      changes.clear();
      overlay?.host.remove();
      overlay = undefined;
    },
    get observing() {
      return observing;
    },
    stats(reset = false) {
      const out = { ...cost, handled: handled.size, selected: selectedCount() };
      if (reset) Object.assign(cost, { ticks: 0, rowsRead: 0, maxRowsPerTick: 0, totalMs: 0, maxTickMs: 0 });
      return out;
    },
  };
}
