/**
 * Keeps a page's alert rows fitted with move buttons (DESIGN.md §5): one scoped, coalesced MutationObserver
 * whose records say which rows to read again (./row-changes.ts; the cost follows the change, not the page), a
 * registry of handled rows so nothing is handled twice (./row-registry.ts), single-page navigation through
 * `setUrl`, and a full teardown in `destroy`. Messaging is injected so this is unit-tested in happy-dom.
 */
import type { ContentRequest } from '@/lib/messaging/protocol';
import type { SiteAdapter } from '@/lib/sites/adapters';
import { adaptersForUrl, MAX_ROWS, readAlertId, readRowTitle, scanAlertRows } from '@/lib/sites/rows';
import { readAnswer, readOpened } from './answers';
import { CHANGED_ROW_MESSAGE, CHANGED_SELECTION_MESSAGE, rememberPress } from './press';
import { createRowChanges, type ScanStats } from './row-changes';
import {
  anchorFor,
  createRowLocator,
  createRowRegistry,
  outermostRows,
  type ShownAlert,
} from './row-registry';
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

export type { ScanStats };

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
  /** Reads the whole page now (the observer reads only the rows a change touched). */
  scan(): void;
  /** The alert ids of the rows the page shows as selected. */
  selectedAlertIds(): string[];
  /** Whether the page is being watched (only while an adapter applies to the URL). */
  readonly observing: boolean;
  /** What scanning has cost since the last reset (read by the e2e tests through the test build). */
  stats(reset?: boolean): ScanStats;
  destroy(): void;
}

const UNEXPECTED_MESSAGE = 'The extension answered with something unexpected; nothing was opened.';
const GONE_MESSAGE = 'Incident Mover was updated or restarted. Reload this page to move alerts from it.';

export function createPageController(options: PageControllerOptions): PageController {
  const doc = options.document;
  const debounceMs = options.debounceMs ?? 150;
  const log = options.log ?? console;
  const listeners = new AbortController();
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
  const rows = createRowRegistry({ doc, active: () => active, mount });
  /** A trusted click or change outside any row (a "select all"): every row's selection is read again. */
  let selectionSweepDue = false;

  const observer = new MutationObserver((records) => {
    if (changes.record(records)) schedule();
  });

  const locator = createRowLocator(() => active);

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
      read += rows.forgetRemoved(removed);
    });
    if (!kept) {
      // More changed at once than is worth tracking: read the page as it is now, a budget at a time.
      rows.forgetDisconnected();
      for (const adapter of active)
        changes.enqueue(outermostRows(doc, adapter.rowSelector).slice(0, MAX_ROWS));
    }
    const due = changes.take(ROWS_PER_TICK);
    for (const row of due) rows.read(row);
    read += due.length;
    if (selectionSweepDue) {
      selectionSweepDue = false;
      read += rows.readSelections();
    }
    updateSelection();
    account(read, performance.now() - started);
    if (changes.pending) schedule(0);
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

  function mount(row: Element, adapter: SiteAdapter): RowButton {
    const read = (): ShownAlert[] => {
      const id = readAlertId(row, adapter);
      return id ? [{ id, title: readRowTitle(row, adapter) }] : [];
    };
    const ui = createRowButton(doc, (e) => {
      if (e.isTrusted === false) return; // a page script clicking our button is not the analyst
      // Read the id again: frameworks reuse row elements for other alerts. Id and title are taken now, as the
      // page shows them at the click; what the page does to the row afterwards changes nothing.
      const current = read();
      if (current.length === 0) {
        showMessage('This row no longer shows an alert id the extension can read.');
        return;
      }
      const taken = asPressed(current);
      if (taken) void openFlyout(taken, ui.button);
      else showMessage(CHANGED_ROW_MESSAGE);
    });
    const asPressed = rememberPress(ui.button, read);
    const { parent, after } = anchorFor(row, adapter);
    if (after) after.after(ui.host);
    else parent.append(ui.host);
    return ui;
  }

  /** Reads the whole page now (bounded by MAX_ROWS rows): on start, on navigation, and when the analyst acts. */
  function scan() {
    if (destroyed) return;
    const started = performance.now();
    let rowsRead = 0;
    changes.clear();
    let last: Element | undefined;
    const found = new Map<Element, { adapter: SiteAdapter; alertId: string }>();
    for (const adapter of active) {
      const result = scanAlertRows(doc, adapter);
      rowsRead += result.rows.length + result.skipped;
      if (result.rows.length >= MAX_ROWS) last = result.rows[result.rows.length - 1]!.row;
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
    rows.replaceAll(found, last);
    rowsRead += rows.size;
    updateSelection();
    account(rowsRead, performance.now() - started);
  }

  function selectedAlertIds(): string[] {
    return rows.selectedAlerts().map((a) => a.id);
  }

  function ensureOverlay(): SelectionOverlay {
    if (!overlay) {
      const read = () => {
        scan(); // the ids as the page shows them right now
        return rows.selectedAlerts();
      };
      const created = createSelectionOverlay(doc, (e) => {
        if (e.isTrusted === false) return;
        const alerts = asPressed(read());
        if (!alerts) {
          showMessage(CHANGED_SELECTION_MESSAGE);
          return;
        }
        if (alerts.length === 0) return;
        if (alerts.length > MAX_IDS_PER_FLYOUT) {
          showMessage(
            `${alerts.length.toLocaleString('en')} alerts are selected; move at most ${MAX_IDS_PER_FLYOUT.toLocaleString('en')} at a time from a page.`,
          );
          return;
        }
        void openFlyout(alerts, created.button);
      });
      const asPressed = rememberPress(created.button, read);
      overlay = created;
    }
    if (!overlay.host.isConnected) doc.documentElement.append(overlay.host);
    return overlay;
  }

  function updateSelection() {
    const count = rows.selectedCount();
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
      rows.clear();
      changes.clear();
      overlay?.host.remove();
      overlay = undefined;
    },
    get observing() {
      return observing;
    },
    stats(reset = false) {
      const out = { ...cost, handled: rows.size, selected: rows.selectedCount() };
      if (reset) Object.assign(cost, { ticks: 0, rowsRead: 0, maxRowsPerTick: 0, totalMs: 0, maxTickMs: 0 });
      return out;
    },
  };
}
