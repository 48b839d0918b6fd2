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
