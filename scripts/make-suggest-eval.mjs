/**
 * Writes the suggested-incidents evaluation set (test/fixtures/suggest/set.json) and, in a file of its own, its
 * truth (truth.json): which alerts are in the wrong incident and where they belong. Both come from
 * generateEvaluationSet in lib/suggest/evaluation.ts (deterministic); test/lib/suggest/evaluation.test.ts checks
 * the files are what the generator makes, then measures the ranking and both baselines on them.
 * Run `node scripts/make-suggest-eval.mjs` after changing the generator.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, createServerModuleRunner } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const server = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false, ws: false },
  appType: 'custom',
  resolve: { alias: { '@': root } },
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
const { generateEvaluationSet, evaluate, accuracyReport } = await runner.import(
  join(root, 'lib/suggest/evaluation.ts'),
);
const { set, truth } = generateEvaluationSet();
const outDir = join(root, 'test/fixtures/suggest');
await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, 'set.json'), `${JSON.stringify(set)}\n`);
await writeFile(join(outDir, 'truth.json'), `${JSON.stringify(truth, null, 1)}\n`);
console.log(
  `test/fixtures/suggest: ${set.value.length} incidents, ${truth.misplaced.length} misplaced alerts`,
);
console.log(accuracyReport(evaluate(set, truth)));
await runner.close();
await server.close();
