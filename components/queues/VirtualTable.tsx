/**
 * A real <table> whose body is virtualized: only the rows on screen (plus a little overscan) are in the DOM,
 * between two spacer rows that keep the scroll height. Items are rows, or row groups (<tbody>) for tables
 * whose items expand (the incidents queue).
 *
 * Keyboard: Up/Down move through rows, Home/End jump to the first/last, Space toggles the row's selection
 * checkbox (or expands it), Right/Left expand/collapse, Enter opens the row. Rows mark what they offer:
 * `tr[data-nav]` (a row the keys move through, `data-key` its identity), `[data-select]` (its checkbox),
 * `[data-expand]` (its expand button), `[data-open]` (its link).
 */
import type { ComponentChildren, VNode } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useVirtualizer } from './use-virtualizer';

export interface VirtualTableProps {
  label: string;
  /** Items to lay out. */
  count: number;
  /** Item height in px; exact for plain rows (they are styled to it), an estimate for groups (then measured). */
  itemHeight: number;
  groups?: boolean;
  colgroup: ComponentChildren;
  /** Cells of the header row. */
  head: ComponentChildren;
  colSpan: number;
  /** When it changes (new filters), the table scrolls back to the top. */
  resetKey: string;
  getItemKey?(index: number): string | number;
  /** One item: a <tr data-index> (or a <tbody data-index> when `groups`); `measure` is the ref for groups. */
  renderItem(index: number, measure: (el: Element | null) => void): VNode;
  /** The range of items on screen (overscan included) whenever it changes. */
  onRange(start: number, end: number): void;
  busy?: boolean;
  /** Shown under the header when there are no rows. */
  empty?: ComponentChildren;
  class?: string;
}

/** Height of a plain row in px: `.vt td` in workspace.css is styled to it. */
export const ROW_HEIGHT = 36;
const OVERSCAN = 8;

