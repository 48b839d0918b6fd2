/**
 * Keeps a page's alert rows fitted with move buttons (DESIGN.md §5): one scoped, coalesced MutationObserver,
 * a map of handled rows so nothing is handled twice, single-page navigation through `setUrl`, and a full
 * teardown in `destroy`. Messaging is injected so this is unit-tested in happy-dom without a browser.
 */
import type { ContentRequest } from '@/lib/messaging/protocol';
import type { SiteAdapter } from '@/lib/sites/adapters';
import { adaptersForUrl, findIdLink, isRowSelected, readAlertId, scanAlertRows } from '@/lib/sites/rows';
import { readAnswer, readOpened } from './answers';
import {
  createRowButton,
  createSelectionOverlay,
  isOwnElement,
  type RowButton,
  type SelectionOverlay,
} from './ui';

/** The background answers at most this many ids per request (lib/protocol.ts `contentRequest`). */
export const MAX_IDS_PER_FLYOUT = 1_000;

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
  destroy(): void;
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

  const observer = new MutationObserver((records) => {
    if (records.some((r) => !isOwnMutation(r))) schedule();
  });

  function isOwnMutation(r: MutationRecord): boolean {
    if (r.type !== 'childList') return false;
    const nodes = [...Array.from(r.addedNodes), ...Array.from(r.removedNodes)];
    return nodes.length > 0 && nodes.every(isOwnElement);
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

  /** Coalesces bursts of changes into one scan; a page that never stops changing still gets scanned. */
  function schedule() {
    if (destroyed || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      scan();
    }, debounceMs);
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
      // Read the id again: frameworks reuse row elements for other alerts.
      const current = readAlertId(row, adapter);
      if (!current) {
        showMessage('This row no longer shows an alert id the extension can read.');
        return;
      }
      void openFlyout([current], ui.button);
    });
    const { parent, after } = anchorFor(row, adapter);
    if (after) after.after(ui.host);
    else parent.append(ui.host);
    return { ui, adapter, alertId };
  }

  function scan() {
    if (destroyed) return;
    const found = new Map<Element, { adapter: SiteAdapter; alertId: string }>();
    for (const adapter of active) {
      const result = scanAlertRows(doc, adapter);
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
    for (const [row, entry] of handled) {
      if (!found.has(row)) {
        entry.ui.host.remove();
        handled.delete(row);
      }
    }
    for (const [row, { adapter, alertId }] of found) {
      const entry = handled.get(row);
      if (entry?.ui.host.isConnected && row.contains(entry.ui.host)) {
        entry.adapter = adapter;
        entry.alertId = alertId;
        continue;
      }
      // New row, or the page re-rendered the row's content and took our button with it.
      entry?.ui.host.remove();
      handled.set(row, mount(row, adapter, alertId));
    }
    updateSelection();
  }

  function selectedAlertIds(): string[] {
    const ids = new Set<string>();
    for (const [row, entry] of handled) if (isRowSelected(row, entry.adapter)) ids.add(entry.alertId);
    return [...ids];
  }

  function ensureOverlay(): SelectionOverlay {
    if (!overlay) {
      const created = createSelectionOverlay(doc, (e) => {
        if (e.isTrusted === false) return;
        scan(); // the ids as the page shows them right now
        const ids = selectedAlertIds();
        if (ids.length === 0) return;
        if (ids.length > MAX_IDS_PER_FLYOUT) {
          showMessage(
            `${ids.length.toLocaleString('en')} alerts are selected; move at most ${MAX_IDS_PER_FLYOUT.toLocaleString('en')} at a time from a page.`,
          );
          return;
        }
        void openFlyout(ids, created.button);
      });
      overlay = created;
    }
    if (!overlay.host.isConnected) doc.documentElement.append(overlay.host);
    return overlay;
  }

  function updateSelection() {
    const count = selectedAlertIds().length;
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
  async function openFlyout(alertIds: string[], opener: HTMLButtonElement) {
    if (busy || destroyed) return;
    busy = true;
    opener.setAttribute('aria-busy', 'true');
    overlay?.clearMessage();
    try {
      let answer: unknown;
      try {
        answer = await options.sendMessage({ type: 'page.openFlyout', alertIds });
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

  doc.addEventListener('change', schedule, { capture: true, signal: listeners.signal });
  doc.addEventListener('click', schedule, { capture: true, passive: true, signal: listeners.signal });
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
      overlay?.host.remove();
      overlay = undefined;
    },
    get observing() {
      return observing;
    },
  };
}
