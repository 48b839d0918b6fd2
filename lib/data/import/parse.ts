/**
 * Import of incidents with their alerts: the body of Microsoft Graph
 * `GET /security/incidents?$expand=alerts` (one page, or several pages in one file), a bare list
 * of incidents, or our own export (which adds a top-level `activity` list and its format version).
 * https://learn.microsoft.com/graph/api/security-list-incidents
 * Also alerts on their own: the body of `GET /security/alerts_v2` (alerts, each naming its `incidentId`; they
 * are put in their incidents when written) and single records (`GET /security/incidents/{id}`,
 * `GET /security/alerts_v2/{id}`), in today's shape or the older documented ones (./shapes.ts).
 *
 * `parseImport` validates everything and reports every problem with its JSON path; nothing is
 * written unless the whole file is valid (`writeImport`, in write.ts, upserts in one transaction).
 */

import {
  type ActivityEntry,
  activitySchema,
  alertSchema,
  type GraphAlert,
  type GraphIncident,
  incidentSchema,
} from '../../model';
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
import {
  fieldWords,
  kindOf,
  neitherWords,
  normalizeAlert,
  normalizeIncident,
  type RecordKind,
} from './shapes';

export interface ParsedImport {
  /** Graph-shaped incidents, each with its nested alerts. */
  incidents: GraphIncident[];
  /**
   * Alerts the file lists on their own (an alerts_v2 body, a single alert) whose incident is not in the file:
   * written into their incidents, or into a placeholder the next incidents import or sync fills in.
   */
  alerts?: GraphAlert[];
  activity: ActivityEntry[];
  /** Things worth telling the user about a valid file (e.g. it is one page of a longer list). */
  notes?: string[];
}

export type ParseResult = { ok: true; data: ParsedImport } | { ok: false; problems: string[] };

