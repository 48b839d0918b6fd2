/**
 * The move flyout (seed "Move alerts from one incident to another"; DESIGN §3–4): a modal dialog named
 * `Move alert to another incident` (one alert) or `Move multiple alerts to another incident` (two or more)
 * that lists the alerts, links them to an existing incident (`Incident name or ID`) or creates a new one,
 * takes optional reasons and a required `Comment`, previews what Save will do, and sends the move to the
 * background. This is the connected shell: it reads only through the FlyoutReader from context, writes only
 * through `send`, and checks what Save needs; the parts it lays out take props only.
 */
import type { TargetedKeyboardEvent } from 'preact';
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { ClientError, errorMessage } from '@/lib/messaging/client';
import { newMoveToken, sendMove } from '@/lib/messaging/move-client';
import { MAX_COMMENT, type MoveResult, type MoveTarget } from '@/lib/messaging/protocol';
import { canRead, canReadIncident } from '@/lib/model/permissions';
import type { IncidentChoice } from '@/lib/move/flyout-reader';
import { type MovePreview, type PreviewTarget, previewMove } from '@/lib/move/preview';
import { buildIncidentIndex, type IncidentIndex } from '@/lib/store/incident-search';
import type { Suggestion } from '@/lib/suggest/rank';
import { useProfile } from '../hooks/use-profile';
import { REASON_ORDER } from '../labels/graph-words';
import { CommentField } from './CommentField';
import { FlyoutFooter } from './FlyoutFooter';
import { useFlyoutReader, useIncidentChoices, useReaderQuery } from './flyout-reader-context';
import { type Reason, ReasonsPicker } from './ReasonsPicker';
import { SavePreview } from './SavePreview';
import { type SelectedAlert, SelectedAlerts } from './SelectedAlerts';
import { SuggestedIncidents, useSuggestions } from './SuggestedIncidents';
import { TargetChooser } from './TargetChooser';
import { useFocusTrap } from './use-focus-trap';
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
  /**
   * For alerts selected on a web page: what the page showed in each alert's row when the analyst clicked (by id).
   * Page text, so only ever rendered as text, and only where it disagrees with the store's record.
   */
  shownByPage?: ReadonlyMap<string, string> | undefined;
  /** A suggested incident picked before the flyout opened (alert details): the target, with its reasons. */
  initialSuggestion?: Suggestion | undefined;
}

/** The suggestion's Graph reasons that the flyout offers (and so may pre-select). */
const offeredReasons = (s: Suggestion): Set<Reason> =>
  new Set(s.reasons.filter((r): r is Reason => (REASON_ORDER as readonly string[]).includes(r)));

/** The combobox's row for a suggestion: the catalog's, else one made from the suggestion. */
function choiceFor(s: Suggestion, rows: readonly IncidentChoice[] | undefined): IncidentChoice {
  return (
    rows?.find((r) => r.id === s.incidentId) ?? {
      id: s.incidentId,
      displayName: s.displayName,
      status: 'active',
      severity: s.severity,
      scopes: [],
    }
  );
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

export function MoveFlyout({ alertIds, onClose, onMoved, initialSuggestion, shownByPage }: MoveFlyoutProps) {
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
  // One token for this move, kept across retries: a retry after a lost answer can never move twice.
  const moveToken = useRef(newMoveToken());
  for (const a of movable)
    if (!Object.hasOwn(seenVersions.current, a.id)) seenVersions.current[a.id] = a.version;

  // --- Incidents to choose from, most recently updated first. Where the store is local, from the shared live
  // catalog (read once per page, then kept up to date cheaply); in a framed page, asked of the background.
  const incidentRows = useIncidentChoices();
  const previousIndex = useRef<IncidentIndex<IncidentChoice> | undefined>(undefined);
  const index = useMemo(() => {
    if (!incidentRows || !profileLoaded) return undefined;
    const readable = incidentRows.filter((i) => canReadIncident(profile, i));
    const built = buildIncidentIndex(readable, previousIndex.current);
    previousIndex.current = built;
    return built;
  }, [incidentRows, profile, profileLoaded]);

  // --- The form.
  const [kind, setKind] = useState<MoveTarget['kind']>('existing');
  const [chosen, setChosen] = useState<IncidentChoice | undefined>(() =>
    initialSuggestion ? choiceFor(initialSuggestion, undefined) : undefined,
  );
  const [reasons, setReasons] = useState<ReadonlySet<Reason>>(() =>
    initialSuggestion ? offeredReasons(initialSuggestion) : new Set(),
  );
  // --- Suggested incidents: picking one makes it the target and pre-selects its reasons (the analyst may change them).
  const suggested = useSuggestions(ids);
  const pickSuggestion = (s: Suggestion) => {
    setKind('existing');
    setChosen(choiceFor(s, incidentRows));
    setReasons(offeredReasons(s));
  };
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
      const result = await sendMove({
        alertIds: movingIds,
        target: moveTarget,
        comment,
        reasons: [...reasons],
        expectedVersions,
        token: moveToken.current,
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
  const trapTab = useFocusTrap(
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
          <SelectedAlerts
            summaryId={ids$.summary}
            status={selection.status}
            selectedCount={alertIds.length}
            entries={entries}
            sourceById={sourceById}
            seenVersions={seenVersions.current}
            shownByPage={shownByPage}
          />
          <SuggestedIncidents
            status={suggested.status}
            suggestions={suggested.suggestions}
            chosenId={kind === 'existing' ? chosen?.id : undefined}
            onPick={pickSuggestion}
            disabled={busy}
          />
          <TargetChooser
            name={`${uid}-target`}
            kind={kind}
            onKind={setKind}
            index={index}
            exclude={exclude}
            chosen={chosen}
            onChoose={setChosen}
            disabled={busy}
          />
          <ReasonsPicker reasons={reasons} onToggle={toggleReason} disabled={busy} />
          <CommentField
            id={ids$.comment}
            counterId={ids$.counter}
            comment={comment}
            onComment={setComment}
            disabled={busy}
            restored={draft.restored}
          />
          <SavePreview
            id={ids$.preview}
            kind={kind}
            preview={preview}
            resolved={resolved}
            chosen={chosen}
            selectedCount={movable.length}
          />
          <FlyoutFooter
            error={error}
            busy={busy}
            movingCount={movable.length}
            missing={missing}
            missingId={ids$.missing}
            previewId={ids$.preview}
            canSave={canSave}
            onCancel={cancel}
          />
        </form>
      </div>
    </div>
  );
}
