/**
 * How good the suggestions are, measured: a labelled evaluation set and the accuracy of the ranking on it, next to
 * two baselines computed on the same data ("the incident with activity nearest in time" and "the most shared
 * entities, unweighted").
 *
 * The set (`generateEvaluationSet`, deterministic) is a tenant of stories, each an intrusion with its own
 * workstations, users, outside IPs, file hashes and URLs, over 30 days. Some things are shared widely, as in
 * real networks: domain controllers, the proxy, backup and scanner service accounts, Office 365, PowerShell;
 * some are shared by a few stories: a workstation compromised twice, commodity malware, a C2 address. Then
 * alerts are put in the wrong incident, the way temporal correlation gets it wrong: the incident of another
 * story active nearest in time. The truth (which alert belongs where) is returned apart, and stored in a file
 * of its own (test/fixtures/suggest/).
 *
 * One file on purpose: the set's generator and the scoring share its story model; the truth is kept apart.
 */
import type { Alert, GraphAlert, GraphIncident, Incident } from '../model';
import { toStoredAlert, toStoredIncident } from '../model/derive';
import { type CandidateIncident, rankIncidents, type TimeWindow } from './rank';
import { selectionFacts } from './read';

export interface EvaluationSet {
  about: string;
  /** Graph `security/incidents?$expand=alerts` shape. */
  value: GraphIncident[];
}

export interface EvaluationTruth {
  about: string;
  misplaced: { alertId: string; placedIn: string; belongsTo: string }[];
}

