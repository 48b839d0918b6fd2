/**
 * A stand-in for Microsoft Graph security v1.0 and Microsoft Entra ID's token endpoints, on 127.0.0.1,
 * implementing the documented request and response shapes the connector uses:
 * - GET  /{tenant}/oauth2/v2.0/authorize  (auto-approves: redirects with a code bound to the PKCE challenge)
 * - POST /{tenant}/oauth2/v2.0/token      (authorization_code with code_verifier; refresh_token)
 * - GET  /v1.0/security/incidents         ($expand=alerts, $top, $filter=lastUpdateDateTime ge …, @odata.nextLink)
 * - GET  /v1.0/security/incidents/{id}
 * - GET  /v1.0/security/alerts_v2/{id}
 * - POST /v1.0/security/alerts_v2/moveAlerts           ({ alertIds, incidentId|null, alertComment, newCorrelationReasons } → { targetIncidentId })
 * - POST /v1.0/security/incidents/mergeIncidents       ({ incidentIds, incidentComment, mergeReasons } → { targetIncidentId })
 * - POST /v1.0/security/incidents/{id}/comments        ({ comment } → the incident's comments)
 * Where Microsoft's documentation is stricter than a quick fake would be, this server is too: errors are
 * Graph's `{ error: { code, message, innerError } }`; 401 carries a WWW-Authenticate challenge and says
 * whether the token expired; 429 always has Retry-After; `$top` over 50 on incidents is refused; next links
 * expire; evolvable enum members come as `unknownFutureValue` unless asked for; moveAlerts refuses reasons
 * that are not correlationReason members. Tests inject failures (429 with Retry-After, 403, 5xx), hold a
 * response (to stop a worker while a request is in flight) and read the request log.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAlert {
  id: string;
  incidentId: string;
  title: string;
  severity: string;
  status: string;
  category?: string;
  serviceSource?: string;
  createdDateTime: string;
  lastUpdateDateTime: string;
  evidence?: Record<string, unknown>[];
  [key: string]: unknown;
}

export interface FakeIncident {
  id: string;
  displayName: string;
  status: string;
  severity: string;
  createdDateTime: string;
  lastUpdateDateTime: string;
  redirectIncidentId?: string | null;
  comments?: { comment: string; createdByDisplayName: string; createdDateTime: string }[];
  [key: string]: unknown;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  clientRequestId?: string;
  /** The request's `Prefer` header, if any. */
  prefer?: string;
  status: number;
}

interface Fault {
  method?: string;
  path: RegExp;
  /** Matched against the query string too, e.g. /skiptoken=2/ for page 2. */
  search?: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  times: number;
}

interface Hold {
  method?: string;
  path: RegExp;
  search?: RegExp;
  received: () => void;
  released: Promise<void>;
}

const BASE_TIME = Date.parse('2026-11-01T08:00:00Z');
/** The largest `$top` Graph takes on GET /security/incidents. */
export const INCIDENTS_TOP_LIMIT = 50;
/** Graph's error code for each status an injected fault may use. */
const ERROR_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/**
 * Graph's error body (https://learn.microsoft.com/graph/errors): `code` and `message`, and an `innerError`
 * with the date and the request id. The connector must not need more than `code` and `message`.
 */
export function graphError(code: string, message: string, clientRequestId?: string) {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d+Z$/, ''),
        'request-id': randomUUID(),
        'client-request-id': clientRequestId ?? randomUUID(),
      },
    },
  };
}

/**
 * Evolvable enum members: those Graph added after `unknownFutureValue`. Without
 * `Prefer: include-unknown-enum-members` Graph answers them as `unknownFutureValue`
 * (https://learn.microsoft.com/graph/best-practices-concept#handling-future-members-in-evolvable-enumerations).
 */
