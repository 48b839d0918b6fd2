/**
 * The data model, in the shape of the Microsoft Graph security API v1.0
 * (`security/incidents`, `security/alerts_v2`), so that real exports import as they are.
 * https://learn.microsoft.com/graph/api/resources/security-incident
 * https://learn.microsoft.com/graph/api/resources/security-alert
 *
 * Records keep every Graph field they arrive with (loose objects); local fields are added
 * next to them and listed in LOCAL_INCIDENT_FIELDS / LOCAL_ALERT_FIELDS.
 */
import { z } from 'zod';

/** Graph evolves its enums (`unknownFutureValue` and later members): keep known values typed, accept new ones. */
function graphEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.union([z.enum(values), z.string().min(1).max(200)]);
}

export const INCIDENT_STATUSES = [
  'active',
  'inProgress',
  'awaitingAction',
  'resolved',
  'redirected',
] as const;
export const ALERT_STATUSES = ['new', 'inProgress', 'resolved', 'unknown'] as const;
/** Ordered from lowest to highest; `unknown` ranks below informational. */
export const SEVERITIES = ['unknown', 'informational', 'low', 'medium', 'high'] as const;
export const CLASSIFICATIONS = [
  'unknown',
  'falsePositive',
  'truePositive',
  'informationalExpectedActivity',
] as const;
export const SERVICE_SOURCES = [
  'microsoftDefenderForEndpoint',
  'microsoftDefenderForIdentity',
  'microsoftDefenderForCloudApps',
  'microsoftDefenderForOffice365',
  'microsoft365Defender',
  'azureAdIdentityProtection',
  'microsoftAppGovernance',
  'dataLossPrevention',
  'microsoftDefenderForCloud',
  'microsoftSentinel',
  'microsoftInsiderRiskManagement',
  'unknown',
] as const;
/**
 * Graph `correlationReason` flags, exactly the documented members
 * (https://learn.microsoft.com/graph/api/resources/security-correlationreason): the service refuses a move
 * that names any other value. `eventCasualSequence` is Graph's spelling. `unknownFutureValue` is never offered.
 */
export const CORRELATION_REASONS = [
  'repeatedAlertOccurrence',
  'sameGeography',
  'similarArtifacts',
  'sameTargetedAsset',
  'sameNetworkSegment',
  'eventSequence',
  'timeFrame',
  'sameThreatSource',
  'similarTTPsOrBehavior',
  'sameActor',
  'sameCampaign',
  'sharedIndicators',
  'sameAsset',
  'networkProximity',
  'eventCasualSequence',
  'temporalProximity',
  'lateralMovementPath',
] as const;
export type CorrelationReason = (typeof CORRELATION_REASONS)[number];
const CORRELATION_REASON_SET: ReadonlySet<string> = new Set(CORRELATION_REASONS);
/** True for a value Graph's `correlationReason` knows (stored entries may hold others: imports, old moves). */
export const isCorrelationReason = (value: string): value is CorrelationReason =>
  CORRELATION_REASON_SET.has(value);

/** MITRE ATT&CK tactics in kill-chain order (Graph alert `category` values). */
export const KILL_CHAIN = [
  'Reconnaissance',
  'ResourceDevelopment',
  'InitialAccess',
  'Execution',
  'Persistence',
  'PrivilegeEscalation',
  'DefenseEvasion',
  'CredentialAccess',
  'Discovery',
  'LateralMovement',
  'Collection',
  'CommandAndControl',
  'Exfiltration',
  'Impact',
] as const;

export const incidentStatus = graphEnum(INCIDENT_STATUSES);
export const alertStatus = graphEnum(ALERT_STATUSES);
export const severity = graphEnum(SEVERITIES);

/** ISO 8601 date-time as Graph writes it (`2021-08-13T08:43:35.5533333Z`); null where Graph allows it. */
const dateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a date and time');
const text = (max: number) => z.string().max(max, `is longer than ${max} characters`);
const MAX_TEXT = 100_000;

