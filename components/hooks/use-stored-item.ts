import { useEffect, useState } from 'preact/hooks';

/** A WXT storage item's value, kept current as other contexts change it; undefined while loading. */
export function useStoredItem<T>(item: {
  getValue(): Promise<T>;
  watch(cb: (value: T) => void): () => void;
}): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void item.getValue().then((v) => {
      if (live) setValue(v);
    });
    const unwatch = item.watch((v) => setValue(v));
    return () => {
      live = false;
      unwatch();
    };
  }, [item]);
  return value;
}
