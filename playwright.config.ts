import { defineConfig } from '@playwright/test';

// Real Chromium (Debian's /usr/bin/chromium or $CHROMIUM) with the built extension; see test/e2e/fixtures.ts.
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: '.reports/e2e.json' }]],
  use: { trace: 'off', screenshot: 'off' },
});
