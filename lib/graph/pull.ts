/**
 * Pull: `GET /security/incidents?$expand=alerts`, every page (`@odata.nextLink`), first in full, then
 * only what changed (`$filter=lastUpdateDateTime ge <high-water mark>`).
 * https://learn.microsoft.com/graph/api/security-list-incidents
 *
 * Each page is validated with the import's parser (the same schemas as a file) and written with the
 * import's writer (origin `graph`); the next link and the high-water mark are saved after each page,
 * so a service worker stopped mid-pull resumes at the page it was on. Writing a page twice is
 * harmless (upsert by id), which is what makes that resume safe.
 */

import { parseImport, writeImport } from '../data/import';
import type { Alert, GraphAlert, GraphIncident, Incident } from '../model';
import { LOCAL_ALERT_FIELDS, LOCAL_INCIDENT_FIELDS } from '../model';
import type { MoverDB } from '../store/db';
import { type GraphClient, GraphError } from './client';
import { pendingScope } from './outbox';
import { type PullState, readPullState, writePullState } from './state';

/** Graph's `$top` limit for incidents is 50. */
export const PAGE_SIZE = 50;

export function incidentsUrl(highWater: string | undefined, pageSize = PAGE_SIZE): string {
  const params = [`$expand=alerts`, `$top=${pageSize}`];
  // OData v4 date-time literals are not quoted.
  if (highWater) params.push(`$filter=${encodeURIComponent(`lastUpdateDateTime ge ${highWater}`)}`);
  return `/security/incidents?${params.join('&')}`;
}

const later = (a: string | undefined, b: string | undefined): string | undefined => {
  if (!a) return b;
  if (!b) return a;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (ta !== tb) return ta > tb ? a : b;
  return b.length > a.length ? b : a; // same millisecond: keep the more precise one
};

const IGNORED = new Set<string>([
  ...LOCAL_INCIDENT_FIELDS,
  ...LOCAL_ALERT_FIELDS,
  'alerts',
  'lastUpdateDateTime',
  'lastActivityDateTime',
]);

/** True when every Graph field of `incoming` equals the stored one (timestamps and local fields aside). */
function sameGraphFields(incoming: object, stored: object): boolean {
  const s = stored as Record<string, unknown>;
  return Object.entries(incoming).every(
    ([k, v]) => IGNORED.has(k) || v === undefined || JSON.stringify(v) === JSON.stringify(s[k]),
  );
}

/**
 * What of a page to write. A record that did not really change keeps its version (so Undo and open
 * flyouts are not disturbed by the echo of our own moves); alerts and incidents that local moves
 * still waiting in the outbox touch are left as they are here (the local state is ahead of Graph).
 */
export async function prepareIncidents(db: MoverDB, incidents: GraphIncident[]): Promise<GraphIncident[]> {
  const pending = await pendingScope(db);
  const kept = incidents.filter((i) => !pending.incidents.has(i.id));
  const alertIds = kept.flatMap((i) => (i.alerts ?? []).map((a) => a.id));
  const [storedAlerts, storedIncidents] = await Promise.all([
    db.alerts.bulkGet(alertIds),
    db.incidents.bulkGet(kept.map((i) => i.id)),
  ]);
  const alertById = new Map(storedAlerts.flatMap((a) => (a ? [[a.id, a] as [string, Alert]] : [])));
  const out: GraphIncident[] = [];
  kept.forEach((incident, i) => {
    const stored: Incident | undefined = storedIncidents[i];
    let allSame = true;
    let identical = !!stored && incident.lastUpdateDateTime === stored.lastUpdateDateTime;
    const alerts: GraphAlert[] = [];
    for (const alert of incident.alerts ?? []) {
      if (pending.alerts.has(alert.id)) continue;
      const old = alertById.get(alert.id);
      if (old && sameGraphFields(alert, old)) {
        alerts.push({ ...alert, version: old.version });
        if (alert.lastUpdateDateTime !== old.lastUpdateDateTime) identical = false;
      } else {
        alerts.push(alert);
        allSame = false;
        identical = false;
      }
    }
    const sameIncident =
      !!stored && sameGraphFields(incident, stored) && allSame && alerts.length === stored.alertCount;
    if (sameIncident && identical && incident.alerts !== undefined) return; // nothing to write
    out.push({ ...incident, alerts, ...(sameIncident && stored ? { version: stored.version } : {}) });
  });
  return out;
}

