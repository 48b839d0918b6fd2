/** Words every view shares: Graph values made readable (humanize, correlation reasons) and counted nouns (plural). */
import type { CORRELATION_REASONS } from '@/lib/model';

type Reason = (typeof CORRELATION_REASONS)[number];

/** Graph `correlationReason` values, as an analyst would say them. */
export const REASON_LABELS: Record<Reason, string> = {
  sameAsset: 'Same asset',
  temporalProximity: 'Temporal proximity',
  similarArtifacts: 'Similar artifacts',
  sameEntity: 'Same entity',
  similarDetection: 'Similar detection',
  similarAlert: 'Similar alert',
  sameAlert: 'Same alert',
  similarIncident: 'Similar incident',
  lateralMovement: 'Lateral movement',
  attackerActivity: 'Attacker activity',
  multiStageAttack: 'Multi-stage attack',
  sameCampaign: 'Same campaign',
  repetitiveActivity: 'Repetitive activity',
  sameOrganizationWide: 'Same organization-wide activity',
};

/** The reasons in the order the flyout lists them (the most common first). */
export const REASON_ORDER = Object.keys(REASON_LABELS) as Reason[];

/** "inProgress" → "In progress"; unknown future values are shown as they are (DESIGN §2). */
export function humanize(value: string): string {
  const words = value.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function reasonLabel(reason: string): string {
  return (REASON_LABELS as Record<string, string>)[reason] ?? humanize(reason);
}

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
