/**
 * The analyst's selection of alerts in one view. It is a set of ids, so it survives scrolling (rows come
 * and go) and filtering (hidden alerts stay selected); it is cleared after a move.
 */
import { useMemo, useState } from 'preact/hooks';

export interface Selection {
  readonly ids: ReadonlySet<string>;
  readonly size: number;
  has(id: string): boolean;
  toggle(id: string, on?: boolean): void;
  setMany(ids: Iterable<string>, on: boolean): void;
  clear(): void;
  /** Where the last click landed (a list and a row index in it), for Shift-click ranges. */
  readonly anchor: { list: string; index: number } | undefined;
  setAnchor(list: string, index: number): void;
}

/** Most alerts one Shift-click or select-all adds (a move of thousands is fine; hundreds of thousands is not). */
export const SELECT_CAP = 10_000;

export function useSelection(): Selection {
  const [ids, setIds] = useState<ReadonlySet<string>>(() => new Set());
  const [anchor, setAnchorState] = useState<{ list: string; index: number } | undefined>();
  return useMemo<Selection>(
    () => ({
      ids,
      size: ids.size,
      has: (id) => ids.has(id),
      toggle: (id, on) =>
        setIds((prev) => {
          const want = on ?? !prev.has(id);
          if (want === prev.has(id)) return prev;
          const next = new Set(prev);
          if (want) next.add(id);
          else next.delete(id);
          return next;
        }),
      setMany: (list, on) =>
        setIds((prev) => {
          const next = new Set(prev);
          for (const id of list) {
            if (on) next.add(id);
            else next.delete(id);
          }
          return next.size === prev.size && [...next].every((id) => prev.has(id)) ? prev : next;
        }),
      clear: () => {
        setIds((prev) => (prev.size ? new Set() : prev));
        setAnchorState(undefined);
      },
      anchor,
      setAnchor: (list, index) => setAnchorState({ list, index }),
    }),
    [ids, anchor],
  );
}

/**
 * A checkbox click with Shift held selects (or clears) every row between the last clicked one and this one,
 * reading the ids in between from the queue.
 */
export async function clickSelect(
  selection: Selection,
  list: string,
  index: number,
  id: string,
  on: boolean,
  shift: boolean,
  idsBetween: (from: number, to: number) => Promise<string[]>,
): Promise<void> {
  const anchor = selection.anchor;
  if (shift && anchor && anchor.list === list && anchor.index !== index) {
    const from = Math.min(anchor.index, index);
    const to = Math.min(Math.max(anchor.index, index) + 1, from + SELECT_CAP);
    const ids = await idsBetween(from, to);
    selection.setMany(ids.includes(id) ? ids : [...ids, id], on);
  } else {
    selection.toggle(id, on);
  }
  selection.setAnchor(list, index);
}
