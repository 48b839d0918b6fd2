/**
 * What a sample tenant is asked for (size, seed, date) and what it gives back, with the defaults the
 * side panel's "Load sample data" uses.
 */

import type { ParsedImport } from '../import';

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

/**
 * The miscorrelated alerts of the default tenant (default seed and size, any `now`), so demos and end-to-end
 * tests can find them; a unit test keeps this true.
 */
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
