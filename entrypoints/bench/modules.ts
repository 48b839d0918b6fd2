/**
 * The pieces under measurement, loaded only if they exist yet: `import.meta.glob` lists files that are
 * there at build time and leaves the others out, so a piece still being written shows up as
 * "not available yet" in the report instead of breaking the bench build.
 */
import type { MoverDB } from '@/lib/store/db';

const loaders = import.meta.glob([
  '/lib/data/sample-data.ts',
  '/lib/data/import/index.ts',
  '/lib/move/move.ts',
  '/lib/store/incident-search.ts',
  '/lib/store/queue-query.ts',
]);

export type Loaded<T> = { ok: true; module: T } | { ok: false; reason: string };

export async function load<T>(path: string, needs: readonly string[]): Promise<Loaded<T>> {
  const loader = loaders[path];
  if (!loader) return { ok: false, reason: `not available yet (${path.slice(1)} is not in the build)` };
  try {
    const module = (await loader()) as Record<string, unknown>;
    const missing = needs.filter((name) => typeof module[name] !== 'function');
    if (missing.length)
      return { ok: false, reason: `not available yet (${path.slice(1)} has no ${missing.join(', ')})` };
    return { ok: true, module: module as T };
  } catch (e) {
    return {
      ok: false,
      reason: `failed to load ${path.slice(1)}: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

/** What the bench expects of lib/sample-data.ts (it adapts to the shapes `generateTenant` may return). */
export interface SampleDataModule {
  generateTenant(options: { incidents: number; alerts: number; seed?: number; now?: string }): unknown;
  loadSample?(db: MoverDB, options: Record<string, unknown>): Promise<unknown>;
}

export const sampleData = () => load<SampleDataModule>('/lib/data/sample-data.ts', ['generateTenant']);
export const importLib = () =>
  load<typeof import('@/lib/data/import')>('/lib/data/import/index.ts', ['parseImport', 'writeImport']);
export const moveLib = () => load<typeof import('@/lib/move/move')>('/lib/move/move.ts', ['moveAlerts']);
export const searchLib = () =>
  load<typeof import('@/lib/store/incident-search')>('/lib/store/incident-search.ts', [
    'buildIncidentIndex',
    'searchIncidents',
  ]);
export const queueLib = () =>
  load<typeof import('@/lib/store/queue-query')>('/lib/store/queue-query.ts', [
    'planIncidents',
    'planAlerts',
    'readWindow',
  ]);
