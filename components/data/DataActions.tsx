import { useRef, useState } from 'preact/hooks';
import { ClientError, errorMessage, importFile, loadSampleData } from '@/lib/messaging/client';
import type { ImportProgress } from '@/lib/messaging/protocol';

type Progress = Extract<ImportProgress, { type: 'progress' }>;
type State =
  | { kind: 'idle' }
  | { kind: 'busy'; what: string; progress?: Progress }
  | { kind: 'done'; message: string }
  | { kind: 'error'; message: string; problems: string[] };

const PHASES: Record<Progress['phase'], string> = {
  receiving: 'Reading the file',
  parsing: 'Reading the file',
  validating: 'Checking the file',
  writing: 'Writing',
};

/** `Load sample data` and `Import incidents`, with progress and errors shown where the user acted. */
export function DataActions({ fileInput = 'button' }: { fileInput?: 'button' | 'input' }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const fileRef = useRef<HTMLInputElement>(null);
  /** Cancels the file import under way (a sample load runs to its end). */
  const cancelRef = useRef<AbortController | undefined>(undefined);
  const busy = state.kind === 'busy';

  const run = async (
    what: string,
    job: (onProgress: (p: Progress) => void) => Promise<{ incidents: number; alerts: number }>,
  ) => {
    setState({ kind: 'busy', what });
    try {
      const r = await job((progress) => setState({ kind: 'busy', what, progress }));
      setState({
        kind: 'done',
        message: `${what}: ${r.incidents.toLocaleString('en')} incidents and ${r.alerts.toLocaleString('en')} alerts.`,
      });
    } catch (e) {
      setState({
        kind: 'error',
        message: errorMessage(e),
        problems: e instanceof ClientError ? e.details : [],
      });
    }
  };

  const onFile = (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const ctrl = new AbortController();
    cancelRef.current = ctrl;
    void run(`Imported ${file.name}`, (p) => importFile(file, p, ctrl.signal)).finally(() => {
      if (cancelRef.current === ctrl) cancelRef.current = undefined;
    });
  };

  const progress = state.kind === 'busy' ? state.progress : undefined;
  return (
    <div class="data-actions">
      <div class="row">
        <button
          type="button"
          class="primary"
          disabled={busy}
          onClick={() => run('Loaded sample data', loadSampleData)}
        >
          Load sample data
        </button>
        {fileInput === 'button' ? (
          <>
            <button type="button" disabled={busy} onClick={() => fileRef.current?.click()}>
              Import incidents
            </button>
            <input
              ref={fileRef}
              type="file"
              accept=".json,application/json"
              hidden
              tabIndex={-1}
              aria-hidden="true"
              onChange={onFile}
            />
          </>
        ) : (
          <label>
            Import incidents{' '}
            <input
              type="file"
              accept=".json,application/json"
              aria-label="Import incidents"
              disabled={busy}
              onChange={onFile}
            />
          </label>
        )}
      </div>
      <div role="status" aria-live="polite">
        {state.kind === 'busy' && (
          <div>
            <span>
              {progress ? PHASES[progress.phase] : 'Working'}
              {progress && progress.total > 0
                ? ` ${progress.done.toLocaleString('en')} of ${progress.total.toLocaleString('en')}`
                : ''}
              …
            </span>
            <progress
              aria-label="Progress"
              max={progress && progress.total > 0 ? progress.total : undefined}
              value={progress && progress.total > 0 ? progress.done : undefined}
            />
            {cancelRef.current && progress?.phase !== 'writing' && (
              <button type="button" onClick={() => cancelRef.current?.abort()}>
                Cancel import
              </button>
            )}
          </div>
        )}
        {state.kind === 'done' && <p class="ok">{state.message}</p>}
      </div>
      {state.kind === 'error' && (
        <div role="alert">
          <p class="error">{state.message}</p>
          {state.problems.length > 0 && (
            <ul class="problems" aria-label="Problems in the file">
              {state.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
