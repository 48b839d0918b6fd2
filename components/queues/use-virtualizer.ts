/**
 * A small Preact hook around @tanstack/virtual-core's Virtualizer (there is no Preact adapter): the same
 * lifecycle as the React one (`setOptions` every render, `_didMount` once, `_willUpdate` after each render),
 * re-rendering when the visible range changes.
 */
import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  type Rect,
  Virtualizer,
  type VirtualizerOptions,
} from '@tanstack/virtual-core';
import { useLayoutEffect, useReducer, useState } from 'preact/hooks';

export type VirtualOptions = Omit<
  VirtualizerOptions<HTMLElement, Element>,
  'observeElementRect' | 'observeElementOffset' | 'scrollToFn'
>;

/** Height assumed for a scroll box that has no layout yet (or none at all, as in happy-dom). */
const FALLBACK_HEIGHT = 600;

/** The library's observer, but a box that reports no height is taken as FALLBACK_HEIGHT tall, so rows render. */
function observeRect(instance: Virtualizer<HTMLElement, Element>, cb: (rect: Rect) => void) {
  return observeElementRect(instance, (rect) =>
    cb(rect.height > 0 ? rect : { width: rect.width || 800, height: FALLBACK_HEIGHT }),
  );
}

export function useVirtualizer(options: VirtualOptions): Virtualizer<HTMLElement, Element> {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const resolved: VirtualizerOptions<HTMLElement, Element> = {
    observeElementRect: observeRect,
    observeElementOffset,
    scrollToFn: elementScroll,
    ...options,
    onChange: (instance, sync) => {
      rerender(undefined);
      options.onChange?.(instance, sync);
    },
  };
  const [instance] = useState(() => new Virtualizer<HTMLElement, Element>(resolved));
  instance.setOptions(resolved);
  useLayoutEffect(() => instance._didMount(), []);
  useLayoutEffect(() => instance._willUpdate());
  return instance;
}
