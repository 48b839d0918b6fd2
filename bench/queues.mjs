// The side panel's queues in real Chromium: time from opening the page to the first rows of each queue,
// time to scroll to the end of the alerts queue, rows in the DOM, and the JS heap after load.

const ROW = { incidents: '[data-incident-id]', alerts: '[data-alert-id]' };

/**
 * Runs before the page's own scripts: notes when the first row of each queue enters the DOM, and when the
 * queue's status line first shows its count ("29,161 alerts"), as the analyst sees it.
 */
function markFirstRows() {
  const marks = {};
  window.__benchMarks = marks;
  const check = () => {
    if (!marks.incidents && document.querySelector('[data-incident-id]')) marks.incidents = performance.now();
    if (!marks.alerts && document.querySelector('[data-alert-id]')) marks.alerts = performance.now();
    if (
      !marks.count &&
      /^[\d,]+ (alert|incident)s?$/.test(
        document.querySelector('.queue-status [role="status"]')?.textContent?.trim() ?? '',
      )
    )
      marks.count = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
}

/** Waits until the number of rows in the DOM has not changed for `quietMs`. */
async function settle(page, quietMs = 400, maxMs = 15_000) {
  return page.evaluate(
    async ({ quietMs, maxMs }) => {
      const start = performance.now();
      let last = -1;
      let since = performance.now();
      while (performance.now() - start < maxMs) {
        const n = document.querySelectorAll('tr, [role="row"]').length;
        if (n !== last) {
          last = n;
          since = performance.now();
        } else if (performance.now() - since >= quietMs) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      return last;
    },
    { quietMs, maxMs },
  );
}

function domRows() {
  const all = [...document.querySelectorAll('[data-incident-id], [data-alert-id]')];
  const visible = all.filter((el) => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.bottom > 0 && r.top < innerHeight;
  }).length;
  return {
    visible,
    rows: document.querySelectorAll('tr, [role="row"]').length,
    dataRows: document.querySelectorAll('[data-incident-id], [data-alert-id]').length,
    elements: document.getElementsByTagName('*').length,
  };
}

/** In the page: scrolls the alerts queue to its end, following rows loaded on the way. */
async function scrollToEnd() {
  const first = document.querySelector('[data-alert-id]');
  const scrollable = (el) =>
    /(auto|scroll|overlay)/.test(getComputedStyle(el).overflowY) && el.scrollHeight > el.clientHeight + 1;
  let el = first?.parentElement ?? null;
  while (el && el !== document.body && el !== document.documentElement && !scrollable(el))
    el = el.parentElement;
  const scroller =
    el && el !== document.body && el !== document.documentElement ? el : document.scrollingElement;
  const t0 = performance.now();
  let lastChange = t0;
  let maxRows = 0;
  const observer = new MutationObserver(() => {
    lastChange = performance.now();
  });
  observer.observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['data-alert-id'],
  });
  let scrolls = 0;
  let timedOut = false;
  for (;;) {
    const bottom = scroller.scrollHeight - scroller.clientHeight;
    if (scroller.scrollTop < bottom - 1) {
      scroller.scrollTop = bottom;
      scrolls++;
    }
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    maxRows = Math.max(maxRows, document.querySelectorAll('tr, [role="row"]').length);
    const atBottom = scroller.scrollTop >= scroller.scrollHeight - scroller.clientHeight - 1;
    if (atBottom && performance.now() - lastChange > 500) break;
    if (performance.now() - t0 > 60_000) {
      timedOut = true;
      break;
    }
  }
  observer.disconnect();
  const rows = [...document.querySelectorAll('[data-alert-id]')];
  const last = rows.at(-1);
  const rowIndex = Number(
    last?.getAttribute('aria-rowindex') ?? last?.closest('[aria-rowindex]')?.getAttribute('aria-rowindex'),
  );
  const rowCount = Number(document.querySelector('[aria-rowcount]')?.getAttribute('aria-rowcount'));
  return {
    ms: lastChange - t0,
    scrolls,
    timedOut,
    maxRows,
    scroller: scroller === document.scrollingElement ? 'document' : scroller.tagName.toLowerCase(),
    scrollHeight: scroller.scrollHeight,
    lastRowIndex: Number.isFinite(rowIndex) ? rowIndex : null,
    rowCount: Number.isFinite(rowCount) ? rowCount : null,
    lastAlertId: last?.getAttribute('data-alert-id') ?? null,
  };
}

