/**
 * What changed on the page since the content script last looked, from the MutationObserver's records: the script
 * reads again only the alert rows a change touched, so its cost follows the change and not the size of the page
 * (a queue of 20,000 rows that re-renders every 50 ms is read a few rows at a time, not 20,000 times a second).
 * Rows waiting to be read are a queue the controller drains a budget at a time, so one huge change is spread
 * over several ticks instead of freezing the page. Plain DOM; no browser APIs.
 */

/** What reading the page has cost since the last reset (the e2e tests read it through the test build). */
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

export interface RowLocator {
  /** The outermost alert row that holds `node` (or is it), if any. */
  rowOf(node: Node): Element | undefined;
  /** The outermost alert rows inside `root` (itself included), in document order. */
  rowsIn(root: Element): Element[];
}

export interface RowChanges {
  /** Takes an observer's records in (O(nodes in the records)); answers whether any of them may matter. */
  record(records: readonly MutationRecord[]): boolean;
  /** A node whose row may show something else now (an event's target, say). */
  touch(node: Node): void;
  /**
   * Resolves the recorded changes into rows: calls `dropped` for each element the page removed (whose rows the
   * caller forgets), then queues the rows the changes touched or added. Returns false when more changed than the
   * queue holds: the caller should then read the whole page again (in budgets too).
   */
  resolve(locator: RowLocator, dropped: (removed: Element) => void): boolean;
  /** Queues rows to read (a whole-page read, in budgets). */
  enqueue(rows: Iterable<Element>): void;
  /** Up to `budget` queued rows, oldest first, taken off the queue. */
  take(budget: number): Element[];
  /** Rows waiting to be read. */
  readonly queued: number;
  /** Whether there is anything to resolve or read. */
  readonly pending: boolean;
  clear(): void;
}

const isElement = (n: Node): n is Element => n.nodeType === 1;

/**
 * `maxPending`: how many changed nodes are kept between ticks at most. Past it the changes are dropped and
 * `resolve` says so, so a page that changes everything at once costs a bounded queue, never a growing one.
 */
export function createRowChanges(isOwn: (node: Node) => boolean, maxPending: number): RowChanges {
  const touched = new Set<Node>();
  const added = new Set<Element>();
  const removed = new Set<Element>();
  const queue = new Set<Element>();
  let overflowed = false;

  const full = () => touched.size + added.size + removed.size >= maxPending;
  function keep(set: Set<Node>, node: Node) {
    if (overflowed) return;
    if (full()) {
      overflowed = true;
      touched.clear();
      added.clear();
      removed.clear();
      return;
    }
    set.add(node);
  }

  return {
    record(records) {
      let relevant = false;
      for (const r of records) {
        if (r.type === 'attributes') {
          if (isOwn(r.target)) continue;
          relevant = true;
          keep(touched, r.target);
          continue;
        }
        let foreign = false;
        for (const n of Array.from(r.addedNodes)) {
          if (isOwn(n)) continue;
          foreign = true;
          if (isElement(n)) keep(added as Set<Node>, n);
        }
        for (const n of Array.from(r.removedNodes)) {
          if (isOwn(n)) continue;
          foreign = true;
          if (isElement(n)) keep(removed as Set<Node>, n);
        }
        // The row whose content changed may show another id or title, or have lost our button.
        if (foreign) {
          relevant = true;
          keep(touched, r.target);
        }
      }
      return relevant;
    },
    touch(node) {
      keep(touched, node);
    },
    resolve(locator, dropped) {
      if (overflowed) {
        overflowed = false;
        return false;
      }
      for (const n of removed) if (!n.isConnected) dropped(n);
      removed.clear();
      for (const n of touched) {
        if (!n.isConnected) continue;
        const row = locator.rowOf(n);
        if (row) queue.add(row);
      }
      touched.clear();
      for (const n of added) {
        if (!n.isConnected) continue;
        const row = locator.rowOf(n);
        if (row) queue.add(row);
        else for (const inner of locator.rowsIn(n)) queue.add(inner);
      }
      added.clear();
      // Rows are added faster than they are read: start again from the page as it is now.
      if (queue.size > maxPending) {
        queue.clear();
        return false;
      }
      return true;
    },
    enqueue(rows) {
      for (const row of rows) queue.add(row);
    },
    take(budget) {
      const out: Element[] = [];
      for (const row of queue) {
        if (out.length >= budget) break;
        queue.delete(row);
        // Rows the page took away before their turn cost nothing (their buttons left with them).
        if (row.isConnected) out.push(row);
      }
      return out;
    },
    get queued() {
      return queue.size;
    },
    get pending() {
      return overflowed || queue.size > 0 || touched.size + added.size + removed.size > 0;
    },
    clear() {
      touched.clear();
      added.clear();
      removed.clear();
      queue.clear();
      overflowed = false;
    },
  };
}
