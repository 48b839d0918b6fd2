/**
 * The background's answers (the protocol's `{ ok, data } | { ok: false, error }` envelope), checked by hand:
 * a schema library would double the content script's size. One reader for every request the script sends.
 */

export type Answer<T> = { ok: true; data: T } | { ok: false; message: string };

const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

/** The answer, or undefined when it is not of the envelope's shape or `readData` refuses its data. */
export function readAnswer<T>(
  answer: unknown,
  readData: (data: unknown) => T | undefined,
): Answer<T> | undefined {
  const a = answer as { ok?: unknown; data?: unknown; error?: { message?: unknown } } | null;
  if (typeof a !== 'object' || a === null) return undefined;
  if (a.ok === true) {
    const data = readData(a.data);
    return data === undefined ? undefined : { ok: true, data };
  }
  if (a.ok === false && typeof a.error === 'object' && a.error !== null && isText(a.error.message, 2_000)) {
    return { ok: false, message: a.error.message };
  }
  return undefined;
}

/** `page.openFlyout`: the background opened the move window. */
export const readOpened = (data: unknown): true | undefined =>
  (data as { opened?: unknown } | null)?.opened === true ? true : undefined;

/** `page.adapters`: the list (validated by the background; the page controller reads each entry defensively). */
export const readAdapters = (data: unknown): unknown[] | undefined => {
  const adapters = (data as { adapters?: unknown } | null)?.adapters;
  return Array.isArray(adapters) ? adapters : undefined;
};
