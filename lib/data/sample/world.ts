/** The tenant's devices, people and outside infrastructure: who and what the alerts are about. */

import { DEVICE_GROUPS, SAMPLE_DOMAIN } from './options';
import type { Rng } from './rng';

export interface Device {
  dns: string;
  group: (typeof DEVICE_GROUPS)[number];
  groupId: number;
  mdeDeviceId: string;
  osPlatform: string;
  ipInterfaces: string[];
}

export interface User {
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

export interface World {
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
export const ANALYSTS = [
  'kai.carter@contoso.com',
  'priya.singh@contoso.com',
  'sven.hansen@contoso.com',
  'amara.okafor@contoso.com',
  'diego.castillo@contoso.com',
  'megan.bowen@contoso.com',
] as const;
export const COUNTRIES = ['US', 'NL', 'RU', 'CN', 'BR', 'NG', 'VN', 'RO', 'DE', 'SG', 'KP', 'IR'] as const;
export const PHISH_DOMAINS = [
  'contoso-payroll-update.com',
  'sharepoint-docshare.net',
  'micros0ft-login-secure.com',
  'docusign-envelope-review.net',
  'invoice-portal-contoso.org',
  'o365-mailbox-quota.info',
] as const;

export function makeWorld(rng: Rng, incidents: number): World {
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

export function publicIp(rng: Rng): string {
  const first = rng.pick([45, 62, 77, 91, 103, 141, 176, 185, 193, 194, 203, 212]);
  return `${first}.${rng.int(254) + 1}.${rng.int(254) + 1}.${rng.int(254) + 1}`;
}
