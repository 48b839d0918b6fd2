/** One incident's story: its scenario, the devices and people it is about, its status, and its alerts. */

import type { GraphAlert } from '../../model';
import {
  COMPROMISED,
  deviceEvidence,
  fileEvidence,
  ipEvidence,
  mailboxEvidence,
  NONE,
  odata,
  processEvidence,
  urlEvidence,
  userEvidence,
} from './evidence';
import { SAMPLE_TENANT_ID } from './options';
import type { Rng } from './rng';
import {
  KILL_CHAIN_ORDER,
  NOISE_TEMPLATES,
  PRODUCTS,
  type Product,
  SCENARIO_TEMPLATES,
  SCENARIOS,
  type Scenario,
  SEVERITY_STEPS,
  TEMPLATES,
} from './templates';
import { ANALYSTS, COUNTRIES, type Device, PHISH_DOMAINS, publicIp, type User, type World } from './world';

export interface Story {
  scenario: Scenario;
  devices: Device[];
  users: User[];
  ips: { ip: string; country: string }[];
  url: string;
  /** Minutes before `now` that the first activity happened. */
  ageMinutes: number;
  spanMinutes: number;
  status: string;
  assignedTo: string | null;
  classification: string;
  determination: string;
  customTags: string[];
  systemTags: string[];
  alerts: GraphAlert[];
}

function pickDevices(rng: Rng, world: World, scenario: Scenario): Device[] {
  switch (scenario) {
    case 'endpoint': {
      const first = rng.chance(0.8)
        ? rng.pick(world.workstations)
        : rng.pick(world.devices['Servers - Production']);
      return rng.chance(0.15) ? [first, rng.pick(world.workstations)] : [first];
    }
    case 'phish':
    case 'identity':
      return [];
    case 'activeDirectory':
      return [rng.pick(world.devices['Domain controllers']), rng.pick(world.workstations)];
    case 'ransomware': {
      const list = [rng.pick(world.workstations)];
      const more = 1 + rng.int(4);
      for (let i = 0; i < more; i++)
        list.push(rng.chance(0.6) ? rng.pick(world.servers) : rng.pick(world.workstations));
      return [...new Set(list)];
    }
  }
}

function pickUsers(rng: Rng, world: World, scenario: Scenario, devices: Device[]): User[] {
  const owner = (d: Device | undefined) => (d ? world.ownerOf.get(d) : undefined);
  const someone = () =>
    rng.chance(0.1) && world.executives.length ? rng.pick(world.executives) : rng.pick(world.users);
  switch (scenario) {
    case 'endpoint':
    case 'ransomware':
      return [
        owner(devices.find((d) => d.group !== 'Servers - Production' && d.group !== 'Domain controllers')) ??
          someone(),
      ];
    case 'activeDirectory':
      return [owner(devices[1]) ?? someone()];
    case 'phish': {
      const n = rng.chance(0.35) ? 2 + rng.int(3) : 1;
      return [...new Set(Array.from({ length: n }, someone))];
    }
    case 'identity':
      return [someone()];
  }
}

export function isoAt(nowMs: number, minutesBefore: number): string {
  return new Date(Math.round(nowMs - Math.max(0, minutesBefore) * 60_000)).toISOString();
}

