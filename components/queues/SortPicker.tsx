/** "Sort by" for a queue's indexed orders, with the direction (both queues' heads). */
export function SortPicker({
  value,
  dir,
  options,
  onChange,
}: {
  value: string;
  dir: 'asc' | 'desc';
  options: Record<string, string>;
  onChange(sort: string, dir: 'asc' | 'desc'): void;
}) {
  return (
    <label class="sort">
      Sort by{' '}
      <select
        value={`${value}:${dir}`}
        onChange={(e) => {
          const [s, d] = e.currentTarget.value.split(':');
          onChange(s!, d === 'asc' ? 'asc' : 'desc');
        }}
      >
        {Object.entries(options).flatMap(([k, label]) => [
          <option key={`${k}:desc`} value={`${k}:desc`}>
            {label}, newest first
          </option>,
          <option key={`${k}:asc`} value={`${k}:asc`}>
            {label}, oldest first
          </option>,
        ])}
      </select>
    </label>
  );
}