async function heapAfterLoad(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (name) => metrics.find((m) => m.name === name)?.value ?? null;
    return { jsHeapUsed: get('JSHeapUsedSize'), jsHeapTotal: get('JSHeapTotalSize'), nodes: get('Nodes') };
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/**
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} extensionId
 */
export async function measureQueues(context, extensionId, { runs, viewport, timeoutMs = 30_000 }) {
  const out = {};
  for (const queue of ['incidents', 'alerts']) {
    const r = { firstRows: [], countShown: [], pageReady: [], rows: [], heap: [], scroll: [], reason: null };
    for (let run = 0; run < runs && !r.reason; run++) {
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await page.setViewportSize(viewport);
        await page.addInitScript(markFirstRows);
        await page.goto(`chrome-extension://${extensionId}/sidepanel.html#/${queue}`, {
          waitUntil: 'commit',
        });
        try {
          await page.waitForSelector(ROW[queue], { timeout: timeoutMs, state: 'attached' });
        } catch {
          r.reason = `not available yet: no ${ROW[queue]} row within ${timeoutMs / 1000} s${errors.length ? ` (page error: ${errors[0]})` : ''}`;
          break;
        }
        const marks = await page.evaluate(() => ({
          ...(window.__benchMarks ?? {}),
          // Baseline: the page with its scripts run (module scripts run before DOMContentLoaded), no data yet.
          ready: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd,
        }));
        r.firstRows.push(marks[queue] ?? Number.NaN);
        r.pageReady.push(marks.ready ?? Number.NaN);
        // The count may come after the first rows: wait for it (the status line says "Counting…" meanwhile).
        await page
          .waitForFunction(() => window.__benchMarks?.count, null, { timeout: timeoutMs, polling: 50 })
          .catch(() => {});
        r.countShown.push((await page.evaluate(() => window.__benchMarks?.count)) ?? Number.NaN);
        await settle(page);
        r.rows.push(await page.evaluate(domRows));
        r.heap.push(await heapAfterLoad(page));
        // Once per store size: at 200,000 alerts one scroll to the end can take tens of seconds.
        if (queue === 'alerts' && run === runs - 1) r.scroll.push(await page.evaluate(scrollToEnd));
      } finally {
        await page.close();
      }
    }
    out[queue] = r;
  }
  return out;
}

/** The side panel's heap with nothing in the store: the baseline for the heap after load. */
export async function emptyStoreHeap(context, extensionId, viewport) {
  const page = await context.newPage();
  try {
    await page.setViewportSize(viewport);
    await page.goto(`chrome-extension://${extensionId}/sidepanel.html#/incidents`);
    await settle(page);
    return await heapAfterLoad(page);
  } finally {
    await page.close();
  }
}

/** Runs before the popup's scripts: notes when its first content (the open-incident counts) enters the DOM. */
function markPopupContent() {
  const marks = {};
  window.__benchMarks = marks;
  new MutationObserver(() => {
    if (!marks.content && document.querySelector('.sev-counts')) marks.content = performance.now();
  }).observe(document, { childList: true, subtree: true });
}

/**
 * The toolbar popup opened as a page (360×600): time to its first content (the open-incident counts) from
 * navigation start, next to DOMContentLoaded of the same page.
 */
export async function measurePopup(context, extensionId, { runs, timeoutMs = 30_000 }) {
  const r = { firstContent: [], pageReady: [], reason: null };
  for (let run = 0; run < runs && !r.reason; run++) {
    const page = await context.newPage();
    try {
      await page.setViewportSize({ width: 360, height: 600 });
      await page.addInitScript(markPopupContent);
      await page.goto(`chrome-extension://${extensionId}/popup.html`, { waitUntil: 'commit' });
      try {
        await page.waitForSelector('.sev-counts', { timeout: timeoutMs, state: 'attached' });
      } catch {
        r.reason = `no open-incident counts within ${timeoutMs / 1000} s`;
        break;
      }
      const marks = await page.evaluate(() => ({
        ...(window.__benchMarks ?? {}),
        ready: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd,
      }));
      r.firstContent.push(marks.content ?? Number.NaN);
      r.pageReady.push(marks.ready ?? Number.NaN);
    } finally {
      await page.close();
    }
  }
  return r;
}
