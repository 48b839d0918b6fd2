// `npm run bench`: builds the extension, drives real Chromium through playwright-core and measures inside
// extension pages. Every figure is printed next to its baseline from the same run; JSON goes to
// bench/results/. It never fails on a missed target: it reports it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumVersion, findChromium } from '../scripts/chromium.mjs';
import { analyzeBundles } from './bundles.mjs';
import { plotResults } from './plot.mjs';
import { emptyStoreHeap, measurePopup, measureQueues } from './queues.mjs';
import { printReport, targets } from './report.mjs';

const ROOT = resolve(import.meta.dirname, '..');
// BENCH_OUT=.output-me builds into .output-me and .output-me-test instead (runs side by side don't clash).
const OUT = process.env.BENCH_OUT ?? '.output';
const TEST_BUILD = join(ROOT, `${OUT}-test/chrome-mv3`);
const PROD_BUILD = join(ROOT, `${OUT}/chrome-mv3`);

export function plan(env = process.env) {
  const quick = env.BENCH_QUICK === '1';
  const sizes = env.BENCH_SIZES
    ? env.BENCH_SIZES.split(',')
        .map((s) => Number(s.trim()))
        .filter((n) => n > 0)
        .sort((a, b) => a - b)
    : quick
      ? [10_000]
      : [10_000, 100_000, 200_000];
  // BENCH_SIZES=10000,100000,200000,1000000 adds the million-alert tier (not in the default run: the fill
  // alone takes most of an hour here).
  const largest = sizes.at(-1);
  const streamAlerts = env.BENCH_STREAM_ALERTS === undefined ? undefined : Number(env.BENCH_STREAM_ALERTS);
  if (streamAlerts !== undefined && !(Number.isInteger(streamAlerts) && streamAlerts > 0))
    throw new Error(`BENCH_STREAM_ALERTS must be a whole number of alerts, not "${env.BENCH_STREAM_ALERTS}"`);
  return {
    quick,
    sizes,
    /** About one incident per five alerts, as in the issue (40,000 incidents at 200,000 alerts). */
    incidentsPer: 5,
    seed: Number(env.BENCH_SEED ?? 20261127),
    /** Runs per move case [count, runs, warm-up runs]: more at the largest store, where the targets are. */
    move: (alerts) =>
      quick
        ? [
            [1, 2, 1],
            [100, 2, 0],
            [1000, 1, 0],
          ]
        : alerts === largest
          ? [
              [1, 7, 1],
              [100, 3, 0],
              [1000, 3, 0],
            ]
          : [
              [1, 5, 1],
              [100, 3, 0],
              [1000, 1, 0],
            ],
    viaBackground: quick ? { counts: [1, 100], runs: [1, 1] } : { counts: [1, 100, 1000], runs: [5, 3, 1] },
    import: quick ? { alerts: 2_000, runs: 2 } : { alerts: 5_000, runs: 3 },
    /**
     * One Graph file imported as a stream: a million alerts in the million-alert tier, else 100,000.
     * BENCH_STREAM_ALERTS=1000000 imports a million-alert file without filling a million-alert store.
     */
    streamImport: {
      alerts: streamAlerts ?? (quick ? 20_000 : largest >= 1_000_000 ? 1_000_000 : 100_000),
    },
    queueRuns: quick ? 2 : 3,
    typeahead: { runs: quick ? 2 : 5, naiveKeystrokes: 3 },
    /** Five incidents of 1,000 alerts merged (at the largest store), next to the same writes in raw IndexedDB. */
    merge: { runs: quick ? 1 : 3, warmup: quick ? 0 : 1, incidents: 5, alertsPer: 1000 },
    suggest: { runs: quick ? 5 : 40, baselineRuns: quick ? 2 : 5, splitSize: 200 },
    viewport: { width: 1280, height: 800 },
    build: env.BENCH_SKIP_BUILD !== '1',
    /** BENCH_ONLY=suggest,queues measures only those parts (the fill always runs): for working on one figure. */
    only: env.BENCH_ONLY ? env.BENCH_ONLY.split(',').map((s) => s.trim()) : null,
  };
}

const log = (...a) => console.error('[bench]', ...a);

