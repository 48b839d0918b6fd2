/**
 * The words for statuses and severities, and times as the analyst reads them: the few labels the popup needs,
 * apart from format.ts (which also names categories through lib/move), so the popup loads little.
 */
import { humanize } from './graph-words';

const INCIDENT_STATUS: Record<string, string> = {
  active: 'Active',
  inProgress: 'In progress',
  awaitingAction: 'Awaiting action',
  resolved: 'Resolved',
  redirected: 'Redirected',
};
const ALERT_STATUS: Record<string, string> = {
  new: 'New',
  inProgress: 'In progress',
  resolved: 'Resolved',
  unknown: 'Unknown',
};
const SEVERITY: Record<string, string> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  informational: 'Informational',
  unknown: 'Unknown',
};

/** A known value's word, else the value made readable (or as it is); empty when absent. */
export const lookup = (table: Record<string, string>, value: string | null | undefined, humane = true) =>
  value ? (Object.hasOwn(table, value) ? table[value]! : humane ? humanize(value) : value) : '';

export const incidentStatusLabel = (s: string | null | undefined) => lookup(INCIDENT_STATUS, s);
export const alertStatusLabel = (s: string | null | undefined) => lookup(ALERT_STATUS, s);
export const severityLabel = (s: string | null | undefined) => lookup(SEVERITY, s);

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A date and time as the analyst reads them; empty when absent, the raw text when unreadable. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dateTime.format(t);
}
