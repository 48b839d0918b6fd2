/**
 * Export of the whole store in the shape of Microsoft Graph `GET /security/incidents?$expand=alerts`
 * (so other tools read it), plus our activity log and our format version; `parseImport` + `writeImport` read it
 * back identically.
 */

import type { ActivityEntry, Alert } from '../model';
import { toGraphIncident } from '../model/derive';
import type { MoverDB } from '../store/db';
import { EXPORT_FORMAT_KEY, EXPORT_FORMAT_VERSION } from './export-format';

export const EXPORT_CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata#security/incidents(alerts())';

export interface ExportBody {
  '@odata.context': string;
  /** Which version of our format this is (see export-format.ts). */
  [EXPORT_FORMAT_KEY]: number;
  /** Incidents in Graph's shape, newest first, each with its alerts (oldest first). */
  value: Record<string, unknown>[];
  activity: ActivityEntry[];
}

const byCreated = (a: { createdDateTime: string; id: string }, b: { createdDateTime: string; id: string }) =>
  a.createdDateTime < b.createdDateTime
    ? -1
    : a.createdDateTime > b.createdDateTime
      ? 1
      : a.id < b.id
        ? -1
        : a.id > b.id
          ? 1
          : 0;

export async function exportStore(db: MoverDB): Promise<ExportBody> {
  const [incidents, alerts, activity] = await db.transaction(
    'r',
    [db.incidents, db.alerts, db.activity],
    () => Promise.all([db.incidents.toArray(), db.alerts.toArray(), db.activity.toArray()]),
  );
  const byIncident = new Map<string, Alert[]>();
  for (const alert of alerts) {
    const list = byIncident.get(alert.incidentId);
    if (list) list.push(alert);
    else byIncident.set(alert.incidentId, [alert]);
  }
  incidents.sort((a, b) => byCreated(b, a));
  return {
    '@odata.context': EXPORT_CONTEXT,
    [EXPORT_FORMAT_KEY]: EXPORT_FORMAT_VERSION,
    value: incidents.map((incident) =>
      toGraphIncident(incident, (byIncident.get(incident.id) ?? []).sort(byCreated)),
    ),
    activity,
  };
}

/**
 * The export as text in pieces (one per incident) for `new Blob(parts)`, so a large store never has
 * to fit in one string (V8 caps strings at about 512 M characters). Joined, they are exactly
 * `JSON.stringify(body, null, 2)`.
 */
export function exportToParts(body: ExportBody): string[] {
  const indent = (json: string, by: string) => json.replace(/\n/g, `\n${by}`); // JSON text has no raw line breaks in strings
  const list = (items: readonly unknown[]) =>
    items.length
      ? [
          '[\n',
          ...items.map(
            (item, i) =>
              `    ${indent(JSON.stringify(item, null, 2), '    ')}${i < items.length - 1 ? ',' : ''}\n`,
          ),
          '  ]',
        ]
      : ['[]'];
  return [
    `{\n  "@odata.context": ${JSON.stringify(body['@odata.context'])},`,
    `\n  ${JSON.stringify(EXPORT_FORMAT_KEY)}: ${JSON.stringify(body[EXPORT_FORMAT_KEY])},\n  "value": `,
    ...list(body.value),
    ',\n  "activity": ',
    ...list(body.activity),
    '\n}',
  ];
}

export function exportToText(body: ExportBody): string {
  return exportToParts(body).join('');
}
