/**
 * What the move flyout reads. Extension pages read the store directly (live); the flyout framed inside a web page
 * can't — Chrome partitions and denies IndexedDB to an extension frame under a third-party top-level site — so it
 * asks the background the same questions (`flyout.read`). One set of functions serves both.
 */

import type { Alert, Incident } from '../model';
import type { MoverDB } from '../store/db';
import { followRedirects, redirectProblem } from './redirects';

export interface Selection {
  alerts: (Alert | undefined)[];
  sources: Incident[];
}

export interface ResolvedTarget {
  incident?: Incident;
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

export interface FlyoutReader {
  /** True when reads are Dexie liveQueries (the view updates by itself); false for answers from the background. */
  live: boolean;
  selection(ids: readonly string[]): Promise<Selection>;
  target(id: string): Promise<ResolvedTarget>;
  incidents(): Promise<IncidentChoice[]>;
  alerts(ids: readonly string[]): Promise<(Alert | undefined)[]>;
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
    live: true,
    selection: (ids) => loadSelection(db, ids),
    target: (id) => resolveTarget(db, id),
    incidents: () => incidentChoices(db),
    alerts: (ids) => db.alerts.bulkGet([...ids]),
  };
}
