/**
 * What a move will do, computed before Save so the flyout can warn (an incident left empty is resolved,
 * alerts already in the target are skipped, the new incident's name, missing permissions).
 * Pure. The helpers here are the ones `moveAlerts` uses, so the preview and the move cannot disagree.
 */
import { type Alert, highestSeverity, type Incident, type Profile } from '../model';
import { movePermissionProblems } from '../model/permissions';
import { autoIncidentName } from './naming';

export type PreviewAlert = Pick<
  Alert,
  'id' | 'title' | 'incidentId' | 'severity' | 'scope' | 'category' | 'serviceSource' | 'evidence'
>;

/** Alerts already in the target stay where they are and are reported; the rest move. */
export function splitSkipped<A extends Pick<Alert, 'id' | 'incidentId'>>(
  alerts: readonly A[],
  targetIncidentId: string | undefined,
): { moving: A[]; skipped: A[] } {
  const moving: A[] = [];
  const skipped: A[] = [];
  for (const a of alerts) (a.incidentId === targetIncidentId ? skipped : moving).push(a);
  return { moving, skipped };
}

/** The sentence for a move whose alerts are all already in the target (a validation error, not a no-op). */
export function alreadyInTargetMessage(count: number, target: Pick<Incident, 'id' | 'displayName'>): string {
  const what = count === 1 ? 'The selected alert is' : `All ${count} selected alerts are`;
  return `${what} already in incident ${target.id} "${target.displayName}".`;
}

/** Source incidents, in first-seen order, with how many of their alerts move. */
export function movingCountBySource(moving: readonly Pick<Alert, 'incidentId'>[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of moving) counts.set(a.incidentId, (counts.get(a.incidentId) ?? 0) + 1);
  return counts;
}

/** Sources that have no alerts left after the move (they get resolved). `alertCountOf`: alerts they hold now. */
export function emptiedSourceIds(
  moving: readonly Pick<Alert, 'incidentId'>[],
  alertCountOf: (incidentId: string) => number,
): string[] {
  const out: string[] = [];
  for (const [id, n] of movingCountBySource(moving)) if (alertCountOf(id) <= n) out.push(id);
  return out;
}

export type PreviewTarget =
  | { kind: 'new' }
  | {
      kind: 'existing';
      incident: Pick<Incident, 'id' | 'displayName' | 'scopes'>;
      /** Severities of the alerts it holds now. */
      alertSeverities: readonly string[];
    };

export interface MovePreviewInput {
  alerts: readonly PreviewAlert[];
  /** The selected alerts' incidents with how many alerts each holds now (the stored `alertCount` will do). */
  sources: readonly Pick<Incident, 'id' | 'displayName' | 'alertCount'>[];
  profile: Profile;
  target: PreviewTarget;
}

export interface MovePreview {
  destinationName: string;
  resultingSeverity: string;
  emptiedIncidents: { id: string; displayName: string }[];
  movingAlertIds: string[];
  skippedAlertIds: string[];
  permissionProblems: string[];
  /** Other reasons Save would be refused (no alert selected, all already in the target). */
  problems: string[];
}

export function previewMove({ alerts, sources, profile, target }: MovePreviewInput): MovePreview {
  const existing = target.kind === 'existing' ? target.incident : undefined;
  const { moving, skipped } = splitSkipped(alerts, existing?.id);
  const sourceById = new Map(sources.map((s) => [s.id, s]));
  // A source the caller did not describe is not claimed to be emptied.
  const emptied = emptiedSourceIds(
    moving,
    (id) => sourceById.get(id)?.alertCount ?? Number.POSITIVE_INFINITY,
  );
  const problems: string[] = [];
  if (alerts.length === 0) problems.push('Select at least one alert to move.');
  else if (existing && moving.length === 0) problems.push(alreadyInTargetMessage(alerts.length, existing));
  const movingSeverities = moving.map((a) => a.severity);
  return {
    destinationName: existing ? existing.displayName : autoIncidentName(moving),
    resultingSeverity: highestSeverity(
      target.kind === 'existing' ? [...target.alertSeverities, ...movingSeverities] : movingSeverities,
    ),
    emptiedIncidents: emptied.map((id) => ({ id, displayName: sourceById.get(id)?.displayName ?? id })),
    movingAlertIds: moving.map((a) => a.id),
    skippedAlertIds: skipped.map((a) => a.id),
    permissionProblems: movePermissionProblems(profile, alerts, existing),
    problems,
  };
}
