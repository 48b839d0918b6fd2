/**
 * The page's alert rows that have a move button: which alert each shows, which the page marks as selected, and the
 * cap on how many get a button (the first MAX_ROWS in document order). Rows are read one at a time (`read`), so
 * the page controller can read only the rows a change touched; `replaceAll` takes a whole-page read. Plain DOM.
 */
import type { SiteAdapter } from '@/lib/sites/adapters';
import { findIdLink, isRowSelected, MAX_ROWS, readAlertId, readRowTitle } from '@/lib/sites/rows';
import type { RowLocator } from './row-changes';
import { isOwnElement, type RowButton } from './ui';

/** An alert as the page showed it at the click: its id and its row's text. */
export interface ShownAlert {
  id: string;
  title: string;
}

interface HandledRow {
  ui: RowButton;
  adapter: SiteAdapter;
  alertId: string;
}

export interface RowRegistryOptions {
  doc: Document;
  /** The adapters in effect now, first one first. */
  active(): readonly SiteAdapter[];
  /** Puts a button in the row (the page controller's, which knows what a click does). */
  mount(row: Element, adapter: SiteAdapter): RowButton;
}

/** The outermost elements matching `selector` under `root` (itself included), in document order; never throws. */
export function outermostRows(root: ParentNode, selector: string): Element[] {
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

function safeClosest(el: Element | null, selector: string): Element | null {
  try {
    return el?.closest(selector) ?? null;
  } catch {
    return null;
  }
}

/** Finds the adapters' outermost rows around a changed node and inside an added one (./row-changes.ts). */
export function createRowLocator(active: () => readonly SiteAdapter[]): RowLocator {
  return {
    rowOf(node) {
      const start = node.nodeType === 1 ? (node as Element) : node.parentElement;
      for (const adapter of active()) {
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
      for (const adapter of active()) rows.push(...outermostRows(root, adapter.rowSelector));
      return rows;
    },
  };
}

/** Where a row's button goes: right after the link that carries the id, else in the row's last cell. */
export function anchorFor(row: Element, adapter: SiteAdapter): { parent: Element; after?: Element } {
  // Next to the alert's link (its title, usually), but never inside it: a click there would navigate.
  const link = findIdLink(row, adapter)?.link;
  if (link && link !== row && link.parentElement && row.contains(link.parentElement)) {
    return { parent: link.parentElement, after: link };
  }
  const cells = row.querySelectorAll(':scope > td, :scope > th, [role="gridcell"], [role="cell"]');
  const last = cells[cells.length - 1];
  return { parent: last ?? row };
}

export type RowRegistry = ReturnType<typeof createRowRegistry>;

export function createRowRegistry({ doc, active, mount }: RowRegistryOptions) {
  const handled = new Map<Element, HandledRow>();
  /** Rows the page shows as selected (kept up to date row by row, so the count costs nothing per change). */
  const selected = new Set<Element>();
  /** On a page with more than MAX_ROWS rows, the last row (in document order) that gets a button. */
  let boundary: Element | undefined;

  function forget(row: Element) {
    handled.get(row)?.ui.host.remove();
    handled.delete(row);
    selected.delete(row);
  }

  function markSelected(row: Element, adapter: SiteAdapter) {
    if (isRowSelected(row, adapter)) selected.add(row);
    else selected.delete(row);
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
      const first = active()[0];
      boundary = first ? outermostRows(doc, first.rowSelector)[MAX_ROWS - 1] : undefined;
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
    handled.set(row, { ui: mount(row, adapter), adapter, alertId });
  }

  return {
    get size() {
      return handled.size;
    },
    /** One row, read again: its id (under the first adapter that reads one), its button, its selection. */
    read(row: Element) {
      if (!row.isConnected || isOwnElement(row)) return forget(row);
      for (const adapter of active()) {
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
    },
    /** Forgets the rows inside an element the page removed; answers how many it had. */
    forgetRemoved(removed: Element): number {
      if (handled.has(removed)) {
        forget(removed);
        return 1;
      }
      if (handled.size === 0 || !removed.firstElementChild) return 0;
      let n = 0;
      for (const adapter of active())
        for (const row of outermostRows(removed, adapter.rowSelector))
          if (handled.has(row)) {
            forget(row);
            n++;
          }
      return n;
    },
    forgetDisconnected() {
      for (const row of handled.keys()) if (!row.isConnected) forget(row);
    },
    /** A whole-page read: these rows (and only these) have buttons; their selection is read again. */
    replaceAll(found: ReadonlyMap<Element, { adapter: SiteAdapter; alertId: string }>, last?: Element) {
      boundary = last;
      for (const row of handled.keys()) if (!found.has(row)) forget(row);
      for (const [row, { adapter, alertId }] of found) place(row, adapter, alertId);
      selected.clear();
      for (const [row, entry] of handled) markSelected(row, entry.adapter);
    },
    /** Reads every row's selection again; answers how many rows that read. */
    readSelections(): number {
      for (const [row, entry] of handled) markSelected(row, entry.adapter);
      return handled.size;
    },
    /** The selected rows' alerts, each once, in the page's order, with what the page shows for each. */
    selectedAlerts(): ShownAlert[] {
      const out = new Map<string, ShownAlert>();
      for (const [row, entry] of handled)
        if (selected.has(row) && !out.has(entry.alertId))
          out.set(entry.alertId, { id: entry.alertId, title: readRowTitle(row, entry.adapter) });
      return [...out.values()];
    },
    /** How many alerts are selected (without reading the page). */
    selectedCount(): number {
      const ids = new Set<string>();
      for (const row of selected) {
        const id = handled.get(row)?.alertId;
        if (id) ids.add(id);
      }
      return ids.size;
    },
    clear() {
      for (const entry of handled.values()) entry.ui.host.remove();
      handled.clear();
      selected.clear();
      boundary = undefined;
    },
  };
}