export function VirtualTable(props: VirtualTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLTableSectionElement>(null);
  const [headHeight, setHeadHeight] = useState(34);
  const activeKey = useRef<string | undefined>(undefined);
  const pendingFocus = useRef<'first' | 'last' | undefined>(undefined);

  const v = useVirtualizer({
    count: props.count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => props.itemHeight,
    overscan: OVERSCAN,
    paddingStart: headHeight,
    scrollPaddingStart: headHeight,
    getItemKey: props.getItemKey,
  });

  useLayoutEffect(() => {
    const h = headRef.current?.getBoundingClientRect().height;
    if (h && Math.abs(h - headHeight) > 0.5) setHeadHeight(h);
  });

  useEffect(() => {
    v.scrollToOffset(0);
    activeKey.current = undefined;
  }, [props.resetKey]);

  const items = v.getVirtualItems();
  const first = items[0];
  const last = items[items.length - 1];
  const { onRange } = props;
  useEffect(() => {
    if (first && last) onRange(first.index, last.index);
    else onRange(0, 0);
  }, [first?.index, last?.index, onRange]);

  /** Focuses the first or last row when a Home/End jump has rendered it; true when done. */
  const focusPending = (): boolean => {
    const table = scrollRef.current;
    if (!pendingFocus.current || !table) return false;
    const edge = pendingFocus.current === 'first' ? 0 : props.count - 1;
    const item = table.querySelector(`[data-index="${edge}"]`);
    if (!item) return false;
    const navs = item.matches('tr[data-nav]')
      ? [item as HTMLElement]
      : [...item.querySelectorAll<HTMLElement>('tr[data-nav]')];
    const target = pendingFocus.current === 'first' ? navs[0] : navs[navs.length - 1];
    if (!target) return false;
    pendingFocus.current = undefined;
    target.focus();
    return true;
  };

  // Roving tabindex: one row is the table's tab stop (the last one focused, else the first on screen).
  useLayoutEffect(() => {
    const table = scrollRef.current;
    if (!table) return;
    const rows = [...table.querySelectorAll<HTMLElement>('tr[data-nav]')];
    const active = rows.find((r) => r.dataset.key === activeKey.current) ?? rows[0];
    for (const r of rows) r.tabIndex = r === active ? 0 : -1;
    focusPending();
  });

  const onFocusIn = (e: FocusEvent) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('tr[data-nav]');
    if (row?.dataset.key) activeKey.current = row.dataset.key;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (target.matches('input[type=text], input[type=search], textarea, select')) return;
    const row = target.closest<HTMLElement>('tr[data-nav]');
    if (!row || !scrollRef.current) return;
    const rows = [...scrollRef.current.querySelectorAll<HTMLElement>('tr[data-nav]')];
    const i = rows.indexOf(row);
    const onRow = target === row;
    const go = (r: HTMLElement | undefined) => {
      if (!r) return;
      e.preventDefault();
      r.focus();
    };
    switch (e.key) {
      case 'ArrowDown':
        return go(rows[i + 1]);
      case 'ArrowUp':
        return go(rows[i - 1]);
      case 'Home':
      case 'End': {
        if (!onRow) return;
        e.preventDefault();
        pendingFocus.current = e.key === 'Home' ? 'first' : 'last';
        v.scrollToIndex(e.key === 'Home' ? 0 : props.count - 1, {
          align: e.key === 'Home' ? 'start' : 'end',
        });
        // Already rendered: focus now; else the layout effect does once the jump has rendered it.
        focusPending();
        return;
      }
      case ' ': {
        if (!onRow) return;
        const box = row.querySelector<HTMLInputElement>('[data-select]');
        const expand = row.querySelector<HTMLButtonElement>('[data-expand]');
        if (!box && !expand) return;
        e.preventDefault();
        if (box)
          box.dispatchEvent(
            new MouseEvent('click', { bubbles: true, cancelable: true, shiftKey: e.shiftKey }),
          );
        else expand?.click();
        return;
      }
      case 'ArrowRight':
      case 'ArrowLeft': {
        const expand = row.querySelector<HTMLButtonElement>('[data-expand]');
        if (!expand) return;
        const open = expand.getAttribute('aria-expanded') === 'true';
        if ((e.key === 'ArrowRight') !== open) {
          e.preventDefault();
          expand.click();
        }
        return;
      }
      case 'Enter': {
        if (!onRow) return;
        const link = row.querySelector<HTMLAnchorElement>('[data-open]');
        if (!link) return;
        e.preventDefault();
        link.click();
        return;
      }
    }
  };

  const before = first ? first.start - headHeight : 0;
  const after = last ? v.getTotalSize() - last.end : 0;
  const spacer = (h: number, key: string) =>
    h > 0 ? (
      <tr key={key} class="vt-spacer" style={{ height: `${h}px` }}>
        <td />
      </tr>
    ) : null;
  const body = items.map((vi) => props.renderItem(vi.index, v.measureElement));

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: key handling is delegated from the rows (focusable) inside.
    <div class={`vt-scroll ${props.class ?? ''}`} ref={scrollRef} onKeyDown={onKeyDown} onFocusIn={onFocusIn}>
      <table
        class="vt"
        aria-label={props.label}
        aria-rowcount={props.groups ? -1 : props.count + 1}
        aria-busy={props.busy ? 'true' : undefined}
      >
        {props.colgroup}
        <thead ref={headRef}>
          <tr aria-rowindex={1}>{props.head}</tr>
        </thead>
        {props.groups ? (
          <>
            {before > 0 && <tbody aria-hidden="true">{spacer(before, 'before')}</tbody>}
            {body}
            {after > 0 && <tbody aria-hidden="true">{spacer(after, 'after')}</tbody>}
          </>
        ) : (
          <tbody>
            {spacer(before, 'before')}
            {body}
            {spacer(after, 'after')}
          </tbody>
        )}
      </table>
      {props.count === 0 && props.empty}
    </div>
  );
}
