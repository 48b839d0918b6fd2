/** Words every view shares: Graph values made readable (humanize, correlation reasons) and counted nouns (plural). */
import type { CorrelationReason } from '@/lib/model';

type Reason = CorrelationReason;

/** Graph `correlationReason` values, as an analyst would say them, in the order the flyout lists them. */
export const REASON_LABELS: Record<Reason, string> = {
  sameAsset: 'Same asset',
  temporalProximity: 'Temporal proximity',
  sharedIndicators: 'Shared indicators',
  similarArtifacts: 'Similar artifacts',
  sameTargetedAsset: 'Same targeted asset',
  lateralMovementPath: 'Lateral movement path',
  similarTTPsOrBehavior: 'Similar TTPs or behavior',
  sameActor: 'Same actor',
  sameCampaign: 'Same campaign',
  sameThreatSource: 'Same threat source',
  repeatedAlertOccurrence: 'Repeated alert occurrence',
  eventSequence: 'Event sequence',
  // Graph's spelling of "causal".
  eventCasualSequence: 'Causal event sequence',
  timeFrame: 'Time frame',
  sameGeography: 'Same geography',
  sameNetworkSegment: 'Same network segment',
  networkProximity: 'Network proximity',
};

/**
 * Words for reasons that are not Graph members but may be stored on older entries (moves made before the
 * flyout offered only Graph's members, imported logs): shown in the log as they were meant, never sent.
 */
const LEGACY_REASON_LABELS: Record<string, string> = {
  lateralMovement: 'Lateral movement',
  similarDetection: 'Similar detection',
  similarAlert: 'Similar alert',
  similarIncident: 'Similar incident',
  sameEntity: 'Same entity',
  sameAlert: 'Same alert',
  attackerActivity: 'Attacker activity',
  repetitiveActivity: 'Repetitive activity',
  sameOrganizationWide: 'Same organization-wide activity',
  multiStageAttack: 'Multi-stage attack',
};

/** The reasons in the order the flyout lists them (the most common first). */
export const REASON_ORDER = Object.keys(REASON_LABELS) as Reason[];

/** "inProgress" → "In progress"; unknown future values are shown as they are (DESIGN §2). */
export function humanize(value: string): string {
  const words = value.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function reasonLabel(reason: string): string {
  if (Object.hasOwn(REASON_LABELS, reason)) return REASON_LABELS[reason as Reason];
  return Object.hasOwn(LEGACY_REASON_LABELS, reason) ? LEGACY_REASON_LABELS[reason]! : humanize(reason);
}

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
