/**
 * The shapes of Graph records a file may hold, read before validation: which records are incidents and which
 * are alerts (a `GET /security/alerts_v2` body lists alerts, not incidents), and the older documented forms of
 * the same fields brought to today's, so that exports made by older tools and scripts import as they are:
 * - enum values in PascalCase (`Active`, `Medium`, `TruePositive`, as the docs' own "Get incident" example);
 * - `tags` where today's incidents say `customTags`;
 * - an alert's `categories` (a list) where alerts_v2 says `category`.
 * `classification`/`determination` null and a missing `@odata.type` need nothing: the schemas allow them.
 */
import { isObject, type Obj } from './problems';

export type RecordKind = 'incident' | 'alert';

/**
 * What a record is: its `@odata.type` when it says (`#microsoft.graph.security.alert`,
 * `#microsoft.graph.security.incident`, or the docs' `#microsoft.graph.incident`), else its fields: an incident
 * has a `displayName` (or `alerts`), an alert a `title` or an `incidentId`. Undefined when it is neither.
 */
export function kindOf(value: unknown): RecordKind | undefined {
  if (!isObject(value)) return undefined;
  const type = value['@odata.type'];
  if (typeof type === 'string') {
    if (/\.alert$/i.test(type)) return 'alert';
    if (/\.incident$/i.test(type)) return 'incident';
  }
  if ('displayName' in value || 'alerts' in value) return 'incident';
  if ('title' in value || 'incidentId' in value) return 'alert';
  return undefined;
}

/** Enum-valued fields of each kind, whose older PascalCase values are brought to Graph's camelCase. */
const ENUM_FIELDS: Record<RecordKind, readonly string[]> = {
  incident: ['status', 'severity', 'classification', 'determination'],
  alert: ['status', 'severity', 'classification', 'determination', 'serviceSource', 'detectionSource'],
};

/** `InProgress` → `inProgress`; other values (camelCase already, or not an identifier) as they are. */
const camel = (v: unknown): unknown =>
  typeof v === 'string' && /^[A-Z][A-Za-z0-9]*$/.test(v) && /[a-z]/.test(v)
    ? v.charAt(0).toLowerCase() + v.slice(1)
    : v;

const isTextList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** A copy of an alert in today's field forms (the same object when nothing needed changing). */
export function normalizeAlert(alert: unknown): unknown {
  if (!isObject(alert)) return alert;
  const out: Obj = { ...alert };
  for (const f of ENUM_FIELDS.alert) if (f in out) out[f] = camel(out[f]);
  if (out.category == null && isTextList(out.categories) && out.categories.length)
    out.category = out.categories[0];
  return out;
}

/** A copy of an incident (and its alerts) in today's field forms. */
export function normalizeIncident(incident: unknown): unknown {
  if (!isObject(incident)) return incident;
  const out: Obj = { ...incident };
  for (const f of ENUM_FIELDS.incident) if (f in out) out[f] = camel(out[f]);
  if (out.customTags == null && isTextList(out.tags)) out.customTags = [...out.tags];
  if (Array.isArray(out.alerts)) out.alerts = out.alerts.map(normalizeAlert);
  return out;
}

/** `the fields "a", "b" and 3 more`: what an unrecognised object holds, for a sentence. */
export function fieldWords(value: Obj): string {
  const keys = Object.keys(value);
  if (!keys.length) return 'no fields at all';
  const shown = keys.slice(0, 6).map((k) => JSON.stringify(k));
  return `the field${keys.length === 1 ? '' : 's'} ${shown.join(', ')}${keys.length > 6 ? ` and ${keys.length - 6} more` : ''}`;
}

/** Why an object that is neither an incident nor an alert was not imported, and what was expected. */
export function neitherWords(value: Obj): string {
  return `is neither an incident nor an alert: it has ${fieldWords(value)}, where an incident has "id", "displayName" and "createdDateTime" (Microsoft Graph “GET /security/incidents”) and an alert has "id", "incidentId", "title" and "createdDateTime" (“GET /security/alerts_v2”)`;
}
