/**
 * `Split incident <id>` (DESIGN §4, §7): the proposed groups of the incident's alerts (`Group 1` stays, each other
 * group becomes a new incident), which the analyst can change (move an alert to another group, merge a group into
 * the one above, add an empty group), a required `Comment`, and `Save` / `Cancel`. Save sends one request; the
 * background splits in one transaction, and the status after it offers one Undo for the whole split.
 */
import type { TargetedKeyboardEvent } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { ClientError, errorMessage, send } from '@/lib/messaging/client';
import { newMoveToken } from '@/lib/messaging/move-client';
import type { MoveResult } from '@/lib/messaging/protocol';
import type { Alert } from '@/lib/model';
import { MAX_COMMENT } from '@/lib/move/input';
import { splitProblem } from '@/lib/move/split';
import { proposeSplit } from '@/lib/suggest/split';
import { useDb } from '../hooks/db-context';
import { severityLabel } from '../labels/format';
import { plural } from '../labels/graph-words';
import { useFocusTrap } from '../move/use-focus-trap';
import '../styles/move-flyout.css';

export interface SplitDialogProps {
  incidentId: string;
  onClose(): void;
  onSplit(result: MoveResult): void;
}

type Proposal = { alerts: Map<string, Alert>; groups: string[][] };

export function SplitDialog({ incidentId, onClose, onSplit }: SplitDialogProps) {
  const db = useDb();
  const uid = useId();
  const [proposal, setProposal] = useState<Proposal | { error: string } | undefined>();
  const [groups, setGroups] = useState<string[][]>([]);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const token = useRef(newMoveToken());
  const seenVersions = useRef<Record<string, number>>({});

  useEffect(() => {
    let live = true;
    proposeSplit(db, incidentId)
      .then((p) => {
        if (!live) return;
        for (const a of p.alerts) seenVersions.current[a.id] = a.version;
        setProposal({ alerts: new Map(p.alerts.map((a) => [a.id, a])), groups: p.groups });
        setGroups(p.groups);
      })
      .catch((e: unknown) => live && setProposal({ error: errorMessage(e) }));
    return () => {
      live = false;
    };
  }, [db, incidentId]);

  const ready = proposal && 'groups' in proposal ? proposal : undefined;
  const alertCount = ready?.alerts.size ?? 0;
  const oneAlert = ready && alertCount < 2 ? splitProblem({ id: incidentId }, alertCount, groups) : undefined;

  const moveTo = (alertId: string, to: number) =>
    setGroups((gs) =>
      gs.map((g, k) =>
        k === to ? [...g.filter((x) => x !== alertId), alertId] : g.filter((x) => x !== alertId),
      ),
    );
  const mergeUp = (k: number) =>
    setGroups((gs) => gs.flatMap((g, j) => (j === k ? [] : j === k - 1 ? [[...g, ...gs[k]!]] : [g])));
  const addGroup = () => setGroups((gs) => [...gs, []]);

  const save = async (e?: Event) => {
    e?.preventDefault();
    if (busy || !ready) return;
    const problem = splitProblem({ id: incidentId }, alertCount, groups);
    if (problem) return setError(problem);
    if (!comment.trim()) return setError('Add a comment that says why the incident is split.');
    setBusy(true);
    setError(undefined);
    try {
      const result = await send({
        type: 'incident.split',
        input: { incidentId, groups, comment, expectedVersions: seenVersions.current, token: token.current },
      });
      onSplit(result);
    } catch (err) {
      setError(err instanceof ClientError ? err.message : errorMessage(err));
      setBusy(false);
    }
  };

  const dialogRef = useRef<HTMLDivElement>(null);
  const trapTab = useFocusTrap(dialogRef, () => dialogRef.current?.querySelector<HTMLElement>('textarea'));
  const onKeyDown = (e: TargetedKeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      if (!busy) onClose();
      return;
    }
    trapTab(e);
  };

  const title = `Split incident ${incidentId}`;
  return (
    <div class="move-flyout-backdrop">
      <div
        ref={dialogRef}
        class="move-flyout split-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${uid}-title`}
        aria-busy={busy ? 'true' : undefined}
        onKeyDown={onKeyDown}
      >
        <header class="move-flyout-header">
          <h2 id={`${uid}-title`}>{title}</h2>
          <p class="muted">
            Alerts are grouped by the rare devices, users and indicators they share. Group 1 stays in this
            incident; every other group becomes a new incident.
          </p>
        </header>
        <form class="move-flyout-body" onSubmit={save} noValidate>
          {!proposal && <p class="muted">Grouping the incident’s alerts…</p>}
          {proposal && 'error' in proposal && (
            <p role="alert" class="error">
              The alerts could not be read: {proposal.error}
            </p>
          )}
          {oneAlert && <p role="alert">{oneAlert}</p>}
          {ready &&
            groups.map((group, k) => (
              // biome-ignore lint/a11y/useSemanticElements: a fieldset would make every alert row a form control group
              <section key={k} role="group" aria-label={`Group ${k + 1}`} class="split-group">
                <h3>
                  Group {k + 1}{' '}
                  <span class="muted">
                    {k === 0 ? `stays in incident ${incidentId}` : 'becomes a new incident'} ·{' '}
                    {plural(group.length, 'alert')}
                  </span>
                </h3>
                {group.length === 0 && (
                  <p class="muted">No alerts yet: move alerts here with their group selector.</p>
                )}
                <ul class="split-alerts">
                  {group.map((id) => {
                    const a = ready.alerts.get(id);
                    return (
                      <li key={id} data-alert-id={id}>
                        <span class="split-alert-title">{a?.title ?? id}</span>{' '}
                        <span class={`sev sev-${a?.severity}`}>{severityLabel(a?.severity)}</span>{' '}
                        <label>
                          <span class="visually-hidden">Group for {a?.title ?? id}</span>
                          <select
                            value={String(k)}
                            disabled={busy}
                            onChange={(e) => moveTo(id, Number((e.target as HTMLSelectElement).value))}
                          >
                            {groups.map((_, j) => (
                              <option key={j} value={String(j)}>
                                Group {j + 1}
                              </option>
                            ))}
                          </select>
                        </label>
                      </li>
                    );
                  })}
                </ul>
                {k > 0 && (
                  <button type="button" disabled={busy} onClick={() => mergeUp(k)}>
                    Merge Group {k + 1} into Group {k}
                  </button>
                )}
              </section>
            ))}
          {ready && alertCount > 1 && (
            <div>
              <button type="button" disabled={busy} onClick={addGroup}>
                Add group
              </button>
            </div>
          )}
          <label class="field">
            Comment
            <textarea
              value={comment}
              maxLength={MAX_COMMENT}
              rows={3}
              disabled={busy}
              aria-required="true"
              onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)}
            />
          </label>
          {error && (
            <p role="alert" class="error">
              {error}
            </p>
          )}
          <div class="move-flyout-footer">
            <button type="submit" class="primary" disabled={busy || !ready || !!oneAlert}>
              {busy ? 'Saving…' : 'Save'}
            </button>
            <button type="button" disabled={busy} onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
