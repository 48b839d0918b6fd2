/**
 * A deterministic sample tenant in the shape of Microsoft Defender XDR data read through Microsoft Graph
 * (`GET /security/incidents?$expand=alerts`): the same seed gives the same tenant. It goes through
 * `writeImport` like any file.
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
 * unrelated title, close in time): `miscorrelated` on the result says which, and
 * `MISCORRELATED_HINTS` lists them for the default tenant so demos and end-to-end tests can find them.
 */

import type { GraphAlert, GraphIncident } from '../model';
import { highestSeverity } from '../model';
import { assetsOf } from '../model/derive';
import { autoIncidentName } from '../move/naming';
import type { MoverDB } from '../store/db';
import { type ImportCounts, type ParsedImport, writeImport } from './import';

export const DEFAULT_SEED = 0x5eed;
export const DEFAULT_INCIDENTS = 64;
export const DEFAULT_ALERTS = 260;
export const FIRST_INCIDENT_ID = 2000;
export const SAMPLE_TENANT_ID = '4c2f6a1e-8b3d-4e9a-9f17-5d0c8e2b7a64';
export const SAMPLE_DOMAIN = 'contoso.com';
export const DEVICE_GROUPS = [
  'Finance workstations',
  'Engineering workstations',
  'Executive laptops',
  'Servers - Production',
  'Domain controllers',
] as const;

export interface SampleOptions {
  incidents?: number;
  alerts?: number;
  seed?: number;
  /** ISO date-time: every date in the tenant is at or before it, most within the last 7 days. */
  now: string;
}

/** An alert that sits in the wrong incident, and the incident it belongs with. */
export interface MiscorrelatedHint {
  alertId: string;
  title: string;
  /** Where the sample puts it (wrongly). */
  incidentId: string;
  /** The incident about the same device or user. */
  belongsWithIncidentId: string;
}

export type SampleTenant = ParsedImport & { miscorrelated: MiscorrelatedHint[] };

/** The miscorrelated alerts of the default tenant (default seed and size, any `now`); a unit test keeps this true. */
export const MISCORRELATED_HINTS: readonly MiscorrelatedHint[] = [
  {
    alertId: 'fab174cf2b-57b7-4a03-94d2-9164e4c0e999',
    title: 'Email reported by user as malware or phish',
    incidentId: '2058',
    belongsWithIncidentId: '2057',
  },
  {
    alertId: 'da638568820408858366_616870672',
    title: "'CobaltStrike' backdoor was prevented",
    incidentId: '2041',
    belongsWithIncidentId: '2040',
  },
  {
    alertId: 'da638737200373937157_-755988323',
    title: 'Suspicious process injection observed',
    incidentId: '2025',
    belongsWithIncidentId: '2023',
  },
  {
    alertId: 'ca678e2206ff1f34c43704238e38453d70',
    title: 'Suspicious inbox manipulation rule',
    incidentId: '2007',
    belongsWithIncidentId: '2006',
  },
  {
    alertId: 'adba8dae1f912f2d9ed6c18146432b4666',
    title: 'Anonymous IP address',
    incidentId: '2054',
    belongsWithIncidentId: '2053',
  },
  {
    alertId: 'ed5b3f3634-6191-419d-8d34-21740805a18d',
    title: 'User compromised via a known AiTM phishing kit',
    incidentId: '2038',
    belongsWithIncidentId: '2036',
  },
];

// ---------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: a small, fast 32-bit PRNG; good enough for sample data, and deterministic. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX_DIGITS = '0123456789abcdef';

