// `npm run bench`: the benchmark in real Chromium (see bench/run.mjs and the README's Benchmark section).
// BENCH_QUICK=1 for a smoke run; BENCH_SIZES=10000,100000 to pick store sizes; BENCH_SKIP_BUILD=1 to reuse builds.
import { main } from '../bench/run.mjs';

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