const EVOLVABLE: Record<string, readonly string[]> = {
  // incident.status (security-incidentstatus)
  status: ['awaitingAction'],
  // alert.serviceSource (security-servicesource)
  serviceSource: ['microsoftDefenderForCloud', 'microsoftSentinel', 'microsoftInsiderRiskManagement'],
  // alert.detectionSource (security-detectionsource)
  detectionSource: [
    'nrtAlerts',
    'scheduledAlerts',
    'microsoftDefenderThreatIntelligenceAnalytics',
    'builtInMl',
    'microsoftInsiderRiskManagement',
    'microsoftThreatIntelligence',
    'microsoftSentinel',
  ],
  // incident/alert determination (security-alertdetermination)
  determination: ['clean', 'insufficientData', 'confirmedActivity', 'maliciousUserActivity'],
};
const PREFER_UNKNOWN = 'include-unknown-enum-members';

/** A record as Graph serializes it for a client that did (or did not) ask for evolvable members. */
function serialize<T extends Record<string, unknown>>(record: T, includeUnknown: boolean): T {
  if (includeUnknown) return record;
  const out: Record<string, unknown> = { ...record };
  for (const [field, members] of Object.entries(EVOLVABLE))
    if (typeof out[field] === 'string' && members.includes(out[field] as string))
      out[field] = 'unknownFutureValue';
  if (Array.isArray(out.alerts))
    out.alerts = (out.alerts as Record<string, unknown>[]).map((a) => serialize(a, false));
  return out as T;
}

/**
 * The members of Graph's `correlationReason` flags enum
 * (https://learn.microsoft.com/graph/api/resources/security-correlationreason), `eventCasualSequence` as Graph
 * spells it. moveAlerts refuses a `newCorrelationReasons` naming anything else, as the service does.
 */
export const GRAPH_CORRELATION_REASONS = [
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
  'unknownFutureValue',
] as const;

