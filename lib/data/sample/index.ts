/**
 * The sample tenant: `generateTenant` makes it up (deterministic, Graph-shaped), `loadSample` writes it
 * like an import. The background imports it statically: WXT builds the service worker as one classic
 * script (an IIFE), where a dynamic `import()` is inlined rather than split into a chunk.
 */

export { generateTenant } from './generate';
export { loadSample } from './load';
export {
  DEVICE_GROUPS,
  MISCORRELATED_HINTS,
  type MiscorrelatedHint,
  type SampleOptions,
  type SampleTenant,
} from './options';
