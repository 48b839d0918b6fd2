// How each figure grows with the store: one small chart per figure, store size (alerts, log scale) across, the
// figure (median) up, the product next to its baseline from the same run, drawn from a results JSON as SVG.
// `node bench/plot.mjs [bench/results/latest.json] [out.svg]`; `npm run bench` writes one next to its JSON.
import { readFileSync, writeFileSync } from 'node:fs';
import { summary } from './stats.mjs';

const med = (xs) => (Array.isArray(xs) && xs.length ? summary(xs).median : null);
const slower = (pair) => {
  const v = ['incidents', 'alerts'].map((k) => med(pair?.[k])).filter((x) => x != null);
  return v.length ? Math.max(...v) : null;
};

/** The figures, each a function of one store size's results: [product, baseline]. */
const FIGURES = [
  {
    title: 'Queue count, default filters (slower queue)',
    unit: 'ms',
    series: ['lib/store/queue countQueue', 'plain IndexedDB count of the time range'],
    at: (s) => [slower(s.queueBaseline?.libCount), slower(s.queueBaseline?.rawCount)],
  },
  {
    title: 'Alerts queue scrolled to its end',
    unit: 'ms',
    series: ['side panel, to the last row', 'plain IndexedDB last 50 rows'],
    at: (s) => {
      const end = s.queues?.alerts?.scroll?.at(-1);
      return [end && !end.timedOut ? end.ms : null, med(s.queueBaseline?.alerts?.lastPageMs)];
    },
  },
  {
    title: 'First queue rows (slower queue)',
    unit: 'ms',
    series: ['side panel first rows', 'page ready (DOMContentLoaded)'],
    at: (s) => [
      slower({ incidents: s.queues?.incidents?.firstRows, alerts: s.queues?.alerts?.firstRows }),
      slower({ incidents: s.queues?.incidents?.pageReady, alerts: s.queues?.alerts?.pageReady }),
    ],
  },
  {
    title: 'Popup first content',
    unit: 'ms',
    series: ['open-incident counts shown', 'page ready (DOMContentLoaded)'],
    at: (s) => [med(s.popup?.firstContent), med(s.popup?.pageReady)],
  },
  {
    title: 'Move of 1,000 alerts (existing incident)',
    unit: 'ms',
    series: ['moveAlerts', 'raw IndexedDB, same writes'],
    at: (s) => {
      const c = s.move?.cases?.find((x) => x.count === 1000 && x.target === 'existing');
      return [med(c?.move), med(c?.raw)];
    },
  },
  {
    title: 'Writing the store (per record)',
    unit: 'ms',
    series: ['Dexie bulkPut, 10,000-row transactions'],
    at: (s) => [s.fill?.available ? s.fill.writeMs / s.fill.records : null],
  },
];

const COLORS = ['#1f6feb', '#8b949e'];
const esc = (t) => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v) =>
  v >= 1000
    ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)} s`
    : v >= 10
      ? `${Math.round(v)} ms`
      : `${v.toFixed(1)} ms`;
const sizeLabel = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);

/** The SVG for one results object (what bench/run.mjs writes as JSON). */
export function plotResults(r) {
  const sizes = Object.values(r.sizes ?? {})
    .filter((s) => s?.size?.alerts)
    .sort((a, b) => a.size.alerts - b.size.alerts);
  const W = 320;
  const H = 190;
  const cols = 3;
  const pad = { l: 52, r: 12, t: 30, b: 34 };
  const rows = Math.ceil(FIGURES.length / cols);
  const parts = [];
  const width = cols * W;
  const height = rows * H + 40;
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="20" font-size="13" font-weight="600">${esc(`Incident Mover benchmark: each figure against the store's size (medians) — ${r.date?.slice(0, 10) ?? ''}, commit ${r.commit ?? '?'}${r.quick ? ', quick run' : ''}`)}</text>`,
  );
  const xs = sizes.map((s) => s.size.alerts);
  const [xMin, xMax] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [1, 10];
  const lx = (n) =>
    xMin === xMax ? 0.5 : (Math.log10(n) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin));
  FIGURES.forEach((f, i) => {
    const ox = (i % cols) * W;
    const oy = 40 + Math.floor(i / cols) * H;
    const pw = W - pad.l - pad.r;
    const ph = H - pad.t - pad.b;
    const points = sizes.map((s) => ({ n: s.size.alerts, v: f.at(s) }));
    const values = points.flatMap((p) => p.v).filter((v) => v != null && Number.isFinite(v) && v > 0);
    parts.push(`<g transform="translate(${ox},${oy})">`);
    parts.push(`<text x="${pad.l}" y="14" font-weight="600">${esc(f.title)}</text>`);
    parts.push(`<rect x="${pad.l}" y="${pad.t}" width="${pw}" height="${ph}" fill="none" stroke="#d0d7de"/>`);
    if (!values.length) {
      parts.push(`<text x="${pad.l + 8}" y="${pad.t + ph / 2}" fill="#57606a">not measured</text></g>`);
      return;
    }
    // Log scale up too: the figures span orders of magnitude between product and baseline.
    const lo = Math.log10(Math.min(...values)) - 0.1;
    const hi = Math.log10(Math.max(...values)) + 0.1;
    const y = (v) => pad.t + ph - ((Math.log10(v) - lo) / (hi - lo || 1)) * ph;
    const x = (n) => pad.l + lx(n) * pw;
    for (const tick of [10 ** lo, 10 ** ((lo + hi) / 2), 10 ** hi])
      parts.push(
        `<text x="${pad.l - 4}" y="${y(tick) + 3}" text-anchor="end" fill="#57606a">${esc(fmt(tick))}</text>`,
      );
    for (const n of xs)
      parts.push(
        `<text x="${x(n)}" y="${pad.t + ph + 14}" text-anchor="middle" fill="#57606a">${sizeLabel(n)}</text>`,
      );
    parts.push(
      `<text x="${pad.l + pw / 2}" y="${pad.t + ph + 28}" text-anchor="middle" fill="#57606a">alerts in the store</text>`,
    );
    f.series.forEach((name, k) => {
      const pts = points.filter((p) => p.v[k] != null && Number.isFinite(p.v[k]) && p.v[k] > 0);
      if (pts.length > 1)
        parts.push(
          `<polyline fill="none" stroke="${COLORS[k]}" stroke-width="2" ${k ? 'stroke-dasharray="4 3"' : ''} points="${pts.map((p) => `${x(p.n).toFixed(1)},${y(p.v[k]).toFixed(1)}`).join(' ')}"/>`,
        );
      for (const p of pts)
        parts.push(
          `<circle cx="${x(p.n).toFixed(1)}" cy="${y(p.v[k]).toFixed(1)}" r="3" fill="${COLORS[k]}"><title>${esc(`${name}: ${fmt(p.v[k])} at ${p.n.toLocaleString('en')} alerts`)}</title></circle>`,
        );
      parts.push(
        `<text x="${pad.l + 4}" y="${pad.t + 12 + k * 12}" fill="${COLORS[k]}">${esc(k ? `- - ${name}` : `— ${name}`)}</text>`,
      );
    });
    parts.push('</g>');
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const input = process.argv[2] ?? 'bench/results/latest.json';
  const output = process.argv[3] ?? input.replace(/\.json$/, '.svg');
  writeFileSync(output, plotResults(JSON.parse(readFileSync(input, 'utf8'))));
  console.log(output);
}
