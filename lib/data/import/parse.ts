/**
 * Import of incidents with their alerts: the body of Microsoft Graph
 * `GET /security/incidents?$expand=alerts` (one page, or several pages in one file), a bare list
 * of incidents, or our own export (which adds a top-level `activity` list and its format version).
 * https://learn.microsoft.com/graph/api/security-list-incidents
 *
 * `parseImport` validates everything and reports every problem with its JSON path; nothing is
 * written unless the whole file is valid (`writeImport`, in write.ts, upserts in one transaction).
 */

import { type ActivityEntry, activitySchema, type GraphIncident, incidentSchema } from '../../model';
import { EXPORT_FORMAT_KEY, EXPORT_FORMAT_VERSION } from '../export-format';
import { notJsonProblem } from './json-position';
import {
  describeIssue,
  formatPath,
  type IssueLike,
  isObject,
  MAX_NESTING,
  type Obj,
  type Path,
  Problems,
  tooDeep,
  valueAt,
  valueWords,
} from './problems';

export interface ParsedImport {
  /** Graph-shaped incidents, each with its nested alerts. */
  incidents: GraphIncident[];
  activity: ActivityEntry[];
  /** Things worth telling the user about a valid file (e.g. it is one page of a longer list). */
  notes?: string[];
}

export type ParseResult = { ok: true; data: ParsedImport } | { ok: false; problems: string[] };

const NOT_A_LIST =
  'The file is not a list of incidents. Expected the body of Microsoft Graph “GET /security/incidents?$expand=alerts” ({"value": [...]}), several such pages in a list, or a list of incidents';

const hasValue = (v: unknown): v is Obj => isObject(v) && 'value' in v;

/**
 * Why a page of our export in a format this build does not read is refused; undefined when it can be read
 * (our format version, or no version at all: a plain Graph body).
 */
function unreadableFormat(page: unknown): string | undefined {
  if (!isObject(page) || !(EXPORT_FORMAT_KEY in page)) return undefined;
  const found = page[EXPORT_FORMAT_KEY];
  if (found === EXPORT_FORMAT_VERSION) return undefined;
  if (typeof found === 'number' && Number.isInteger(found) && found > EXPORT_FORMAT_VERSION)
    return `The file is an Incident Mover export in format version ${found}, but this version of the extension reads format version ${EXPORT_FORMAT_VERSION}: update the extension to import it.`;
  return `The file says it is an Incident Mover export in format version ${typeof found === 'number' ? found : valueWords(found)}, which this version of the extension does not know: it reads format version ${EXPORT_FORMAT_VERSION}.`;
}

/** The id as the schema will read it (numbers become strings), or undefined if it is not one. */
const idOf = (v: unknown): string | undefined =>
  typeof v === 'string' && v ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

