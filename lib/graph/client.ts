/**
 * A small Microsoft Graph v1.0 client: bearer token, JSON, and the throttling rules of
 * https://learn.microsoft.com/graph/throttling (429 with Retry-After; back off exponentially when
 * there is none; 5xx retried with backoff for reads only). Plain TypeScript: fetch, sleep and the
 * token come in as arguments, so it runs in the service worker and in Node tests alike.
 */

export type GraphErrorKind =
  /** The service said no (4xx other than 401/429): do not retry, roll back. */
  | 'refused'
  /** No usable token: sign in again. */
  | 'auth'
  /** 429 with a wait longer than we keep the service worker busy for: retry at `retryAfterMs`. */
  | 'throttled'
  /** 5xx, or no answer: the request may or may not have been applied. */
  | 'server'
  | 'network'
  /** The answer was not what the API documents. */
  | 'invalid';

export class GraphError extends Error {
  constructor(
    readonly kind: GraphErrorKind,
    message: string,
    readonly status = 0,
    readonly code = '',
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export interface GraphClientOptions {
  /** `https://graph.microsoft.com` (no version): requests go to `<base>/v1.0/…`. */
  baseUrl: string;
  /** A valid access token; `force` asks for a refreshed one after a 401. */
  getToken(force?: boolean): Promise<string>;
  fetch: typeof fetch;
  sleep(ms: number): Promise<void>;
  /** Longest wait done in place (default 20 s); a longer Retry-After throws `throttled`. */
  maxInlineWaitMs?: number;
  /** Attempts per request, the first included (default 5). */
  maxAttempts?: number;
  /** First backoff step when the service gives no Retry-After (default 1 s, doubling). */
  backoffMs?: number;
  /** Called around each request, so a browser can keep its service worker awake. */
  keepAlive?(): void;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to send again after a 5xx or a lost answer (default: true for GET only). */
  idempotent?: boolean;
}

export interface GraphClient {
  readonly apiBase: string;
  /** Whether `request` would follow this link (a path, or a URL on the configured Graph). */
  follows(pathOrUrl: string): boolean;
  request(method: 'GET' | 'POST', pathOrUrl: string, opts?: RequestOptions): Promise<unknown>;
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function graphErrorOf(json: unknown): { code: string; message: string } {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return {
    code: typeof error?.code === 'string' ? error.code.slice(0, 100) : '',
    message: typeof error?.message === 'string' ? error.message.slice(0, 500) : '',
  };
}

const REFUSAL_WORDS: Record<number, string> = {
  400: 'the request was not accepted',
  403: 'you do not have permission for this in Microsoft Defender',
  404: 'it was not found in Microsoft Defender',
  409: 'it conflicts with a change made in Microsoft Defender',
};

/** A sentence for a refused request. */
export function refusalMessage(status: number, detail: string): string {
  const words = REFUSAL_WORDS[status] ?? `Microsoft Graph answered ${status}`;
  return `${words[0]?.toUpperCase()}${words.slice(1)} (${status}${detail ? `: ${detail}` : ''}).`;
}

export function createGraphClient(opts: GraphClientOptions): GraphClient {
  const apiBase = `${opts.baseUrl.replace(/\/+$/, '')}/v1.0`;
  const maxInline = opts.maxInlineWaitMs ?? 20_000;
  const maxAttempts = opts.maxAttempts ?? 5;
  const backoff = opts.backoffMs ?? 1_000;

  const resolve = (pathOrUrl: string) => {
    if (pathOrUrl.startsWith('/')) return apiBase + pathOrUrl;
    // Links from a response (@odata.nextLink) must stay on the configured Graph: never send the token elsewhere.
    if (pathOrUrl.startsWith(`${apiBase}/`)) return pathOrUrl;
    throw new GraphError('invalid', 'Microsoft Graph sent a link to another site; it was not followed.');
  };

  async function request(
    method: 'GET' | 'POST',
    pathOrUrl: string,
    ro: RequestOptions = {},
  ): Promise<unknown> {
    const url = resolve(pathOrUrl);
    const idempotent = ro.idempotent ?? method === 'GET';
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      let token: string;
      try {
        token = await opts.getToken(refreshed);
      } catch (e) {
        if (e instanceof GraphError) throw e;
        throw new GraphError(
          'auth',
          'You are signed out of Microsoft Graph. Sign in again in Options → Connectors.',
        );
      }
      opts.keepAlive?.();
      let res: Response;
      try {
        res = await opts.fetch(url, {
          method,
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            // Evolvable enums: without this, members Graph added later (a Sentinel alert's
            // serviceSource `microsoftSentinel`, detectionSource `scheduledAlerts`, incident status
            // `awaitingAction`) arrive as `unknownFutureValue`.
            // https://learn.microsoft.com/graph/best-practices-concept#handling-future-members-in-evolvable-enumerations
            ...(method === 'GET' ? { Prefer: 'include-unknown-enum-members' } : {}),
            ...(ro.body === undefined ? {} : { 'Content-Type': 'application/json' }),
            ...ro.headers,
          },
          body: ro.body === undefined ? undefined : JSON.stringify(ro.body),
        });
      } catch {
        if (idempotent && attempt < maxAttempts) {
          await opts.sleep(backoff * 2 ** (attempt - 1));
          continue;
        }
        throw new GraphError(
          'network',
          'Microsoft Graph could not be reached (no network, or the address is wrong).',
        );
      }
      opts.keepAlive?.();
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if (res.ok) {
        if (text && json === undefined)
          throw new GraphError(
            'invalid',
            'Microsoft Graph answered with something that is not JSON.',
            res.status,
          );
        return json;
      }
      const { code, message } = graphErrorOf(json);
      if (res.status === 401) {
        if (!refreshed) {
          refreshed = true;
          continue;
        }
        throw new GraphError(
          'auth',
          'Microsoft Graph no longer accepts the sign-in. Sign in again in Options → Connectors.',
          401,
          code,
        );
      }
      const waitHint = parseRetryAfter(res.headers.get('Retry-After'), Date.now());
      // 429: the request was not processed, so even a POST may be sent again.
      if (res.status === 429 || (res.status >= 500 && idempotent)) {
        const wait = waitHint ?? backoff * 2 ** (attempt - 1);
        if (res.status === 429 && wait > maxInline) {
          throw new GraphError(
            'throttled',
            `Microsoft Graph asked to wait ${Math.ceil(wait / 1000)} s before the next request (too many requests).`,
            429,
            code,
            wait,
          );
        }
        if (attempt < maxAttempts) {
          await opts.sleep(Math.min(wait, maxInline));
          continue;
        }
        if (res.status === 429) {
          throw new GraphError(
            'throttled',
            'Microsoft Graph keeps answering "too many requests"; sync will try again later.',
            429,
            code,
            wait,
          );
        }
      }
      if (res.status >= 500) {
        throw new GraphError(
          'server',
          `Microsoft Graph had a problem (${res.status}${message ? `: ${message}` : ''}); sync will try again later.`,
          res.status,
          code,
          waitHint,
        );
      }
      throw new GraphError('refused', refusalMessage(res.status, message || code), res.status, code);
    }
  }

  const follows = (pathOrUrl: string) => pathOrUrl.startsWith('/') || pathOrUrl.startsWith(`${apiBase}/`);

  return { apiBase, follows, request };
}