/** Incident ids are strings of digits in Graph; we also accept local provisional ids (`local-…`). */
export const incidentId = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform((v) => String(v))
  .pipe(
    z
      .string()
      .min(1, 'is empty')
      .max(64, 'is longer than 64 characters')
      .regex(/^[A-Za-z0-9_.:-]+$/, 'has characters an incident id cannot have'),
  );
export const alertId = z
  .string()
  .min(1, 'is empty')
  .max(200, 'is longer than 200 characters')
  .regex(/^[A-Za-z0-9_.:=+-]+$/, 'has characters an alert id cannot have');

export const evidenceSchema = z.looseObject({
  '@odata.type': z.string().max(200).optional(),
  rbacGroupName: text(500).nullish(),
  deviceDnsName: text(500).nullish(),
  userAccount: z
    .looseObject({
      accountName: text(500).nullish(),
      userPrincipalName: text(500).nullish(),
      displayName: text(500).nullish(),
    })
    .nullish(),
});

export const alertSchema = z.looseObject({
  id: alertId,
  incidentId,
  title: text(2_000),
  severity: severity.default('unknown'),
  status: alertStatus.default('new'),
  category: text(200).nullish(),
  serviceSource: text(200).nullish(),
  detectionSource: text(200).nullish(),
  mitreTechniques: z.array(text(200)).nullish(),
  evidence: z.array(evidenceSchema).nullish(),
  description: text(MAX_TEXT).nullish(),
  assignedTo: text(500).nullish(),
  createdDateTime: dateTime,
  lastUpdateDateTime: dateTime.nullish(),
  firstActivityDateTime: dateTime.nullish(),
  lastActivityDateTime: dateTime.nullish(),
  // Local fields (optional in files, always present in the store).
  scope: text(500).optional(),
  version: z.number().int().positive().optional(),
});

export const incidentSchema = z.looseObject({
  id: incidentId,
  displayName: text(2_000),
  status: incidentStatus.default('active'),
  severity: severity.default('unknown'),
  assignedTo: text(500).nullish(),
  classification: text(200).nullish(),
  determination: text(200).nullish(),
  customTags: z.array(text(500)).nullish(),
  systemTags: z.array(text(500)).nullish(),
  tags: z.array(text(500)).nullish(),
  description: text(MAX_TEXT).nullish(),
  redirectIncidentId: incidentId.nullish(),
  createdDateTime: dateTime,
  lastUpdateDateTime: dateTime.nullish(),
  alerts: z.array(alertSchema).optional(),
  version: z.number().int().positive().optional(),
  origin: z.enum(['local', 'imported', 'graph']).optional(),
});

/** Drops the `[key: string]: unknown` of loose objects so named fields keep their types. */
type KnownFields<T> = { [K in keyof T as string extends K ? never : K]: T[K] };
export type GraphAlert = KnownFields<z.output<typeof alertSchema>>;
export type GraphIncident = Omit<KnownFields<z.output<typeof incidentSchema>>, 'alerts'> & {
  alerts?: GraphAlert[];
};

/** An alert as stored: Graph fields plus local ones. */
export type Alert = GraphAlert & {
  scope: string;
  version: number;
  lastUpdateDateTime: string;
  /** Last activity, falling back to creation: the queues sort on it. */
  lastActivityDateTime: string;
  /** Entity keys of its evidence (lib/model/entities.ts); absent on records written before they existed. */
  entities?: string[];
};

/** An incident as stored, without its alerts, plus local and derived fields. */
export type Incident = Omit<GraphIncident, 'alerts'> & {
  version: number;
  origin: 'local' | 'imported' | 'graph';
  lastUpdateDateTime: string;
  /** Derived from its alerts (kept by every write) so the queue can filter through indexes. */
  alertCount: number;
  categories: string[];
  serviceSources: string[];
  detectionSources: string[];
  assets: string[];
  scopes: string[];
  /** Entity keys of its alerts (multi-entry index `*entities`: which incidents hold a device, a hash…). */
  entities?: string[];
  /** Counts behind the derived fields; absent on records written before it existed. */
  tally?: Tally;
};

