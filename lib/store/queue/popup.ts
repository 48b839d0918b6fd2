/** Small reads for the popup and the filter options. */
import type { Incident, Profile } from '../../model';
import { canReadIncident } from '../../model/permissions';
import type { MoverDB } from '../db';
import type { QueueKind } from './filters';
import { type QueuePlan, restrictsReading } from './plan';
import { scan } from './read';

export const OPEN_INCIDENT_STATUSES = ['active', 'inProgress', 'awaitingAction'] as const;

/**
 * Open incidents (active, in progress, awaiting action) by severity, read through the status index,
 * readable ones only.
 */
export async function openIncidentsBySeverity(
  db: MoverDB,
  profile: Pick<Profile, 'scopes' | 'defaultAccess'>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const restricted = restrictsReading(profile);
  for (const status of OPEN_INCIDENT_STATUSES) {
    const plan: QueuePlan<Incident> = {
      table: 'incidents',
      index: '[status+lastUpdateDateTime]',
      lower: [status, ''],
      upper: [status, '\uffff'],
      reverse: false,
      match: null,
      key: status,
    };
    await scan(db, plan, null, (row) => {
      const i = row as unknown as Incident;
      if (!restricted || canReadIncident(profile, i)) counts[i.severity] = (counts[i.severity] ?? 0) + 1;
      return true;
    });
  }
  return counts;
}

/** Distinct values of an index (filter options), e.g. device groups from `alerts.scope`. */
export async function distinctValues(db: MoverDB, table: QueueKind, index: string): Promise<string[]> {
  const keys = await db.table(table).orderBy(index).uniqueKeys();
  return keys.filter((k): k is string => typeof k === 'string' && k !== '');
}
