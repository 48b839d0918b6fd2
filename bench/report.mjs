// The readable report: every figure next to its baseline from the same run, then the targets.
import { int, kb, mb, ms, round, summary } from './stats.mjs';

const MAX = 200_000;

function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c ?? '–')));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) =>
    `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  return [
    line(cells[0]),
    `  ${widths.map((w) => '-'.repeat(w)).join('  ')}`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

const na = (x) => (x && x.available === false ? x.reason : null);
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const perSecond = (count, msValue) =>
  Number.isFinite(msValue) && msValue > 0 ? int((count * 1000) / msValue) : '–';

/** Records per second of a streaming import and of the raw bulk put of the same records. */
export function streamRates(si) {
  const records = si.alerts + si.incidents;
  const own = (records * 1000) / si.importMs;
  const raw = (si.rawRecords * 1000) / si.rawMs;
  return { own, raw, share: own / raw };
}

/** The targets (issues 6 and 13), each with what was measured (null when it could not be) and its baseline. */
export function targets(r) {
  const sizes = Object.values(r.sizes ?? {});
  const largest = r.sizes?.[MAX] ?? null;
  const out = [];
  const add = (name, limit, value, unit, met, note, baseline) =>
    out.push({
      name,
      target: limit,
      value: value == null || !Number.isFinite(value) ? null : round(value, 2),
      unit,
      met: value == null || !Number.isFinite(value) ? null : met,
      note,
      ...(baseline ? { baseline } : {}),
    });
  const medianOf = (xs) => (xs?.length ? summary(xs).median : null);

  // Move of 1,000 alerts within 1.3× the raw transaction: the worst median ratio over sizes and targets.
  let worst = null;
  for (const s of sizes) {
    for (const c of s.move?.cases ?? []) {
      if (c.count !== 1000) continue;
      const x = summary(c.move).median / summary(c.raw).median;
      if (Number.isFinite(x) && (!worst || x > worst.x))
        worst = { x, where: `${int(s.size.alerts)} alerts, ${c.target} incident` };
    }
  }
  add(
    'move of 1,000 alerts / raw IndexedDB transaction making the same writes (median, worst case)',
    '≤ 1.3×',
    worst?.x,
    '×',
    worst && worst.x <= 1.3,
    worst?.where,
  );

  const mg = r.merge?.available ? r.merge : null;
  const mergeRatio = mg ? summary(mg.merge).median / summary(mg.raw).median : null;
  add(
    `merge of ${mg ? mg.incidents : 5} incidents of ${mg ? int(mg.alertsPer) : '1,000'} alerts / raw IndexedDB transaction (median)`,
    '≤ 1.5×',
    mergeRatio,
    '×',
    mergeRatio != null && mergeRatio <= 1.5,
    mg ? `at ${int(mg.storeAlerts)} alerts` : undefined,
  );

  const t = r.typeahead?.available ? r.typeahead : null;
  const p95 = t ? Math.max(summary(t.name.search).p95, summary(t.id.search).p95) : null;
  add(
    `typeahead p95 per keystroke at ${t ? int(t.incidents) : '40,000'} incidents`,
    '≤ 16 ms',
    p95,
    'ms',
    p95 != null && p95 <= 16,
    t && t.incidents < 40_000 ? 'fewer incidents than the target assumes' : undefined,
  );

  const sg = r.suggest?.available ? r.suggest : null;
  for (const count of [1, 50]) {
    const c = sg?.cases.find((x) => x.count === count);
    const v = c ? summary(c.suggest).p95 : null;
    add(
      `suggested incidents for ${count === 1 ? 'one alert' : '50 alerts'} p95 at ${sg ? int(sg.incidents) : '40,000'} incidents`,
      '≤ 30 ms',
      v,
      'ms',
      v != null && v <= 30,
      sg && sg.incidents < 40_000 ? 'fewer incidents than the target assumes' : undefined,
      c?.fullScan?.length
        ? {
            name: 'full scan of every incident’s entities (p95)',
            value: round(summary(c.fullScan).p95, 2),
            unit: 'ms',
          }
        : undefined,
    );
  }
  const sp = sg ? summary(sg.split.ms).median : null;
  add(
    `split proposal for a ${sg ? int(sg.split.alerts) : '200'}-alert incident (median)`,
    '≤ 100 ms',
    sp,
    'ms',
    sp != null && sp <= 100,
  );

  const q = largest?.queues;
  const first = q
    ? Math.max(
        ...['incidents', 'alerts'].map((k) => summary(q[k]?.firstRows ?? []).median).filter(Number.isFinite),
      )
    : null;
  const ready = q
    ? Math.max(...['incidents', 'alerts'].map((k) => medianOf(q[k]?.pageReady)).filter(Number.isFinite))
    : null;
  add(
    'first queue rows at 200,000 alerts (median, slower queue)',
    '≤ 150 ms',
    Number.isFinite(first) ? first : null,
    'ms',
    first <= 150,
    undefined,
    Number.isFinite(ready)
      ? { name: 'page ready (DOMContentLoaded)', value: round(ready, 2), unit: 'ms' }
      : null,
  );

  const qb = largest?.queueBaseline?.available ? largest.queueBaseline : null;
  const slower = (x) => (x ? Math.max(medianOf(x.incidents) ?? -1, medianOf(x.alerts) ?? -1) : null);
  const count = slower(qb?.libCount);
  add(
    'queue count with the default filters at 200,000 alerts (median, slower queue)',
    '≤ 300 ms',
    count != null && count >= 0 ? count : null,
    'ms',
    count != null && count <= 300,
    undefined,
    qb?.rawCount
      ? {
          name: 'plain IndexedDB count of the time range the default filters start from',
          value: round(slower(qb.rawCount), 2),
          unit: 'ms',
        }
      : null,
  );
  const scroll = q?.alerts?.scroll?.at(-1);
  add(
    'alerts queue scrolled to its end at 200,000 alerts (side panel, to the last row shown)',
    '≤ 1,000 ms',
    scroll && !scroll.timedOut ? scroll.ms : null,
    'ms',
    scroll ? scroll.ms <= 1000 : null,
    scroll?.timedOut ? 'did not reach the end within 60 s' : undefined,
    qb
      ? {
          name: 'plain IndexedDB last 50 rows; lib readWindow of the last 50 alone',
          value: round(medianOf(qb.alerts?.lastPageMs), 2),
          unit: 'ms',
          lib: round(medianOf(qb.libLastPage?.alerts), 2),
        }
      : null,
  );
  const pop = largest?.popup;
  const popFirst = medianOf(pop?.firstContent);
  add(
    'popup first content (open-incident counts) at 200,000 alerts (median)',
    '≤ 150 ms',
    popFirst,
    'ms',
    popFirst != null && popFirst <= 150,
    pop?.reason ?? undefined,
    pop
      ? { name: 'page ready (DOMContentLoaded)', value: round(medianOf(pop.pageReady), 2), unit: 'ms' }
      : null,
  );

  let rows = null;
  for (const s of sizes) {
    for (const k of ['incidents', 'alerts']) {
      const qr = s.queues?.[k];
      for (const x of qr?.rows ?? []) rows = Math.max(rows ?? 0, x.rows);
      for (const x of qr?.scroll ?? []) rows = Math.max(rows ?? 0, x.maxRows);
    }
  }
  add(
    'DOM rows, any size (after load and while scrolling)',
    '≤ 150',
    rows,
    'rows',
    rows != null && rows <= 150,
  );

  const heaps = q ? ['incidents', 'alerts'].flatMap((k) => (q[k]?.heap ?? []).map((h) => h.jsHeapUsed)) : [];
  const heap = heaps.length ? summary(heaps).median : null;
  add(
    'side panel JS heap after load at 200,000 alerts (median)',
    '≤ 60 MB',
    heap == null ? null : heap / 2 ** 20,
    'MB',
    heap != null && heap <= 60 * 2 ** 20,
  );

  const entries = r.bundles?.available ? r.bundles.entries : [];
  const content = entries.filter((e) => e.content);
  const cs = content.length ? Math.max(...content.map((e) => e.gzip)) : null;
  add(
    'content script gzip',
    '≤ 15 KB',
    cs == null ? null : cs / 1024,
    'KB',
    cs != null && cs <= 15 * 1024,
    content.length ? undefined : 'no content script in the build yet',
  );
  const popup = entries.find((e) => e.name === 'popup');
  add(
    'popup JavaScript loaded at open, gzip (entry and the chunks it imports statically)',
    '≤ 40 KB',
    popup ? popup.gzip / 1024 : null,
    'KB',
    popup ? popup.gzip <= 40 * 1024 : null,
  );
  const si = r.streamImport?.available ? r.streamImport : null;
  const rate = si ? streamRates(si) : null;
  add(
    `import streaming: a ${si ? int(si.alerts) : '1,000,000'}-alert Graph file, records/s vs the raw bulk-put rate (live JS heap ≤ 400 MB)`,
    '≥ 50%',
    rate ? rate.share * 100 : null,
    '%',
    // The live heap: the page's JS heap after a forced collection, the bench's own generator slice included.
    rate && Number.isFinite(si.liveHeap?.peakBytes)
      ? rate.share >= 0.5 && si.liveHeap.peakBytes <= 400 * 1024 ** 2
      : null,
    si
      ? `peak live JS heap ${si.liveHeap ? mb(si.liveHeap.peakBytes) : 'not measured'} (${si.liveHeap ? mb(si.liveHeap.startBytes) : '–'} before; ${mb(si.peakHeapBytes)} with garbage not yet collected)${si.alerts < 1_000_000 ? '; fewer alerts than the target: the million-alert tier imports 1,000,000' : ''}`
      : undefined,
    rate ? { name: 'raw bulk put', value: Math.round(rate.raw), unit: 'records/s' } : undefined,
  );
  return out;
}

export function printReport(r) {
  const out = [];
  const say = (s = '') => out.push(s);
  say(
    `Incident Mover benchmark  ${r.date}  commit ${r.commit}${r.quick ? '  (BENCH_QUICK: smoke run)' : ''}`,
  );
  say(
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGB} GB; ${r.machine.os}; Node ${r.machine.node}`,
  );
  say(`Browser: ${r.chromium} (headless)`);
  const load = r.machine.loadAverage?.[0];
  if (load != null)
    say(
      `Load average at start ${load}, at end ${r.machine.loadAverageAtEnd?.[0] ?? '–'} (other work on the machine slows every figure; ratios hold better)`,
    );
  if (r.capabilities) {
    const missing = Object.entries(r.capabilities).filter(([k, v]) => k !== 'userAgent' && v);
    for (const [k, v] of missing) say(`Not measured: ${k}: ${v}`);
  }
  if (r.browserSkipped) say(`No browser measurements: ${r.browserSkipped}`);

  // Stores
  say(
    '\nStores: one store grown by slices from lib/data/sample generateTenant, Dexie bulkAdd in 10,000-row transactions',
  );
  const fills = Object.values(r.sizes).map((s) =>
    s.fill?.available
      ? [
          int(s.size.alerts),
          int(s.fill.incidents),
          int(s.fill.alerts),
          int(s.fill.records),
          ms(s.fill.generateMs),
          ms(s.fill.writeMs),
          `${ms((s.fill.writeMs * 1000) / s.fill.records)}`,
        ]
      : [int(s.size.alerts), '–', '–', '–', '–', '–', na(s.fill) ?? s.error ?? '–'],
  );
  say(
    table(['store', 'incidents', 'alerts', 'records added', 'generate', 'write', 'per 1,000 records'], fills),
  );

  // 1. Import
  say(
    '\n1. Import of a Graph-shaped file (parseImport + writeImport into an empty store) vs raw IndexedDB bulk put',
  );
  const imp = r.import;
  if (!imp) say('  not measured');
  else if (!imp.available) say(`  ${imp.reason}`);
  else {
    const total = summary(imp.runs.map((x) => x.totalMs));
    const parse = summary(imp.runs.map((x) => x.parseMs));
    const write = summary(imp.runs.map((x) => x.writeMs));
    const raw = summary(imp.runs.map((x) => x.rawMs));
    say(
      `  ${int(imp.alerts)} alerts in ${int(imp.incidents)} incidents, ${mb(imp.fileBytes)} of JSON, ${total.n} runs`,
    );
    say(
      table(
        ['', 'median', 'p95', 'alerts/s (median)'],
        [
          ['import (parse + write)', ms(total.median), ms(total.p95), perSecond(imp.alerts, total.median)],
          ['  parse and validate', ms(parse.median), ms(parse.p95), perSecond(imp.alerts, parse.median)],
          ['  write (one transaction)', ms(write.median), ms(write.p95), perSecond(imp.alerts, write.median)],
          [
            'baseline: raw bulk put, same records',
            ms(raw.median),
            ms(raw.p95),
            perSecond(imp.alerts, raw.median),
          ],
        ],
      ),
    );
    say(
      `  import / raw: ${ratio(total.median, raw.median)} (write only: ${ratio(write.median, raw.median)})`,
    );
  }

  // 1b. Streaming import
  say(
    '\n1b. Streaming import of one large Graph file (lib/data/import/stream.ts, 1 MB pieces) vs raw bulk put',
  );
  const si = r.streamImport;
  if (!si) say('  not measured');
  else if (!si.available) say(`  ${si.reason}`);
  else {
    const rates = streamRates(si);
    say(
      `  ${int(si.alerts)} alerts in ${int(si.incidents)} incidents, ${mb(si.fileBytes)} of JSON (generated in slices, never one string)`,
    );
    say(
      table(
        ['', 'time', 'records/s'],
        [
          ['import: receive, validate and stage', ms(si.receiveMs), '–'],
          ['import: commit (one transaction)', ms(si.commitMs), '–'],
          ['import in all', ms(si.importMs), int(rates.own)],
          ['baseline: raw bulk put, same records (10,000 per transaction)', ms(si.rawMs), int(rates.raw)],
        ],
      ),
    );
    say(
      `  import rate / raw rate: ${(rates.share * 100).toFixed(0)}%; JS heap ${mb(si.startHeapBytes)} before, peak ${mb(si.receivePeakHeapBytes)} while receiving (the generator's slices included), ${mb(si.commitPeakHeapBytes)} while committing; progress phases: ${si.progressPhases.join(' → ')}`,
    );
    if (si.liveHeap)
      say(
        `  live JS heap (after a forced collection): ${mb(si.liveHeap.startBytes)} before, peak ${mb(si.liveHeap.receivePeakBytes)} while receiving, ${mb(si.liveHeap.peakBytes)} in all`,
      );
  }

  // 2. Move
  say('\n2. Move: moveAlerts on the real store vs plain IndexedDB making the same writes in one transaction');
  const moveRows = [];
  for (const s of Object.values(r.sizes)) {
    if (!s.move) continue;
    if (!s.move.available) {
      moveRows.push([int(s.size.alerts), '–', '–', '–', '–', '–', '–', '–', '–', '–', '–', s.move.reason]);
      continue;
    }
    const via = s.moveViaBackground?.available ? s.moveViaBackground.cases : [];
    for (const c of s.move.cases) {
      const m = summary(c.move);
      const raw = summary(c.raw);
      const rawRecords = summary(c.rawRecords ?? []);
      const rawRead = summary(c.rawRead ?? []);
      const v = c.target === 'existing' ? via.find((x) => x.count === c.count) : undefined;
      moveRows.push([
        int(s.size.alerts),
        int(c.count),
        c.target,
        `${m.n}`,
        ms(m.median),
        ms(m.p95),
        ms(raw.median),
        ratio(m.median, raw.median),
        c.rawRecords ? `${ms(rawRecords.median)} (${ratio(m.median, rawRecords.median)})` : '–',
        ms(rawRead.median),
        `${c.sources}/${c.activityRows}/${c.derivedRows ?? '–'}`,
        v ? ms(summary(v.ms).median) : '',
      ]);
    }
  }
  const moveHeaders = ['store', 'alerts', 'target', 'runs', 'move p50', 'p95', 'raw writes p50', 'move/raw'];
  moveHeaders.push('records alone p50 (move/it)', 'raw reads+writes p50', 'sources/log/derived rows');
  moveHeaders.push('via background p50');
  if (moveRows.length) say(table(moveHeaders, moveRows));
  else say('  not measured');
  say(
    '  raw writes: the same alert, incident, activity and undo records, counter rows and incident cards in one plain IndexedDB transaction',
  );
  say(
    '  records alone: the same without the counter rows and cards (the baseline before the store kept them)',
  );
  say(
    '  raw reads+writes: the same, after reading the alerts, touched incidents and their alerts (all at once)',
  );
  say('  sources/log/derived rows: source incidents, activity rows, counter rows and cards of the last run');
  const via = Object.values(r.sizes).find((s) => s.moveViaBackground?.available)?.moveViaBackground;
  if (via?.roundTrip) {
    const rt = ms(summary(via.roundTrip).median);
    say(
      `  via background: move.run from an extension page to the service worker and back (a message it answers at once: ${rt})`,
    );
  }

  // 3. Typeahead
  const t = r.typeahead;
  say('\n3. Typeahead in `Incident name or ID` (lib/store/incident-search.ts), per keystroke');
  if (!t) say('  not measured');
  else if (!t.available) say(`  ${t.reason}`);
  else {
    say(
      `  ${int(t.incidents)} incidents; loading them (newest first) ${ms(t.loadMs)}, building the index ${ms(t.buildMs)} (once per flyout)`,
    );
    const row = (label, xs) => {
      const s = summary(xs);
      return [label, int(s.n), ms(s.median), ms(s.p95)];
    };
    say(
      table(
        ['', 'keystrokes', 'p50', 'p95'],
        [
          row('name substring: searchIncidents', t.name.search),
          row('  baseline: naive scan, read all from IndexedDB', t.name.naiveIdb),
          row('  baseline: naive filter over rows in memory', t.name.memory),
          row('id prefix: searchIncidents', t.id.search),
          row('  baseline: naive scan, read all from IndexedDB', t.id.naiveIdb),
          row('  baseline: naive filter over rows in memory', t.id.memory),
        ],
      ),
    );
    say(`  typed, e.g.: ${[...t.name.examples, ...t.id.examples].map((q) => JSON.stringify(q)).join(', ')}`);
  }

  // 2b. Merge incidents
  const mgr = r.merge;
  say('\n2b. Merge incidents (lib/merge mergeIncidents) vs the same writes in one raw IndexedDB transaction');
  if (!mgr) say('  not measured');
  else if (!mgr.available) say(`  ${mgr.reason}`);
  else {
    const m = summary(mgr.merge);
    const raw = summary(mgr.raw);
    say(
      `  ${mgr.incidents} incidents of ${int(mgr.alertsPer)} alerts at ${int(mgr.storeAlerts)} alerts: ${int(mgr.movedAlerts)} alerts moved, ${mgr.activityRows} activity rows, ${m.n} runs`,
    );
    say(
      table(
        ['', 'median', 'p95'],
        [
          ['mergeIncidents', ms(m.median), ms(m.p95)],
          ['raw IndexedDB, same writes', ms(raw.median), ms(raw.p95)],
          ['ratio (median)', ratio(m.median, raw.median), ''],
        ],
      ),
    );
  }

  // 3b. Suggested incidents
  const sg = r.suggest;
  say('\n3b. Suggested incidents (lib/suggest): ranking through the *entities index, and the split proposal');
  if (!sg) say('  not measured');
  else if (!sg.available) say(`  ${sg.reason}`);
  else {
    say(`  ${int(sg.incidents)} incidents, ${int(sg.alerts)} alerts`);
    const row = (label, xs) => {
      const st = summary(xs);
      return [label, int(st.n), ms(st.median), ms(st.p95)];
    };
    say(
      table(
        ['', 'runs', 'p50', 'p95'],
        sg.cases
          .flatMap((c) => [
            row(`${c.count === 1 ? 'one alert' : `${c.count} alerts`}: suggestIncidents`, c.suggest),
            row('  baseline: full scan of every incident’s entities', c.fullScan),
          ])
          .concat([
            row(`split proposal, ${int(sg.split.alerts)} alerts (${sg.split.groups} groups)`, sg.split.ms),
          ]),
      ),
    );
    say('  accuracy on the labelled evaluation set (lib/suggest/evaluation.ts, test/fixtures/suggest/):');
    for (const a of sg.accuracy)
      say(
        `    ${a.method.padEnd(46)} top-1 ${(a.top1 * 100).toFixed(1).padStart(5)}%  top-3 ${(a.top3 * 100).toFixed(1).padStart(5)}%  (${a.cases} alerts)`,
      );
  }

  // 4. Queues
  const vp = `${r.plan.viewport.width}×${r.plan.viewport.height}`;
  say(
    `\n4. Queues: the side panel opened as a tab (${vp}); times from navigation start to the first row in the DOM`,
  );
  const qRows = [];
  const scrollRows = [];
  for (const s of Object.values(r.sizes)) {
    const base = s.queueBaseline?.available ? s.queueBaseline : null;
    for (const k of ['incidents', 'alerts']) {
      const q = s.queues?.[k];
      if (!q) continue;
      if (q.reason) {
        qRows.push([int(s.size.alerts), k, '–', '–', '–', '–', '–', '–', '–', '–', '–', q.reason]);
        continue;
      }
      const first = summary(q.firstRows);
      const heap = summary(q.heap.map((h) => h.jsHeapUsed));
      qRows.push([
        int(s.size.alerts),
        k,
        ms(first.median),
        ms(first.p95),
        q.countShown?.length ? ms(summary(q.countShown).median) : '–',
        ms(summary(q.pageReady ?? []).median),
        base ? ms(summary(base[k]?.firstPageMs ?? []).median) : '–',
        base?.libFirst?.[k]?.length ? ms(summary(base.libFirst[k]).median) : '–',
        int(Math.max(...q.rows.map((x) => x.rows))),
        int(q.rows.at(-1)?.visible),
        mb(heap.median),
        base?.emptyHeap != null ? mb(base.emptyHeap) : '–',
      ]);
      if (k !== 'alerts' || !q.scroll.length) continue;
      const scroll = summary(q.scroll.map((x) => x.ms));
      const end = q.scroll.at(-1);
      scrollRows.push([
        int(s.size.alerts),
        ms(scroll.median),
        base ? ms(summary(base.alerts?.lastPageMs ?? []).median) : '–',
        int(Math.max(...q.scroll.map((x) => x.maxRows))),
        end.timedOut
          ? 'timed out after 60 s'
          : end.rowCount
            ? `row ${end.lastRowIndex} of ${end.rowCount}`
            : `${end.scrolls} scrolls`,
      ]);
    }
  }
  const qHeaders = [
    'store',
    'queue',
    'first rows p50',
    'p95',
    'count shown p50',
    'page ready',
    'raw IDB first page',
    'lib first window',
    'DOM rows',
  ];
  qHeaders.push('visible rows', 'JS heap', 'heap, empty store');
  if (qRows.length) say(table(qHeaders, qRows));
  else say('  not measured');
  say(
    '  baselines: page ready = DOMContentLoaded (scripts run, no data yet); raw IDB first page = 50 rows by',
  );
  say(
    '  the sort index on a fresh connection; lib first window = lib/store/queue readWindow, default filters,',
  );
  say('  on a freshly opened Dexie, alone; heap, empty store = the side panel with nothing in the store.');
  say('  count shown = the status line first says the count ("29,161 alerts"), from navigation start.');
  say(
    '  JS heap after a forced GC (CDP Performance.getMetrics JSHeapUsedSize; extension pages share one heap).',
  );
  if (scrollRows.length) {
    say(
      '\n  Scrolling the alerts queue (default filters) to its end: scrollTop to the bottom, until no row changes for 500 ms',
    );
    say(
      table(
        ['store', 'to the end', 'raw IDB last page', 'most rows in the DOM', 'last row reached'],
        scrollRows,
      ),
    );
  }

  const countRows = [];
  const popupRows = [];
  for (const s of Object.values(r.sizes)) {
    const qb = s.queueBaseline?.available ? s.queueBaseline : null;
    if (qb?.libCount)
      for (const k of ['incidents', 'alerts'])
        countRows.push([
          int(s.size.alerts),
          k,
          int(qb.totals?.[k]),
          ms(summary(qb.libCount[k] ?? []).median),
          ms(summary(qb.rawCount?.[k] ?? []).median),
          ms(summary(qb.libLastPage?.[k] ?? []).median),
          ms(summary(qb[k]?.lastPageMs ?? []).median),
        ]);
    if (s.popup?.firstContent?.length)
      popupRows.push([
        int(s.size.alerts),
        ms(summary(s.popup.firstContent).median),
        ms(summary(s.popup.pageReady).median),
      ]);
  }
  if (countRows.length) {
    say(
      '\n  Counts with the default filters, and the last screenful, through lib/store/queue on a fresh Dexie (medians)',
    );
    say(
      table(
        [
          'store',
          'queue',
          'rows',
          'lib count',
          'raw IDB count of the time range',
          'lib last 50',
          'raw IDB last 50',
        ],
        countRows,
      ),
    );
  }
  if (popupRows.length) {
    say('\n  Popup (360×600 page): first content (open-incident counts) from navigation start (medians)');
    say(table(['store', 'first content', 'page ready'], popupRows));
  }

  // 5. Bundles
  say('\n5. Bundles: production build (.output/chrome-mv3), JavaScript with every chunk it loads, gzip -9');
  const b = r.bundles;
  if (!b?.available) say(`  ${b?.reason ?? 'not measured'}`);
  else {
    const budget = { popup: 40 * 1024 };
    say(
      table(
        ['entrypoint', 'files', 'raw', 'gzip', 'budget', 'loaded later (gzip)'],
        b.entries.map((e) => [
          e.name,
          e.files.length,
          kb(e.bytes),
          kb(e.gzip),
          e.content ? kb(15 * 1024) : budget[e.name] ? kb(budget[e.name]) : '',
          e.lazy ? kb(e.lazy.gzip) : '',
        ]),
      ),
    );
    if (b.shipsBench) say('  WARNING: the production build ships bench.html');
  }

  // Targets
  say('\nTargets (the benchmark reports them; it does not fail)');
  say(
    table(
      ['target', 'limit', 'measured', 'baseline (same run)', 'met'],
      r.targets.map((x) => [
        x.name,
        x.target,
        x.value == null ? '–' : `${x.unit === '×' ? x.value.toFixed(2) : x.value} ${x.unit}`,
        x.baseline?.value != null ? `${x.baseline.value} ${x.baseline.unit}` : '–',
        x.met == null ? 'not measured' : x.met ? 'yes' : `NO${x.note ? ` (${x.note})` : ''}`,
      ]),
    ),
  );
  say(`\nTook ${r.durationS} s.`);
  console.log(out.join('\n'));
}