/**
 * How many of an incident's alerts carry each value, per summarized field. Kept on the incident so a move
 * updates an incident's summary from the alerts that move alone, without reading the ones that stay
 * (lib/model/derive.ts keeps it). Zero counts are dropped, so equal alert sets give equal tallies.
 */
export interface Tally {
  severity: Record<string, number>;
  category: Record<string, number>;
  serviceSource: Record<string, number>;
  detectionSource: Record<string, number>;
  asset: Record<string, number>;
  scope: Record<string, number>;
  /** Entity keys (schema version 2 adds them to stored tallies; lib/model/derive.ts `isCompleteTally`). */
  entity: Record<string, number>;
}

export const LOCAL_INCIDENT_FIELDS = [
  'version',
  'origin',
  'alertCount',
  'categories',
  'serviceSources',
  'detectionSources',
  'assets',
  'scopes',
  'entities',
  'tally',
] as const;
export const LOCAL_ALERT_FIELDS = ['version', 'scope', 'entities'] as const;

export const actorSchema = z.object({
  displayName: z.string().max(500),
  upn: z.string().max(500),
});
export type Actor = z.infer<typeof actorSchema>;
export const SYSTEM_ACTOR: Actor = { displayName: 'System', upn: 'system' };

export const ACTIVITY_KINDS = [
  'alertCorrelated',
  'alertMovedOut',
  'incidentResolvedEmpty',
  'incidentReopened',
  'incidentCreated',
  'moveUndone',
  'syncRollback',
  'imported',
  'incidentsMerged',
  'mergedInto',
  'mergeUndone',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const activitySchema = z.object({
  seq: z.number().int().positive().optional(),
  incidentId,
  at: dateTime,
  actor: actorSchema,
  kind: z.string().min(1).max(100),
  alertIds: z.array(alertId),
  fromIncidentIds: z.array(incidentId).default([]),
  toIncidentId: incidentId.nullish(),
  comment: z.string().max(30_000).default(''),
  reasons: z.array(z.string().max(100)).default([]),
  /** Display names at the time of the entry: a later rename does not rewrite history. */
  names: z.object({
    incidents: z.record(z.string(), z.string()).default({}),
    alerts: z.record(z.string(), z.string()).default({}),
  }),
  moveToken: z.string().max(100).optional(),
});
export type ActivityEntry = z.output<typeof activitySchema>;

export const ACCESS_LEVELS = ['none', 'read', 'readWrite'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

export const profileSchema = z.object({
  displayName: z.string().trim().min(1, 'Display name is required').max(200),
  upn: z.string().trim().min(1, 'User principal name is required').max(320),
  canViewIncidentsQueue: z.boolean(),
  /** Access per device group; groups not listed get `defaultAccess`. */
  scopes: z.record(z.string(), z.enum(ACCESS_LEVELS)),
  defaultAccess: z.enum(ACCESS_LEVELS),
});
export type Profile = z.infer<typeof profileSchema>;

export const DEFAULT_PROFILE: Profile = {
  displayName: 'Local analyst',
  upn: 'analyst@localhost',
  canViewIncidentsQueue: true,
  scopes: {},
  defaultAccess: 'readWrite',
};

export const UNSCOPED = 'Unscoped';

export function severityRank(s: string): number {
  const i = (SEVERITIES as readonly string[]).indexOf(s);
  return Math.max(i, 0);
}

/** The highest severity of a set of alerts (Defender's rule for an incident's severity). */
export function highestSeverity(values: Iterable<string>, fallback = 'unknown'): string {
  let best: string | undefined;
  for (const v of values) if (best === undefined || severityRank(v) > severityRank(best)) best = v;
  return best ?? fallback;
}
