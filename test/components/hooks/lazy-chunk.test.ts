import { describe, expect, it } from 'vitest';
import { lazyChunk } from '@/components/hooks/lazy-chunk';

describe('lazyChunk', () => {
  it('loads once for every caller', async () => {
    let loads = 0;
    const load = lazyChunk(async () => ({ n: ++loads }));
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(await load()).toBe(a);
    expect(loads).toBe(1);
  });

  it('forgets a failed load, so the next call tries again', async () => {
    let loads = 0;
    const load = lazyChunk(async () => {
      loads++;
      if (loads === 1) throw new Error('chunk missing');
      return 'code';
    });
    await expect(load()).rejects.toThrow('chunk missing');
    expect(await load()).toBe('code');
    expect(loads).toBe(2);
  });
});
