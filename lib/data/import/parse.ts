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

import type { ActivityEntry, GraphAlert, GraphIncident } from '../../model';
import { EXPORT_FORMAT_KEY, EXPORT_FORMAT_VERSION } from '../export-format';
import { notJsonProblem } from './json-position';
import {
  formatPath,
  isObject,
  MAX_NESTING,
  type Obj,
  type Path,
  Problems,
  tooDeep,
  valueWords,
} from './problems';
import { RecordReader, recordNotes } from './records';
import { fieldWords, kindOf } from './shapes';

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
export function unreadableFormat(page: unknown): string | undefined {
  if (!isObject(page) || !(EXPORT_FORMAT_KEY in page)) return undefined;
  const found = page[EXPORT_FORMAT_KEY];
  if (found === EXPORT_FORMAT_VERSION) return undefined;
  if (typeof found === 'number' && Number.isInteger(found) && found > EXPORT_FORMAT_VERSION)
    return `The file is an Incident Mover export in format version ${found}, but this version of the extension reads format version ${EXPORT_FORMAT_VERSION}: update the extension to import it.`;
  return `The file says it is an Incident Mover export in format version ${typeof found === 'number' ? found : valueWords(found)}, which this version of the extension does not know: it reads format version ${EXPORT_FORMAT_VERSION}.`;
}

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
  const activity: ActivityEntry[] = [];
  const reader = new RecordReader(problems, {
    incident: (i) => incidents.push(i),
    alert: (a) => looseAlerts.push(a),
    activity: (e) => activity.push(e),
  });
  // A single record has paths relative to the file's root (e.g. `alerts[0].id`).
  const single = incidentLists.length === 1 && incidentLists[0]?.items[0] === raw;
  for (const list of incidentLists) reader.list(list.path, list.items, single);

  // Alerts listed on their own whose incident the file also lists go in it (the file's own grouping).
  const fileIncident = new Map(incidents.map((i) => [i.id, i]));
  const alerts: GraphAlert[] = [];
  for (const alert of looseAlerts) {
    const parent = fileIncident.get(alert.incidentId);
    if (parent) parent.alerts = [...(parent.alerts ?? []), alert];
    else alerts.push(alert);
  }

  for (const list of activityLists)
    list.items.forEach((item, i) => {
      reader.activity(item, [...list.path, i]);
    });
  const { disagreeing, withoutAlerts } = reader;

  if (problems.count) return fail();
  if (!incidents.length && !alerts.length && !activity.length) {
    problems.add([], 'The file has no incidents: its list of incidents is empty.');
    return fail();
  }
  notes.push(
    ...recordNotes({
      disagreeing,
      looseAlerts: alerts.length,
      looseIncidentIds: new Set(alerts.map((a) => a.incidentId)),
      withoutAlerts,
      incidents: incidents.length,
    }),
  );
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
