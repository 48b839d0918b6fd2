/** The flyout's list of the selected alerts: each with its id and incident, or why it can't be moved. Props only. */
import type { FlyoutAlert, FlyoutIncident } from '@/lib/move/flyout-reader';
import { pageShowsTitle } from '@/lib/sites/rows';
import { plural } from '../labels/graph-words';

/** At most this many alerts are listed by name; the rest are counted. */
const LISTED_ALERTS = 100;

export type SelectedAlert =
  | { kind: 'movable'; alert: FlyoutAlert }
  | { kind: 'unknown'; id: string }
  | { kind: 'hidden'; id: string };

export interface SelectedAlertsProps {
  /** The id of the summary line (it describes the dialog). */
  summaryId: string;
  /** How the selection's read went. */
  status: 'loading' | 'error' | 'ready';
  /** How many alerts were selected (unknown and unreadable ones included). */
  selectedCount: number;
  entries: readonly SelectedAlert[];
  sourceById: ReadonlyMap<string, Pick<FlyoutIncident, 'displayName'>>;
  /** The versions this panel first showed: an alert at another version changed elsewhere since. */
  seenVersions: Readonly<Record<string, number>>;
  /** What a web page showed in each alert's row when the analyst clicked there (by alert id). */
  shownByPage?: ReadonlyMap<string, string> | undefined;
}

/**
 * The store's record is what moves; the page is third-party code. Where the page's row did not show the record's
 * title, say what it showed (as text), so an analyst misled by the page notices before Save.
 */
function PageDisagrees({ shown, title }: { shown: string | undefined; title?: string }) {
  if (shown === undefined || (title !== undefined && pageShowsTitle(shown, title))) return null;
  return (
    <span class="warn page-shown">
      {title === undefined
        ? `The page showed: “${shown}”.`
        : `The page showed this row as “${shown}”, not with this alert’s title. Check it is the alert you meant: the alert with this id is the one that moves.`}
    </span>
  );
}

export function SelectedAlerts({
  summaryId,
  status,
  selectedCount,
  entries,
  sourceById,
  seenVersions,
  shownByPage,
}: SelectedAlertsProps) {
  const unknownCount = entries.filter((e) => e.kind !== 'movable').length;
  return (
    <section aria-label="Selected alerts">
      <p id={summaryId} class="muted">
        {status === 'loading'
          ? 'Loading the selected alerts…'
          : status === 'error'
            ? 'The selected alerts could not be read. Close this panel and try again.'
            : `${plural(selectedCount, 'alert')} selected${
                unknownCount ? `; ${plural(unknownCount, 'alert')} can't be moved` : ''
              }.`}
      </p>
      <ul class="flyout-alerts">
        {entries.slice(0, LISTED_ALERTS).map((entry) => {
          if (entry.kind === 'unknown') {
            return (
              <li key={entry.id} data-alert-id={entry.id} class="unmovable">
                <span class="alert-id">{entry.id}</span>
                <span class="warn">Not in the extension’s data, so it can’t be moved.</span>
                <PageDisagrees shown={shownByPage?.get(entry.id)} />
              </li>
            );
          }
          if (entry.kind === 'hidden') {
            return (
              <li key={entry.id} data-alert-id={entry.id} class="unmovable">
                <span class="alert-id">{entry.id}</span>
                <span class="warn">You don’t have access to this alert, so it can’t be moved.</span>
              </li>
            );
          }
          const a = entry.alert;
          const source = sourceById.get(a.incidentId);
          const changed = seenVersions[a.id] !== a.version;
          return (
            <li key={a.id} data-alert-id={a.id}>
              <span class="alert-title">{a.title}</span>
              <span class="muted alert-id">{a.id}</span>
              <span class="alert-incident">
                In incident {source ? `${source.displayName} ` : ''}({a.incidentId})
              </span>
              {changed && <span class="warn">Changed in another view since this panel opened.</span>}
              <PageDisagrees shown={shownByPage?.get(a.id)} title={a.title} />
            </li>
          );
        })}
      </ul>
      {entries.length > LISTED_ALERTS && (
        <p class="muted">And {plural(entries.length - LISTED_ALERTS, 'more alert')}.</p>
      )}
    </section>
  );
}
