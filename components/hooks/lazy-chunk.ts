/**
 * Code loaded the first time it is needed: one promise for the page, shared by every caller, and forgotten when
 * the load fails (a later call tries again, say after the extension was updated under an open page).
 */
export function lazyChunk<T>(load: () => Promise<T>): () => Promise<T> {
  let chunk: Promise<T> | undefined;
  return () => {
    chunk ??= load().catch((e: unknown) => {
      chunk = undefined;
      throw e;
    });
    return chunk;
  };
}
