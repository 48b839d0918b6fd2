/**
 * The flyout page framed into web pages (DESIGN §5). It reads its nonce from the URL hash, asks the
 * background which alerts the page asked to move (`flyout.selection`), and shows the move flyout. The
 * page can't read or drive it: it is another origin; it only hears `close`, posted to the page's own origin.
 * After Save it shows the status with Undo for a few seconds, then closes.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { FlyoutReaderContext } from '@/components/move/flyout-reader-context';
import { MoveFlyout } from '@/components/move/MoveFlyout';
import { MoveStatus } from '@/components/move/MoveStatus';
import { remoteReader } from '@/components/move/remote-reader';
import { errorMessage, send } from '@/lib/messaging/client';
import { FLYOUT_MESSAGE_SOURCE } from '@/lib/messaging/frame-messages';
import type { MoveResult } from '@/lib/messaging/protocol';

/** Inside a web page the frame may not open IndexedDB (storage partitioning): it reads through the background. */
const reader = window.parent !== window ? remoteReader() : undefined;

/** How long the status with Undo stays before the frame closes (paused while the analyst is on it). */
export const STATUS_MS = 8_000;

/** What the frame tells the page: only that it is done. The page learns nothing about the move. */
export type FlyoutFrameMessage = { source: typeof FLYOUT_MESSAGE_SOURCE; type: 'close' };

type State =
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'moving'; alertIds: string[] }
  | { kind: 'moved'; result: MoveResult };

/** Only an http(s) origin, exactly as `URL` prints it, is a place to post to. */
export function pageOrigin(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

export function readNonce(hash: string): string | undefined {
  let raw = hash.replace(/^#/, '');
  try {
    raw = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  return /^[A-Za-z0-9_-]{1,100}$/.test(raw) ? raw : undefined;
}

export function FlyoutApp({ hash, parent }: { hash: string; parent?: Pick<Window, 'postMessage'> }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const origin = useRef<string | undefined>(undefined);
  const [paused, setPaused] = useState(false);
  const [deadline, setDeadline] = useState(0);

  const post = (message: FlyoutFrameMessage) => {
    if (parent && origin.current) parent.postMessage(message, origin.current);
  };
  const close = () => post({ source: FLYOUT_MESSAGE_SOURCE, type: 'close' });

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
      .then((selection) => {
        origin.current = pageOrigin(selection.origin);
        setState({ kind: 'moving', alertIds: selection.alertIds });
      })
      .catch((e) => setState({ kind: 'failed', message: errorMessage(e) }));
  }, [hash]);

  // The status closes the frame by itself after a while, unless the analyst is reading or using it.
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
      <FlyoutReaderContext.Provider value={reader}>
        <MoveFlyout
          alertIds={state.alertIds}
          onClose={close}
          onMoved={(result) => {
            setDeadline(Date.now() + STATUS_MS);
            setState({ kind: 'moved', result });
          }}
        />
      </FlyoutReaderContext.Provider>
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