class Rng {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let x = this.next() * total;
    for (const [value, w] of choices) {
      x -= w;
      if (x < 0) return value;
    }
    const last = choices[choices.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }
  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i += 8) {
      let bits = (this.next() * 4294967296) >>> 0;
      for (let j = 0; j < 8 && i + j < length; j++, bits >>>= 4) out += HEX_DIGITS[bits & 15];
    }
    return out;
  }
  digits(length: number): string {
    let out = '';
    while (out.length < length) out += String(this.int(1e8) + 1e8).slice(1);
    return out.slice(0, length);
  }
  guid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[this.int(4)]}${h.slice(17, 20)}-${h.slice(20)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// The tenant's devices, people and outside infrastructure

interface Device {
  dns: string;
  group: (typeof DEVICE_GROUPS)[number];
  groupId: number;
  mdeDeviceId: string;
  osPlatform: string;
  ipInterfaces: string[];
}

interface User {
  displayName: string;
  upn: string;
  accountName: string;
  sid: string;
  azureAdUserId: string;
  device: Device;
  /** Graph `userAccount`, shared by every alert about this user. */
  account: Record<string, string>;
  /** Graph `deviceEvidence.loggedOnUsers` for this user. */
  loggedOn: { accountName: string; domainName: string }[];
}

interface World {
  ownerOf: Map<Device, User>;
  devices: Record<(typeof DEVICE_GROUPS)[number], Device[]>;
  workstations: Device[];
  servers: Device[];
  users: User[];
  executives: User[];
}

// biome-ignore format: word lists
const FIRST_NAMES = [
  'Adele', 'Alex', 'Allan', 'Amara', 'Ben', 'Carla', 'Chen', 'Diego', 'Elif', 'Emma', 'Farah', 'Grady',
  'Hana', 'Isaiah', 'Jana', 'Joni', 'Kai', 'Lee', 'Lidia', 'Lynne', 'Mateo', 'Megan', 'Miriam', 'Nestor',
  'Nia', 'Omar', 'Patti', 'Pradeep', 'Priya', 'Rafael', 'Sakura', 'Sara', 'Sven', 'Tomás', 'Wei', 'Zoe',
] as const;
// biome-ignore format: word lists
const LAST_NAMES = [
  'Adeyemi', 'Bowen', 'Carter', 'Castillo', 'Dubois', 'Fernandes', 'Gupta', 'Hansen', 'Ito', 'Johansson',
  'Kowalski', 'Larsen', 'Lopez', 'Mbeki', 'Meyer', 'Nakamura', 'Novak', 'Okafor', 'Olsen', 'Park', 'Petrov',
  'Quinn', 'Rossi', 'Schmidt', 'Silva', 'Singh', 'Tanaka', 'Vance', 'Weber', 'Yilmaz', 'Zhang',
] as const;
const ANALYSTS = [
  'kai.carter@contoso.com',
  'priya.singh@contoso.com',
  'sven.hansen@contoso.com',
  'amara.okafor@contoso.com',
  'diego.castillo@contoso.com',
  'megan.bowen@contoso.com',
] as const;
const COUNTRIES = ['US', 'NL', 'RU', 'CN', 'BR', 'NG', 'VN', 'RO', 'DE', 'SG', 'KP', 'IR'] as const;
const PHISH_DOMAINS = [
  'contoso-payroll-update.com',
  'sharepoint-docshare.net',
  'micros0ft-login-secure.com',
  'docusign-envelope-review.net',
  'invoice-portal-contoso.org',
  'o365-mailbox-quota.info',
] as const;

function makeWorld(rng: Rng, incidents: number): World {
  const total = Math.max(30, Math.round(incidents * 0.9));
  const counts: Record<(typeof DEVICE_GROUPS)[number], number> = {
    'Finance workstations': Math.max(6, Math.round(total * 0.28)),
    'Engineering workstations': Math.max(8, Math.round(total * 0.4)),
    'Executive laptops': Math.max(3, Math.round(total * 0.06)),
    'Servers - Production': Math.max(5, Math.round(total * 0.22)),
    'Domain controllers': Math.max(2, Math.min(40, Math.round(total * 0.02))),
  };
  const serverRoles = ['app', 'sql', 'web', 'file', 'print', 'sccm', 'exch'] as const;
  const devices = {} as World['devices'];
  DEVICE_GROUPS.forEach((group, g) => {
    const list: Device[] = [];
    for (let i = 0; i < counts[group]; i++) {
      const n = i + 1;
      const host =
        group === 'Finance workstations'
          ? `fin-ws-${String(100 + n).padStart(4, '0')}`
          : group === 'Engineering workstations'
            ? `eng-ws-${String(200 + n).padStart(4, '0')}`
            : group === 'Executive laptops'
              ? `exec-lt-${String(n).padStart(3, '0')}`
              : group === 'Servers - Production'
                ? `srv-${serverRoles[i % serverRoles.length]}-${String(Math.floor(i / serverRoles.length) + 1).padStart(2, '0')}`
                : `dc${String(n).padStart(2, '0')}`;
      const server = group === 'Servers - Production' || group === 'Domain controllers';
      list.push({
        dns: `${host}.corp.${SAMPLE_DOMAIN}`,
        group,
        groupId: 41 + g,
        mdeDeviceId: rng.hex(40),
        osPlatform: server ? 'WindowsServer2022' : 'Windows11',
        ipInterfaces: [
          server ? `10.10.${g}.${10 + (i % 240)}` : `10.${20 + g}.${Math.floor(i / 250)}.${10 + (i % 240)}`,
        ],
      });
    }
    devices[group] = list;
  });
  const workstations = [
    ...devices['Finance workstations'],
    ...devices['Engineering workstations'],
    ...devices['Executive laptops'],
  ];
  const servers = [...devices['Servers - Production'], ...devices['Domain controllers']];

  const users: User[] = [];
  const executives: User[] = [];
  const timesUsed = new Map<string, number>();
  const ownerOf = new Map<Device, User>();
  const ascii = (name: string) =>
    name
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z]/g, '');
  const firstAscii = FIRST_NAMES.map(ascii);
  const lastAscii = LAST_NAMES.map(ascii);
  workstations.forEach((device, i) => {
    const f = i % FIRST_NAMES.length;
    const l = (i * 7 + Math.floor(i / FIRST_NAMES.length)) % LAST_NAMES.length;
    const first = FIRST_NAMES[f] ?? 'Alex';
    const last = LAST_NAMES[l] ?? 'Quinn';
    const base = `${firstAscii[f]}.${lastAscii[l]}`;
    const n = (timesUsed.get(base) ?? 0) + 1;
    timesUsed.set(base, n);
    const local = n === 1 ? base : `${base}${n}`;
    const accountName = local.replace('.', '').slice(0, 20);
    const displayName = `${first} ${last}`;
    const upn = `${local}@${SAMPLE_DOMAIN}`;
    const sid = `S-1-5-21-1004336348-1177238915-682003330-${1100 + i}`;
    const azureAdUserId = rng.guid();
    const user: User = {
      displayName,
      upn,
      accountName,
      sid,
      azureAdUserId,
      device,
      account: {
        accountName,
        domainName: 'CONTOSO',
        userSid: sid,
        azureAdUserId,
        userPrincipalName: upn,
        displayName,
      },
      loggedOn: [{ accountName, domainName: 'CONTOSO' }],
    };
    users.push(user);
    ownerOf.set(device, user);
    if (device.group === 'Executive laptops') executives.push(user);
  });
  return { ownerOf, devices, workstations, servers, users, executives };
}

