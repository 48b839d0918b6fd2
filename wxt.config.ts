import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { hardenDependencies } from './scripts/vite-harden';

// The e2e build (WXT_TEST_BUILD=1) may reach the fixture pages on 127.0.0.1/localhost
// without a permission prompt; the production build asks for no host permission up front.
const testBuild = process.env.WXT_TEST_BUILD === '1';

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // WXT_OUT_DIR: a build folder of one's own, so builds for parallel test runs don't overwrite each other.
  outDir: process.env.WXT_OUT_DIR ?? (testBuild ? '.output-test' : '.output'),
  webExt: { disabled: true },
  // Manifest V3 in both browsers: Firefox's MV3 has the sidebar, identity, optional host permissions and an
  // event-page background (WXT writes `background.scripts` for it), so one permission model serves both.
  manifestVersion: 3,
  vite: () => ({ plugins: [preact(), hardenDependencies()] }),
  manifest: ({ browser }) => ({
    name: 'Incident Mover',
    description: 'Move security alerts between incidents, with a comment, an activity log and undo.',
    permissions: [
      'storage',
      'unlimitedStorage',
      'scripting',
      'alarms',
      'identity',
      ...(browser === 'firefox' ? [] : ['sidePanel']),
    ],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    host_permissions: testBuild ? ['http://127.0.0.1/*', 'http://localhost/*'] : [],
    // Firefox puts a new add-on's button in the extensions menu unless it asks for the toolbar; Chrome has no such key.
    action: { default_title: 'Incident Mover', ...(browser === 'firefox' ? { default_area: 'navbar' } : {}) },
    // Firefox test build only: one static page the Firefox e2e suite can open from a web page (BiDi may not
    // navigate to moz-extension: URLs), and from there the extension's own pages. Production builds have none.
    ...(testBuild && browser === 'firefox'
      ? { web_accessible_resources: [{ resources: ['e2e-entry.html'], matches: ['<all_urls>'] }] }
      : {}),
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'incident-mover@example.org',
              // Firefox 140 (the ESR before 153) is the first to read data_collection_permissions.
              strict_min_version: '140.0',
              // Nothing is sent to the developer or anyone else; the only network traffic is the optional
              // Graph connector, to the tenant the analyst configures and signs in to (docs/store-readiness.md).
              data_collection_permissions: { required: ['none'] },
            },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {}),
  }),
  hooks: {
    // The benchmark page (entrypoints/bench, driven by `npm run bench`) ships only in the test build.
    // Removed from the list (not marked skipped), so the production build has nothing to warn about.
    // So is the Firefox e2e entry page (entrypoints/e2e-entry).
    'entrypoints:resolved': (_wxt, entrypoints) => {
      if (testBuild) return;
      for (const name of ['bench', 'e2e-entry']) {
        const at = entrypoints.findIndex((entry) => entry.name === name);
        if (at >= 0) entrypoints.splice(at, 1);
      }
    },
  },
  zip: {
    excludeSources: ['**/*.log', '.output/**', '.output-test/**', 'bench/results/**', 'test-results/**'],
  },
});
