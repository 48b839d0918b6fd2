import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// The e2e build (WXT_TEST_BUILD=1) may reach the fixture pages on 127.0.0.1/localhost
// without a permission prompt; the production build asks for no host permission up front.
const testBuild = process.env.WXT_TEST_BUILD === '1';

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // WXT_OUT_DIR: a build folder of one's own, so builds for parallel test runs don't overwrite each other.
  outDir: process.env.WXT_OUT_DIR ?? (testBuild ? '.output-test' : '.output'),
  webExt: { disabled: true },
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser }) => ({
    name: 'Incident Mover',
    description: 'Move security alerts between incidents, with a comment, an activity log and undo.',
    permissions: [
      'storage',
      'unlimitedStorage',
      'scripting',
      'alarms',
      'identity',
      'activeTab',
      ...(browser === 'firefox' ? [] : ['sidePanel']),
    ],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    host_permissions: testBuild ? ['http://127.0.0.1/*', 'http://localhost/*'] : [],
    action: { default_title: 'Incident Mover' },
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'incident-mover@example.org' } } }
      : {}),
  }),
  hooks: {
    // The benchmark page (entrypoints/bench, driven by `npm run bench`) ships only in the test build.
    // Removed from the list (not marked skipped), so the production build has nothing to warn about.
    'entrypoints:resolved': (_wxt, entrypoints) => {
      const bench = entrypoints.findIndex((entry) => entry.name === 'bench');
      if (bench >= 0 && !testBuild) entrypoints.splice(bench, 1);
    },
  },
  zip: {
    excludeSources: ['**/*.log', '.output/**', '.output-test/**', 'bench/results/**', 'test-results/**'],
  },
});
