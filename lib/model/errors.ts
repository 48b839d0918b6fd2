/**
 * The one error lib code throws for the user to read: a code and a sentence. It sits at the bottom of lib
 * so every layer (the move, import, sync) can throw it; the messaging layer sends it across contexts as
 * data (`{ ok: false, error: { code, message } }`) and re-exports it for the pages.
 */

export const ERROR_CODES = [
  'bad-request',
  'forbidden-sender',
  'not-found',
  'permission',
  'conflict',
  'validation',
  'redirected',
  'sync',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error with a code and a sentence for the user; thrown by lib code, sent as data across contexts. */
export class MoverError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
    this.name = 'MoverError';
  }
}

/** What a write refused for want of storage tells the user: IndexedDB's QuotaExceededError, or a full disk. */
export const STORAGE_FULL =
  'The browser has no room left for the extension’s data, so nothing was changed. Free disk space, or export and clear data you no longer need, then try again.';

export function isStorageFull(e: unknown): boolean {
  for (let cause = e, depth = 0; cause && depth < 5; depth++) {
    const { name, message, inner } = cause as { name?: unknown; message?: unknown; inner?: unknown };
    if (name === 'QuotaExceededError') return true;
    // Chromium reports a full disk as an UnknownError naming the file error (FILE_ERROR_NO_SPACE).
    if (typeof message === 'string' && /FILE_ERROR_NO_SPACE|no space left on device|disk full/i.test(message))
      return true;
    cause = inner;
  }
  return false;
}
