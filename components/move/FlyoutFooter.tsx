/** The end of the flyout: a refused Save's sentence, the progress while moving, what Save still needs, Save and Cancel. Props only. */
import { plural } from '../labels/graph-words';

export interface FlyoutFooterProps {
  /** Why the last Save was refused, with the details when there are several. */
  error: { message: string; details: string[] } | undefined;
  busy: boolean;
  /** How many alerts a Save moves (shown while it runs). */
  movingCount: number;
  /** What Save still needs, as phrases ("add a comment that says why"). */
  missing: readonly string[];
  /** The id of the sentence that lists `missing`. */
  missingId: string;
  /** The id of the preview, which describes Save when nothing is missing. */
  previewId: string;
  canSave: boolean;
  onCancel(): void;
}

export function FlyoutFooter({
  error,
  busy,
  movingCount,
  missing,
  missingId,
  previewId,
  canSave,
  onCancel,
}: FlyoutFooterProps) {
  return (
    <>
      {error && (
        <div role="alert" class="error flyout-error">
          <p>{error.message}</p>
          {error.details.length > 1 && (
            <ul>
              {error.details.slice(0, 20).map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {busy && (
        <div role="status" class="flyout-progress">
          <p>Moving {plural(movingCount, 'alert')}…</p>
          <progress aria-label="Moving alerts" />
        </div>
      )}

      <footer class="move-flyout-footer">
        {!busy && missing.length > 0 && (
          <p id={missingId} class="muted">
            To save, {missing.join(' and ')}.
          </p>
        )}
        <div class="buttons">
          <button
            type="submit"
            class="primary"
            disabled={!canSave}
            aria-describedby={missing.length ? missingId : previewId}
          >
            Save
          </button>
          <button type="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        </div>
      </footer>
    </>
  );
}
