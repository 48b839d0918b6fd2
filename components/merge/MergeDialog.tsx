/**
 * The `Merge incidents` dialog (DESIGN §8): the incidents involved, which one survives and why (the product
 * chooses: the most alerts, then the oldest), what moves, every reason the merge would be refused, a required
 * `Reason for merging`, optional reasons, then `Merge`. Opened from the incidents queue with 2–5 incidents
 * selected, or from an incident's details with the `Other incident name or ID` typeahead.
 *
 * The rules are lib/merge's own (mergeProblems, chooseSurvivor), so what the dialog says before `Merge` is what
 * the merge does. Incident versions seen when it opened go with the request: a change made meanwhile is a
 * conflict, not a surprise.
 */
import type { TargetedEvent, TargetedKeyboardEvent } from 'preact';
import { useId, useMemo, useRef, useState } from 'preact/hooks';
import { chooseSurvivor, type MergeResult, mergeProblems } from '@/lib/merge';
import { ClientError, errorMessage } from '@/lib/messaging/client';
import { sendMerge } from '@/lib/messaging/move-client';
import { MAX_COMMENT } from '@/lib/messaging/protocol';
import type { Incident } from '@/lib/model';
import { canReadIncident } from '@/lib/model/permissions';
import type { IncidentChoice } from '@/lib/move/flyout-reader';
import { buildIncidentIndex } from '@/lib/store/incident-search';
import { useDb } from '../hooks/db-context';
import { useLiveQuery } from '../hooks/use-live-query';
import { useProfile } from '../hooks/use-profile';
import { incidentStatusLabel } from '../labels/format';
import { plural } from '../labels/graph-words';
import { useIncidentChoices } from '../move/flyout-reader-context';
import { IncidentCombobox } from '../move/IncidentCombobox';
import { type Reason, ReasonsPicker } from '../move/ReasonsPicker';
import { useFocusTrap } from '../move/use-focus-trap';
import '../styles/move-flyout.css';

export interface MergeDialogProps {
  /** The incidents to merge; from incident details, the one incident the other is picked for. */
  incidentIds: string[];
  /** Offer `Other incident name or ID` (incident details). */
  pickOther?: boolean;
  onClose(): void;
  onMerged(result: MergeResult): void;
}

