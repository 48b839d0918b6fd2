/**
 * The move flyout (seed "Move alerts from one incident to another"; DESIGN §3–4): a modal dialog named
 * `Move alert to another incident` (one alert) or `Move multiple alerts to another incident` (two or more)
 * that lists the alerts, links them to an existing incident (`Incident name or ID`) or creates a new one,
 * takes optional reasons and a required `Comment`, previews what Save will do, and sends the move to the
 * background. Reads the store live; writes only through `send`.
 */
import type { JSX, TargetedKeyboardEvent } from 'preact';
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { ClientError, errorMessage, send } from '@/lib/messaging/client';
import { MAX_COMMENT, type MoveResult, type MoveTarget } from '@/lib/messaging/protocol';
import { canRead, canReadIncident } from '@/lib/model/permissions';
import type { FlyoutAlert, IncidentChoice, ResolvedTarget } from '@/lib/move/flyout-reader';
import { type MovePreview, type PreviewTarget, previewMove } from '@/lib/move/preview';
import { redirectNote } from '@/lib/move/redirects';
import { buildIncidentIndex, type IncidentIndex, type IncidentRow } from '@/lib/store/incident-search';
import { useProfile } from '../hooks/use-profile';
import { humanize, plural, REASON_LABELS, REASON_ORDER } from '../labels/graph-words';
import { useFlyoutReader, useIncidentChoices, useReaderQuery } from './flyout-reader-context';
import { IncidentCombobox } from './IncidentCombobox';
import { useMoveDraft } from './use-move-draft';
import '../styles/move-flyout.css';

export interface MoveFlyoutProps {
  /** The alerts to move, as selected. Unknown or unreadable ones are listed as such and left out. */
  alertIds: string[];
  /** Closed without moving (Cancel, Escape). */
  onClose(): void;
  /**
   * The move was saved. The flyout is done: stop rendering it, and show a `MoveStatus` for the result
   * (its Undo). `onClose` is not called in that case.
   */
  onMoved(result: MoveResult): void;
}

/** A counter appears under the comment from this many characters. */
export const COMMENT_COUNTER_FROM = 29_000;
/** At most this many alerts are listed by name; the rest are counted. */
const LISTED_ALERTS = 100;

export type IncidentOption = IncidentRow & Pick<IncidentChoice, 'scopes'>;

type Reason = (typeof REASON_ORDER)[number];

type SelectedAlert =
  | { kind: 'movable'; alert: FlyoutAlert }
  | { kind: 'unknown'; id: string }
  | { kind: 'hidden'; id: string };

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[hidden]'));
}

