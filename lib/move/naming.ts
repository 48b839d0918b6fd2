/**
 * The automatic name of an incident created by a move (DESIGN §3), mirroring the names Defender gives:
 * "Multi-stage incident involving Initial access & Command and control on one endpoint reported by
 * multiple sources". Deterministic: the same alerts in any order give the same name.
 *
 * Decisions the design leaves open:
 * - no device and no user in the evidence: the " on …" part is left out (saying "one endpoint" would be false);
 * - no category on any alert: the " involving …" part is left out;
 * - categories outside the kill chain (Defender also uses e.g. "Malware", "SuspiciousActivity") come after
 *   the kill-chain ones, alphabetically;
 * - devices and users are counted case-insensitively (DNS names and UPNs are).
 */

import { type Alert, KILL_CHAIN } from '../model';
import { assetsOf } from '../model/derive';

export type NamingAlert = Pick<Alert, 'title' | 'category' | 'serviceSource' | 'evidence'>;

const MAX_CATEGORIES = 3;
const FALLBACK_NAME = 'New incident';

/** "InitialAccess" → "Initial access", "CommandAndControl" → "Command and control"; acronyms stay. */
export function categoryLabel(category: string): string {
  const words = category
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean);
  return words
    .map((w, i) => {
      if (w.length > 1 && w === w.toUpperCase()) return w;
      const lower = w.toLowerCase();
      return i === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
    })
    .join(' ');
}

/** Spelling-insensitive key: "InitialAccess", "initialAccess" and "Initial access" are one category. */
const categoryKey = (category: string) => category.replace(/[^a-z0-9]/gi, '').toLowerCase();
const KILL_CHAIN_RANK = new Map<string, number>(KILL_CHAIN.map((c, i) => [categoryKey(c), i]));

/** Distinct categories in kill-chain order, unknown ones after the known ones (alphabetically), as labels. */
export function orderedCategories(categories: Iterable<string | null | undefined>): string[] {
  const byKey = new Map<string, string>();
  for (const c of categories) {
    if (!c?.trim()) continue;
    const key = categoryKey(c);
    if (key && !byKey.has(key)) byKey.set(key, categoryLabel(c));
  }
  return [...byKey.entries()]
    .sort(([ka, la], [kb, lb]) => {
      const ra = KILL_CHAIN_RANK.get(ka) ?? Number.POSITIVE_INFINITY;
      const rb = KILL_CHAIN_RANK.get(kb) ?? Number.POSITIVE_INFINITY;
      if (ra !== rb) return ra - rb;
      return la < lb ? -1 : la > lb ? 1 : 0;
    })
    .map(([key, label]) => {
      const rank = KILL_CHAIN_RANK.get(key);
      return rank === undefined ? label : categoryLabel(KILL_CHAIN[rank] ?? label);
    });
}

export function autoIncidentName(alerts: readonly NamingAlert[]): string {
  if (alerts.length === 0) return FALLBACK_NAME;
  const titles = new Set(alerts.map((a) => a.title.trim()));
  const [onlyTitle] = titles;
  if (titles.size === 1 && onlyTitle) return onlyTitle;

  const devices = new Set<string>();
  const users = new Set<string>();
  const sources = new Set<string>();
  for (const a of alerts) {
    const assets = assetsOf(a);
    for (const d of assets.devices) devices.add(d.toLowerCase());
    for (const u of assets.users) users.add(u.toLowerCase());
    if (a.serviceSource?.trim()) sources.add(a.serviceSource.trim());
  }

  let name = 'Multi-stage incident';
  const categories = orderedCategories(alerts.map((a) => a.category)).slice(0, MAX_CATEGORIES);
  if (categories.length) name += ` involving ${categories.join(' & ')}`;
  if (devices.size) name += devices.size === 1 ? ' on one endpoint' : ' on multiple endpoints';
  else if (users.size) name += users.size === 1 ? ' on one user' : ' on multiple users';
  if (sources.size > 1) name += ' reported by multiple sources';
  return name;
}
