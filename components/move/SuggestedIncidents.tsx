/**
 * `Suggested incidents` (DESIGN §4, §7): where the selected alerts may belong, best first, each a button naming
 * the incident, its id and severity, with one sentence of why. Props only; `SuggestionsFor` is the connected
 * version (it reads through the FlyoutReader, so it works wherever the flyout does).
 */
import { useId } from 'preact/hooks';
import type { Suggestion } from '@/lib/suggest/rank';
import { useProfile } from '../hooks/use-profile';
import { severityLabel } from '../labels/format';
import { useReaderQuery } from './flyout-reader-context';

export interface SuggestedIncidentsProps {
  status: 'loading' | 'ready' | 'error';
  suggestions: readonly Suggestion[];
  /** The incident picked as the target, shown pressed. */
  chosenId?: string | undefined;
  onPick(suggestion: Suggestion): void;
  disabled?: boolean;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function SuggestedIncidents({
  status,
  suggestions,
  chosenId,
  onPick,
  disabled,
}: SuggestedIncidentsProps) {
  const headingId = useId();
  return (
    <section class="suggested-incidents">
      <h3 id={headingId}>Suggested incidents</h3>
      {status === 'loading' && (
        <p class="muted">Looking for incidents that share devices, users or indicators…</p>
      )}
      {status === 'error' && (
        <p class="muted" role="status">
          Suggestions could not be read. Search for the incident below.
        </p>
      )}
      {status === 'ready' && suggestions.length === 0 && (
        <p class="muted">
          No suggestions: no other open incident shares a rare device, user or indicator with these alerts.
        </p>
      )}
      {/* Said once the list fills, without reading every item aloud. */}
      <p class="visually-hidden" aria-live="polite">
        {status === 'ready' && suggestions.length
          ? `${suggestions.length} suggested ${suggestions.length === 1 ? 'incident' : 'incidents'}, best first.`
          : ''}
      </p>
      <ul aria-labelledby={headingId} class="suggestion-list">
        {suggestions.map((s) => (
          <li key={s.incidentId}>
            <button
              type="button"
              class="suggestion"
              data-incident-id={s.incidentId}
              aria-pressed={chosenId === s.incidentId ? 'true' : 'false'}
              disabled={disabled}
              onClick={() => onPick(s)}
            >
              <span class="suggestion-name">{s.displayName}</span>{' '}
              <span class="suggestion-id mono">({s.incidentId})</span>{' '}
              <span class={`sev sev-${s.severity}`}>{severityLabel(s.severity)}</span>
              <span class="suggestion-why">{capitalize(s.why)}.</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The suggestions for these alerts, read live for the analyst's profile. */
export function useSuggestions(alertIds: readonly string[]) {
  const { profile, loaded } = useProfile();
  const state = useReaderQuery(
    async (r) => (loaded ? r.suggestions(alertIds, profile) : undefined),
    [alertIds.join('\n'), loaded, profile],
  );
  const ready = state.status === 'ready' && state.data !== undefined;
  return {
    status: state.status === 'error' ? ('error' as const) : ready ? ('ready' as const) : ('loading' as const),
    suggestions: state.data ?? [],
  };
}

export function SuggestionsFor({
  alertIds,
  onPick,
}: {
  alertIds: readonly string[];
  onPick(suggestion: Suggestion): void;
}) {
  const { status, suggestions } = useSuggestions(alertIds);
  return <SuggestedIncidents status={status} suggestions={suggestions} onPick={onPick} />;
}
