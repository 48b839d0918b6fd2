/** Shared by the queue tests: fresh databases, a deterministic random store, and what a plan must return. */
import { cmp } from 'dexie';
import type { Alert, Incident } from '@/lib/model';
import { toStoredAlert, toStoredIncident } from '@/lib/model/derive';
import { MoverDB } from '@/lib/store/db';
import type { QueuePlan } from '@/lib/store/queue/plan';

export const NOW = '2026-11-30T12:00:00.000Z';
const dbs: MoverDB[] = [];
export function freshDb() {
  const db = new MoverDB(`t-${crypto.randomUUID()}`);
  dbs.push(db);
  return db;
}
/** For `afterEach`: deletes every database `freshDb` opened. */
export async function deleteDbs() {
  for (const db of dbs.splice(0)) await db.delete();
}

/** A small deterministic random generator, so failures reproduce. */
export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
export const hoursAgo = (h: number) => new Date(Date.parse(NOW) - h * 3_600_000).toISOString();

const STATUSES = ['new', 'inProgress', 'resolved'] as const;
const SEVERITIES = ['high', 'medium', 'low', 'informational'] as const;
const GROUPS = ['Servers', 'Workstations', 'Finance'] as const;
const TITLES = [
  'Suspicious PowerShell',
  'Ransomware behavior détectée',
  'Phishing email',
  'Impossible travel',
];

export function makeAlert(r: () => number, i: number, incidentId: string, at: string): Alert {
  return toStoredAlert(
    {
      id: `da${String(i).padStart(6, '0')}`,
      incidentId,
      title: `${pick(r, TITLES)} ${i}`,
      severity: pick(r, SEVERITIES),
      status: pick(r, STATUSES),
      category: pick(r, ['Execution', 'Impact', 'InitialAccess']),
      serviceSource: pick(r, ['microsoftDefenderForEndpoint', 'microsoftDefenderForOffice365']),
      detectionSource: 'antivirus',
      createdDateTime: at,
      lastActivityDateTime: at,
      evidence: [
        {
          '@odata.type': '#microsoft.graph.security.deviceEvidence',
          deviceDnsName: `host-${i % 17}`,
          rbacGroupName: pick(r, GROUPS),
        },
      ],
    },
    NOW,
  );
}

/** `n` incidents with 1–3 alerts each, spread over ~300 days, some sharing the same update time. */
export async function seed(db: MoverDB, n: number, seedValue = 1) {
  const r = rng(seedValue);
  const incidents: Incident[] = [];
  const alerts: Alert[] = [];
  let a = 0;
  for (let i = 0; i < n; i++) {
    const id = String(1000 + i);
    // Every 7th incident shares a timestamp with the one before: ties must page correctly.
    const at = hoursAgo(i % 7 === 0 ? Math.floor((i - 1) * 5) : Math.floor(r() * 7200));
    const mine: Alert[] = [];
    const k = 1 + Math.floor(r() * 3);
    for (let j = 0; j < k; j++) mine.push(makeAlert(r, a++, id, hoursAgo(Math.floor(r() * 7200))));
    alerts.push(...mine);
    incidents.push(
      toStoredIncident(
        {
          id,
          displayName: `Incident ${pick(r, TITLES)} ${i}`,
          status: pick(r, ['active', 'inProgress', 'resolved', 'awaitingAction']),
          severity: pick(r, SEVERITIES),
          assignedTo: r() < 0.5 ? null : pick(r, ['ana@contoso.com', 'bo@contoso.com']),
          tags: r() < 0.3 ? ['Ransomware'] : [],
          createdDateTime: at,
          lastUpdateDateTime: at,
        },
        mine,
        NOW,
      ),
    );
  }
  await db.incidents.bulkPut(incidents);
  await db.alerts.bulkPut(alerts);
  return { incidents, alerts };
}

/** What a plan must return: every row in range that matches, in index order then primary key. */
export function reference<T extends { id: string }>(rows: T[], plan: QueuePlan<T>): T[] {
  const key = (row: T) => (row as Record<string, unknown>)[plan.index] as string;
  const inRange = rows.filter((row) => {
    const k = key(row);
    return k !== undefined && cmp(k, plan.lower) >= 0 && cmp(k, plan.upper) <= 0;
  });
  const sorted = inRange.sort((x, y) => cmp(key(x), key(y)) || cmp(x.id, y.id));
  if (plan.reverse) sorted.reverse();
  return plan.match ? sorted.filter(plan.match) : sorted;
}

export const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
