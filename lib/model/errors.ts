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

/** What `navigator.storage.estimate()` answers (quota is usage plus the free disk for an extension with unlimitedStorage). */
export interface StorageEstimate {
  usage?: number;
  quota?: number;
}

/** Less room than this left for the extension's data, and a write that failed for no reason we know is put down to it. */
export const LOW_ROOM_BYTES = 64 * 1024 * 1024;

/** Failures of the code itself, never of the disk. */
const PROGRAMMING_ERRORS = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'ZodError']);

/**
 * Whether a failed write was refused for want of storage: recognised from the error itself, or, when the browser
 * gave no reason we know (Chromium sometimes aborts a transaction on a full disk with no file error in it), from
 * how little room the browser says is left. A refusal of ours (MoverError) or a bug is never put down to the disk.
 */
export async function isStorageFullAfter(
  e: unknown,
  estimate?: () => Promise<StorageEstimate>,
): Promise<boolean> {
  if (e instanceof MoverError) return false;
  if (isStorageFull(e)) return true;
  const name = (e as { name?: unknown } | null | undefined)?.name;
  if (!estimate || (typeof name === 'string' && PROGRAMMING_ERRORS.has(name))) return false;
  try {
    const { usage, quota } = await estimate();
    return typeof quota === 'number' && quota - (usage ?? 0) < LOW_ROOM_BYTES;
  } catch {
    return false;
  }
}
