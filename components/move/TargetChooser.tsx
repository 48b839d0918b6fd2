/** Where the alerts go: an existing incident (the `Incident name or ID` combobox) or a new one. Props only. */
import type { MoveTarget } from '@/lib/messaging/protocol';
import type { IncidentChoice } from '@/lib/move/flyout-reader';
import type { IncidentIndex } from '@/lib/store/incident-search';
import { IncidentCombobox } from './IncidentCombobox';

export interface TargetChooserProps {
  /** The radio group's name (unique in the page). */
  name: string;
  kind: MoveTarget['kind'];
  onKind(kind: MoveTarget['kind']): void;
  /** Undefined while the incidents are loading. */
  index: IncidentIndex<IncidentChoice> | undefined;
  /** Never offered (the selected alerts' current incidents). */
  exclude: ReadonlySet<string>;
  chosen: IncidentChoice | undefined;
  onChoose(incident: IncidentChoice | undefined): void;
  disabled: boolean;
}

export function TargetChooser({
  name,
  kind,
  onKind,
  index,
  exclude,
  chosen,
  onChoose,
  disabled,
}: TargetChooserProps) {
  return (
    <fieldset class="flyout-target" disabled={disabled}>
      <legend class="visually-hidden">Where the alerts go</legend>
      <label class="radio">
        <input
          type="radio"
          name={name}
          value="existing"
          checked={kind === 'existing'}
          onChange={() => onKind('existing')}
        />
        Link to an existing incident
      </label>
      {kind === 'existing' && (
        <IncidentCombobox<IncidentChoice>
          index={index}
          exclude={exclude}
          selected={chosen}
          onSelect={onChoose}
          disabled={disabled}
        />
      )}
      <label class="radio">
        <input type="radio" name={name} value="new" checked={kind === 'new'} onChange={() => onKind('new')} />
        Create a new incident
      </label>
    </fieldset>
  );
}