export function MergeDialog({ incidentIds, pickOther, onClose, onMerged }: MergeDialogProps) {
  const db = useDb();
  const uid = useId();
  const { profile, loaded } = useProfile();
  const [other, setOther] = useState<IncidentChoice | undefined>();
  const ids = useMemo(
    () => [
      ...new Set(
        other
          ? [
              ...incidentIds,
              other.redirectIncidentId && other.status === 'redirected' ? other.redirectIncidentId : other.id,
            ]
          : incidentIds,
      ),
    ],
    [incidentIds.join('\n'), other?.id],
  );
  const read = useLiveQuery(() => db.incidents.bulkGet(ids), [db, ids.join('\n')]);
  const incidents = (read.data ?? []).filter((i): i is Incident => !!i);
  const missing = read.status === 'ready' ? ids.filter((id) => !incidents.some((i) => i.id === id)) : [];

  // The versions the dialog showed first: the merge is refused if one changed meanwhile.
  const seen = useRef<Record<string, number>>({});
  for (const i of incidents) if (!Object.hasOwn(seen.current, i.id)) seen.current[i.id] = i.version;
  const token = useRef(crypto.randomUUID());

  const [comment, setComment] = useState('');
  const [reasons, setReasons] = useState<ReadonlySet<Reason>>(() => new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [tried, setTried] = useState(false);

  const rows = useIncidentChoices();
  const index = useMemo(() => {
    if (!pickOther || !rows || !loaded) return undefined;
    return buildIncidentIndex(rows.filter((r) => canReadIncident(profile, r)));
  }, [pickOther, rows, profile, loaded]);
  const exclude = useMemo(() => new Set(incidentIds), [incidentIds.join('\n')]);

  const enough = incidents.length >= 2 && missing.length === 0;
  const problems = enough && loaded ? mergeProblems(incidents, profile).map((p) => p.message) : [];
  const choice = enough ? chooseSurvivor(incidents) : undefined;
  const others = choice ? incidents.filter((i) => i.id !== choice.survivor.id) : [];
  const moving = others.reduce((n, i) => n + i.alertCount, 0);
  const movingTags = [...new Set(others.flatMap((i) => [...(i.customTags ?? []), ...(i.tags ?? [])]))];
  const blank = !comment.trim();
  const tooLong = comment.length > MAX_COMMENT;
  const canMerge = enough && problems.length === 0 && !blank && !tooLong && !busy;

  const dialogRef = useRef<HTMLDivElement>(null);
  const trapTab = useFocusTrap(
    dialogRef,
    () =>
      dialogRef.current?.querySelector<HTMLElement>('[role="combobox"]') ??
      dialogRef.current?.querySelector<HTMLElement>('textarea'),
  );
  const onKeyDown = (e: TargetedKeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape' && !e.defaultPrevented && !busy) {
      e.preventDefault();
      onClose();
      return;
    }
    trapTab(e);
  };

  const merge = async (e: TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    setTried(true);
    if (!canMerge) return;
    setBusy(true);
    setError(undefined);
    try {
      const expectedVersions = Object.fromEntries(
        ids.flatMap((id) => (Object.hasOwn(seen.current, id) ? [[id, seen.current[id]!]] : [])),
      );
      const result = await sendMerge({
        incidentIds: ids,
        comment,
        reasons: [...reasons],
        expectedVersions,
        token: token.current,
      });
      onMerged(result);
    } catch (err) {
      setError(errorMessage(err));
      // A refused (or unsaved) merge changed nothing: the next try is a new request. Only while its fate is
      // unknown does the next try carry the same token, so it can't merge twice.
      if (!(err instanceof ClientError && err.unanswered)) token.current = crypto.randomUUID();
    } finally {
      setBusy(false);
    }
  };

  const toggleReason = (r: Reason) =>
    setReasons((prev) => {
      const next = new Set(prev);
      if (next.has(r)) next.delete(r);
      else next.add(r);
      return next;
    });

  const titleId = `${uid}-title`;
  const commentId = `${uid}-comment`;
  const problemsId = `${uid}-problems`;
  return (
    <div class="move-flyout-backdrop">
      <div
        ref={dialogRef}
        class="move-flyout merge-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-busy={busy ? 'true' : undefined}
        onKeyDown={onKeyDown}
      >
        <header class="move-flyout-header">
          <h2 id={titleId}>Merge incidents</h2>
        </header>
        <form class="move-flyout-body" onSubmit={merge} noValidate>
          {pickOther && (
            <div class="flyout-target">
              <IncidentCombobox<IncidentChoice>
                index={index}
                exclude={exclude}
                selected={other}
                onSelect={(i) => setOther(i)}
                disabled={busy}
                label="Other incident name or ID"
              />
              {other?.status === 'redirected' && other.redirectIncidentId && (
                <p class="muted">
                  Incident {other.id} was merged into incident {other.redirectIncidentId}: that one is merged
                  instead.
                </p>
              )}
            </div>
          )}
          <section aria-label="Incidents to merge">
            <ul class="merge-incidents">
              {incidents.map((i) => (
                <li key={i.id} data-incident-id={i.id}>
                  <strong>{i.displayName}</strong> ({i.id}) · {plural(i.alertCount, 'alert')} ·{' '}
                  {incidentStatusLabel(i.status)}
                  {choice?.survivor.id === i.id ? ' · survives' : ''}
                </li>
              ))}
              {missing.map((id) => (
                <li key={id}>Incident {id} does not exist (any more).</li>
              ))}
            </ul>
            {pickOther && incidents.length < 2 && (
              <p class="muted">Pick the other incident to merge this one with.</p>
            )}
            {choice && (
              <p class="merge-survivor">
                {choice.reason}{' '}
                {others.length === 1 ? 'The other incident' : `The other ${others.length} incidents`} will
                redirect to it: {plural(moving, 'alert')}
                {movingTags.length ? ` and the tags ${movingTags.map((t) => `“${t}”`).join(', ')}` : ''} move
                into it.
              </p>
            )}
          </section>
          {problems.length > 0 && (
            <div id={problemsId} role="alert" class="error">
              {problems.map((p) => (
                <p key={p}>{p}</p>
              ))}
            </div>
          )}
          <ReasonsPicker reasons={reasons} onToggle={toggleReason} disabled={busy} />
          <div class="flyout-comment">
            <label for={commentId}>Reason for merging</label>
            <textarea
              id={commentId}
              rows={4}
              required
              aria-required="true"
              aria-invalid={(tried && blank) || tooLong ? 'true' : undefined}
              placeholder="Why are these the same intrusion?"
              value={comment}
              disabled={busy}
              onInput={(e) => setComment(e.currentTarget.value)}
            />
            {tried && blank && <p class="error">Add a reason for merging.</p>}
            {tooLong && (
              <p class="error">
                The reason is {comment.length.toLocaleString('en')} characters long; the limit is{' '}
                {MAX_COMMENT.toLocaleString('en')}.
              </p>
            )}
          </div>
          {error && (
            <p role="alert" class="error">
              {error}
            </p>
          )}
          <footer class="move-flyout-footer">
            <div class="buttons">
              <button
                type="submit"
                class="primary"
                disabled={!enough || problems.length > 0 || busy}
                aria-describedby={problems.length ? problemsId : undefined}
              >
                {busy ? 'Merging…' : 'Merge'}
              </button>
              <button type="button" onClick={onClose} disabled={busy}>
                Cancel
              </button>
            </div>
          </footer>
        </form>
      </div>
    </div>
  );
}
