import { useEffect, useRef, useState } from 'preact/hooks';

/** The search box: typing updates the URL after a short pause; Escape clears it. */
export function SearchBox({
  label,
  value,
  onSearch,
}: {
  label: string;
  value: string;
  onSearch(q: string): void;
}) {
  const [text, setText] = useState(value);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(value);
  useEffect(() => {
    if (value !== latest.current) {
      latest.current = value;
      setText(value);
    }
  }, [value]);
  useEffect(() => () => clearTimeout(pending.current), []);
  const commit = (q: string) => {
    clearTimeout(pending.current);
    latest.current = q;
    onSearch(q);
  };
  return (
    <input
      type="search"
      class="search"
      aria-label={label}
      placeholder={label}
      value={text}
      maxLength={200}
      onInput={(e) => {
        const q = e.currentTarget.value;
        setText(q);
        clearTimeout(pending.current);
        pending.current = setTimeout(() => commit(q), 250);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit(e.currentTarget.value);
        if (e.key === 'Escape' && text) {
          e.preventDefault();
          setText('');
          commit('');
        }
      }}
    />
  );
}
