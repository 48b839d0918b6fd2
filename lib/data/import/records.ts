/**
 * Reading the records of an import one by one: each incident, alert and activity entry is validated against
 * the schema (with the older shapes brought to today's), every problem is added with its JSON path, and what
 * is valid goes to a sink. Checks across records (an id listed twice, a nested alert naming another incident)
 * keep only ids and short paths, so a file can be read as a stream (./stream.ts) as well as whole (./parse.ts).
 */
import {
  type ActivityEntry,
  activitySchema,
  alertSchema,
  type GraphAlert,
  type GraphIncident,
  incidentSchema,
} from '../../model';
import {
  describeIssue,
  formatPath,
  type IssueLike,
  isObject,
  type Obj,
  type Path,
  type Problems,
  valueAt,
  valueWords,
} from './problems';
import { kindOf, neitherWords, normalizeAlert, normalizeIncident, type RecordKind } from './shapes';

export interface RecordSink {
  incident(incident: GraphIncident): void;
  /** An alert listed on its own (an alerts_v2 body, a single alert). */
  alert(alert: GraphAlert): void;
  activity(entry: ActivityEntry): void;
}

/** The id as the schema will read it (numbers become strings), or undefined if it is not one. */
const idOf = (v: unknown): string | undefined =>
  typeof v === 'string' && v ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/** Items of a streamed list whose kind depends on the rest of the list, kept until it ends (at most this many). */
const MAX_UNDECIDED = 10_000;

export class RecordReader {
  private readonly incidentAt = new Map<string, string>();
  private readonly alertAt = new Map<string, string>();
  private readonly seqAt = new Map<number, string>();
  /** Nested alerts whose own incidentId names another incident than the one they are listed under. */
  readonly disagreeing = { count: 0, first: [] as string[] };
  withoutAlerts = 0;
  /** Valid incidents read so far. */
  incidents = 0;
  private streamed?: {
    path: Path;
    hasAlerts: boolean;
    hasIncidents: boolean;
    undecided: { item: unknown; index: number }[];
  };

  constructor(
    readonly problems: Problems,
    private readonly sink: RecordSink,
  ) {}

  /** The ids of the incidents read, valid or not (to tell loose alerts of the file's incidents from others). */
  hasIncident(id: string): boolean {
    return this.incidentAt.has(id);
  }

  private checkAlertId(alert: unknown, alertPath: Path) {
    if (!isObject(alert)) return;
    const id = typeof alert.id === 'string' && alert.id ? alert.id : undefined;
    if (id === undefined) return;
    const first = this.alertAt.get(id);
    if (first) this.problems.add([...alertPath, 'id'], `alert "${id}" is listed twice (first at ${first})`);
    else this.alertAt.set(id, formatPath(alertPath));
  }

  /** An alert listed on its own (an alerts_v2 body, a single alert). */
  alert(item: unknown, path: Path) {
    const parsed = alertSchema.safeParse(normalizeAlert(item));
    if (!parsed.success) {
      for (const issue of parsed.error.issues as IssueLike[]) {
        const value = valueAt(item, issue.path);
        if (issue.path.length === 1 && issue.path[0] === 'incidentId' && value == null)
          this.problems.add(
            [...path, 'incidentId'],
            'is missing: an alert listed on its own must name its incident, so it can be put in it',
          );
        else this.problems.add([...path, ...issue.path], describeIssue(issue, value));
      }
    }
    this.checkAlertId(item, path);
    if (parsed.success) this.sink.alert(parsed.data as GraphAlert);
  }