function publicIp(rng: Rng): string {
  const first = rng.pick([45, 62, 77, 91, 103, 141, 176, 185, 193, 194, 203, 212]);
  return `${first}.${rng.int(254) + 1}.${rng.int(254) + 1}.${rng.int(254) + 1}`;
}

// ---------------------------------------------------------------------------------------------
// Alert templates: titles Defender shows, with their product, detection source, tactic and techniques

type Product = 'mde' | 'mdo' | 'mdi' | 'mdca' | 'entra' | 'xdr';
type EvidenceKind = 'device' | 'user' | 'mailbox' | 'ip' | 'file' | 'process' | 'url' | 'dc';
type Scenario = 'endpoint' | 'phish' | 'identity' | 'activeDirectory' | 'ransomware';

interface Template {
  title: string;
  product: Product;
  detectionSource: string;
  category: string;
  techniques: string[];
  severity: 'informational' | 'low' | 'medium' | 'high';
  evidence: EvidenceKind[];
  description: string;
  file?: { name: string; path: string };
  commandLine?: string;
  threat?: string;
}

const PRODUCTS: Record<Product, { serviceSource: string; idPrefix: string }> = {
  mde: { serviceSource: 'microsoftDefenderForEndpoint', idPrefix: 'da' },
  mdo: { serviceSource: 'microsoftDefenderForOffice365', idPrefix: 'fa' },
  mdi: { serviceSource: 'microsoftDefenderForIdentity', idPrefix: 'aa' },
  mdca: { serviceSource: 'microsoftDefenderForCloudApps', idPrefix: 'ca' },
  entra: { serviceSource: 'azureAdIdentityProtection', idPrefix: 'ad' },
  xdr: { serviceSource: 'microsoft365Defender', idPrefix: 'ed' },
};

