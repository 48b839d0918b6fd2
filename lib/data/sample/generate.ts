/**
 * A deterministic sample tenant in the shape of Microsoft Defender XDR data read through Microsoft Graph
 * (`GET /security/incidents?$expand=alerts`): the same seed gives the same tenant.
 *
 * Alert ids imitate Graph's per-product prefixes (chosen to look like what Graph returns; only `da` is
 * documented in Graph's own examples):
 *   da…  Defender for Endpoint    `da638…_-123456789` (a .NET-ticks-like number and a hash)
 *   fa…  Defender for Office 365  `fa` + GUID
 *   aa…  Defender for Identity    `aa` + GUID
 *   ca…  Defender for Cloud Apps  `ca` + 32 hex digits
 *   ad…  Entra ID Protection      `ad` + 32 hex digits
 *   ed…  Defender XDR (microsoft365Defender) `ed` + GUID
 *
 * A few alerts are deliberately correlated into the wrong incident (another device and user, an
 * unrelated title, close in time): `miscorrelated` on the result says which.
 */

import type { GraphIncident } from '../../model';
import { highestSeverity } from '../../model';
import { assetsOf } from '../../model/derive';
import { autoIncidentName } from '../../move/naming';
import { NONE, odata } from './evidence';
import {
  DEFAULT_ALERTS,
  DEFAULT_INCIDENTS,
  DEFAULT_SEED,
  FIRST_INCIDENT_ID,
  type MiscorrelatedHint,
  SAMPLE_TENANT_ID,
  type SampleOptions,
  type SampleTenant,
} from './options';
import { mulberry32, Rng } from './rng';
import { isoAt, makeStory, type Story } from './story';
import { PRODUCTS, type Product } from './templates';
import { makeWorld } from './world';

/** Splits `alerts` over `incidents` (each at least one), heavy-tailed as real queues are. */
function splitAlerts(rng: Rng, incidents: number, alerts: number): number[] {
  const weights = Array.from({ length: incidents }, () => (-Math.log(1 - rng.next())) ** 1.6);
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const extra = alerts - incidents;
  const sizes = weights.map((w) => 1 + Math.floor((extra * w) / total));
  let left = alerts - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % incidents, left--) sizes[i] = (sizes[i] ?? 1) + 1;
  return sizes;
}

