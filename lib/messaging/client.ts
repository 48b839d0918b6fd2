/**
 * The typed client extension pages use to talk to the background. Components never call
 * `browser.runtime` themselves; errors come back as data and are rethrown as ClientError.
 */
import { browser } from 'wxt/browser';
import {
  type ErrorCode,
  IMPORT_PORT,
  type ImportPortMessage,
  type ImportProgress,
  type PageRequest,
  type ResponseMap,
  responseEnvelope,
} from './protocol';

export class ClientError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: string[] = [],
    /** No answer came back (the background stopped): the request may or may not have been carried out. */
    readonly unanswered = false,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

export const NO_ANSWER = 'The extension’s background did not answer. Reload the extension and try again.';

export async function send<R extends PageRequest>(req: R): Promise<ResponseMap[R['type']]> {
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage(req);
  } catch {
    throw new ClientError('internal', NO_ANSWER, [], true);
  }
  const env = responseEnvelope.safeParse(raw);
  if (!env.success)
    throw new ClientError('internal', 'The extension’s background gave an answer it should not have.');
  if (!env.data.ok)
    throw new ClientError(env.data.error.code, env.data.error.message, env.data.error.details);
  return env.data.data as ResponseMap[R['type']];
}

const CHUNK = 4 * 1024 * 1024;
/** Chunks sent ahead of the background's acknowledgements: the file streams through, it is never queued whole. */
const IN_FLIGHT = 2;

type Progress = Extract<ImportProgress, { type: 'progress' }>;
type Done = Extract<ImportProgress, { type: 'done' }>;

export const IMPORT_CANCELLED = 'The import was cancelled. Nothing was imported.';

/**
 * Runs a long write over a port, reporting progress; resolves with the final 'done' message. Chunks wait for the
 * background to acknowledge the ones before (its 'receiving' progress); `signal` cancels (the port closes and
 * the background drops what it staged).
 */
function runPortJob(
  messages: () => AsyncIterable<ImportPortMessage> | Iterable<ImportPortMessage>,
  onProgress?: (p: Progress) => void,
  signal?: AbortSignal,
): Promise<Done> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ClientError('validation', IMPORT_CANCELLED));
      return;
    }
    const port = browser.runtime.connect({ name: IMPORT_PORT });
    let settled = false;
    let sent = 0;
    let acked = 0;
    let wake: (() => void) | undefined;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      finish();
      wake?.();
    };
    const onAbort = () =>
      settle(() => {
        port.disconnect();
        reject(new ClientError('validation', IMPORT_CANCELLED));
      });
    signal?.addEventListener('abort', onAbort, { once: true });
    port.onMessage.addListener((msg: ImportProgress) => {
      if (msg.type === 'progress') {
        if (msg.phase === 'receiving') {
          acked = msg.done;
          wake?.();
        }
        onProgress?.(msg);
        return;
      }
      settle(() => {
        port.disconnect();
        if (msg.type === 'done') resolve(msg);
        else reject(new ClientError('validation', msg.message, msg.problems));
      });
    });
    port.onDisconnect.addListener(() =>
      settle(() =>
        reject(
          new ClientError(
            'internal',
            'The import was interrupted (the extension restarted). Nothing was imported; try again.',
          ),
        ),
      ),
    );
    void (async () => {
      for await (const m of messages()) {
        if (settled) return;
        if (m.type === 'chunk') {
          while (!settled && sent - acked >= IN_FLIGHT * CHUNK)
            await new Promise<void>((r) => {
              wake = r;
            });
          if (settled) return;
          sent += m.text.length;
        }
        port.postMessage(m);
      }
    })().catch(() =>
      settle(() => {
        port.disconnect();
        reject(new ClientError('validation', 'The file could not be read. Nothing was imported.'));
      }),
    );
  });
}

/** `text` in pieces of at most CHUNK characters, never splitting a surrogate pair. */
function* pieces(text: string): Generator<string> {
  for (let i = 0; i < text.length; ) {
    let end = Math.min(text.length, i + CHUNK);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield text.slice(i, end);
    i = end;
  }
}

export async function importText(
  text: string,
  fileName: string | undefined,
  onProgress?: (p: Progress) => void,
  signal?: AbortSignal,
) {
  return runPortJob(
    function* () {
      for (const piece of pieces(text)) yield { type: 'chunk', text: piece };
      yield { type: 'end', fileName };
    },
    onProgress,
    signal,
  );
}

/**
 * Imports a file as a stream: it is decoded and sent in pieces as it is read, so a file of gigabytes is never one
 * string (V8 can't hold one near 512 MB). Progress while receiving counts characters against the file's size.
 */
export async function importFile(file: File, onProgress?: (p: Progress) => void, signal?: AbortSignal) {
  return runPortJob(
    async function* () {
      const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
      let pending = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (value) pending += value;
        while (pending.length >= CHUNK || (done && pending)) {
          const [piece] = pieces(pending);
          pending = pending.slice(piece!.length);
          yield { type: 'chunk', text: piece! } as const;
        }
        if (done) break;
      }
      yield { type: 'end', fileName: file.name } as const;
    },
    onProgress &&
      ((p) =>
        onProgress(
          p.phase === 'receiving' ? { ...p, done: Math.min(p.done, file.size), total: file.size } : p,
        )),
    signal,
  );
}

export function loadSampleData(
  onProgress?: (p: Progress) => void,
  size?: { incidents?: number; alerts?: number; seed?: number },
) {
  return runPortJob(function* () {
    yield { type: 'sample', size };
  }, onProgress);
}

/** A sentence for the user from anything thrown. */
export function errorMessage(e: unknown): string {
  if (e instanceof ClientError) return e.message;
  return 'Something went wrong. Nothing was changed; try again.';
}