  incident(item: unknown, path: Path, listHasAlerts: boolean) {
    const problems = this.problems;
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
      const first = this.incidentAt.get(parentId);
      if (first) problems.add([...path, 'id'], `incident "${parentId}" is listed twice (first at ${first})`);
      else this.incidentAt.set(parentId, formatPath(path));
    }
    const alerts = isObject(item) ? item.alerts : undefined;
    if (alerts === undefined) this.withoutAlerts++;
    if (Array.isArray(alerts)) {
      alerts.forEach((alert, j) => {
        if (!isObject(alert)) return;
        const alertPath = [...path, 'alerts', j];
        this.checkAlertId(alert, alertPath);
        const own = idOf(alert.incidentId);
        if (own !== undefined && parentId !== undefined && own !== parentId) {
          // The list is Graph's answer to "this incident's alerts": where it lists an alert is where the alert
          // is (Microsoft's own "List incidents" example nests an alert naming incident 28282 under 2972395).
          this.disagreeing.count++;
          if (this.disagreeing.first.length < 3)
            this.disagreeing.first.push(`${formatPath([...alertPath, 'incidentId'])} is "${own}"`);
        }
      });
    }
    if (parsed.success) {
      const data = parsed.data as GraphIncident;
      if (data.alerts?.some((a) => a.incidentId !== data.id))
        data.alerts = data.alerts.map((a) => (a.incidentId === data.id ? a : { ...a, incidentId: data.id }));
      this.incidents++;
      this.sink.incident(data);
    }
  }

  /** One item of a list whose kind is known. */
  private item(item: unknown, path: Path, kind: RecordKind | undefined, listHasAlerts: boolean) {
    if (kind === 'alert') this.alert(item, path);
    else if (kind === 'incident') this.incident(item, path, listHasAlerts);
    else this.problems.add(path, neitherWords(item as Obj));
  }

  /**
   * A list of incidents and/or alerts read whole. An object that is neither is read as what the list holds (its
   * problems then name the missing fields), or, in a list of nothing recognisable, said in one sentence.
   */
  list(listPath: Path, items: unknown[], single = false) {
    const kinds = items.map(kindOf);
    const listHasAlerts = kinds.includes('alert');
    const fallback = fallbackKind(listHasAlerts, kinds.includes('incident'));
    items.forEach((item, i) => {
      const path: Path = single ? [] : [...listPath, i];
      this.item(item, path, kinds[i] ?? (isObject(item) ? fallback : 'incident'), listHasAlerts);
      // The validated copy is all we keep: let the raw one go, so a 200,000-alert file is not held twice.
      items[i] = undefined;
    });
  }

  /** A list read item by item (a stream): items whose reading depends on the whole list wait for its end. */
  beginList(listPath: Path) {
    this.streamed = { path: listPath, hasAlerts: false, hasIncidents: false, undecided: [] };
  }

  listItem(item: unknown, index: number) {
    const list = this.streamed!;
    const kind = kindOf(item);
    if (kind === 'alert') {
      list.hasAlerts = true;
      this.alert(item, [...list.path, index]);
    } else if (kind === 'incident') {
      list.hasIncidents = true;
      this.incident(item, [...list.path, index], false);
    } else if (list.undecided.length < MAX_UNDECIDED) list.undecided.push({ item, index });
    else this.problems.add([...list.path, index], 'could not be read as an incident or an alert');
  }

  endList() {
    const list = this.streamed!;
    this.streamed = undefined;
    const fallback = fallbackKind(list.hasAlerts, list.hasIncidents);
    for (const { item, index } of list.undecided)
      this.item(item, [...list.path, index], isObject(item) ? fallback : 'incident', list.hasAlerts);
  }

  activity(item: unknown, path: Path) {
    const parsed = activitySchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues as IssueLike[]) {
        if (issue.path.length === 0)
          this.problems.add(path, `should be an activity entry (an object), but is ${valueWords(item)}`);
        else this.problems.add([...path, ...issue.path], describeIssue(issue, valueAt(item, issue.path)));
      }
      return;
    }
    const { seq } = parsed.data;
    if (seq !== undefined) {
      const first = this.seqAt.get(seq);
      if (first)
        this.problems.add([...path, 'seq'], `activity entry ${seq} is listed twice (first at ${first})`);
      else this.seqAt.set(seq, formatPath(path));
    }
    this.sink.activity(parsed.data);
  }
}

function fallbackKind(hasAlerts: boolean, hasIncidents: boolean): RecordKind | undefined {
  return hasAlerts ? (hasIncidents ? undefined : 'alert') : hasIncidents ? 'incident' : undefined;
}

/** What a valid file's reader has to tell: alerts put elsewhere, alerts without their incident, lists without alerts. */
export function recordNotes(r: {
  disagreeing: { count: number; first: string[] };
  looseAlerts: number;
  looseIncidentIds: ReadonlySet<string>;
  withoutAlerts: number;
  incidents: number;
}): string[] {
  const notes: string[] = [];
  const n = r.disagreeing.count;
  if (n) {
    notes.push(
      `${n === 1 ? 'An alert names' : `${n.toLocaleString('en')} alerts name`} another incident than the one ${n === 1 ? 'it is' : 'they are'} listed under (${r.disagreeing.first.join('; ')}${n > 3 ? '; …' : ''}): ${n === 1 ? 'it was' : 'they were'} put in the incident the file lists ${n === 1 ? 'it' : 'them'} under.`,
    );
  }
  const a = r.looseAlerts;
  if (a) {
    const ids = r.looseIncidentIds;
    notes.push(
      `${a === 1 ? 'The alert was' : `The ${a.toLocaleString('en')} alerts were`} listed without ${ids.size === 1 ? 'its incident' : 'their incidents'}: ${a === 1 ? 'it goes' : 'they go'} into ${ids.size === 1 ? `incident ${[...ids][0]}` : `${ids.size.toLocaleString('en')} incidents`} by ${a === 1 ? 'its' : 'their'} incidentId; an incident not in the store yet is kept as a placeholder until an import of incidents or a sync brings it.`,
    );
  }
  if (r.withoutAlerts && r.incidents) {
    notes.push(
      `${r.withoutAlerts === r.incidents ? 'The incidents' : `${r.withoutAlerts} of ${r.incidents} incidents`} came without their alerts: was the list fetched without “$expand=alerts”? Alerts already in the store were kept.`,
    );
  }
  return notes;
}