function build(label, env) {
  const t0 = Date.now();
  const r = spawnSync('npx', ['wxt', 'build'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  const ok = r.status === 0;
  log(`${label} build ${ok ? 'done' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
  return ok ? { ok } : { ok, reason: `${label} build failed:\n${tail}` };
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    /** Other work on the machine skews the figures: the 1-minute load average at the start. */
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

function gitCommit() {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return r.status === 0 ? `${r.stdout.trim()}${dirty.stdout?.trim() ? '+dirty' : ''}` : 'unknown';
}

async function launch(executablePath) {
  const profile = mkdtempSync(join(os.tmpdir(), 'incident-mover-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      '--headless=new',
      ...CHROMIUM_ARGS,
      // The streaming import's live heap: a page may collect garbage before it reads a precise heap figure.
      '--js-flags=--expose-gc',
      '--enable-precise-memory-info',
      `--disable-extensions-except=${TEST_BUILD}`,
      `--load-extension=${TEST_BUILD}`,
    ],
  });
  const sw =
    context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const extensionId = new URL(sw.url()).host;
  return {
    context,
    extensionId,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function openBench(context, extensionId) {
  const page = await context.newPage();
  page.on('pageerror', (e) => log(`bench page error: ${e.message}`));
  await page.goto(`chrome-extension://${extensionId}/bench.html`);
  await page.waitForSelector('html[data-bench-ready="true"]', { timeout: 30_000 });
  return page;
}

/** Calls `window.bench[name](arg)` in the bench page; a thrown error becomes "failed: …" in the report. */
async function call(page, name, arg) {
  try {
    return await page.evaluate(([n, a]) => window.bench[n](a), [name, arg]);
  } catch (e) {
    const message = String(e?.message ?? e).split('\n')[0];
    log(`${name} failed: ${message}`);
    return { available: false, reason: `failed: ${message}` };
  }
}

const timed = async (label, fn) => {
  const t0 = Date.now();
  const r = await fn();
  log(`${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r;
};

/** The parts a run can measure, in the order they run. */
export const PARTS = [
  'queues',
  'popup',
  'import',
  'streamImport',
  'move',
  'viaBackground',
  'typeahead',
  'suggest',
  'merge',
];

export async function main() {
  const started = Date.now();
  const p = plan();
  const unknown = (p.only ?? []).filter((part) => !PARTS.includes(part));
  if (unknown.length)
    throw new Error(`BENCH_ONLY names unknown parts: ${unknown.join(', ')} (known: ${PARTS.join(', ')})`);
  const wanted = (part) => !p.only || p.only.includes(part);
  const result = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    quick: p.quick,
    plan: p,
    machine: machine(),
    chromium: null,
    builds: {},
    capabilities: null,
    bundles: null,
    sizes: {},
    import: null,
    streamImport: null,
    typeahead: null,
    suggest: null,
  };

  if (p.build) {
    // Production first (bundle sizes), then the test build the browser loads (it alone has bench.html).
    result.builds.production = build('production', { WXT_TEST_BUILD: '', WXT_OUT_DIR: OUT });
    result.builds.test = build('test', { WXT_TEST_BUILD: '1', WXT_OUT_DIR: `${OUT}-test` });
  }
  result.bundles =
    result.builds.production?.ok === false
      ? { available: false, reason: result.builds.production.reason }
      : existsSync(join(PROD_BUILD, 'manifest.json'))
        ? {
            available: true,
            entries: analyzeBundles(PROD_BUILD),
            shipsBench: existsSync(join(PROD_BUILD, 'bench.html')),
          }
        : { available: false, reason: `no production build in ${OUT}/chrome-mv3` };

  const executablePath = findChromium();
  result.chromium = chromiumVersion(executablePath);
  const canRun = existsSync(join(TEST_BUILD, 'bench.html'));
  if (!canRun) {
    result.browserSkipped =
      result.builds.test?.reason ??
      `the test build (${OUT}-test/chrome-mv3) has no bench.html: run \`npm run build:test\``;
    log(result.browserSkipped);
  }

  // One profile, one store that grows by slices (10,000 → 100,000 → 200,000 alerts): every record is
  // written once, and each size is measured when the store reaches it.
  const browser = canRun ? await launch(executablePath) : null;
  try {
    let filled = { alerts: 0, incidents: 0 };
    for (const [i, alerts] of (browser ? p.sizes : []).entries()) {
      const size = { alerts, incidents: Math.round(alerts / p.incidentsPer) };
      const at = { size };
      result.sizes[alerts] = at;
      log(
        `— store of ${alerts.toLocaleString('en')} alerts, ${size.incidents.toLocaleString('en')} incidents —`,
      );
      try {
        if (i === 0)
          at.emptyHeap = await emptyStoreHeap(browser.context, browser.extensionId, p.viewport).catch(
            () => null,
          );
        let page = await openBench(browser.context, browser.extensionId);
        result.capabilities ??= await call(page, 'capabilities');
        result.userAgent ??= result.capabilities?.userAgent;
        const slice = {
          alerts: alerts - filled.alerts,
          incidents: size.incidents - filled.incidents,
          seed: p.seed + i,
          // Sample incident ids start at 2000: shift each slice above the previous ones.
          idOffset: i === 0 ? 0 : 1_000_000 * i,
        };
        at.fill = await timed('fill', () => call(page, 'fill', slice));
        if (!at.fill.available) {
          log(`cannot fill the store: ${at.fill.reason}`);
          break;
        }
        filled = { alerts: at.fill.alerts, incidents: at.fill.incidents };
        at.queueBaseline = {
          ...(await call(page, 'queueBaseline', { runs: p.queueRuns })),
          emptyHeap: result.sizes[p.sizes[0]]?.emptyHeap?.jsHeapUsed ?? null,
        };
        // The queues with the bench page closed: extension pages share one renderer process and heap.
        await page.close();
        if (wanted('queues'))
          at.queues = await timed('queues', () =>
            measureQueues(browser.context, browser.extensionId, { runs: p.queueRuns, viewport: p.viewport }),
          );
        if (wanted('popup'))
          at.popup = await timed('popup', () =>
            measurePopup(browser.context, browser.extensionId, { runs: p.queueRuns }),
          );
        page = await openBench(browser.context, browser.extensionId);
        if (i === 0 && wanted('import')) {
          const incidents = Math.round(p.import.alerts / p.incidentsPer);
          result.import = await timed('import', () =>
            call(page, 'import', {
              alerts: p.import.alerts,
              incidents,
              seed: p.seed + 100,
              runs: p.import.runs,
            }),
          );
        }
        if (i === 0 && wanted('streamImport')) {
          result.streamImport = await timed('streaming import', () =>
            call(page, 'streamImport', { alerts: p.streamImport.alerts, seed: p.seed + 150 }),
          );
        }
        const cases = [];
        for (const [count, runs, warmup] of wanted('move') ? p.move(alerts) : []) {
          const r = await timed(`move ${count}`, () =>
            call(page, 'move', { counts: [count], runs, warmup, seed: p.seed + 200 + count + i }),
          );
          if (!r.available) {
            at.move = r;
            break;
          }
          cases.push(...r.cases);
        }
        if (wanted('move')) at.move ??= { available: true, cases };
        if (i === p.sizes.length - 1) {
          if (wanted('viaBackground'))
            at.moveViaBackground = await timed('move via background', () =>
              call(page, 'moveViaBackground', { ...p.viaBackground, seed: p.seed + 300 }),
            );
          if (wanted('typeahead'))
            result.typeahead = await timed('typeahead', () =>
              call(page, 'typeahead', { ...p.typeahead, seed: p.seed + 400 }),
            );
          // Last: it moves alerts into one incident to have a 200-alert incident to split.
          if (wanted('suggest'))
            result.suggest = await timed('suggest', () =>
              call(page, 'suggest', { ...p.suggest, seed: p.seed + 500 }),
            );
          // After the others: each run adds five incidents of 1,000 alerts to the store.
          if (wanted('merge')) result.merge = await timed('merge', () => call(page, 'merge', p.merge));
        }
        await page.close();
      } catch (e) {
        at.error = String(e?.stack ?? e);
        log(`store of ${alerts}: ${e?.message ?? e}`);
        break;
      }
    }
  } finally {
    await browser?.close();
  }

  result.durationS = Math.round((Date.now() - started) / 1000);
  result.machine.loadAverageAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
  result.targets = targets(result);
  printReport(result);

  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  // A full run is the reference (committed); quick or partial runs go to quick.json (ignored by git).
  const quickName = OUT === '.output' ? 'quick.json' : `quick${OUT.replace(/^\.output/, '')}.json`;
  const name = p.quick || p.only || process.env.BENCH_SIZES ? quickName : 'latest.json';
  writeFileSync(join(dir, name), json);
  console.log(`\nJSON: bench/results/${name}`);
  // Each figure against the size of the store, drawn from the same JSON.
  const svg = name.replace(/\.json$/, '.svg');
  writeFileSync(join(dir, svg), plotResults(result));
  console.log(`Plot: bench/results/${svg}`);
}
