import preact from '@preact/preset-vite';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// vitest 5 reports failures with Map.groupBy, which Node 20 lacks: without this a failing test's details are lost.
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

export default defineConfig({
  plugins: [WxtVitest(), preact()],
  test: {
    include: ['test/{lib,components,entrypoints}/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
