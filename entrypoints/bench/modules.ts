/**
 * The pieces under measurement, each loaded by a typed dynamic import: a moved or renamed module or export
 * fails the typecheck, not the bench run. A module that throws while loading is reported as the reason its
 * measurement is unavailable, and the other measurements still run.
 */
type Loaded<T> = { ok: true; module: T } | { ok: false; reason: string };

async function load<T>(path: string, loader: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, module: await loader() };
  } catch (e) {
    return { ok: false, reason: `failed to load ${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** What the bench uses of lib/data/sample (tenant.ts turns what `generateTenant` returns into records). */
export type SampleDataModule = Pick<typeof import('@/lib/data/sample'), 'generateTenant'>;

export const sampleData = () => load<SampleDataModule>('lib/data/sample', () => import('@/lib/data/sample'));
export const importLib = () => load('lib/data/import', () => import('@/lib/data/import'));
export const streamImportLib = () =>
  load('lib/data/import/stream.ts', () => import('@/lib/data/import/stream'));
export const moveLib = () => load('lib/move/move.ts', () => import('@/lib/move/move'));
export const searchLib = () =>
  load('lib/store/incident-search.ts', () => import('@/lib/store/incident-search'));
export const queueLib = () => load('lib/store/queue', () => import('@/lib/store/queue'));
export const suggestLib = () =>
  load('lib/suggest', async () => ({
    read: await import('@/lib/suggest/read'),
    split: await import('@/lib/suggest/split'),
    evaluation: await import('@/lib/suggest/evaluation'),
    move: await import('@/lib/move/move'),
  }));
