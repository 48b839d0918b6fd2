/**
 * `Incident name or ID`: an ARIA 1.2 combobox (input role=combobox + listbox popup, list autocomplete with
 * the first match highlighted) over the incident search index. https://www.w3.org/WAI/ARIA/apg/patterns/combobox/
 *
 * Keys: typing filters and opens the list; ArrowDown/ArrowUp open it and move through the options
 * (wrapping); Alt+ArrowDown opens it without moving; Enter picks the highlighted option; Escape closes the
 * list (and only then: with the list closed, Escape reaches the dialog, which cancels); Tab closes it.
 */
import type { TargetedEvent, TargetedKeyboardEvent } from 'preact';
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { foldText } from '@/lib/model/text';
import { type IncidentIndex, type IncidentRow, searchIncidents } from '@/lib/store/incident-search';
import { humanize, plural } from '../labels/graph-words';

export const SEARCH_LIMIT = 50;

export interface IncidentComboboxProps<R extends IncidentRow> {
  /** Undefined while the incidents are loading. */
  index: IncidentIndex<R> | undefined;
  /** Never offered (the selected alerts' current incidents). */
  exclude: ReadonlySet<string>;
  selected: R | undefined;
  onSelect(incident: R | undefined): void;
  disabled?: boolean;
  /** Ids of elements that describe the field (errors, hints). */
  describedBy?: string;
  /** The field's accessible name (the merge dialog's is `Other incident name or ID`). */
  label?: string;
}

export function optionStatus(row: IncidentRow): string {
  if (row.status === 'redirected') {
    return row.redirectIncidentId ? `redirected to ${row.redirectIncidentId}` : 'redirected';
  }
  return humanize(row.status);
}

export function IncidentCombobox<R extends IncidentRow>({
  index,
  exclude,
  selected,
  onSelect,
  disabled,
  describedBy,
  label = 'Incident name or ID',
}: IncidentComboboxProps<R>) {
  const base = useId();
  const listId = `${base}-list`;
  const hintId = `${base}-hint`;
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const [text, setText] = useState(selected?.displayName ?? '');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);

  // A selection made elsewhere (a restored draft, a cleared target) shows in the field.
  useEffect(() => {
    if (selected) setText(selected.displayName);
  }, [selected?.id]);

  const results = useMemo(
    () => (index ? searchIncidents(index, text, { limit: SEARCH_LIMIT, exclude }) : []),
    [index, text, exclude],
  );
  const expanded = open && results.length > 0;
  const activeIndex = expanded ? Math.min(active, results.length - 1) : -1;
  const optionId = (i: number) => `${base}-opt-${i}`;

  useEffect(() => {
    if (activeIndex < 0) return;
    const el = listRef.current?.querySelector<HTMLElement>(`[id="${optionId(activeIndex)}"]`);
    el?.scrollIntoView?.({ block: 'nearest' });
  }, [activeIndex, expanded]);

  const choose = (row: R) => {
    setText(row.displayName);
    setOpen(false);
    setActive(-1);
    onSelect(row);
  };

  const onInput = (e: TargetedEvent<HTMLInputElement>) => {
    setText(e.currentTarget.value);
    setOpen(true);
    setActive(0);
    if (selected) onSelect(undefined);
  };

  const onKeyDown = (e: TargetedKeyboardEvent<HTMLInputElement>) => {
    const n = results.length;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!expanded) {
          setOpen(true);
          if (!e.altKey) setActive(0);
        } else if (n) setActive((activeIndex + 1) % n);
        break;
      case 'ArrowUp':
        e.preventDefault();
        if (!expanded) {
          setOpen(true);
          setActive(n - 1);
        } else if (n) setActive(activeIndex <= 0 ? n - 1 : activeIndex - 1);
        break;
      case 'Enter': {
        // Enter never submits the form from here: it picks, or does nothing.
        e.preventDefault();
        const row = activeIndex >= 0 ? results[activeIndex] : undefined;
        if (row) choose(row);
        break;
      }
      case 'Escape':
        if (expanded) {
          // Only the list closes: the dialog must not see this Escape.
          e.preventDefault();
          e.stopPropagation();
          setOpen(false);
          setActive(-1);
        }
        break;
      case 'Tab':
        setOpen(false);
        break;
    }
  };

  // What the hint under the field says (also announced politely).
  const q = foldText(text);
  let hint = '';
  if (!index) hint = 'Loading incidents…';
  else if (open && q && results.length === 0) {
    const idQuery = q.replace(/^(?:#|id:?\s*)/, '');
    hint = [...exclude].some((id) => id.toLowerCase() === idQuery)
      ? `The selected alerts are already in incident ${idQuery}: choose another one.`
      : `No incident matches “${text.trim()}”.`;
  } else if (expanded) {
    hint =
      results.length >= SEARCH_LIMIT
        ? `Showing the first ${SEARCH_LIMIT} incidents; type more of the name or ID to narrow the list.`
        : `${plural(results.length, 'incident')} found.`;
  }

  return (
    <div class="incident-combobox">
      <input
        ref={inputRef}
        id={`${base}-input`}
        type="text"
        role="combobox"
        aria-label={label}
        aria-autocomplete="list"
        aria-expanded={expanded ? 'true' : 'false'}
        aria-controls={listId}
        aria-activedescendant={activeIndex >= 0 ? optionId(activeIndex) : undefined}
        aria-describedby={[hintId, describedBy].filter(Boolean).join(' ')}
        aria-required="true"
        autocomplete="off"
        spellcheck={false}
        placeholder="Type the incident’s name or ID"
        value={text}
        disabled={disabled}
        onInput={onInput}
        onKeyDown={onKeyDown}
        onClick={() => setOpen(true)}
        onBlur={() => setOpen(false)}
      />
      <div
        ref={listRef}
        id={listId}
        role="listbox"
        aria-label="Incidents"
        class="incident-options"
        hidden={!expanded}
        // Keep the focus in the input: a press on an option (or the list's scrollbar) would blur it and close
        // the list before the click picks.
        onMouseDown={(e) => e.preventDefault()}
      >
        {expanded &&
          results.map((row, i) => (
            // Options are not focusable by design: focus stays in the input, which points at the active one
            // (aria-activedescendant) and handles the keys.
            // biome-ignore lint/a11y/useFocusableInteractive: the combobox pattern keeps focus in the input.
            // biome-ignore lint/a11y/useKeyWithClickEvents: the input handles the keys for the options.
            <div
              key={row.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === activeIndex ? 'true' : 'false'}
              class={i === activeIndex ? 'active' : undefined}
              data-incident-id={row.id}
              onClick={() => choose(row)}
              onMouseMove={() => i !== activeIndex && setActive(i)}
            >
              <span class="option-name">{row.displayName}</span>{' '}
              <span class="option-meta">
                <span class="option-id">ID {row.id}</span>
                {' · '}
                <span class={row.status === 'redirected' ? 'option-status redirected' : 'option-status'}>
                  {optionStatus(row)}
                </span>
                {' · '}
                <span class={`sev sev-${row.severity}`}>{humanize(row.severity)}</span>
              </span>
            </div>
          ))}
      </div>
      <p id={hintId} class="muted combobox-hint" aria-live="polite">
        {hint}
      </p>
    </div>
  );
}