const T = (type: string) => `#microsoft.graph.security.${type}`;
const NOW = Date.parse('2026-06-01T00:00:00.000Z');
const DAY = 24 * 3600 * 1000;
const TACTICS = [
  'InitialAccess',
  'Execution',
  'Persistence',
  'PrivilegeEscalation',
  'DefenseEvasion',
  'CredentialAccess',
  'Discovery',
  'LateralMovement',
  'CommandAndControl',
  'Exfiltration',
];

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  constructor(private readonly next: () => number) {}
  float = () => this.next();
  int = (n: number) => Math.floor(this.next() * n);
  chance = (p: number) => this.next() < p;
  pick = <V>(items: readonly V[]): V => items[this.int(items.length)] as V;
  hex(n: number) {
    let s = '';
    while (s.length < n) s += ((this.next() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
}

const device = (id: string, dns: string) => ({
  '@odata.type': T('deviceEvidence'),
  mdeDeviceId: id,
  deviceDnsName: dns,
});
const user = (upn: string) => ({ '@odata.type': T('userEvidence'), userAccount: { userPrincipalName: upn } });
const ip = (address: string) => ({ '@odata.type': T('ipEvidence'), ipAddress: address });
const file = (sha256: string, name: string) => ({
  '@odata.type': T('fileEvidence'),
  fileDetails: { sha256, fileName: name },
});
const url = (u: string) => ({ '@odata.type': T('urlEvidence'), url: u });
const app = (appId: number, name: string) => ({
  '@odata.type': T('cloudApplicationEvidence'),
  appId,
  displayName: name,
});
const process = (sha256: string, name: string) => ({
  '@odata.type': T('processEvidence'),
  imageFile: { sha256, fileName: name },
});

type Evidence = Record<string, unknown>;

export interface EvaluationOptions {
  seed?: number;
  stories?: number;
  /** Share of stories (with three alerts or more) that lose one alert to the wrong incident. */
  misplacedShare?: number;
}

export function generateEvaluationSet(options: EvaluationOptions = {}): {
  set: EvaluationSet;
  truth: EvaluationTruth;
} {
  const r = new Random(mulberry32(options.seed ?? 0x51e7));
  const storyCount = options.stories ?? 300;
  const misplacedShare = options.misplacedShare ?? 0.25;

  // Widely shared things.
  const commons: Evidence[] = [
    device(r.hex(40), 'dc01.corp.fabrikam.com'),
    device(r.hex(40), 'dc02.corp.fabrikam.com'),
    device(r.hex(40), 'dc03.corp.fabrikam.com'),
    ip('10.0.0.5'),
    user('svc-backup@fabrikam.com'),
    user('svc-scanner@fabrikam.com'),
    app(11161, 'Office 365'),
    process(r.hex(64), 'powershell.exe'),
    url('https://login.microsoftonline.com/common/oauth2'),
  ];
  // Shared by a few stories.
  const commodityHashes = Array.from({ length: 15 }, (_, i) => file(r.hex(64), `dropper${i}.exe`));
  const c2 = Array.from({ length: 20 }, () => ip(`185.${r.int(250)}.${r.int(250)}.${r.int(250)}`));
  const workstations = Array.from({ length: 420 }, (_, i) =>
    device(r.hex(40), `ws-${String(i + 1).padStart(4, '0')}.corp.fabrikam.com`),
  );
  const servers = Array.from({ length: 40 }, (_, i) => device(r.hex(40), `srv-${i + 1}.corp.fabrikam.com`));
  const users = Array.from({ length: 360 }, (_, i) => user(`user${i + 1}@fabrikam.com`));

  interface Story {
    id: string;
    start: number;
    span: number;
    own: Evidence[];
    alerts: GraphAlert[];
  }
  const stories: Story[] = [];
  const usedHosts: Evidence[] = [];
  let serial = 0;
  for (let s = 0; s < storyCount; s++) {
    const host = r.chance(0.15) && usedHosts.length ? r.pick(usedHosts) : r.pick(workstations);
    usedHosts.push(host);
    const own: Evidence[] = [host, r.pick(users)];
    if (r.chance(0.3)) own.push(r.pick(servers));
    const outside = r.int(3);
    for (let i = 0; i < outside; i++)
      own.push(
        r.chance(0.15) ? r.pick(c2) : ip(`${45 + r.int(150)}.${r.int(250)}.${r.int(250)}.${r.int(250)}`),
      );
    const files = 1 + r.int(3);
    for (let i = 0; i < files; i++)
      own.push(r.chance(0.12) ? r.pick(commodityHashes) : file(r.hex(64), `payload${s}-${i}.dll`));
    if (r.chance(0.4)) own.push(url(`https://${r.hex(8)}.example/${r.hex(6)}`));
    const start = NOW - 30 * DAY + r.float() * 29 * DAY;
    const span = (10 + r.float() * 36 * 60) * 60_000;
    const size = 2 + r.int(7);
    const id = String(5000 + s);
    const alerts: GraphAlert[] = [];
    for (let k = 0; k < size; k++) {
      // Every alert names at least one of the story's own things, usually the device or the user.
      const evidence: Evidence[] = [own[r.chance(0.6) ? 0 : 1]!];
      for (const e of own) if (!evidence.includes(e) && r.chance(0.35)) evidence.push(e);
      for (const e of commons) if (r.chance(0.22)) evidence.push(e);
      const created = new Date(start + r.float() * span).toISOString();
      alerts.push({
        id: `ev${String(++serial).padStart(6, '0')}`,
        incidentId: id,
        title: `Alert ${serial}`,
        severity: r.pick(['low', 'medium', 'high']),
        status: 'new',
        category: r.pick(TACTICS),
        createdDateTime: created,
        lastUpdateDateTime: created,
        firstActivityDateTime: created,
        lastActivityDateTime: created,
        evidence,
      } as GraphAlert);
    }
    stories.push({ id, start, span, own, alerts });
  }

  // Misplace: into the incident of another story active nearest in time (temporal correlation's mistake).
  const truth: EvaluationTruth['misplaced'] = [];
  const taken = new Set<string>();
  for (const story of stories) {
    if (story.alerts.length < 3 || taken.has(story.id) || !r.chance(misplacedShare)) continue;
    const alert = story.alerts[r.int(story.alerts.length)]!;
    const at = Date.parse(alert.createdDateTime);
    let best: Story | undefined;
    let bestGap = Number.POSITIVE_INFINITY;
    for (const other of stories) {
      if (other === story || taken.has(other.id)) continue;
      const gap = Math.max(0, other.start - at, at - (other.start + other.span));
      if (gap < bestGap) {
        bestGap = gap;
        best = other;
      }
    }
    if (!best) continue;
    story.alerts.splice(story.alerts.indexOf(alert), 1);
    alert.incidentId = best.id;
    best.alerts.push(alert);
    taken.add(story.id);
    taken.add(best.id);
    truth.push({ alertId: alert.id, placedIn: best.id, belongsTo: story.id });
  }

  const value = stories.map(
    (s) =>
      ({
        id: s.id,
        displayName: `Incident ${s.id}`,
        status: 'active',
        severity: 'high',
        createdDateTime: new Date(s.start).toISOString(),
        lastUpdateDateTime: new Date(s.start + s.span).toISOString(),
        alerts: s.alerts,
      }) as GraphIncident,
  );
  return {
    set: {
      about:
        'Suggested-incidents evaluation set, made by generateEvaluationSet (lib/suggest/evaluation.ts). The truth is in truth.json.',
      value,
    },
    truth: {
      about: 'Which alerts of set.json are in the wrong incident, and where they belong.',
      misplaced: truth,
    },
  };
}

export interface Accuracy {
  method: string;
  top1: number;
  top3: number;
  /** Misplaced alerts for which the method suggested nothing. */
  none: number;
  cases: number;
}

type Ranker = (alert: Alert) => string[];

function measure(method: string, truth: EvaluationTruth, byId: Map<string, Alert>, rank: Ranker): Accuracy {
  let top1 = 0;
  let top3 = 0;
  let none = 0;
  for (const m of truth.misplaced) {
    const alert = byId.get(m.alertId);
    const ids = alert ? rank(alert) : [];
    if (!ids.length) none++;
    if (ids[0] === m.belongsTo) top1++;
    if (ids.slice(0, 3).includes(m.belongsTo)) top3++;
  }
  const n = truth.misplaced.length || 1;
  return { method, top1: top1 / n, top3: top3 / n, none, cases: truth.misplaced.length };
}

const gapBetween = (a: TimeWindow | undefined, b: TimeWindow | undefined) =>
  !a || !b ? Number.POSITIVE_INFINITY : Math.max(0, a.first - b.last, b.first - a.last);

/** Top-1 and top-3 accuracy of the ranking and of both baselines, on the same data. */
export function evaluate(set: EvaluationSet, truth: EvaluationTruth): Accuracy[] {
  const now = new Date(NOW).toISOString();
  const alerts: Alert[] = [];
  const incidents: Incident[] = [];
  for (const i of set.value) {
    const stored = (i.alerts ?? []).map((a) => toStoredAlert(a, now));
    alerts.push(...stored);
    incidents.push(toStoredIncident(i, stored, now));
  }
  const byId = new Map(alerts.map((a) => [a.id, a]));
  const holders = new Map<string, string[]>();
  for (const i of incidents)
    for (const k of i.entities ?? []) holders.set(k, [...(holders.get(k) ?? []), i.id]);
  const windows = new Map<string, TimeWindow>();
  for (const a of alerts) {
    const t = Date.parse(a.createdDateTime);
    const w = windows.get(a.incidentId);
    windows.set(
      a.incidentId,
      w ? { first: Math.min(w.first, t), last: Math.max(w.last, t) } : { first: t, last: t },
    );
  }
  const candidates = new Map<string, CandidateIncident>(
    incidents.map((i) => {
      const w = windows.get(i.id);
      return [
        i.id,
        {
          id: i.id,
          displayName: i.displayName,
          severity: i.severity,
          status: i.status,
          entities: i.entities ?? [],
          categories: i.categories,
          ...(w ? { window: w } : {}),
        },
      ];
    }),
  );
  const open = incidents.filter((i) => i.status !== 'resolved' && i.status !== 'redirected');

  const ranking: Ranker = (alert) => {
    const selection = selectionFacts([alert]);
    const ids = new Set(selection.entities.flatMap((e) => holders.get(e.key) ?? []));
    return rankIncidents({
      selection,
      candidates: [...ids].map((id) => candidates.get(id)!),
      incidentsHolding: (k) => holders.get(k)?.length ?? 0,
      incidentCount: incidents.length,
      limit: 3,
    }).map((s) => s.incidentId);
  };
  const nearestInTime: Ranker = (alert) => {
    const w = selectionFacts([alert]).window;
    return open
      .filter((i) => i.id !== alert.incidentId)
      .map((i) => ({ id: i.id, gap: gapBetween(w, windows.get(i.id)) }))
      .sort((a, b) => a.gap - b.gap || (a.id < b.id ? -1 : 1))
      .slice(0, 3)
      .map((x) => x.id);
  };
  const mostShared: Ranker = (alert) => {
    const selection = selectionFacts([alert]);
    const keys = new Set(selection.entities.map((e) => e.key));
    return open
      .filter((i) => i.id !== alert.incidentId)
      .map((i) => ({
        id: i.id,
        shared: (i.entities ?? []).filter((k) => keys.has(k)).length,
        gap: gapBetween(selection.window, windows.get(i.id)),
      }))
      .filter((x) => x.shared > 0)
      .sort((a, b) => b.shared - a.shared || a.gap - b.gap || (a.id < b.id ? -1 : 1))
      .slice(0, 3)
      .map((x) => x.id);
  };
  return [
    measure('suggested incidents (rare entities weighted)', truth, byId, ranking),
    measure('baseline: nearest in time', truth, byId, nearestInTime),
    measure('baseline: most shared entities, unweighted', truth, byId, mostShared),
  ];
}

/** The figures as lines of text. */
export function accuracyReport(results: readonly Accuracy[]): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return results
    .map(
      (r) =>
        `${r.method.padEnd(46)} top-1 ${pct(r.top1).padStart(6)}  top-3 ${pct(r.top3).padStart(6)}  (${r.cases} alerts, ${r.none} with no suggestion)`,
    )
    .join('\n');
}
