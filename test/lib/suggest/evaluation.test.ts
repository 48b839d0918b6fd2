/**
 * The ranking measured on the labelled evaluation set (test/fixtures/suggest/, made by generateEvaluationSet),
 * next to two baselines on the same data. The figures are printed.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import {
  accuracyReport,
  type EvaluationSet,
  type EvaluationTruth,
  evaluate,
  generateEvaluationSet,
} from '@/lib/suggest/evaluation';

const read = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../fixtures/suggest/${name}`, import.meta.url), 'utf8')) as T;
const set = read<EvaluationSet>('set.json');
const truth = read<EvaluationTruth>('truth.json');

it('the stored set and its truth are what the generator in the repo makes', () => {
  const made = generateEvaluationSet();
  expect(JSON.parse(JSON.stringify(made.set))).toEqual(set);
  expect(made.truth).toEqual(truth);
  expect(truth.misplaced.length).toBeGreaterThanOrEqual(50);
  // The truth is not in the set: every misplaced alert sits in another incident there.
  const where = new Map(set.value.flatMap((i) => (i.alerts ?? []).map((a) => [a.id, i.id] as const)));
  for (const m of truth.misplaced) expect(where.get(m.alertId)).toBe(m.placedIn);
});

it('ranks the true incident first for at least 90% of misplaced alerts, better than both baselines', () => {
  const [ours, nearest, unweighted] = evaluate(set, truth);
  console.log(
    `Suggested incidents, evaluation set (${set.value.length} incidents):\n${accuracyReport([ours!, nearest!, unweighted!])}`,
  );
  expect(ours!.top1).toBeGreaterThanOrEqual(0.9);
  expect(ours!.top1).toBeGreaterThan(nearest!.top1);
  expect(ours!.top1).toBeGreaterThan(unweighted!.top1);
  expect(ours!.top3).toBeGreaterThanOrEqual(Math.max(nearest!.top3, unweighted!.top3));
});
