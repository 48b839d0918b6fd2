import { describe, expect, it } from 'vitest';
import { isStorageFull, isStorageFullAfter, LOW_ROOM_BYTES, MoverError } from '../../../lib/model/errors';

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

describe('a write that failed for no reason the browser named', () => {
  const room = (bytes: number) => async () => ({ usage: 400_000, quota: 400_000 + bytes });
  // What Chromium sometimes gives on a full disk: the transaction aborted, no file error in it.
  const unnamed = {
    name: 'AbortError',
    message: 'The transaction was aborted, so the request cannot be fulfilled.',
  };

  it('is put down to storage when the browser says little room is left', async () => {
    expect(await isStorageFullAfter(unnamed, room(64 * 1024))).toBe(true);
    expect(
      await isStorageFullAfter({ name: 'UnknownError', message: 'Internal error' }, room(LOW_ROOM_BYTES - 1)),
    ).toBe(true);
  });

  it('is not, when there is room, when nothing can be asked, or when the estimate fails', async () => {
    expect(await isStorageFullAfter(unnamed, room(LOW_ROOM_BYTES))).toBe(false);
    expect(await isStorageFullAfter(unnamed, room(10 * 1024 ** 3))).toBe(false);
    expect(await isStorageFullAfter(unnamed)).toBe(false);
    expect(await isStorageFullAfter(unnamed, async () => ({}))).toBe(false);
    expect(await isStorageFullAfter(unnamed, () => Promise.reject(new Error('no estimate')))).toBe(false);
  });

  it('never turns a refusal of ours or a bug into "no room", however full the disk', async () => {
    expect(await isStorageFullAfter(new MoverError('conflict', 'Changed elsewhere.'), room(0))).toBe(false);
    expect(await isStorageFullAfter(new TypeError('x is undefined'), room(0))).toBe(false);
  });

  it('is recognised from the error itself without asking', async () => {
    const ask = async () => {
      throw new Error('not asked');
    };
    expect(await isStorageFullAfter({ name: 'QuotaExceededError', message: 'quota' }, ask)).toBe(true);
  });
});
