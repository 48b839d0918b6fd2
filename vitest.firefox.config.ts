import { defineConfig } from 'vitest/config';

// vitest 5 reports failures with Map.groupBy, which Node 20 lacks (as in vitest.config.ts).
const mapWithGroupBy = Map as MapConstructor & { groupBy?: unknown };
if (!mapWithGroupBy.groupBy) {
  mapWithGroupBy.groupBy = <K, T>(items: Iterable<T>, key: (item: T, i: number) => K) => {
    const out = new Map<K, T[]>();
    let i = 0;
    for (const item of items) {
      const k = key(item, i++);
      const list = out.get(k);
      if (list) list.push(item);
      else out.set(k, [item]);
    }
    return out;
  };
}

// The Firefox end-to-end suite (test/e2e-firefox): real Firefox ESR driven by puppeteer-core over WebDriver BiDi,
// on the test build in .output-test/firefox-mv3 (`npm run test:firefox` builds it first). One browser at a time.
export default defineConfig({
  test: {
    include: ['test/e2e-firefox/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