export function generateTenant(opts: SampleOptions): SampleTenant {
  const nowMs = Date.parse(opts.now);
  if (Number.isNaN(nowMs)) throw new Error(`generateTenant: "${opts.now}" is not a date and time`);
  let incidentCount = Math.max(
    1,
    Math.floor(
      opts.incidents ??
        (opts.alerts ? (opts.alerts * DEFAULT_INCIDENTS) / DEFAULT_ALERTS : DEFAULT_INCIDENTS),
    ),
  );
  // Every incident needs an alert: with fewer alerts than incidents asked for, there are fewer incidents.
  const alertCount = Math.max(
    1,
    Math.floor(
      opts.alerts ??
        (opts.incidents ? (opts.incidents * DEFAULT_ALERTS) / DEFAULT_INCIDENTS : DEFAULT_ALERTS),
    ),
  );
  incidentCount = Math.min(incidentCount, alertCount);
  const rng = new Rng(mulberry32(opts.seed ?? DEFAULT_SEED));
  const world = makeWorld(rng, incidentCount);
  const sizes = splitAlerts(rng, incidentCount, alertCount);
  let alertSerial = 0;
  /** Random-looking ids that are unique by construction: their tail is a bijection of a serial number. */
  const newAlertId = (product: Product): string => {
    const prefix = PRODUCTS[product].idPrefix;
    const mixed = Math.imul(++alertSerial, 0x9e3779b1) >>> 0; // an odd multiplier permutes 32-bit integers
    if (product === 'mde') {
      const hash = `${rng.chance(0.5) ? '-' : ''}${1_000_000 + rng.int(2_146_000_000)}`;
      return `${prefix}638${rng.digits(5)}${String(mixed).padStart(10, '0')}_${hash}`;
    }
    const tail = mixed.toString(16).padStart(8, '0');
    if (product === 'mdca' || product === 'entra') return `${prefix}${rng.hex(24)}${tail}`;
    return `${prefix}${rng.guid().slice(0, 28)}${tail}`;
  };

  const stories = sizes.map((size) => makeStory(rng, world, size, nowMs, newAlertId));

  // Ids rise with time, as Defender's do.
  stories.sort((a, b) => b.ageMinutes - a.ageMinutes);
  const idOf = (i: number) => String(FIRST_INCIDENT_ID + i);
  stories.forEach((story, i) => {
    for (const alert of story.alerts) alert.incidentId = idOf(i);
  });

  const miscorrelated = miscorrelate(rng, stories, idOf, Math.max(6, Math.round(alertCount / 200)));

  const incidents = stories.map((story, i): GraphIncident => {
    const id = idOf(i);
    const alerts = story.alerts;
    let created = alerts[0]?.createdDateTime ?? isoAt(nowMs, story.ageMinutes);
    let updated = created;
    for (const a of alerts) {
      if (a.createdDateTime < created) created = a.createdDateTime;
      if (a.lastUpdateDateTime && a.lastUpdateDateTime > updated) updated = a.lastUpdateDateTime;
    }
    if (updated < created) updated = created;
    return {
      '@odata.type': odata('incident'),
      id,
      incidentWebUrl: `https://security.microsoft.com/incidents/${id}?tid=${SAMPLE_TENANT_ID}`,
      redirectIncidentId: null,
      tenantId: SAMPLE_TENANT_ID,
      displayName: autoIncidentName(alerts),
      createdDateTime: created,
      lastUpdateDateTime: updated,
      assignedTo: story.assignedTo,
      classification: story.classification,
      determination: story.determination,
      status: story.status,
      severity: highestSeverity(alerts.map((a) => a.severity)),
      customTags: story.customTags,
      systemTags: story.systemTags,
      description: null,
      comments: NONE,
      alerts,
    } as GraphIncident;
  });
  return { incidents, activity: [], miscorrelated };
}

/**
 * Moves `count` alerts into an incident they do not belong to: one about other devices and users, close
 * in time (what temporal-proximity correlation gets wrong), without an alert of the same title.
 */
function miscorrelate(
  rng: Rng,
  stories: Story[],
  idOf: (i: number) => string,
  count: number,
): MiscorrelatedHint[] {
  const hints: MiscorrelatedHint[] = [];
  const used = new Set<number>();
  const assets = (s: Story) => {
    const all = new Set<string>();
    for (const alert of s.alerts) {
      const { devices, users } = assetsOf(alert);
      for (const a of [...devices, ...users]) all.add(a.toLowerCase());
    }
    return all;
  };
  const start = rng.int(stories.length);
  for (let n = 0; n < stories.length && hints.length < count; n++) {
    const from = (start + n * 7919) % stories.length; // a prime stride visits every story once
    const source = stories[from];
    if (!source || used.has(from) || source.alerts.length < 2) continue;
    const sourceAssets = assets(source);
    for (const delta of [1, -1, 2, -2, 3, -3, 4, -4]) {
      const to = from + delta;
      const target = stories[to];
      if (!target || used.has(to) || target.scenario === source.scenario) continue;
      if ([...assets(target)].some((a) => sourceAssets.has(a))) continue;
      const index = rng.int(source.alerts.length);
      const alert = source.alerts[index];
      if (!alert || target.alerts.some((a) => a.title === alert.title)) continue;
      source.alerts.splice(index, 1);
      alert.incidentId = idOf(to);
      target.alerts.push(alert);
      used.add(from);
      used.add(to);
      hints.push({
        alertId: alert.id,
        title: alert.title,
        incidentId: idOf(to),
        belongsWithIncidentId: idOf(from),
      });
      break;
    }
  }
  return hints;
}
