// Gzip size of each entrypoint's JavaScript in a built extension, with every chunk it loads statically
// (HTML <script>/<link rel=modulepreload>, then `import … from` / `import "…"` in each chunk, recursively).
// Chunks it may load later (`import("…")`) are counted apart as lazy.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

// Quotes of any kind: the bundler writes template literals (import(`./chunk.js`)) too.
const STATIC = /\bfrom\s*["'`]([^"'`]+\.js)["'`]|\bimport\s*["'`]([^"'`]+\.js)["'`]/g;
const DYNAMIC = /\bimport\(\s*["'`]([^"'`]+\.js)["'`]\s*\)/g;

function resolveFrom(root, fromFile, spec) {
  if (/^[a-z]+:/i.test(spec)) return undefined;
  const rel = spec.startsWith('/')
    ? spec.slice(1)
    : posix.join(posix.dirname(relative(root, fromFile).split('\\').join('/')), spec);
  const path = join(root, posix.normalize(rel));
  return existsSync(path) ? path : undefined;
}

function htmlScripts(root, htmlFile) {
  const html = readFileSync(htmlFile, 'utf8');
  const out = [];
  for (const m of html.matchAll(/<script\b[^>]*\bsrc=["']([^"']+)["']/g)) out.push(m[1]);
  for (const m of html.matchAll(/<link\b[^>]*rel=["']modulepreload["'][^>]*href=["']([^"']+)["']/g))
    out.push(m[1]);
  for (const m of html.matchAll(/<link\b[^>]*href=["']([^"']+)["'][^>]*rel=["']modulepreload["']/g))
    out.push(m[1]);
  return out.map((s) => resolveFrom(root, htmlFile, s)).filter(Boolean);
}

function closure(root, entries) {
  const seen = new Set();
  const lazy = new Set();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(STATIC)) {
      const dep = resolveFrom(root, file, m[1] ?? m[2]);
      if (dep) queue.push(dep);
    }
    for (const m of code.matchAll(DYNAMIC)) {
      const dep = resolveFrom(root, file, m[1]);
      if (dep) lazy.add(dep);
    }
  }
  for (const f of seen) lazy.delete(f);
  return { files: [...seen], lazy: [...lazy] };
}

const sizes = (files) =>
  files.reduce(
    (acc, f) => {
      const buf = readFileSync(f);
      acc.bytes += buf.length;
      acc.gzip += gzipSync(buf, { level: 9 }).length;
      return acc;
    },
    { bytes: 0, gzip: 0 },
  );

/** @param {string} root  e.g. .output/chrome-mv3 */
export function analyzeBundles(root) {
  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
  const entries = [];
  const page = (name, path) =>
    path && existsSync(join(root, path)) && entries.push({ name, kind: 'page', html: join(root, path) });
  page('popup', manifest.action?.default_popup);
  page('side panel', manifest.side_panel?.default_path);
  page('options', manifest.options_ui?.page ?? manifest.options_page);
  if (manifest.background?.service_worker)
    entries.push({ name: 'background', js: [join(root, manifest.background.service_worker)] });
  // Content scripts: in the manifest, or registered at run time (WXT `registration: 'runtime'`) from content-scripts/.
  const contentFiles = new Set(
    (manifest.content_scripts ?? []).flatMap((c) => c.js ?? []).map((f) => join(root, f)),
  );
  const csDir = join(root, 'content-scripts');
  if (existsSync(csDir))
    for (const f of readdirSync(csDir)) if (f.endsWith('.js')) contentFiles.add(join(csDir, f));
  for (const f of contentFiles)
    entries.push({ name: `content script (${relative(root, f)})`, js: [f], content: true });
  // Other extension pages the build ships (e.g. the flyout iframe).
  const listed = new Set(entries.filter((e) => e.html).map((e) => e.html));
  for (const f of readdirSync(root))
    if (f.endsWith('.html') && !listed.has(join(root, f))) page(f.replace(/\.html$/, ''), f);

  return entries.map((e) => {
    const start = e.html ? htmlScripts(root, e.html) : e.js;
    const { files, lazy } = closure(root, start);
    return {
      name: e.name,
      content: Boolean(e.content),
      files: files.map((f) => relative(root, f)),
      ...sizes(files),
      lazy: lazy.length ? { files: lazy.map((f) => relative(root, f)), ...sizes(lazy) } : undefined,
    };
  });
}

/** For `node bench/bundles.mjs [.output/chrome-mv3]`. */
if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(
    analyzeBundles(process.argv[2] ?? '.output/chrome-mv3').map(({ files, lazy, ...r }) => ({
      ...r,
      files: files.length,
      lazyGzip: lazy?.gzip,
    })),
  );
}
