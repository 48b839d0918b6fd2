/**
 * What Save will do, in sentences, before Save: where the alerts go and the resulting severity, a redirect,
 * alerts already there, incidents left empty (resolved), and why Save is refused. Props only.
 */
import type { JSX } from 'preact';
import type { MoveTarget } from '@/lib/messaging/protocol';
import type { IncidentChoice, ResolvedTarget } from '@/lib/move/flyout-reader';
import type { MovePreview } from '@/lib/move/preview';
import { redirectNote } from '@/lib/move/redirects';
import { humanize, plural } from '../labels/graph-words';

export interface SavePreviewProps {
  /** The section's id (Save is described by it). */
  id: string;
  kind: MoveTarget['kind'];
  /** Undefined until the selection and the chosen incident are read. */
  preview: MovePreview | undefined;
  resolved: ResolvedTarget | undefined;
  chosen: Pick<IncidentChoice, 'displayName'> | undefined;
  /** How many of the selected alerts can be moved. */
  selectedCount: number;
}

export function SavePreview({ id, kind, preview, resolved, chosen, selectedCount }: SavePreviewProps) {
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