const NOT_A_LIST =
  'The file is not a list of incidents or alerts. Expected the body of Microsoft Graph “GET /security/incidents?$expand=alerts” or “GET /security/alerts_v2” ({"value": [...]}), several such pages in a list, a list of incidents or alerts, or one incident or alert (“GET /security/incidents/{id}”, “GET /security/alerts_v2/{id}”)';

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
    else
      problems.add(
        [...path, 'value'],
        `should be a list of incidents or alerts, but is ${valueWords(page.value)}`,
      );
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
  } else if (isObject(raw) && 'id' in raw && kindOf(raw)) {
    // GET /security/incidents/{id}(?$expand=alerts) or GET /security/alerts_v2/{id}: one record.
    incidentLists.push({ path: [], items: [raw] });
  } else {
    problems.add(
      [],
      `${NOT_A_LIST}; this file holds ${valueWords(raw)}${isObject(raw) ? ` with ${fieldWords(raw)} and no "value" list` : ''}.`,
    );
  }
  if (problems.count) return fail();
  if (endsWithNextLink) {
    notes.push(
      'The file ends with an “@odata.nextLink”: it is one page of a longer list. Only the incidents in the file were imported.',
    );
  }

  const incidents: GraphIncident[] = [];
  const looseAlerts: GraphAlert[] = [];
  const incidentAt = new Map<string, Path>();
  const alertAt = new Map<string, Path>();
  /** Nested alerts whose own incidentId names another incident than the one they are listed under. */
  const disagreeing: string[] = [];
  let withoutAlerts = 0;
  // A single record has paths relative to the file's root (e.g. `alerts[0].id`).
  const single = incidentLists.length === 1 && incidentLists[0]?.items[0] === raw;

  const checkAlertId = (alert: unknown, alertPath: Path) => {
    if (!isObject(alert)) return;
    const id = typeof alert.id === 'string' && alert.id ? alert.id : undefined;
    if (id === undefined) return;
    const first = alertAt.get(id);
    if (first)
      problems.add([...alertPath, 'id'], `alert "${id}" is listed twice (first at ${formatPath(first)})`);
    else alertAt.set(id, alertPath);
  };

  /** An alert listed on its own (an alerts_v2 body, a single alert). */
  const readAlert = (item: unknown, path: Path) => {
    const parsed = alertSchema.safeParse(normalizeAlert(item));
    if (!parsed.success) {
      for (const issue of parsed.error.issues as IssueLike[]) {
        const value = valueAt(item, issue.path);
        if (issue.path.length === 1 && issue.path[0] === 'incidentId' && value == null)
          problems.add(
            [...path, 'incidentId'],
            'is missing: an alert listed on its own must name its incident, so it can be put in it',
          );
        else problems.add([...path, ...issue.path], describeIssue(issue, value));
      }
    }
    checkAlertId(item, path);
    if (parsed.success) looseAlerts.push(parsed.data as GraphAlert);
  };

  const readIncident = (item: unknown, path: Path, listHasAlerts: boolean) => {
    const parentId = isObject(item) ? idOf(item.id) : undefined;
    const parsed = incidentSchema.safeParse(normalizeIncident(item));
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
          problems.add(
            path,
            `should be an incident${listHasAlerts ? ' or an alert' : ''} (an object), but is ${valueWords(item)}`,
          );
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
        checkAlertId(alert, alertPath);
        const own = idOf(alert.incidentId);
        if (own !== undefined && parentId !== undefined && own !== parentId) {
          // The list is Graph's answer to "this incident's alerts": where it lists an alert is where the alert
          // is (Microsoft's own "List incidents" example nests an alert naming incident 28282 under 2972395).
          disagreeing.push(`${formatPath([...alertPath, 'incidentId'])} is "${own}"`);
        }
      });
    }
    if (parsed.success) {
      const data = parsed.data as GraphIncident;
      if (data.alerts?.some((a) => a.incidentId !== data.id))
        data.alerts = data.alerts.map((a) => (a.incidentId === data.id ? a : { ...a, incidentId: data.id }));
      incidents.push(data);
    }
  };

  for (const list of incidentLists) {
    const kinds = list.items.map(kindOf);
    const listHasAlerts = kinds.includes('alert');
    // An object that is neither: read as what the list holds (its problems then name the missing fields),
    // or, in a list of nothing recognisable, said in one sentence with what was expected.
    const fallback: RecordKind | undefined = listHasAlerts
      ? kinds.includes('incident')
        ? undefined
        : 'alert'
      : kinds.includes('incident')
        ? 'incident'
        : undefined;
    list.items.forEach((item, i) => {
      const path: Path = single ? [] : [...list.path, i];
      const kind = kinds[i] ?? (isObject(item) ? fallback : 'incident');
      if (kind === 'alert') readAlert(item, path);
      else if (kind === 'incident') readIncident(item, path, listHasAlerts);
      else problems.add(path, neitherWords(item as Obj));
      // The validated copy is all we keep: let the raw one go, so a 200,000-alert file is not held twice.
      list.items[i] = undefined;
    });
  }

  // Alerts listed on their own whose incident the file also lists go in it (the file's own grouping).
  const fileIncident = new Map(incidents.map((i) => [i.id, i]));
  const alerts: GraphAlert[] = [];
  for (const alert of looseAlerts) {
    const parent = fileIncident.get(alert.incidentId);
    if (parent) parent.alerts = [...(parent.alerts ?? []), alert];
    else alerts.push(alert);
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
  if (!incidents.length && !alerts.length && !activity.length) {
    problems.add([], 'The file has no incidents: its list of incidents is empty.');
    return fail();
  }
  if (disagreeing.length) {
    notes.push(
      `${disagreeing.length === 1 ? 'An alert names' : `${disagreeing.length.toLocaleString('en')} alerts name`} another incident than the one ${disagreeing.length === 1 ? 'it is' : 'they are'} listed under (${disagreeing.slice(0, 3).join('; ')}${disagreeing.length > 3 ? '; …' : ''}): ${disagreeing.length === 1 ? 'it was' : 'they were'} put in the incident the file lists ${disagreeing.length === 1 ? 'it' : 'them'} under.`,
    );
  }
  if (alerts.length) {
    const ids = new Set(alerts.map((a) => a.incidentId));
    notes.push(
      `${alerts.length === 1 ? 'The alert was' : `The ${alerts.length.toLocaleString('en')} alerts were`} listed without ${ids.size === 1 ? 'its incident' : 'their incidents'}: ${alerts.length === 1 ? 'it goes' : 'they go'} into ${ids.size === 1 ? `incident ${[...ids][0]}` : `${ids.size.toLocaleString('en')} incidents`} by ${alerts.length === 1 ? 'its' : 'their'} incidentId; an incident not in the store yet is kept as a placeholder until an import of incidents or a sync brings it.`,
    );
  }
  if (withoutAlerts && incidents.length) {
    notes.push(
      `${withoutAlerts === incidents.length ? 'The incidents' : `${withoutAlerts} of ${incidents.length} incidents`} came without their alerts: was the list fetched without “$expand=alerts”? Alerts already in the store were kept.`,
    );
  }
  return {
    ok: true,
    data: {
      incidents,
      ...(alerts.length ? { alerts } : {}),
      activity,
      ...(notes.length ? { notes } : {}),
    },
  };
}
