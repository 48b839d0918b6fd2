/**
 * The move window for alerts selected on a web page: an extension window of its own (opened by the background),
 * never part of the page, so the page can neither draw over it nor read its address. It reads its nonce from the
 * URL hash, asks the background which alerts the page asked to move (`flyout.selection`, once), and shows the
 * move flyout over the store like any extension page. After Save it shows the status with Undo for a while, then
 * closes.
 */
import { useEffect, useState } from 'preact/hooks';
import { MoveFlyout } from '@/components/move/MoveFlyout';
import { MoveStatus } from '@/components/move/MoveStatus';
import { errorMessage, send } from '@/lib/messaging/client';
import type { MoveResult } from '@/lib/messaging/protocol';

/** How long the status with Undo stays before the window closes (paused while the analyst is on it). */
export const STATUS_MS = 8_000;

type State =
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'moving'; alertIds: string[]; shownByPage: ReadonlyMap<string, string> }
  | { kind: 'moved'; result: MoveResult };

export function readNonce(hash: string): string | undefined {
  let raw = hash.replace(/^#/, '');
  try {
    raw = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  return /^[A-Za-z0-9_-]{1,100}$/.test(raw) ? raw : undefined;
}

export function FlyoutApp({ hash, close }: { hash: string; close(): void }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [paused, setPaused] = useState(false);
  const [deadline, setDeadline] = useState(0);

  useEffect(() => {
    const nonce = readNonce(hash);
    if (!nonce) {
      setState({
        kind: 'failed',
        message: 'This move window is not valid. Select the alerts on the page again.',
      });
      return;
    }
    send({ type: 'flyout.selection', nonce })
      .then((selection) =>
        setState({
          kind: 'moving',
          alertIds: selection.alertIds,
          // What the page showed for each alert at the click: shown beside the store's record where they differ.
          shownByPage: new Map(
            (selection.pageTitles ?? []).flatMap((title, i) => {
              const id = selection.alertIds[i];
              return id === undefined ? [] : [[id, title] as const];
            }),
          ),
        }),
      )
      .catch((e) => setState({ kind: 'failed', message: errorMessage(e) }));
  }, [hash]);

  // The status closes the window by itself after a while, unless the analyst is reading or using it.
  useEffect(() => {
    if (state.kind !== 'moved' || paused || !deadline) return;
    const timer = setTimeout(close, Math.max(0, deadline - Date.now()));
    return () => clearTimeout(timer);
  }, [state.kind, paused, deadline]);

  // Escape closes whatever is shown outside the flyout itself (which handles its own Escape).
  useEffect(() => {
    if (state.kind === 'moving') return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [state.kind]);

  if (state.kind === 'loading') return <p class="flyout-page muted">Loading…</p>;
  if (state.kind === 'failed') {
    return (
      <section class="flyout-page" aria-labelledby="flyout-failed">
        <h1 id="flyout-failed">Move alerts to another incident</h1>
        <p role="alert" class="error">
          {state.message}
        </p>
        <button type="button" onClick={close}>
          Close
        </button>
      </section>
    );
  }
  if (state.kind === 'moving') {
    return (
      <MoveFlyout
        alertIds={state.alertIds}
        shownByPage={state.shownByPage}
        onClose={close}
        onMoved={(result) => {
          setDeadline(Date.now() + STATUS_MS);
          setState({ kind: 'moved', result });
        }}
      />
    );
  }
  return (
    <section
      class="flyout-page"
      aria-label="Move saved"
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocusIn={() => setPaused(true)}
      onFocusOut={() => setPaused(false)}
    >
      <MoveStatus
        result={state.result}
        onDismiss={close}
        onUndone={() => setDeadline(Date.now() + STATUS_MS)}
      />
    </section>
  );
}