export function parseImport(text: string): ParseResult {
  const problems = new Problems();
  const fail = (): ParseResult => ({ ok: false, problems: problems.result() });
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // PowerShell writes a BOM
  if (!source.trim()) {
    problems.add([], 'The file is empty.');
    return fail();
  }
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (e) {
    problems.add([], notJsonProblem(source, e));
    return fail();
  }
  const deep = tooDeep(raw);
  if (deep) {
    const shown = deep.length > 12 ? `${formatPath(deep.slice(0, 8))}…` : formatPath(deep);
    problems.add(
      [],
      `${shown}: values are nested more than ${MAX_NESTING} levels deep here, which no Microsoft Graph record is; the file can't be imported as it is.`,
    );
    return fail();
  }

  // Where the incidents and the activity entries are.
  const incidentLists: { path: Path; items: unknown[] }[] = [];
  const activityLists: { path: Path; items: unknown[] }[] = [];
  const notes: string[] = [];
  let endsWithNextLink = false;
  const readPage = (page: Obj, path: Path) => {
    if (Array.isArray(page.value)) incidentLists.push({ path: [...path, 'value'], items: page.value });
    else problems.add([...path, 'value'], `should be a list of incidents, but is ${valueWords(page.value)}`);
    if (page.activity !== undefined) {
      if (Array.isArray(page.activity))
        activityLists.push({ path: [...path, 'activity'], items: page.activity });
      else
        problems.add(
          [...path, 'activity'],
          `should be a list of activity entries, but is ${valueWords(page.activity)}`,
        );
    }
    endsWithNextLink = typeof page['@odata.nextLink'] === 'string';
  };

  // A newer export may mean something else by the same fields: refuse it before reading any of them.
  const unreadable = unreadableFormat(raw);
  if (unreadable) {
    problems.add([], unreadable);
    return fail();
  }
  if (Array.isArray(raw)) {
    if (raw.length && hasValue(raw[0])) {
      raw.forEach((page, i) => {
        const unreadablePage = unreadableFormat(page);
        if (unreadablePage) problems.add([i], unreadablePage);
        else if (hasValue(page)) readPage(page, [i]);
        else
          problems.add([i], `should be a page of incidents ({"value": [...]}), but is ${valueWords(page)}`);
      });
    } else {
      incidentLists.push({ path: [], items: raw });
    }
  } else if (hasValue(raw)) {
    readPage(raw, []);
  } else if (isObject(raw) && isObject(raw.error)) {
    const { code, message } = raw.error;
    problems.add(
      [],
      `The file is a Microsoft Graph error response, not a list of incidents${typeof code === 'string' ? ` (${code}${typeof message === 'string' ? `: ${message.slice(0, 300)}` : ''})` : ''}.`,
    );
  } else if (isObject(raw) && 'id' in raw && ('displayName' in raw || 'alerts' in raw)) {
    // GET /security/incidents/{id}?$expand=alerts: one incident.
    incidentLists.push({ path: [], items: [raw] });
  } else {
    problems.add(
      [],
      `${NOT_A_LIST}; this file holds ${valueWords(raw)}${isObject(raw) ? ' without a "value" list' : ''}.`,
    );
  }
  if (problems.count) return fail();
  if (endsWithNextLink) {
    notes.push(
      'The file ends with an “@odata.nextLink”: it is one page of a longer list. Only the incidents in the file were imported.',
    );
  }

  const incidents: GraphIncident[] = [];
  const incidentAt = new Map<string, Path>();
  const alertAt = new Map<string, Path>();
  let withoutAlerts = 0;
  // A single incident body has paths relative to the file's root (e.g. `alerts[0].id`).
  const single = incidentLists.length === 1 && incidentLists[0]?.items[0] === raw;
  for (const list of incidentLists) {
    list.items.forEach((item, i) => {
      const path: Path = single ? [] : [...list.path, i];
      const parentId = isObject(item) ? idOf(item.id) : undefined;
      const parsed = incidentSchema.safeParse(item);
      if (!parsed.success) {
        for (const issue of parsed.error.issues as IssueLike[]) {
          const value = valueAt(item, issue.path);
          const [k0, k1, k2] = issue.path;
          const isAlertIncidentId =
            k0 === 'alerts' && typeof k1 === 'number' && k2 === 'incidentId' && issue.path.length === 3;
          if (isAlertIncidentId && value == null) {
            problems.add(
              [...path, ...issue.path],
              `is missing: every alert must name its incident${parentId ? ` (this one is listed under incident "${parentId}")` : ''}`,
            );
          } else if (issue.path.length === 0) {
            problems.add(path, `should be an incident (an object), but is ${valueWords(item)}`);
          } else {
            problems.add([...path, ...issue.path], describeIssue(issue, value));
          }
        }
      }
      // Checks across records, on the raw data so they run even where the schema failed.
      if (parentId !== undefined) {
        const first = incidentAt.get(parentId);
        if (first)
          problems.add(
            [...path, 'id'],
            `incident "${parentId}" is listed twice (first at ${formatPath(first)})`,
          );
        else incidentAt.set(parentId, path);
      }
      const alerts = isObject(item) ? item.alerts : undefined;
      if (alerts === undefined) withoutAlerts++;
      if (Array.isArray(alerts)) {
        alerts.forEach((alert, j) => {
          if (!isObject(alert)) return;
          const alertPath = [...path, 'alerts', j];
          const id = typeof alert.id === 'string' && alert.id ? alert.id : undefined;
          if (id !== undefined) {
            const first = alertAt.get(id);
            if (first)
              problems.add(
                [...alertPath, 'id'],
                `alert "${id}" is listed twice (first at ${formatPath(first)})`,
              );
            else alertAt.set(id, alertPath);
          }
          const own = idOf(alert.incidentId);
          if (own !== undefined && parentId !== undefined && own !== parentId) {
            problems.add(
              [...alertPath, 'incidentId'],
              `is "${own}", but the alert is listed under incident "${parentId}" (an alert belongs to exactly one incident)`,
            );
          }
        });
      }
      if (parsed.success) incidents.push(parsed.data as GraphIncident);
      // The validated copy is all we keep: let the raw one go, so a 200,000-alert file is not held twice.
      list.items[i] = undefined;
    });
  }

  const activity: ActivityEntry[] = [];
  const seqAt = new Map<number, Path>();
  for (const list of activityLists) {
    list.items.forEach((item, i) => {
      const path = [...list.path, i];
      const parsed = activitySchema.safeParse(item);
      if (!parsed.success) {
        for (const issue of parsed.error.issues as IssueLike[]) {
          if (issue.path.length === 0)
            problems.add(path, `should be an activity entry (an object), but is ${valueWords(item)}`);
          else problems.add([...path, ...issue.path], describeIssue(issue, valueAt(item, issue.path)));
        }
        return;
      }
      const { seq } = parsed.data;
      if (seq !== undefined) {
        const first = seqAt.get(seq);
        if (first)
          problems.add(
            [...path, 'seq'],
            `activity entry ${seq} is listed twice (first at ${formatPath(first)})`,
          );
        else seqAt.set(seq, path);
      }
      activity.push(parsed.data);
    });
  }

  if (problems.count) return fail();
  if (!incidents.length && !activity.length) {
    problems.add([], 'The file has no incidents: its list of incidents is empty.');
    return fail();
  }
  if (withoutAlerts && incidents.length) {
    notes.push(
      `${withoutAlerts === incidents.length ? 'The incidents' : `${withoutAlerts} of ${incidents.length} incidents`} came without their alerts: was the list fetched without “$expand=alerts”? Alerts already in the store were kept.`,
    );
  }
  return { ok: true, data: { incidents, activity, ...(notes.length ? { notes } : {}) } };
}
