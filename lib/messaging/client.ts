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

/** Runs a long write over a port, reporting progress; resolves with the final 'done' message. */
function runPortJob(
  messages: () => Iterable<ImportPortMessage>,
  onProgress?: (p: Extract<ImportProgress, { type: 'progress' }>) => void,
): Promise<Extract<ImportProgress, { type: 'done' }>> {
  return new Promise((resolve, reject) => {
    const port = browser.runtime.connect({ name: IMPORT_PORT });
    let settled = false;
    port.onMessage.addListener((msg: ImportProgress) => {
      if (msg.type === 'progress') onProgress?.(msg);
      else {
        settled = true;
        port.disconnect();
        if (msg.type === 'done') resolve(msg);
        else reject(new ClientError('validation', msg.message, msg.problems));
      }
    });
    port.onDisconnect.addListener(() => {
      if (!settled)
        reject(
          new ClientError(
            'internal',
            'The import was interrupted (the extension restarted). Nothing was imported; try again.',
          ),
        );
    });
    for (const m of messages()) port.postMessage(m);
  });
}

export async function importText(
  text: string,
  fileName: string | undefined,
  onProgress?: (p: Extract<ImportProgress, { type: 'progress' }>) => void,
) {
  return runPortJob(function* () {
    for (let i = 0; i < text.length; i += CHUNK) yield { type: 'chunk', text: text.slice(i, i + CHUNK) };
    yield { type: 'end', fileName };
  }, onProgress);
}

export async function importFile(
  file: File,
  onProgress?: (p: Extract<ImportProgress, { type: 'progress' }>) => void,
) {
  return importText(await file.text(), file.name, onProgress);
}

export function loadSampleData(
  onProgress?: (p: Extract<ImportProgress, { type: 'progress' }>) => void,
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
