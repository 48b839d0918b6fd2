// Summaries of timing samples: median and p95 (nearest rank), as the report prints them.

/** @param {number[]} xs */
export function summary(xs) {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return { n: 0, median: Number.NaN, p95: Number.NaN, min: Number.NaN, max: Number.NaN };
  const at = (q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  const mid = s.length / 2;
  const median = s.length % 2 ? s[Math.floor(mid)] : (s[mid - 1] + s[mid]) / 2;
  return { n: s.length, median, p95: at(0.95), min: s[0], max: s[s.length - 1] };
}

export const round = (x, digits = 1) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

/** "12.3 ms", "1.23 s" */
export function ms(x) {
  if (x == null || !Number.isFinite(x)) return '–';
  if (x >= 10_000) return `${(x / 1000).toFixed(1)} s`;
  if (x >= 1000) return `${(x / 1000).toFixed(2)} s`;
  if (x >= 100) return `${x.toFixed(0)} ms`;
  if (x >= 10) return `${x.toFixed(1)} ms`;
  return `${x.toFixed(2)} ms`;
}

export const kb = (bytes) => (bytes == null ? '–' : `${(bytes / 1024).toFixed(1)} KB`);
export const mb = (bytes) => (bytes == null ? '–' : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
export const int = (x) => (x == null || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en'));
