import { describe, expect, it } from 'vitest';
import { isStorageFull, MoverError } from '../../../lib/model/errors';

describe('a write refused for want of storage', () => {
  it('is recognised from what the browser reports, also nested in Dexie’s error', () => {
    expect(isStorageFull({ name: 'QuotaExceededError', message: 'quota' })).toBe(true);
    const fullDisk = {
      name: 'UnknownError',
      message: 'Internal error committing transaction: IO error: FILE_ERROR_NO_SPACE',
    };
    expect(isStorageFull(fullDisk)).toBe(true);
    expect(isStorageFull({ name: 'AbortError', message: 'aborted', inner: fullDisk })).toBe(true);
  });

  it('is not confused with other failures', () => {
    expect(isStorageFull(new MoverError('conflict', 'Changed elsewhere.'))).toBe(false);
    expect(isStorageFull({ name: 'UnknownError', message: 'Internal error' })).toBe(false);
    expect(isStorageFull(undefined)).toBe(false);
  });
});