export interface PullOptions {
  db: MoverDB;
  client: GraphClient;
  now(): string;
  pageSize?: number;
  /** After each page is written (progress). */
  onPage?(state: PullState): void | Promise<void>;
}

export interface PullResult {
  incidents: number;
  pages: number;
  /** The run was a full pull (no high-water mark yet). */
  full: boolean;
}

function readPage(json: unknown): { value: unknown[]; nextLink?: string } {
  const page = json as { value?: unknown; '@odata.nextLink'?: unknown } | null;
  if (!page || typeof page !== 'object' || !Array.isArray(page.value)) {
    throw new GraphError('invalid', 'Microsoft Graph answered the list of incidents without a "value" list.');
  }
  const next = page['@odata.nextLink'];
  if (next !== undefined && typeof next !== 'string') {
    throw new GraphError('invalid', 'Microsoft Graph sent a next-page link that is not text.');
  }
  return { value: page.value, ...(next ? { nextLink: next } : {}) };
}

/** One pull run, resumed from the saved next link when the last one was interrupted. */
export async function pull(opts: PullOptions): Promise<PullResult> {
  const { db, client } = opts;
  let state = await readPullState(db);
  const full = !state.highWater;
  let url = state.nextLink;
  if (!url) {
    url = incidentsUrl(state.highWater, opts.pageSize);
    state = {
      highWater: state.highWater,
      runHighWater: state.highWater,
      runPulled: 0,
      runPages: 0,
      runStartedAt: opts.now(),
    };
  }
  while (url) {
    let page: { value: unknown[]; nextLink?: string };
    let parsed: Extract<ReturnType<typeof parseImport>, { ok: true }> | undefined;
    try {
      page = readPage(await client.request('GET', url));
      if (page.nextLink && !client.follows(page.nextLink))
        throw new GraphError('invalid', 'Microsoft Graph sent a link to another site; it was not followed.');
      if (page.value.length) {
        const result = parseImport(JSON.stringify({ value: page.value }));
        if (!result.ok) {
          const shown = result.problems.slice(0, 3).join('; ');
          throw new GraphError(
            'invalid',
            `Microsoft Graph sent incidents that failed validation, so that page was not saved: ${shown}${result.problems.length > 3 ? '; …' : ''}.`,
          );
        }
        parsed = result;
      }
    } catch (e) {
      // A page Graph refused (an expired or malformed next link) or answered with something unusable: asking
      // for the same link again would fail the same way for ever. The run starts again from the last complete
      // one's high-water mark (pages already written are written again, which is harmless); a network
      // problem, throttling or a 5xx keeps the place, since the same link will work later.
      if (e instanceof GraphError && (e.kind === 'refused' || e.kind === 'invalid')) {
        await writePullState(db, { highWater: state.highWater, runPulled: 0, runPages: 0 });
        throw new GraphError(
          e.kind,
          `${e.message} The next sync starts the list of incidents again.`,
          e.status,
          e.code,
          e.retryAfterMs,
        );
      }
      throw e;
    }
    if (parsed) {
      const incidents = await prepareIncidents(db, parsed.data.incidents);
      if (incidents.length)
        await writeImport(db, { incidents, activity: [] }, { now: opts.now(), origin: 'graph' });
      for (const i of parsed.data.incidents)
        state.runHighWater = later(state.runHighWater, i.lastUpdateDateTime ?? undefined);
    }
    state = {
      ...state,
      nextLink: page.nextLink,
      runPulled: state.runPulled + page.value.length,
      runPages: state.runPages + 1,
    };
    if (!page.nextLink) {
      const done = { incidents: state.runPulled, pages: state.runPages, full };
      await writePullState(db, { highWater: state.runHighWater, runPulled: 0, runPages: 0 });
      await opts.onPage?.(state);
      return done;
    }
    await writePullState(db, state);
    await opts.onPage?.(state);
    url = page.nextLink;
  }
  return { incidents: 0, pages: 0, full };
}
