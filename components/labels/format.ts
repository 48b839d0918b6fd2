/**
 * Words for the queues' values and filters. Graph values we don't know are shown as they are (DESIGN §2).
 * The words shared with the flyout (humanize, plural, reasons) are in graph-words.ts.
 */
import { categoryLabel } from '@/lib/move/naming';
import { type TimeRange, UNASSIGNED } from '@/lib/store/queue/filters';
import { lookup } from './values';

export { alertStatusLabel, formatTime, incidentStatusLabel, severityLabel } from './values';

const SERVICE_SOURCE: Record<string, string> = {
  microsoftDefenderForEndpoint: 'Microsoft Defender for Endpoint',
  microsoftDefenderForIdentity: 'Microsoft Defender for Identity',
  microsoftDefenderForCloudApps: 'Microsoft Defender for Cloud Apps',
  microsoftDefenderForOffice365: 'Microsoft Defender for Office 365',
  microsoft365Defender: 'Microsoft Defender XDR',
  azureAdIdentityProtection: 'Microsoft Entra ID Protection',
  microsoftAppGovernance: 'App governance',
  dataLossPrevention: 'Microsoft Data Loss Prevention',
  microsoftDefenderForCloud: 'Microsoft Defender for Cloud',
  microsoftSentinel: 'Microsoft Sentinel',
  microsoftInsiderRiskManagement: 'Microsoft Insider Risk Management',
  unknown: 'Unknown',
};
/** Common Graph `detectionSource` values, offered in the filter even before data has them. */
export const DETECTION_SOURCES = [
  'antivirus',
  'microsoftDefenderForEndpoint',
  'customDetection',
  'automatedInvestigation',
  'smartScreen',
  'customTi',
  'microsoftDefenderForOffice365',
  'microsoftDefenderForIdentity',
  'cloudAppSecurity',
  'microsoft365Defender',
  'azureAdIdentityProtection',
  'microsoftDataLossPrevention',
  'microsoftThreatExperts',
  'manual',
  'microsoftSentinel',
  'scheduledAlerts',
  'nrtAlerts',
] as const;
const DETECTION_SOURCE: Record<string, string> = {
  ...SERVICE_SOURCE,
  customTi: 'Custom threat intelligence',
  smartScreen: 'SmartScreen',
  cloudAppSecurity: 'Cloud App Security',
  nrtAlerts: 'Near-real-time rules',
  microsoftDataLossPrevention: 'Microsoft Data Loss Prevention',
};

const ACTIVITY: Record<string, string> = {
  alertCorrelated: 'Alert correlated',
  alertMovedOut: 'Alert moved out',
  incidentResolvedEmpty: 'Incident resolved (no alerts left)',
  incidentReopened: 'Incident reopened',
  incidentCreated: 'Incident created',
  moveUndone: 'Move undone',
  syncRollback: 'Sync rolled back',
  imported: 'Imported',
  incidentsMerged: 'Incidents merged',
  mergedInto: 'Merged into another incident',
  mergeUndone: 'Merge undone',
};

export const serviceSourceLabel = (s: string | null | undefined) => lookup(SERVICE_SOURCE, s);
export const detectionSourceLabel = (s: string | null | undefined) => lookup(DETECTION_SOURCE, s);
export const activityLabel = (s: string) => lookup(ACTIVITY, s);
export const categoryName = (s: string | null | undefined) => (s ? categoryLabel(s) : '');
export const assigneeLabel = (s: string | null | undefined) => (s && s !== UNASSIGNED ? s : 'Unassigned');

export const TIME_RANGE_LABELS: Record<TimeRange, string> = {
  '1d': '1 day',
  '3d': '3 days',
  '7d': '1 week',
  '30d': '30 days',
  '6m': '6 months',
  custom: 'Custom range',
};
/** The time range as part of a sentence ("Last week"). */
export const TIME_RANGE_PHRASES: Record<Exclude<TimeRange, 'custom'>, string> = {
  '1d': 'Last day',
  '3d': 'Last 3 days',
  '7d': 'Last week',
  '30d': 'Last 30 days',
  '6m': 'Last 6 months',
};

const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDay(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(t) ? day : dateOnly.format(t);
}

/** Up to `max` values joined, then "+N". */
export function shortList(values: readonly string[], max = 2): string {
  if (values.length <= max) return values.join(', ');
  return `${values.slice(0, max).join(', ')} +${values.length - max}`;
}