/** A small tenant: `incidents` incidents with `alertsPer` alerts each (ids 1001…, alerts da…). */
export function makeTenant(
  incidents: number,
  alertsPer = 2,
  /** Creation time of the first incident (epoch ms); e2e passes a recent one for the queues' time filters. */
  base = BASE_TIME,
): { incidents: FakeIncident[]; alerts: FakeAlert[] } {
  const out = { incidents: [] as FakeIncident[], alerts: [] as FakeAlert[] };
  const categories = ['InitialAccess', 'Execution', 'CredentialAccess', 'LateralMovement'];
  for (let i = 0; i < incidents; i++) {
    const id = String(1001 + i);
    const at = new Date(base + i * 60_000).toISOString();
    out.incidents.push({
      id,
      displayName: `Incident ${id} on host-${i}`,
      status: 'active',
      severity: i % 2 ? 'high' : 'medium',
      createdDateTime: at,
      lastUpdateDateTime: at,
      assignedTo: null,
      classification: 'unknown',
      determination: 'unknown',
      customTags: [],
      systemTags: [],
      redirectIncidentId: null,
    });
    for (let j = 0; j < alertsPer; j++) {
      out.alerts.push({
        id: `da6385${i}_${j}`,
        incidentId: id,
        title: `Suspicious activity ${i}.${j}`,
        severity: j === 0 && i % 2 ? 'high' : 'medium',
        status: 'new',
        category: categories[(i + j) % categories.length],
        serviceSource: 'microsoftDefenderForEndpoint',
        detectionSource: 'antivirus',
        createdDateTime: at,
        lastUpdateDateTime: at,
        evidence: [
          {
            '@odata.type': '#microsoft.graph.security.deviceEvidence',
            deviceDnsName: `host-${i}.contoso.com`,
            rbacGroupName: 'Servers',
          },
        ],
      });
    }
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const b64url = (buf: Buffer) =>
  buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export interface FakeGraphOptions {
  incidents?: FakeIncident[];
  alerts?: FakeAlert[];
  /** Largest page the server returns, whatever `$top` asks (default 50). */
  maxPageSize?: number;
  /** Access token lifetime in seconds (default 3600). */
  tokenLifetime?: number;
}

export async function startFakeGraphServer(opts: FakeGraphOptions = {}) {
  const incidents = new Map<string, FakeIncident>(
    (opts.incidents ?? []).map((i) => [i.id, structuredClone(i)]),
  );
  const alerts = new Map<string, FakeAlert>((opts.alerts ?? []).map((a) => [a.id, structuredClone(a)]));
  const codes = new Map<string, { challenge: string; clientId: string; redirectUri: string }>();
  const accessTokens = new Set<string>();
  /** Access tokens that were valid once: Graph says they expired, not that they are malformed. */
  const expiredTokens = new Set<string>();
  const refreshTokens = new Set<string>();
  const requests: LoggedRequest[] = [];
  const faults: Fault[] = [];
  const holds: Hold[] = [];
  const forbiddenAlerts = new Set<string>();
  let clock =
    Math.max(BASE_TIME, ...[...incidents.values()].map((i) => Date.parse(i.lastUpdateDateTime))) + 3_600_000;
  const tick = () => {
    clock += 1000;
    return new Date(clock).toISOString().replace('.000Z', '.1234567Z');
  };
  let maxPage = opts.maxPageSize ?? 50;
  /** Next links issued and not expired: a skip token is the server's, and it does not last for ever. */
  const issuedLinks = new Set<string>();

  const send = (
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Access-Control-Allow-Origin': '*',
      ...headers,
    });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const withAlerts = (i: FakeIncident) => ({
    ...i,
    alerts: [...alerts.values()].filter((a) => a.incidentId === i.id),
  });

  const RANK = ['unknown', 'informational', 'low', 'medium', 'high'];
  /** After alerts moved: an incident's severity is its highest alert's; one left empty is resolved. */
  const touch = (ids: Iterable<string>, at: string) => {
    for (const id of ids) {
      const inc = incidents.get(id);
      if (!inc) continue;
      inc.lastUpdateDateTime = at;
      const members = [...alerts.values()].filter((a) => a.incidentId === id);
      if (members.length) {
        inc.severity = members
          .map((a) => a.severity)
          .reduce((a, b) => (RANK.indexOf(b) > RANK.indexOf(a) ? b : a));
      } else if (inc.status !== 'redirected') {
        inc.status = 'resolved';
      }
    }
  };

  function newIncidentId(): string {
    return String(Math.max(1000, ...[...incidents.keys()].map(Number).filter(Number.isFinite)) + 1);
  }

  /** The documented effect of moveAlerts; returns [status, body]. */
  function moveAlerts(body: Record<string, unknown>): [number, unknown] {
    const ids = body.alertIds as string[];
    if (!Array.isArray(ids) || !ids.length || !ids.every((x) => typeof x === 'string')) {
      return [400, graphError('BadRequest', 'alertIds is required.')];
    }
    const missing = ids.filter((id) => !alerts.has(id));
    if (missing.length) return [404, graphError('NotFound', `Alert ${missing[0]} was not found.`)];
    const forbidden = ids.filter((id) => forbiddenAlerts.has(id));
    if (forbidden.length) {
      return [403, graphError('Forbidden', `Insufficient privileges to update alert ${forbidden[0]}.`)];
    }
    const reasons = body.newCorrelationReasons;
    if (reasons !== undefined && reasons !== null) {
      // A flags enum travels as one string, members separated by ", " (OData flags).
      if (typeof reasons !== 'string')
        return [400, graphError('BadRequest', 'newCorrelationReasons must be a string.')];
      const unknown = reasons
        .split(',')
        .map((r) => r.trim())
        .find((r) => !(GRAPH_CORRELATION_REASONS as readonly string[]).includes(r));
      if (unknown !== undefined) {
        return [
          400,
          graphError(
            'BadRequest',
            `The value '${unknown}' is not a valid member of the enumeration type 'microsoft.graph.security.correlationReason'.`,
          ),
        ];
      }
    }
    const at = tick();
    const asked = body.incidentId;
    if (asked !== null && asked !== undefined && typeof asked !== 'string') {
      return [400, graphError('BadRequest', 'incidentId must be a string or null.')];
    }
    let target: string;
    if (typeof asked === 'string') {
      target = asked;
      const inc = incidents.get(target);
      if (!inc) return [404, graphError('NotFound', `Incident ${target} was not found.`)];
      if (inc.status === 'redirected') return [409, graphError('Conflict', `Incident ${target} was merged.`)];
    } else {
      target = newIncidentId();
      const first = alerts.get(ids[0] as string)!;
      incidents.set(target, {
        id: target,
        displayName: first.title,
        status: 'active',
        severity: first.severity,
        createdDateTime: at,
        lastUpdateDateTime: at,
        redirectIncidentId: null,
      });
    }
    const sources = new Set<string>();
    for (const id of ids as string[]) {
      const a = alerts.get(id)!;
      if (a.incidentId !== target) {
        sources.add(a.incidentId);
        a.incidentId = target;
        a.lastUpdateDateTime = at;
      }
    }
    touch([target, ...sources], at);
    const inc = incidents.get(target)!;
    if (typeof body.alertComment === 'string' && body.alertComment) {
      inc.comments = [
        ...(inc.comments ?? []),
        { comment: body.alertComment, createdByDisplayName: 'API', createdDateTime: at },
      ];
    }
    return [
      200,
      {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.mergeResponse',
        targetIncidentId: target,
      },
    ];
  }

  /**
   * The documented effect of mergeIncidents: up to five incidents, the service keeps the one with the most alerts
   * (then the oldest) whatever order they come in, and refuses resolved or already merged incidents and incidents
   * that disagree on classification, determination or assignee, as the portal does.
   */
  function mergeIncidents(body: Record<string, unknown>): [number, unknown] {
    const ids = body.incidentIds;
    if (!Array.isArray(ids) || ids.length < 2) {
      return [400, graphError('BadRequest', 'incidentIds needs at least two incidents.')];
    }
    if (ids.length > 5)
      return [400, graphError('BadRequest', 'At most 5 incidents can be merged at a time.')];
    const missing = ids.filter((id) => typeof id !== 'string' || !incidents.has(id));
    if (missing.length) return [404, graphError('NotFound', `Incident ${missing[0]} was not found.`)];
    const list = (ids as string[]).map((id) => incidents.get(id)!);
    const closed = list.find((i) => i.status === 'redirected' || i.status === 'resolved');
    if (closed)
      return [
        400,
        graphError('BadRequest', `Incident ${closed.id} is ${closed.status} and cannot be merged.`),
      ];
    for (const field of ['classification', 'determination', 'assignedTo'] as const) {
      const set = new Set(
        list.map((i) => i[field]).filter((v) => v !== null && v !== undefined && v !== 'unknown'),
      );
      if (set.size > 1)
        return [400, graphError('BadRequest', `The incidents have different values of ${field}.`)];
    }
    const reasons = body.mergeReasons;
    if (reasons !== undefined && reasons !== null) {
      const unknown =
        typeof reasons === 'string'
          ? reasons
              .split(',')
              .map((r) => r.trim())
              .find((r) => !(GRAPH_CORRELATION_REASONS as readonly string[]).includes(r))
          : String(reasons);
      if (unknown !== undefined)
        return [400, graphError('BadRequest', `The value '${unknown}' is not a valid merge reason.`)];
    }
    const at = tick();
    const count = (id: string) => [...alerts.values()].filter((a) => a.incidentId === id).length;
    const [target, ...rest] = [...(ids as string[])].sort(
      (a, b) =>
        count(b) - count(a) ||
        Date.parse(incidents.get(a)!.createdDateTime) - Date.parse(incidents.get(b)!.createdDateTime),
    ) as [string, ...string[]];
    for (const id of rest) {
      for (const a of alerts.values())
        if (a.incidentId === id) Object.assign(a, { incidentId: target, lastUpdateDateTime: at });
      Object.assign(incidents.get(id)!, {
        status: 'redirected',
        redirectIncidentId: target,
        lastUpdateDateTime: at,
      });
    }
    touch([target], at);
    if (typeof body.incidentComment === 'string' && body.incidentComment) {
      const inc = incidents.get(target)!;
      inc.comments = [
        ...(inc.comments ?? []),
        { comment: body.incidentComment, createdByDisplayName: 'API', createdDateTime: at },
      ];
    }
    return [200, { targetIncidentId: target }];
  }

  function listIncidents(url: URL, base: string, includeUnknown: boolean): unknown {
    // List incidents documents $top up to 50; Graph refuses more rather than quietly paging.
    const asked = url.searchParams.get('$top');
    if (asked !== null && (!/^\d+$/.test(asked) || Number(asked) > INCIDENTS_TOP_LIMIT || Number(asked) < 1))
      throw Object.assign(
        new Error(
          `The limit of '${INCIDENTS_TOP_LIMIT}' for Top query has been exceeded. The value from the incoming request is '${asked}'.`,
        ),
        { status: 400 },
      );
    const top = Math.min(Number(asked ?? maxPage) || maxPage, maxPage);
    const skipToken = url.searchParams.get('$skiptoken');
    if (skipToken !== null && !issuedLinks.has(url.href))
      throw Object.assign(new Error('The $skiptoken is invalid or has expired.'), { status: 400 });
    const skip = Number(skipToken ?? 0) || 0;
    const filter = url.searchParams.get('$filter');
    let list = [...incidents.values()].sort((a, b) => Number(a.id) - Number(b.id));
    if (filter) {
      const m = /^lastUpdateDateTime ge (\S+)$/.exec(filter);
      if (!m) throw Object.assign(new Error(`Unsupported $filter: ${filter}`), { status: 400 });
      const since = Date.parse(m[1]!);
      list = list.filter((i) => Date.parse(i.lastUpdateDateTime) >= since);
    }
    const expand = url.searchParams.get('$expand') === 'alerts';
    const page = list.slice(skip, skip + top).map((i) => {
      const { comments: _c, ...rest } = expand ? withAlerts(i) : { ...i };
      return serialize(rest, includeUnknown);
    });
    const out: Record<string, unknown> = {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#security/incidents(alerts())',
      value: page,
    };
    if (skip + top < list.length) {
      const next = new URL(`${base}/v1.0/security/incidents`);
      for (const [k, v] of url.searchParams) if (k !== '$skiptoken') next.searchParams.set(k, v);
      next.searchParams.set('$skiptoken', String(skip + top));
      out['@odata.nextLink'] = next.toString();
      issuedLinks.add(next.href);
    }
    return out;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, base: string) {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const raw = method === 'POST' ? await readBody(req) : '';
    const path = url.pathname;
    const entry: LoggedRequest = {
      method,
      path,
      query: url.searchParams,
      body: undefined,
      clientRequestId: req.headers['client-request-id'] as string | undefined,
      prefer: req.headers.prefer as string | undefined,
      status: 0,
    };
    const includeUnknown = (entry.prefer ?? '')
      .split(',')
      .some((p) => p.trim().toLowerCase() === PREFER_UNKNOWN);
    requests.push(entry);
    const reply = (status: number, body?: unknown, headers?: Record<string, string>) => {
      entry.status = status;
      send(res, status, body, headers);
    };
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Headers': '*',
        'Access-Control-Allow-Methods': 'GET, POST',
      });
      res.end();
      return;
    }

    // --- Microsoft Entra ID
    const oauth = /^\/([^/]+)\/oauth2\/v2\.0\/(authorize|token)$/.exec(path);
    if (oauth?.[2] === 'authorize') {
      const q = url.searchParams;
      const redirectUri = q.get('redirect_uri') ?? '';
      if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
        entry.status = 400;
        res.writeHead(400).end('PKCE is required');
        return;
      }
      const code = randomUUID();
      codes.set(code, {
        challenge: q.get('code_challenge')!,
        clientId: q.get('client_id') ?? '',
        redirectUri,
      });
      const to = new URL(redirectUri);
      to.searchParams.set('code', code);
      to.searchParams.set('state', q.get('state') ?? '');
      entry.status = 302;
      res.writeHead(302, { Location: to.toString() }).end();
      return;
    }
    if (oauth?.[2] === 'token') {
      const form = new URLSearchParams(raw);
      entry.body = Object.fromEntries(form);
      const fail = (code: string, description: string) =>
        reply(400, { error: code, error_description: description });
      let ok = false;
      if (form.get('grant_type') === 'authorization_code') {
        const issued = codes.get(form.get('code') ?? '');
        if (!issued)
          return fail(
            'invalid_grant',
            'AADSTS70008: The provided authorization code is invalid or has expired.',
          );
        codes.delete(form.get('code')!);
        const verifier = form.get('code_verifier') ?? '';
        if (b64url(createHash('sha256').update(verifier).digest()) !== issued.challenge) {
          return fail('invalid_grant', 'AADSTS501481: The Code_Verifier does not match the code_challenge.');
        }
        if (issued.redirectUri !== form.get('redirect_uri') || issued.clientId !== form.get('client_id')) {
          return fail(
            'invalid_grant',
            'AADSTS50148: The redirect_uri or client_id does not match the authorization request.',
          );
        }
        ok = true;
      } else if (form.get('grant_type') === 'refresh_token') {
        if (!refreshTokens.delete(form.get('refresh_token') ?? '')) {
          return fail('invalid_grant', 'AADSTS700082: The refresh token has expired.');
        }
        ok = true;
      }
      if (!ok) return fail('unsupported_grant_type', 'AADSTS70003: The grant type is not supported.');
      const access = `at-${randomUUID()}`;
      const refresh = `rt-${randomUUID()}`;
      accessTokens.add(access);
      refreshTokens.add(refresh);
      return reply(200, {
        token_type: 'Bearer',
        scope: form.get('scope') ?? '',
        expires_in: opts.tokenLifetime ?? 3600,
        access_token: access,
        refresh_token: refresh,
      });
    }

    // --- Graph
    // Graph's answers to a missing, unknown or expired token: 401 with its code, and a WWW-Authenticate
    // challenge (https://learn.microsoft.com/graph/errors).
    const auth = req.headers.authorization ?? '';
    const bearer = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!bearer || !accessTokens.has(bearer)) {
      const message = !bearer
        ? 'Access token is empty.'
        : expiredTokens.has(bearer)
          ? 'Access token has expired or is not yet valid.'
          : 'IDX14100: JWT is not well formed, there are no dots (.).';
      return reply(401, graphError('InvalidAuthenticationToken', message, entry.clientRequestId), {
        'WWW-Authenticate':
          'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
      });
    }
    try {
      entry.body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return reply(400, graphError('BadRequest', 'The body is not JSON.'));
    }
    const fault = faults.find(
      (f) =>
        f.times > 0 &&
        (!f.method || f.method === method) &&
        f.path.test(path) &&
        (!f.search || f.search.test(url.search)),
    );
    if (fault) {
      fault.times--;
      // Graph's throttling always says how long to wait (https://learn.microsoft.com/graph/throttling).
      const headers =
        fault.status === 429 &&
        !Object.keys(fault.headers ?? {}).some((h) => h.toLowerCase() === 'retry-after')
          ? { ...fault.headers, 'Retry-After': '10' }
          : fault.headers;
      return reply(
        fault.status,
        fault.body ??
          graphError(
            ERROR_CODES[fault.status] ?? 'UnknownError',
            `Injected ${fault.status}`,
            entry.clientRequestId,
          ),
        headers,
      );
    }

    let status = 404;
    let body: unknown = graphError('UnknownError', `No route for ${method} ${path}`);
    if (method === 'GET' && path === '/v1.0/security/incidents') {
      try {
        [status, body] = [200, listIncidents(url, base, includeUnknown)];
      } catch (e) {
        [status, body] = [400, graphError('BadRequest', (e as Error).message)];
      }
    } else if (method === 'GET' && /^\/v1\.0\/security\/incidents\/[^/]+$/.test(path)) {
      const inc = incidents.get(decodeURIComponent(path.split('/')[4]!));
      if (!inc) [status, body] = [404, graphError('NotFound', 'Incident not found.')];
      else {
        const { comments: _c, ...rest } =
          url.searchParams.get('$expand') === 'alerts' ? withAlerts(inc) : { ...inc };
        [status, body] = [200, serialize(rest, includeUnknown)];
      }
    } else if (method === 'GET' && path.startsWith('/v1.0/security/alerts_v2/')) {
      const a = alerts.get(decodeURIComponent(path.slice('/v1.0/security/alerts_v2/'.length)));
      [status, body] = a
        ? [200, serialize(a, includeUnknown)]
        : [404, graphError('NotFound', 'Alert not found.')];
    } else if (method === 'POST' && path === '/v1.0/security/alerts_v2/moveAlerts') {
      [status, body] = moveAlerts((entry.body ?? {}) as Record<string, unknown>);
    } else if (method === 'POST' && path === '/v1.0/security/incidents/mergeIncidents') {
      [status, body] = mergeIncidents((entry.body ?? {}) as Record<string, unknown>);
    } else if (method === 'POST' && /^\/v1\.0\/security\/incidents\/[^/]+\/comments$/.test(path)) {
      const inc = incidents.get(decodeURIComponent(path.split('/')[4]!));
      const comment = (entry.body as { comment?: unknown } | undefined)?.comment;
      if (!inc) [status, body] = [404, graphError('NotFound', 'Incident not found.')];
      else if (typeof comment !== 'string' || !comment)
        [status, body] = [400, graphError('BadRequest', 'comment is required.')];
      else {
        const at = tick();
        inc.comments = [
          ...(inc.comments ?? []),
          { comment, createdByDisplayName: 'API', createdDateTime: at },
        ];
        inc.lastUpdateDateTime = at;
        [status, body] = [
          200,
          {
            value: inc.comments.map((c) => ({
              '@odata.type': 'microsoft.graph.security.alertComment',
              ...c,
            })),
          },
        ];
      }
    }

    const hold = holds.find(
      (h) =>
        (!h.method || h.method === method) && h.path.test(path) && (!h.search || h.search.test(url.search)),
    );
    if (hold) {
      holds.splice(holds.indexOf(hold), 1);
      entry.status = status;
      hold.received();
      await hold.released;
      if (res.destroyed || req.socket.destroyed) return;
    }
    reply(status, body);
  }

  const server = createServer((req, res) => {
    handle(req, res, base).catch((e) => {
      if (!res.headersSent) send(res, 500, graphError('InternalServerError', String(e)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    incidents,
    alerts,
    requests,
    forbiddenAlerts,
    setMaxPageSize(n: number) {
      maxPage = n;
    },
    /** Every next link issued so far stops working (Graph's skip tokens expire): 400 from then on. */
    expireNextLinks() {
      issuedLinks.clear();
    },
    /** The next `times` requests matching `path` get this status (e.g. 429 with `Retry-After`). */
    failNext(
      match: { method?: string; path: RegExp; search?: RegExp },
      status: number,
      headers?: Record<string, string>,
      times = 1,
    ) {
      faults.push({ ...match, status, headers, times });
    },
    /**
     * The next request matching `path` is processed (a move is applied) but its answer is held until
     * `release()`: a worker stopped meanwhile never learns the outcome.
     */
    hold(match: { method?: string; path: RegExp; search?: RegExp }) {
      let received!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((r) => {
        received = r;
      });
      const released = new Promise<void>((r) => {
        release = r;
      });
      holds.push({ ...match, received, released });
      return { arrived, release };
    },
    /** Every access token issued so far expires now (Graph then answers 401 "expired"); refresh tokens stay. */
    expireAccessTokens() {
      for (const t of accessTokens) expiredTokens.add(t);
      accessTokens.clear();
    },
    /** Issues an access token directly (unit tests that do not go through the sign-in flow). */
    issueToken(): string {
      const t = `at-${randomUUID()}`;
      accessTokens.add(t);
      return t;
    },
    /** Changes an incident as someone in the portal would (bumps lastUpdateDateTime). */
    update(id: string, change: Partial<FakeIncident>) {
      Object.assign(incidents.get(id)!, change, { lastUpdateDateTime: tick() });
    },
    mergeIncidents: (ids: string[]) => mergeIncidents({ incidentIds: ids }),
    moveAlerts: (body: Record<string, unknown>) => moveAlerts(body),
    /** The mergeIncidents calls received (whatever their answer). */
    mergeCalls: () =>
      requests.filter((r) => r.method === 'POST' && r.path === '/v1.0/security/incidents/mergeIncidents'),
    /** The moveAlerts calls received (whatever their answer). */
    moveCalls: () =>
      requests.filter((r) => r.method === 'POST' && r.path === '/v1.0/security/alerts_v2/moveAlerts'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeGraphServer = Awaited<ReturnType<typeof startFakeGraphServer>>;