/** Makes up one incident of `size` alerts; `newAlertId` hands out ids unique across the tenant. */
export function makeStory(
  rng: Rng,
  world: World,
  size: number,
  nowMs: number,
  newAlertId: (product: Product) => string,
): Story {
  const scenario = rng.weighted(SCENARIOS);
  const devices = pickDevices(rng, world, scenario);
  const users = pickUsers(rng, world, scenario, devices);
  const ips = Array.from({ length: 1 + (rng.chance(0.3) ? 1 : 0) }, () => ({
    ip: publicIp(rng),
    country: rng.pick(COUNTRIES),
  }));
  const url = `https://${rng.pick(PHISH_DOMAINS)}/${rng.hex(10)}/login`;
  // One attack's evidence (a device, a user, a file…) is one object shared by its alerts, as first seen
  // in the attack: far fewer objects for 200,000 alerts. Records are cloned when stored.
  const sharedEvidence = new Map<string, Record<string, unknown>>();
  const once = (key: string, make: () => Record<string, unknown>) => {
    const known = sharedEvidence.get(key);
    if (known) return known;
    const made = make();
    sharedEvidence.set(key, made);
    return made;
  };
  // One attack's copies of a file share their hashes.
  const fileHashes = new Map<string, { sha1: string; sha256: string }>();
  const hashesOf = (name: string) => {
    const known = fileHashes.get(name);
    if (known) return known;
    const made = { sha1: rng.hex(40), sha256: rng.hex(64) };
    fileHashes.set(name, made);
    return made;
  };
  // Ages: about two thirds within the last 7 days, the rest within 30.
  const ageMinutes = rng.chance(0.66) ? rng.between(45, 7 * 24 * 60) : rng.between(7 * 24 * 60, 30 * 24 * 60);
  const seen = isoAt(nowMs, ageMinutes);
  const spanMinutes =
    size === 1 ? 0 : Math.min(ageMinutes - 40, rng.between(10, size > 6 ? 3 * 24 * 60 : 12 * 60));
  const old = ageMinutes > 7 * 24 * 60;
  const status = rng.weighted<string>(
    old
      ? [
          ['resolved', 0.62],
          ['active', 0.22],
          ['inProgress', 0.11],
          ['awaitingAction', 0.05],
        ]
      : [
          ['active', 0.55],
          ['inProgress', 0.25],
          ['resolved', 0.12],
          ['awaitingAction', 0.08],
        ],
  );
  let classification = 'unknown';
  let determination = 'unknown';
  if (status === 'resolved') {
    classification = rng.weighted<string>([
      ['truePositive', 0.55],
      ['falsePositive', 0.25],
      ['informationalExpectedActivity', 0.2],
    ]);
    determination =
      classification === 'truePositive'
        ? {
            endpoint: 'malware',
            phish: 'phishing',
            identity: 'compromisedAccount',
            activeDirectory: 'multiStagedAttack',
            ransomware: 'multiStagedAttack',
          }[scenario]
        : classification === 'falsePositive'
          ? rng.pick(['notMalicious', 'notEnoughDataToValidate'])
          : rng.pick(['securityTesting', 'lineOfBusinessApplication', 'confirmedUserActivity']);
  }
  const assignedTo = status === 'active' && rng.chance(0.55) ? null : rng.pick(ANALYSTS);
  const customTags: string[] = [];
  if (users.some((u) => u.device.group === 'Executive laptops')) customTags.push('VIP');
  if (determination === 'securityTesting') customTags.push('Red team exercise');
  if (devices.some((d) => d.group === 'Finance workstations') && rng.chance(0.3)) customTags.push('Finance');
  const systemTags = rng.chance(0.06) ? ['Defender Experts'] : [];

  // The alerts, in kill-chain order over the incident's span.
  const pool = size === 1 && rng.chance(0.55) ? NOISE_TEMPLATES[scenario] : SCENARIO_TEMPLATES[scenario];
  const chosen = Array.from({ length: size }, () => TEMPLATES[rng.pick(pool)]).sort(
    (a, b) => (KILL_CHAIN_ORDER[a.category] ?? 0) - (KILL_CHAIN_ORDER[b.category] ?? 0),
  );
  const offsets = Array.from({ length: size }, () => rng.next() * spanMinutes).sort((a, b) => a - b);
  const alerts = chosen.map((t, k) => {
    const firstBefore = ageMinutes - (offsets[k] ?? 0);
    const createdBefore = firstBefore - rng.between(1, 20);
    const lastBefore = firstBefore - rng.between(0, 45);
    const updatedBefore = createdBefore * (status === 'resolved' ? rng.between(0, 0.9) : rng.between(0.5, 1));
    const created = isoAt(nowMs, createdBefore);
    const device =
      t.evidence.includes('dc') || !devices.length
        ? (devices[0] ?? users[0]?.device)
        : devices[k % devices.length];
    const user = users[k % users.length] ?? users[0];
    const ip = ips[k % ips.length] ?? ips[0];
    const evidence: Record<string, unknown>[] = [];
    for (const kind of t.evidence) {
      if (kind === 'device' && device) {
        evidence.push(
          once(`d:${device.dns}:${user?.upn}`, () => deviceEvidence(device, user, seen, COMPROMISED)),
        );
      } else if (kind === 'dc') {
        for (const d of devices) {
          const u = d.group === 'Domain controllers' ? undefined : user;
          evidence.push(once(`dc:${d.dns}:${u?.upn}`, () => deviceEvidence(d, u, seen)));
        }
      } else if (kind === 'user' && user)
        evidence.push(once(`u:${user.upn}`, () => userEvidence(user, seen)));
      else if (kind === 'mailbox') {
        for (const u of t.product === 'mdo' ? users : user ? [user] : []) {
          evidence.push(once(`m:${u.upn}`, () => mailboxEvidence(u, seen)));
        }
      } else if (kind === 'ip' && ip)
        evidence.push(once(`i:${ip.ip}`, () => ipEvidence(ip.ip, ip.country, seen)));
      else if (kind === 'url') evidence.push(once('url', () => urlEvidence(url, seen)));
      else if (kind === 'file' && t.file) {
        const file = t.file;
        const prevented = t.title.includes('prevented');
        evidence.push(
          once(`f:${file.name}:${device?.dns}:${prevented}`, () =>
            fileEvidence(rng, file, hashesOf(file.name), device, seen, prevented),
          ),
        );
      } else if (kind === 'process' && t.commandLine) {
        const commandLine = t.commandLine;
        evidence.push(
          once(`p:${commandLine}:${device?.dns}:${user?.upn}`, () =>
            processEvidence(rng, commandLine, device, user, seen),
          ),
        );
      }
    }
    // Severity: mostly the template's, sometimes a step either way.
    const step = SEVERITY_STEPS.indexOf(t.severity) + (rng.chance(0.12) ? (rng.chance(0.5) ? -1 : 1) : 0);
    const severity = SEVERITY_STEPS[Math.min(3, Math.max(0, step))] ?? t.severity;
    const alertStatus =
      status === 'resolved'
        ? 'resolved'
        : status === 'active'
          ? rng.chance(0.85)
            ? 'new'
            : 'inProgress'
          : rng.chance(0.7)
            ? 'inProgress'
            : 'new';
    const id = newAlertId(t.product);
    const updated = isoAt(nowMs, Math.min(updatedBefore, createdBefore));
    const alert: GraphAlert & Record<string, unknown> = {
      '@odata.type': odata('alert'),
      id,
      incidentId: '',
      status: alertStatus,
      severity,
      classification,
      determination,
      serviceSource: PRODUCTS[t.product].serviceSource,
      detectionSource: t.detectionSource,
      tenantId: SAMPLE_TENANT_ID,
      title: t.title,
      description: t.description,
      category: t.category,
      assignedTo,
      alertWebUrl: `https://security.microsoft.com/alerts/${id}?tid=${SAMPLE_TENANT_ID}`,
      actorDisplayName: null,
      threatDisplayName: t.threat ?? null,
      mitreTechniques: t.techniques,
      createdDateTime: created,
      lastUpdateDateTime: updated,
      resolvedDateTime: alertStatus === 'resolved' ? updated : null,
      firstActivityDateTime: isoAt(nowMs, firstBefore),
      lastActivityDateTime: isoAt(nowMs, Math.max(lastBefore, createdBefore - 60)),
      comments: NONE,
      evidence,
    };
    return alert;
  });
  return {
    scenario,
    devices,
    users,
    ips,
    url,
    ageMinutes,
    spanMinutes,
    status,
    assignedTo,
    classification,
    determination,
    customTags,
    systemTags,
    alerts,
  };
}
