/**
 * What the move flyout reads, and only through this: every view that shows the flyout (side panel, popup, the
 * move window opened for a web page) is an extension page that reads the store directly, as live queries.
 */

import type { Alert, Incident, Profile } from '../model';
import type { MoverDB } from '../store/db';
import { incidentCatalog } from '../store/incident-catalog';
import type { Suggestion } from '../suggest/rank';
import { suggestIncidents } from '../suggest/read';
import { followRedirects, redirectProblem } from './redirects';

/** What the flyout reads of an alert: what it lists, what the preview and the permission checks need. */
export type FlyoutAlert = Pick<
  Alert,
  'id' | 'title' | 'incidentId' | 'severity' | 'scope' | 'category' | 'serviceSource' | 'evidence' | 'version'
>;

/** What the flyout reads of an incident. */
export type FlyoutIncident = Pick<Incident, 'id' | 'displayName' | 'alertCount' | 'scopes'>;

export interface Selection {
  /** In the order asked; undefined for an alert the store does not have. */
  alerts: (FlyoutAlert | undefined)[];
  sources: FlyoutIncident[];
}

export interface ResolvedTarget {
  incident?: FlyoutIncident;
  redirectedFrom?: string;
  /** Why alerts can't go there (a redirect that leads nowhere). */
  problem?: string;
  severities: string[];
}

/** An incident as the combobox lists it. */
export interface IncidentChoice {
  id: string;
  displayName: string;
  status: string;
  severity: string;
  redirectIncidentId?: string | null;
  scopes: string[];
}

/** The incidents to choose from, kept current while someone listens. */
export interface IncidentList {
  /** The rows now (undefined until the first read finished). */
  current(): readonly IncidentChoice[] | undefined;
  /** Calls `listener` with the rows now (if read) and after every change; returns the unsubscribe. */
  subscribe(listener: (rows: readonly IncidentChoice[]) => void): () => void;
}

/** Everything the flyout reads (each read runs as a live query), and the incident list. */
export interface FlyoutReader {
  selection(ids: readonly string[]): Promise<Selection>;
  target(id: string): Promise<ResolvedTarget>;
  incidents(): Promise<IncidentChoice[]>;
  alerts(ids: readonly string[]): Promise<(FlyoutAlert | undefined)[]>;
  /** The same incidents as `incidents()`, kept current; the same object on every call. */
  incidentList(): IncidentList;
  /** Where the alerts may belong: other incidents the profile can read, best first (lib/suggest). */
  suggestions(
    ids: readonly string[],
    profile: Pick<Profile, 'scopes' | 'defaultAccess'>,
  ): Promise<Suggestion[]>;
}

export async function loadSelection(db: MoverDB, ids: readonly string[]): Promise<Selection> {
  const alerts = await db.alerts.bulkGet([...ids]);
  const sourceIds = [...new Set(alerts.flatMap((a) => (a ? [a.incidentId] : [])))];
  const sources = (await db.incidents.bulkGet(sourceIds)).filter((i): i is Incident => !!i);
  return { alerts, sources };
}

/** The incident alerts will land in, following `redirected` incidents to the survivor (as the move does). */
export async function resolveTarget(db: MoverDB, id: string): Promise<ResolvedTarget> {
  const walk = await followRedirects(db, id);
  if (!walk.ok) return { problem: redirectProblem(id, walk), severities: [] };
  const members = await db.alerts.where('incidentId').equals(walk.incident.id).toArray();
  return {
    incident: walk.incident,
    ...(walk.redirectedFrom ? { redirectedFrom: walk.redirectedFrom } : {}),
    severities: members.map((a) => a.severity),
  };
}

/** Every incident, newest update first, with just what the combobox shows and filters on. */
export async function incidentChoices(db: MoverDB): Promise<IncidentChoice[]> {
  const rows: IncidentChoice[] = [];
  await db.incidents
    .orderBy('lastUpdateDateTime')
    .reverse()
    .each((i) => {
      rows.push({
        id: i.id,
        displayName: i.displayName,
        status: i.status,
        severity: i.severity,
        redirectIncidentId: i.redirectIncidentId,
        scopes: i.scopes ?? [],
      });
    });
  return rows;
}

export function dexieReader(db: MoverDB): FlyoutReader {
  return {
    selection: (ids) => loadSelection(db, ids),
    target: (id) => resolveTarget(db, id),
    incidents: () => incidentChoices(db),
    alerts: (ids) => db.alerts.bulkGet([...ids]),
    // One catalog per database, shared by every flyout of the page: reopening the flyout is instant.
    incidentList: () => incidentCatalog(db),
    suggestions: (ids, profile) => suggestIncidents(db, ids, { profile }),
  };
}
