/**
 * Entity keys (DESIGN §7): what an alert's Graph evidence is about, normalised so the same thing matches across
 * sources. A key is `<kind>:<value>`:
 *
 *   device   `mdeDeviceId`, else the lower-cased `deviceDnsName`
 *   user     lower-cased `userPrincipalName`, else lower-cased `DOMAIN\account`, else `azureAdUserId`
 *   ip       `ipAddress` (lower-cased, for IPv6)
 *   file     `fileDetails.sha256`, else `sha1` (lower-cased)
 *   url      lower-cased host + path
 *   mailbox  lower-cased `primaryAddress`
 *   app      cloud application `appId`, else its lower-cased `displayName`
 *   process  the process image's sha256, else sha1
 *
 * Evidence of other types, and fields of the wrong type, give no key. An alert keeps at most
 * MAX_KEYS_PER_ALERT distinct keys (the first ones in evidence order) and reads at most MAX_EVIDENCE_READ
 * evidence objects: an alert with 10,000 evidence entities must not make every move and every suggestion slow.
 */
import type { GraphAlert } from './';

export const MAX_KEYS_PER_ALERT = 200;
export const MAX_EVIDENCE_READ = 5_000;
/** Longer values are not identifiers anyone shares: they are left out rather than cut (a cut could collide). */
const MAX_VALUE_LENGTH = 400;

export const ENTITY_KINDS = ['device', 'user', 'ip', 'file', 'url', 'mailbox', 'app', 'process'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** One entity of an alert: its key, and words for it (the device's host name, an abbreviated hash…). */
export interface AlertEntity {
  key: string;
  kind: EntityKind;
  label: string;
}

type Evidence = Record<string, unknown>;

const str = (v: unknown): string | undefined => {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t && t.length <= MAX_VALUE_LENGTH ? t : undefined;
};
const obj = (v: unknown): Evidence | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Evidence) : undefined;

/** `3a7f…c2`: enough of a hash to recognise it. */
export const shortHash = (hash: string) =>
  hash.length > 10 ? `${hash.slice(0, 4)}…${hash.slice(-2)}` : hash;

function userOf(account: Evidence | undefined): AlertEntity | undefined {
  if (!account) return undefined;
  const upn = str(account.userPrincipalName)?.toLowerCase();
  if (upn) return { key: `user:${upn}`, kind: 'user', label: upn };
  const name = str(account.accountName);
  const domain = str(account.domainName);
  if (name && domain) {
    const v = `${domain}\\${name}`.toLowerCase();
    return { key: `user:${v}`, kind: 'user', label: v };
  }
  const aad = str(account.azureAdUserId)?.toLowerCase();
  if (aad) return { key: `user:${aad}`, kind: 'user', label: name ?? aad };
  return undefined;
}

function hashOf(details: Evidence | undefined): string | undefined {
  if (!details) return undefined;
  return (str(details.sha256) ?? str(details.sha1))?.toLowerCase();
}

function urlKey(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (!u.host) return undefined;
    return `${u.host}${u.pathname}`.toLowerCase();
  } catch {
    // Not an absolute URL (Graph sometimes gives a bare host and path): drop scheme, query and fragment.
    const bare = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/[?#].*$/, '');
    return bare ? bare.toLowerCase() : undefined;
  }
}

/** The entities one evidence object names (most name one; device evidence may name its user too). */
function entitiesOfEvidence(e: Evidence): AlertEntity[] {
  const type = typeof e['@odata.type'] === 'string' ? (e['@odata.type'] as string) : '';
  const kind = type.slice(type.lastIndexOf('.') + 1);
  const out: AlertEntity[] = [];
  switch (kind) {
    case 'deviceEvidence': {
      const id = str(e.mdeDeviceId)?.toLowerCase();
      const dns = str(e.deviceDnsName)?.toLowerCase();
      const host = dns?.split('.')[0] || dns;
      if (id) out.push({ key: `device:${id}`, kind: 'device', label: host ?? id.slice(0, 12) });
      else if (dns) out.push({ key: `device:${dns}`, kind: 'device', label: host ?? dns });
      break;
    }
    case 'userEvidence': {
      const u = userOf(obj(e.userAccount));
      if (u) out.push(u);
      break;
    }
    case 'ipEvidence': {
      const ip = str(e.ipAddress)?.toLowerCase();
      if (ip) out.push({ key: `ip:${ip}`, kind: 'ip', label: ip });
      break;
    }
    case 'fileEvidence': {
      const details = obj(e.fileDetails);
      const hash = hashOf(details);
      if (hash) out.push({ key: `file:${hash}`, kind: 'file', label: shortHash(hash) });
      break;
    }
    case 'urlEvidence': {
      const url = str(e.url);
      const key = url && urlKey(url);
      if (key) out.push({ key: `url:${key}`, kind: 'url', label: key });
      break;
    }
    case 'mailboxEvidence': {
      const address = str(e.primaryAddress)?.toLowerCase();
      if (address) out.push({ key: `mailbox:${address}`, kind: 'mailbox', label: address });
      break;
    }
    case 'cloudApplicationEvidence': {
      const appId = e.appId;
      const name = str(e.displayName);
      const id = typeof appId === 'number' && Number.isFinite(appId) ? String(appId) : str(appId);
      if (id) out.push({ key: `app:${id.toLowerCase()}`, kind: 'app', label: name ?? id });
      else if (name) out.push({ key: `app:${name.toLowerCase()}`, kind: 'app', label: name });
      break;
    }
    case 'processEvidence': {
      const image = obj(e.imageFile);
      const hash = hashOf(image);
      const name = str(image?.fileName);
      if (hash)
        out.push({
          key: `process:${hash}`,
          kind: 'process',
          label: name ? `${name} (${shortHash(hash)})` : shortHash(hash),
        });
      break;
    }
  }
  return out;
}

/** The alert's entities, distinct by key, in evidence order, at most MAX_KEYS_PER_ALERT. */
export function entitiesOf(alert: Pick<GraphAlert, 'evidence'>): AlertEntity[] {
  const evidence = Array.isArray(alert.evidence) ? alert.evidence : [];
  const seen = new Map<string, AlertEntity>();
  const limit = Math.min(evidence.length, MAX_EVIDENCE_READ);
  for (let i = 0; i < limit && seen.size < MAX_KEYS_PER_ALERT; i++) {
    const e = obj(evidence[i]);
    if (!e) continue;
    for (const entity of entitiesOfEvidence(e)) {
      if (seen.size >= MAX_KEYS_PER_ALERT) break;
      if (!seen.has(entity.key)) seen.set(entity.key, entity);
    }
  }
  return [...seen.values()];
}

/** The alert's entity keys (what the store keeps on the alert as `entities`). */
export function entityKeysOf(alert: Pick<GraphAlert, 'evidence'>): string[] {
  return entitiesOf(alert).map((e) => e.key);
}

/** The kind of a key (`device:…` → `device`); undefined for a key of no known kind. */
export function kindOfKey(key: string): EntityKind | undefined {
  const kind = key.slice(0, key.indexOf(':'));
  return (ENTITY_KINDS as readonly string[]).includes(kind) ? (kind as EntityKind) : undefined;
}
