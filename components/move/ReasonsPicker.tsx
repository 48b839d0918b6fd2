/** The optional correlation reasons, folded under `Reasons (optional)`. Props only. */
import { plural, REASON_LABELS, REASON_ORDER } from '../labels/graph-words';

export type Reason = (typeof REASON_ORDER)[number];

export interface ReasonsPickerProps {
  reasons: ReadonlySet<Reason>;
  onToggle(reason: Reason): void;
  disabled: boolean;
}

export function ReasonsPicker({ reasons, onToggle, disabled }: ReasonsPickerProps) {
  return (
    <details class="flyout-reasons">
      <summary>
        Reasons (optional){reasons.size ? `: ${plural(reasons.size, 'selected', 'selected')}` : ''}
      </summary>
      <fieldset disabled={disabled}>
        <legend class="visually-hidden">Reasons</legend>
        {REASON_ORDER.map((r) => (
          <label key={r} class="checkbox">
            <input type="checkbox" checked={reasons.has(r)} onChange={() => onToggle(r)} />
            {REASON_LABELS[r]}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
