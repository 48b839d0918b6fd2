/** Evidence, in Graph's shapes (microsoft.graph.security.*Evidence). */

import type { Rng } from './rng';
import type { Device, User } from './world';

export const odata = (type: string) => `#microsoft.graph.security.${type}`;

/*
 * Sub-objects that are the same for many alerts (a user's account, an empty list) are shared rather than
 * copied: 200,000 alerts stay light enough to build in a few seconds. Frozen, since a change to one would
 * change them all; stored records are clones, so the store is unaffected.
 */
export const NONE = Object.freeze([]) as unknown as never[];
export const COMPROMISED = Object.freeze(['compromised']) as unknown as string[];
const ATTACKER = Object.freeze(['attacker']) as unknown as string[];

export function deviceEvidence(d: Device, user: User | undefined, at: string, roles: string[] = NONE) {
  return {
    '@odata.type': odata('deviceEvidence'),
    createdDateTime: at,
    verdict: 'suspicious',
    remediationStatus: 'none',
    roles,
    tags: NONE,
    mdeDeviceId: d.mdeDeviceId,
    deviceDnsName: d.dns,
    osPlatform: d.osPlatform,
    riskScore: 'high',
    rbacGroupId: d.groupId,
    rbacGroupName: d.group,
    ipInterfaces: d.ipInterfaces,
    loggedOnUsers: user ? user.loggedOn : NONE,
  };
}

export function userEvidence(u: User, at: string) {
  return {
    '@odata.type': odata('userEvidence'),
    createdDateTime: at,
    verdict: 'suspicious',
    remediationStatus: 'none',
    roles: COMPROMISED,
    tags: NONE,
    userAccount: u.account,
  };
}

export function mailboxEvidence(u: User, at: string) {
  return {
    '@odata.type': odata('mailboxEvidence'),
    createdDateTime: at,
    verdict: 'suspicious',
    remediationStatus: 'none',
    roles: NONE,
    tags: NONE,
    primaryAddress: u.upn,
    displayName: u.displayName,
    userAccount: u.account,
  };
}

export const ipEvidence = (ip: string, country: string, at: string) => ({
  '@odata.type': odata('ipEvidence'),
  createdDateTime: at,
  verdict: 'malicious',
  remediationStatus: 'none',
  roles: ATTACKER,
  tags: NONE,
  ipAddress: ip,
  countryLetterCode: country,
});

export const urlEvidence = (url: string, at: string) => ({
  '@odata.type': odata('urlEvidence'),
  createdDateTime: at,
  verdict: 'malicious',
  remediationStatus: 'none',
  roles: NONE,
  tags: NONE,
  url,
});

export function fileEvidence(
  rng: Rng,
  file: { name: string; path: string },
  hashes: { sha1: string; sha256: string },
  d: Device | undefined,
  at: string,
  prevented: boolean,
) {
  return {
    '@odata.type': odata('fileEvidence'),
    createdDateTime: at,
    verdict: 'malicious',
    remediationStatus: prevented ? 'prevented' : 'none',
    detectionStatus: prevented ? 'prevented' : 'detected',
    mdeDeviceId: d?.mdeDeviceId ?? null,
    roles: NONE,
    tags: NONE,
    fileDetails: {
      sha1: hashes.sha1,
      sha256: hashes.sha256,
      fileName: file.name,
      filePath: file.path,
      fileSize: 24_576 + rng.int(4_000_000),
      filePublisher: null,
      signer: null,
      issuer: null,
    },
  };
}

export function processEvidence(
  rng: Rng,
  commandLine: string,
  d: Device | undefined,
  u: User | undefined,
  at: string,
) {
  const exe = commandLine.split(' ')[0] ?? 'cmd.exe';
  return {
    '@odata.type': odata('processEvidence'),
    createdDateTime: at,
    verdict: 'suspicious',
    remediationStatus: 'none',
    processId: 1_000 + rng.int(20_000),
    processCommandLine: commandLine,
    processCreationDateTime: at,
    detectionStatus: 'detected',
    mdeDeviceId: d?.mdeDeviceId ?? null,
    roles: NONE,
    tags: NONE,
    imageFile: { fileName: exe, filePath: 'C:\\Windows\\System32' },
    userAccount: u ? u.account : null,
  };
}