const T = (
  title: string,
  product: Product,
  detectionSource: string,
  category: string,
  techniques: string[],
  severity: Template['severity'],
  evidence: EvidenceKind[],
  description: string,
  extra: Partial<Template> = {},
): Template => ({
  title,
  product,
  detectionSource,
  category,
  techniques,
  severity,
  evidence,
  description,
  ...extra,
});

const MDE = 'microsoftDefenderForEndpoint';
// biome-ignore format: a table reads best one row per line
const TEMPLATES = {
  powershell: T('Suspicious PowerShell command line', 'mde', MDE, 'Execution', ['T1059.001', 'T1027'], 'medium', ['device', 'user', 'process'], 'A suspicious PowerShell command line was run, possibly to download or run malicious code.', { commandLine: 'powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA' }),
  hiddenFile: T('Suspicious execution of hidden file', 'mde', 'antivirus', 'DefenseEvasion', ['T1564.001'], 'low', ['device', 'file'], 'A hidden file has been launched. Attackers often hide files associated with malicious tools to evade file system inspection and defenses.', { file: { name: 'svchost32.exe', path: 'C:\\Users\\Public\\Libraries' } }),
  injection: T('Suspicious process injection observed', 'mde', MDE, 'DefenseEvasion', ['T1055', 'T1055.012'], 'medium', ['device', 'process'], 'A process injected code into another process, a technique used to run malicious code under a trusted process.', { commandLine: 'rundll32.exe C:\\ProgramData\\update.dll,Start' }),
  scheduledTask: T('Suspicious Task Scheduler activity', 'mde', MDE, 'Persistence', ['T1053.005'], 'medium', ['device', 'user', 'process'], 'A scheduled task was created or modified in a way attackers use to keep running after a restart.', { commandLine: 'schtasks.exe /create /sc minute /mo 30 /tn "OneDrive Sync" /tr C:\\ProgramData\\sync.exe' }),
  mimikatz: T('Mimikatz credential theft tool', 'mde', MDE, 'CredentialAccess', ['T1003.001', 'T1558'], 'high', ['device', 'user', 'file'], 'The Mimikatz credential theft tool was detected. It can dump credentials from memory and perform pass-the-hash and pass-the-ticket attacks.', { file: { name: 'mimikatz.exe', path: 'C:\\Windows\\Temp' }, threat: 'HackTool:Win64/Mikatz' }),
  lsass: T('Suspicious access to LSASS service', 'mde', MDE, 'CredentialAccess', ['T1003.001'], 'high', ['device', 'user', 'process'], 'A process accessed the memory of the Local Security Authority Subsystem Service, possibly to steal credentials.', { commandLine: 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 712 C:\\Windows\\Temp\\l.dmp full' }),
  exploration: T('Suspicious sequence of exploration activities', 'mde', MDE, 'Discovery', ['T1087', 'T1018', 'T1069.002'], 'medium', ['device', 'user', 'process'], 'A process ran a sequence of commands attackers use to learn about accounts, groups and computers on the network.', { commandLine: 'net.exe group "Domain Admins" /domain' }),
  networkProtection: T('Suspicious connection blocked by network protection', 'mde', 'smartScreen', 'CommandAndControl', ['T1071.001'], 'medium', ['device', 'ip'], 'Network protection blocked a connection to an address associated with command-and-control infrastructure.'),
  ransomware: T('Ransomware behavior detected in the file system', 'mde', MDE, 'Impact', ['T1486'], 'high', ['device', 'user', 'file'], 'Files were encrypted and renamed in a way that matches ransomware.', { file: { name: 'locker.exe', path: 'C:\\ProgramData\\Microsoft\\Crypto' }, threat: 'Ransom:Win32/LockBit' }),
  cobalt: T("'CobaltStrike' backdoor was prevented", 'mde', 'antivirus', 'Execution', ['T1059.003', 'T1071'], 'high', ['device', 'file'], 'Microsoft Defender Antivirus prevented a Cobalt Strike beacon from running.', { file: { name: 'beacon_x64.dll', path: 'C:\\Users\\Public\\Downloads' }, threat: 'Backdoor:Win64/CobaltStrike' }),
  remoteDrop: T('File dropped and launched from remote location', 'mde', MDE, 'LateralMovement', ['T1570', 'T1021.002'], 'medium', ['device', 'file'], 'A file was copied over the network and then launched, which may indicate lateral movement.', { file: { name: 'psexesvc.exe', path: 'C:\\Windows' } }),
  wmi: T('Suspicious WMI process creation', 'mde', MDE, 'Execution', ['T1047'], 'medium', ['device', 'process'], 'A process was started through Windows Management Instrumentation in a way attackers use to run code remotely.', { commandLine: 'wmic.exe /node:10.10.3.21 process call create "cmd.exe /c C:\\Windows\\Temp\\a.bat"' }),
  word: T('Suspicious behavior by Microsoft Word was observed', 'mde', MDE, 'Execution', ['T1204.002', 'T1566.001'], 'medium', ['device', 'user', 'process'], 'Microsoft Word started a process in a way that matches a malicious macro or exploit.', { commandLine: 'WINWORD.EXE /n "C:\\Users\\Public\\Documents\\Invoice_0427.docm"' }),
  wacatac: T("'Wacatac' malware was prevented", 'mde', 'antivirus', 'Execution', ['T1204.002'], 'informational', ['device', 'file'], 'Microsoft Defender Antivirus prevented malware from running.', { file: { name: 'setup_crack.exe', path: 'C:\\Users\\Public\\Downloads' }, threat: 'Trojan:Win32/Wacatac.B!ml' }),
  tampering: T('Tampering with Microsoft Defender for Endpoint sensor settings', 'mde', MDE, 'DefenseEvasion', ['T1562.001'], 'high', ['device', 'process'], 'An attempt was made to change sensor settings so that the device stops reporting.', { commandLine: 'reg.exe add "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat Protection" /v ForceDefenderPassiveMode /d 1' }),
  recovery: T('System recovery setting tampering', 'mde', MDE, 'Impact', ['T1490'], 'high', ['device', 'process'], 'Shadow copies or recovery settings were deleted, which ransomware does before encrypting files.', { commandLine: 'vssadmin.exe delete shadows /all /quiet' }),

  urlRemoved: T('Email messages containing malicious URL removed after delivery', 'mdo', 'microsoftDefenderForOffice365', 'InitialAccess', ['T1566.002'], 'informational', ['mailbox', 'url', 'ip'], 'Emails with a malicious URL were delivered and later removed by zero-hour auto purge.'),
  malwareRemoved: T('Email messages containing malware removed after delivery', 'mdo', 'microsoftDefenderForOffice365', 'InitialAccess', ['T1566.001'], 'informational', ['mailbox', 'file', 'ip'], 'Emails with a malicious attachment were delivered and later removed by zero-hour auto purge.', { file: { name: 'Remittance_Advice.html', path: '' } }),
  urlClick: T('A potentially malicious URL click was detected', 'mdo', 'microsoftDefenderForOffice365', 'InitialAccess', ['T1566.002'], 'high', ['mailbox', 'user', 'url'], 'A user clicked a link that Safe Links later found to be malicious.'),
  userReported: T('Email reported by user as malware or phish', 'mdo', 'microsoftDefenderForOffice365', 'InitialAccess', ['T1566'], 'low', ['mailbox', 'url'], 'A user reported an email as phishing or malware.'),
  allowPolicy: T('Phish delivered due to an IP allow policy', 'mdo', 'microsoftDefenderForOffice365', 'InitialAccess', ['T1566'], 'informational', ['mailbox', 'ip'], 'A phishing email was delivered because its sender IP is in an allow list.'),

  dcsync: T('Suspected DCSync attack (replication of directory services)', 'mdi', 'microsoftDefenderForIdentity', 'CredentialAccess', ['T1003.006'], 'high', ['dc', 'user'], 'A replication request was sent from a computer that is not a domain controller.'),
  spn: T('Suspected Kerberos SPN exposure', 'mdi', 'microsoftDefenderForIdentity', 'CredentialAccess', ['T1558.003'], 'high', ['dc', 'user'], 'Kerberos service tickets were requested for many service accounts (Kerberoasting).'),
  enumeration: T('Account enumeration reconnaissance', 'mdi', 'microsoftDefenderForIdentity', 'Discovery', ['T1087.002'], 'medium', ['dc', 'user'], 'Someone tried to guess account names in the domain.'),
  bruteForce: T('Suspected Brute Force attack (Kerberos, NTLM)', 'mdi', 'microsoftDefenderForIdentity', 'CredentialAccess', ['T1110'], 'medium', ['dc', 'user', 'ip'], 'Many failed sign-in attempts were made against domain accounts.'),
  passTheTicket: T('Suspected identity theft (pass-the-ticket)', 'mdi', 'microsoftDefenderForIdentity', 'LateralMovement', ['T1550.003'], 'high', ['dc', 'user'], 'A Kerberos ticket stolen from one computer was used on another.'),
  dnsRecon: T('Network-mapping reconnaissance (DNS)', 'mdi', 'microsoftDefenderForIdentity', 'Discovery', ['T1018'], 'low', ['dc'], 'A computer made DNS queries that map the network.'),

  impossibleTravel: T('Impossible travel activity', 'mdca', 'cloudAppSecurity', 'InitialAccess', ['T1078'], 'medium', ['user', 'ip'], 'The same user signed in from two places too far apart to travel between in the time.'),
  infrequentCountry: T('Activity from infrequent country', 'mdca', 'cloudAppSecurity', 'InitialAccess', ['T1078'], 'low', ['user', 'ip'], 'A user was active from a country no one in the organization was active from recently.'),
  inboxRule: T('Suspicious inbox manipulation rule', 'mdca', 'cloudAppSecurity', 'DefenseEvasion', ['T1564.008'], 'medium', ['user', 'mailbox', 'ip'], 'An inbox rule was created that moves or deletes messages, as attackers do to hide their activity.'),
  massDownload: T('Mass download by a single user', 'mdca', 'cloudAppSecurity', 'Exfiltration', ['T1530'], 'medium', ['user', 'ip'], 'A user downloaded an unusually large number of files from SharePoint and OneDrive.'),
  forwarding: T('Suspicious inbox forwarding', 'mdca', 'cloudAppSecurity', 'Exfiltration', ['T1114.003'], 'medium', ['user', 'mailbox'], 'A rule forwards the mailbox to an external address.'),

  unfamiliarSignIn: T('Unfamiliar sign-in properties', 'entra', 'azureAdIdentityProtection', 'InitialAccess', ['T1078'], 'low', ['user', 'ip'], 'A sign-in had properties not seen recently for this user.'),
  atypicalTravel: T('Atypical travel', 'entra', 'azureAdIdentityProtection', 'InitialAccess', ['T1078'], 'medium', ['user', 'ip'], 'Two sign-ins came from places far apart.'),
  anonymousIp: T('Anonymous IP address', 'entra', 'azureAdIdentityProtection', 'InitialAccess', ['T1090.003'], 'low', ['user', 'ip'], 'A sign-in came from an anonymous IP address such as a Tor exit node.'),
  passwordSpray: T('Password spray', 'entra', 'azureAdIdentityProtection', 'CredentialAccess', ['T1110.003'], 'high', ['user', 'ip'], 'Many accounts were tried with a few common passwords.'),
  anomalousToken: T('Anomalous token', 'entra', 'azureAdIdentityProtection', 'CredentialAccess', ['T1550.001'], 'high', ['user', 'ip'], 'A token with unusual characteristics was used, which may mean it was stolen and replayed.'),

  aitm: T('User compromised via a known AiTM phishing kit', 'xdr', 'microsoft365Defender', 'InitialAccess', ['T1557', 'T1566.002'], 'high', ['user', 'mailbox', 'ip', 'url'], 'A user signed in through an adversary-in-the-middle phishing page, and their session cookie was stolen.'),
  bec: T('Possible BEC financial fraud', 'xdr', 'microsoft365Defender', 'Collection', ['T1114.002'], 'high', ['user', 'mailbox', 'ip'], 'A compromised mailbox was used in a way that matches business email compromise fraud.'),
  ransomwareFiles: T('Possible compromised user account delivering ransomware-related files', 'xdr', 'microsoft365Defender', 'Impact', ['T1486', 'T1570'], 'high', ['user', 'device', 'file'], 'A user account copied ransomware-related files to several devices.', { file: { name: 'locker.exe', path: 'C:\\ProgramData' } }),
} satisfies Record<string, Template>;

type TemplateName = keyof typeof TEMPLATES;
// biome-ignore format: a table reads best one row per line
const SCENARIO_TEMPLATES: Record<Scenario, TemplateName[]> = {
  endpoint: ['powershell', 'hiddenFile', 'injection', 'scheduledTask', 'lsass', 'exploration', 'networkProtection', 'cobalt', 'wmi', 'wacatac', 'tampering', 'word'],
  phish: ['urlRemoved', 'malwareRemoved', 'urlClick', 'userReported', 'allowPolicy', 'aitm', 'word', 'powershell', 'unfamiliarSignIn'],
  identity: ['impossibleTravel', 'infrequentCountry', 'inboxRule', 'massDownload', 'forwarding', 'unfamiliarSignIn', 'atypicalTravel', 'anonymousIp', 'passwordSpray', 'anomalousToken', 'bec'],
  activeDirectory: ['dcsync', 'spn', 'enumeration', 'bruteForce', 'passTheTicket', 'dnsRecon', 'mimikatz', 'exploration'],
  ransomware: ['mimikatz', 'lsass', 'remoteDrop', 'ransomware', 'recovery', 'tampering', 'powershell', 'injection', 'dcsync', 'passTheTicket', 'ransomwareFiles'],
};
/** Most single-alert incidents in a real queue are low-severity noise like these. */
const NOISE_TEMPLATES: Record<Scenario, TemplateName[]> = {
  endpoint: ['wacatac', 'hiddenFile'],
  phish: ['urlRemoved', 'malwareRemoved', 'userReported', 'allowPolicy'],
  identity: ['unfamiliarSignIn', 'anonymousIp', 'infrequentCountry'],
  activeDirectory: ['dnsRecon', 'enumeration'],
  ransomware: SCENARIO_TEMPLATES.ransomware,
};
const SCENARIOS: readonly (readonly [Scenario, number])[] = [
  ['endpoint', 0.34],
  ['phish', 0.26],
  ['identity', 0.2],
  ['activeDirectory', 0.1],
  ['ransomware', 0.1],
];
const SEVERITY_STEPS = ['informational', 'low', 'medium', 'high'] as const;
const KILL_CHAIN_ORDER: Record<string, number> = {
  Reconnaissance: 0,
  ResourceDevelopment: 1,
  InitialAccess: 2,
  Execution: 3,
  Persistence: 4,
  PrivilegeEscalation: 5,
  DefenseEvasion: 6,
  CredentialAccess: 7,
  Discovery: 8,
  LateralMovement: 9,
  Collection: 10,
  CommandAndControl: 11,
  Exfiltration: 12,
  Impact: 13,
};

// ---------------------------------------------------------------------------------------------
// Evidence, in Graph's shapes (microsoft.graph.security.*Evidence)

const odata = (type: string) => `#microsoft.graph.security.${type}`;

/*
 * Sub-objects that are the same for many alerts (a user's account, an empty list) are shared rather than
 * copied: 200,000 alerts stay light enough to build in a few seconds. Frozen, since a change to one would
 * change them all; stored records are clones, so the store is unaffected.
 */
const NONE = Object.freeze([]) as unknown as never[];
const COMPROMISED = Object.freeze(['compromised']) as unknown as string[];
const ATTACKER = Object.freeze(['attacker']) as unknown as string[];

function deviceEvidence(d: Device, user: User | undefined, at: string, roles: string[] = NONE) {
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

function userEvidence(u: User, at: string) {
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

function mailboxEvidence(u: User, at: string) {
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

const ipEvidence = (ip: string, country: string, at: string) => ({
  '@odata.type': odata('ipEvidence'),
  createdDateTime: at,
  verdict: 'malicious',
  remediationStatus: 'none',
  roles: ATTACKER,
  tags: NONE,
  ipAddress: ip,
  countryLetterCode: country,
});

const urlEvidence = (url: string, at: string) => ({
  '@odata.type': odata('urlEvidence'),
  createdDateTime: at,
  verdict: 'malicious',
  remediationStatus: 'none',
  roles: NONE,
  tags: NONE,
  url,
});

function fileEvidence(
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

function processEvidence(
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

// ---------------------------------------------------------------------------------------------
// Incidents

interface Story {
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

function isoAt(nowMs: number, minutesBefore: number): string {
  return new Date(Math.round(nowMs - Math.max(0, minutesBefore) * 60_000)).toISOString();
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

  const stories: Story[] = sizes.map((size) => {
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
    const ageMinutes = rng.chance(0.66)
      ? rng.between(45, 7 * 24 * 60)
      : rng.between(7 * 24 * 60, 30 * 24 * 60);
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
    if (devices.some((d) => d.group === 'Finance workstations') && rng.chance(0.3))
      customTags.push('Finance');
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
      const updatedBefore =
        createdBefore * (status === 'resolved' ? rng.between(0, 0.9) : rng.between(0.5, 1));
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
  });

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

/** Generates the sample tenant and writes it like an import (origin `local`). */
export function loadSample(
  db: MoverDB,
  opts: SampleOptions & { onProgress?: (done: number, total: number) => void },
): Promise<ImportCounts> {
  const { onProgress, ...sample } = opts;
  return writeImport(db, generateTenant(sample), { now: opts.now, origin: 'local', onProgress });
}