/** Modal behaviour: focus in on open, Tab kept inside, focus given back to the opener on close. */
function useModalFocus(ref: { current: HTMLElement | null }, initial: () => HTMLElement | null | undefined) {
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const root = ref.current;
    (initial() ?? (root ? focusables(root)[0] : undefined))?.focus();
    const keepInside = (e: FocusEvent) => {
      const dialog = ref.current;
      if (dialog && e.target instanceof Node && !dialog.contains(e.target)) focusables(dialog)[0]?.focus();
    };
    document.addEventListener('focusin', keepInside);
    return () => {
      document.removeEventListener('focusin', keepInside);
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (e: TargetedKeyboardEvent<HTMLElement>) => {
    if (e.key !== 'Tab' || !ref.current) return;
    const list = focusables(ref.current);
    const first = list[0];
    const last = list[list.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
}

/** The sentence for a refused move; a concurrent change gets words about what to do next. */
function moveErrorMessage(e: unknown): string {
  if (e instanceof ClientError && e.code === 'conflict') {
    const names = e.details.length ? e.details : [];
    const what =
      names.length === 0
        ? 'An alert you selected was'
        : names.length === 1
          ? `Alert ${names[0]} was`
          : `${names.length} alerts (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}) were`;
    return `${what} changed in another view since this panel opened. Nothing was moved. The list above shows where the alerts are now: check it and select Save again.`;
  }
  return errorMessage(e);
}

export function MoveFlyout({ alertIds, onClose, onMoved }: MoveFlyoutProps) {
  const reader = useFlyoutReader();
  const { profile, loaded: profileLoaded } = useProfile();
  const uid = useId();
  const ids = useMemo(() => [...new Set(alertIds)], [alertIds.join('\n')]);
  const idsKey = ids.join('\n');
  const title =
    ids.length === 1 ? 'Move alert to another incident' : 'Move multiple alerts to another incident';

  // --- What is selected, live.
  const selection = useReaderQuery((r) => r.selection(ids), [idsKey]);
  const entries: SelectedAlert[] = useMemo(() => {
    if (selection.status !== 'ready') return [];
    return ids.map((id, i) => {
      const a = selection.data.alerts[i];
      if (!a) return { kind: 'unknown', id };
      if (!canRead(profile, a.scope)) return { kind: 'hidden', id };
      return { kind: 'movable', alert: a };
    });
  }, [selection.data, profile]);
  const movable = useMemo(() => entries.flatMap((e) => (e.kind === 'movable' ? [e.alert] : [])), [entries]);
  const sourceById = useMemo(
    () => new Map((selection.data?.sources ?? []).map((s) => [s.id, s])),
    [selection.data],
  );
  const currentKey = [...new Set(movable.map((a) => a.incidentId))].sort().join('\n');
  const exclude = useMemo(() => new Set(currentKey ? currentKey.split('\n') : []), [currentKey]);

  // The versions this panel showed: a move made meanwhile elsewhere makes Save a conflict, not a surprise.
  const seenVersions = useRef<Record<string, number>>({});
  for (const a of movable)
    if (!Object.hasOwn(seenVersions.current, a.id)) seenVersions.current[a.id] = a.version;

  // --- Incidents to choose from, most recently updated first. Where the store is local, from the shared live
  // catalog (read once per page, then kept up to date cheaply); in a framed page, asked of the background.
  const incidentRows = useIncidentChoices();
  const previousIndex = useRef<IncidentIndex<IncidentOption> | undefined>(undefined);
  const index = useMemo(() => {
    if (!incidentRows || !profileLoaded) return undefined;
    const readable = incidentRows.filter((i) => canReadIncident(profile, i));
    const built = buildIncidentIndex(readable, previousIndex.current);
    previousIndex.current = built;
    return built;
  }, [incidentRows, profile, profileLoaded]);

  // --- The form.
  const [kind, setKind] = useState<MoveTarget['kind']>('existing');
  const [chosen, setChosen] = useState<IncidentOption | undefined>();
  const [reasons, setReasons] = useState<ReadonlySet<Reason>>(new Set());
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; details: string[] } | undefined>();
  const draft = useMoveDraft(ids, comment, setComment);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const target = useReaderQuery(
    async (r) => (kind === 'existing' && chosen ? r.target(chosen.id) : undefined),
    [kind, chosen?.id],
  );
  const resolved = target.status === 'ready' ? target.data : undefined;

  const preview: MovePreview | undefined = useMemo(() => {
    if (selection.status !== 'ready' || !profileLoaded) return undefined;
    let previewTarget: PreviewTarget;
    if (kind === 'new') previewTarget = { kind: 'new' };
    else if (resolved?.incident) {
      previewTarget = { kind: 'existing', incident: resolved.incident, alertSeverities: resolved.severities };
    } else return undefined;
    return previewMove({ alerts: movable, sources: selection.data.sources, profile, target: previewTarget });
  }, [selection.data, movable, profile, profileLoaded, kind, resolved]);

  // --- Validation: what Save still needs, in words.
  const trimmed = comment.trim();
  const tooLong = comment.length > MAX_COMMENT;
  const missing: string[] = [];
  if (selection.status !== 'ready' || !profileLoaded) missing.push('wait for the selected alerts to load');
  else if (movable.length === 0) missing.push('select alerts that you can move');
  if (kind === 'existing' && !chosen) missing.push('choose the incident to move the alerts to');
  if (!trimmed) missing.push('add a comment that says why');
  const blocked =
    tooLong ||
    !!resolved?.problem ||
    (kind === 'existing' && chosen !== undefined && !preview) ||
    (preview !== undefined && (preview.permissionProblems.length > 0 || preview.problems.length > 0));
  const canSave = !busy && missing.length === 0 && !blocked;

  const save = async (e?: Event) => {
    e?.preventDefault();
    if (!canSave) return;
    const moveTarget: MoveTarget =
      kind === 'new' ? { kind: 'new' } : { kind: 'existing', incidentId: chosen!.id };
    const movingIds = movable.map((a) => a.id);
    const expectedVersions: Record<string, number> = {};
    for (const id of movingIds) {
      const v = seenVersions.current[id];
      if (v !== undefined) expectedVersions[id] = v;
    }
    setBusy(true);
    setError(undefined);
    try {
      const result = await send({
        type: 'move.run',
        input: { alertIds: movingIds, target: moveTarget, comment, reasons: [...reasons], expectedVersions },
      });
      await draft.discard();
      mounted.current = false;
      onMoved(result);
    } catch (err) {
      if (err instanceof ClientError && err.code === 'conflict') {
        // The analyst now sees the current state; the next Save moves the alerts from where they are.
        const fresh = await reader.alerts(movingIds).catch(() => []);
        for (const a of fresh) if (a) seenVersions.current[a.id] = a.version;
      }
      if (mounted.current) {
        setError({
          message: moveErrorMessage(err),
          details: err instanceof ClientError && err.code !== 'conflict' ? err.details : [],
        });
      }
    } finally {
      if (mounted.current) setBusy(false);
    }
  };

  const cancel = () => {
    if (!busy) onClose();
  };

  // --- Modal behaviour.
  const dialogRef = useRef<HTMLDivElement>(null);
  const trapTab = useModalFocus(
    dialogRef,
    () =>
      dialogRef.current?.querySelector<HTMLElement>('[role="combobox"]') ??
      dialogRef.current?.querySelector<HTMLElement>('input[type="radio"]:checked'),
  );
  const onKeyDown = (e: TargetedKeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      cancel();
      return;
    }
    trapTab(e);
  };

  const ids$ = {
    title: `${uid}-title`,
    summary: `${uid}-summary`,
    comment: `${uid}-comment`,
    counter: `${uid}-counter`,
    missing: `${uid}-missing`,
    preview: `${uid}-preview`,
  };
  const toggleReason = (r: Reason) =>
    setReasons((prev) => {
      const next = new Set(prev);
      if (next.has(r)) next.delete(r);
      else next.add(r);
      return next;
    });

  const unknownCount = entries.filter((e) => e.kind !== 'movable').length;

  return (
    <div class="move-flyout-backdrop">
      <div
        ref={dialogRef}
        class="move-flyout"
        role="dialog"
        aria-modal="true"
        aria-labelledby={ids$.title}
        aria-describedby={ids$.summary}
        aria-busy={busy ? 'true' : undefined}
        onKeyDown={onKeyDown}
      >
        <header class="move-flyout-header">
          <h2 id={ids$.title}>{title}</h2>
        </header>
        <form class="move-flyout-body" onSubmit={save} noValidate>
          <section aria-label="Selected alerts">
            <p id={ids$.summary} class="muted">
              {selection.status === 'loading'
                ? 'Loading the selected alerts…'
                : selection.status === 'error'
                  ? 'The selected alerts could not be read. Close this panel and try again.'
                  : `${plural(alertIds.length, 'alert')} selected${
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
                const changed = seenVersions.current[a.id] !== a.version;
                return (
                  <li key={a.id} data-alert-id={a.id}>
                    <span class="alert-title">{a.title}</span>
                    <span class="muted alert-id">{a.id}</span>
                    <span class="alert-incident">
                      In incident {source ? `${source.displayName} ` : ''}({a.incidentId})
                    </span>
                    {changed && <span class="warn">Changed in another view since this panel opened.</span>}
                  </li>
                );
              })}
            </ul>
            {entries.length > LISTED_ALERTS && (
              <p class="muted">And {plural(entries.length - LISTED_ALERTS, 'more alert')}.</p>
            )}
          </section>

          <fieldset class="flyout-target" disabled={busy}>
            <legend class="visually-hidden">Where the alerts go</legend>
            <label class="radio">
              <input
                type="radio"
                name={`${uid}-target`}
                value="existing"
                checked={kind === 'existing'}
                onChange={() => setKind('existing')}
              />
              Link to an existing incident
            </label>
            {kind === 'existing' && (
              <IncidentCombobox<IncidentOption>
                index={index}
                exclude={exclude}
                selected={chosen}
                onSelect={setChosen}
                disabled={busy}
              />
            )}
            <label class="radio">
              <input
                type="radio"
                name={`${uid}-target`}
                value="new"
                checked={kind === 'new'}
                onChange={() => setKind('new')}
              />
              Create a new incident
            </label>
          </fieldset>

          <details class="flyout-reasons">
            <summary>
              Reasons (optional){reasons.size ? `: ${plural(reasons.size, 'selected', 'selected')}` : ''}
            </summary>
            <fieldset disabled={busy}>
              <legend class="visually-hidden">Reasons</legend>
              {REASON_ORDER.map((r) => (
                <label key={r} class="checkbox">
                  <input type="checkbox" checked={reasons.has(r)} onChange={() => toggleReason(r)} />
                  {REASON_LABELS[r]}
                </label>
              ))}
            </fieldset>
          </details>

          <div class="flyout-comment">
            <label for={ids$.comment}>Comment</label>
            <textarea
              id={ids$.comment}
              rows={5}
              required
              aria-required="true"
              aria-invalid={tooLong ? 'true' : undefined}
              aria-describedby={comment.length >= COMMENT_COUNTER_FROM ? ids$.counter : undefined}
              placeholder="Why do these alerts belong there?"
              value={comment}
              disabled={busy}
              onInput={(e) => setComment(e.currentTarget.value)}
            />
            {comment.length >= COMMENT_COUNTER_FROM && (
              <p id={ids$.counter} class={tooLong ? 'error counter' : 'muted counter'} aria-live="polite">
                {comment.length.toLocaleString('en')} of {MAX_COMMENT.toLocaleString('en')} characters
                {tooLong
                  ? `: ${(comment.length - MAX_COMMENT).toLocaleString('en')} too many. Shorten the comment.`
                  : ''}
              </p>
            )}
            {draft.restored && <p class="muted">Your unsaved comment from last time was restored.</p>}
          </div>

          <Preview
            id={ids$.preview}
            kind={kind}
            preview={preview}
            resolved={resolved}
            chosen={chosen}
            selectedCount={movable.length}
          />

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
              <p>Moving {plural(movable.length, 'alert')}…</p>
              <progress aria-label="Moving alerts" />
            </div>
          )}

          <footer class="move-flyout-footer">
            {!busy && missing.length > 0 && (
              <p id={ids$.missing} class="muted">
                To save, {missing.join(' and ')}.
              </p>
            )}
            <div class="buttons">
              <button
                type="submit"
                class="primary"
                disabled={!canSave}
                aria-describedby={missing.length ? ids$.missing : ids$.preview}
              >
                Save
              </button>
              <button type="button" onClick={cancel} disabled={busy}>
                Cancel
              </button>
            </div>
          </footer>
        </form>
      </div>
    </div>
  );
}

function Preview({
  id,
  kind,
  preview,
  resolved,
  chosen,
  selectedCount,
}: {
  id: string;
  kind: MoveTarget['kind'];
  preview: MovePreview | undefined;
  resolved: ResolvedTarget | undefined;
  chosen: IncidentOption | undefined;
  selectedCount: number;
}) {
  const lines: JSX.Element[] = [];
  if (kind === 'existing' && resolved?.problem) {
    lines.push(
      <p key="problem" class="warn">
        {resolved.problem}
      </p>,
    );
  }
  if (preview) {
    const moving = preview.movingAlertIds.length;
    const sev = humanize(preview.resultingSeverity);
    if (kind === 'new') {
      lines.push(
        <p key="dest">
          Creates a new incident named “{preview.destinationName}” with {plural(moving, 'alert')}; its
          severity will be {sev}.
        </p>,
      );
    } else if (resolved?.incident) {
      if (resolved.redirectedFrom) {
        lines.push(
          <p key="redirect" class="warn">
            {redirectNote(resolved.redirectedFrom, resolved.incident.id, false)}
          </p>,
        );
      }
      lines.push(
        <p key="dest">
          Moves {plural(moving, 'alert')} to {preview.destinationName} ({resolved.incident.id}); its severity
          will be {sev}.
        </p>,
      );
    }
    if (preview.skippedAlertIds.length && moving > 0) {
      lines.push(
        <p key="skipped" class="muted">
          {plural(preview.skippedAlertIds.length, 'alert')} already{' '}
          {preview.skippedAlertIds.length === 1 ? 'is' : 'are'} in that incident and{' '}
          {preview.skippedAlertIds.length === 1 ? 'stays' : 'stay'} there.
        </p>,
      );
    }
    for (const inc of preview.emptiedIncidents) {
      lines.push(
        <p key={`empty-${inc.id}`} class="warn">
          Incident {inc.displayName} ({inc.id}) will have no alerts left and will be resolved.
        </p>,
      );
    }
    for (const p of preview.problems) {
      lines.push(
        <p key={`p-${p}`} class="warn">
          {p}
        </p>,
      );
    }
    if (preview.permissionProblems.length) {
      lines.push(
        <div key="perm" class="warn">
          <p>You can’t save this move:</p>
          <ul>
            {preview.permissionProblems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>,
      );
    }
  } else if (kind === 'existing' && chosen && !resolved && selectedCount > 0) {
    lines.push(
      <p key="loading" class="muted">
        Checking {chosen.displayName}…
      </p>,
    );
  }
  return (
    <section id={id} class="flyout-preview" aria-label="What Save will do" aria-live="polite">
      {lines}
    </section>
  );
}
