/**
 * Sign-in to Microsoft Entra ID with the authorization code flow and PKCE (RFC 7636), as a public
 * client: no secret. https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
 * The browser part (identity.launchWebAuthFlow) and the token store come in as arguments.
 */
import { type ConnectorSettings, GRAPH_SCOPES } from '../settings/connector';
import { GraphError } from './client';

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  scope: string;
  /** The settings the tokens were issued for: changing them signs out. */
  issuedFor: { tenantId: string; clientId: string; authorityBaseUrl: string; graphBaseUrl: string };
}

export interface TokenStore {
  get(): Promise<TokenSet | undefined>;
  set(tokens: TokenSet): Promise<void>;
  clear(): Promise<void>;
}

export interface AuthDeps {
  fetch: typeof fetch;
  store: TokenStore;
  /** Opens the authorize URL for the user and resolves with the final redirect URL (identity.launchWebAuthFlow). */
  launchWebAuthFlow(url: string): Promise<string>;
  /** `https://<extension-id>.chromiumapp.org/` in Chrome (asked when signing in). */
  redirectUri(): string;
  getSettings(): Promise<ConnectorSettings>;
  nowMs(): number;
}

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

export function randomVerifier(): string {
  return b64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** S256 code challenge of a verifier. */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return b64url(new Uint8Array(digest));
}

/** Scopes qualified with the Graph resource, so national clouds get tokens for their own Graph. */
export function scopesFor(s: Pick<ConnectorSettings, 'graphBaseUrl'>): string {
  return [...GRAPH_SCOPES.map((scope) => `${s.graphBaseUrl}/${scope}`), 'offline_access'].join(' ');
}

export function authorityUrl(s: ConnectorSettings, endpoint: 'authorize' | 'token'): string {
  return `${s.authorityBaseUrl}/${encodeURIComponent(s.tenantId)}/oauth2/v2.0/${endpoint}`;
}

export function buildAuthorizeUrl(
  s: ConnectorSettings,
  p: { redirectUri: string; state: string; challenge: string },
): string {
  const url = new URL(authorityUrl(s, 'authorize'));
  url.search = new URLSearchParams({
    client_id: s.clientId,
    response_type: 'code',
    redirect_uri: p.redirectUri,
    response_mode: 'query',
    scope: scopesFor(s),
    state: p.state,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    prompt: 'select_account',
  }).toString();
  return url.toString();
}

/** The code from the redirect, or the reason there is none, in words. */
export function codeFromRedirect(redirect: string, expectedState: string): string {
  let url: URL;
  try {
    url = new URL(redirect);
  } catch {
    throw new GraphError('auth', 'Sign-in ended without an answer from Microsoft Entra ID.');
  }
  const params = url.searchParams.size ? url.searchParams : new URLSearchParams(url.hash.slice(1));
  const error = params.get('error');
  if (error) {
    const description = (params.get('error_description') ?? '').split(/\r?\n/)[0]?.slice(0, 300);
    throw new GraphError('auth', `Sign-in failed: ${(description || error).replace(/\.$/, '')}.`);
  }
  if (params.get('state') !== expectedState) {
    throw new GraphError(
      'auth',
      'Sign-in was refused: the answer did not belong to this sign-in (state mismatch).',
    );
  }
  const code = params.get('code');
  if (!code) throw new GraphError('auth', 'Sign-in ended without an authorization code.');
  return code;
}

interface TokenResponse {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  scope?: unknown;
  error?: unknown;
  error_description?: unknown;
}

async function tokenRequest(
  deps: Pick<AuthDeps, 'fetch' | 'nowMs'>,
  s: ConnectorSettings,
  form: Record<string, string>,
): Promise<TokenSet> {
  let res: Response;
  try {
    res = await deps.fetch(authorityUrl(s, 'token'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: s.clientId, scope: scopesFor(s), ...form }).toString(),
    });
  } catch {
    throw new GraphError('network', 'The sign-in service could not be reached.');
  }
  let body: TokenResponse = {};
  try {
    body = (await res.json()) as TokenResponse;
  } catch {
    body = {};
  }
  if (!res.ok || typeof body.access_token !== 'string') {
    const why =
      typeof body.error_description === 'string'
        ? body.error_description.split(/\r?\n/)[0]?.slice(0, 300)
        : '';
    const code = typeof body.error === 'string' ? body.error.slice(0, 100) : `HTTP ${res.status}`;
    if (res.status >= 500)
      throw new GraphError('server', `The sign-in service had a problem (${code}).`, res.status, code);
    throw new GraphError('auth', `Sign-in failed: ${(why || code).replace(/\.$/, '')}.`, res.status, code);
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? 3600);
  return {
    accessToken: body.access_token,
    ...(typeof body.refresh_token === 'string' ? { refreshToken: body.refresh_token } : {}),
    expiresAt: deps.nowMs() + (Number.isFinite(expiresIn) ? expiresIn : 3600) * 1000,
    scope: typeof body.scope === 'string' ? body.scope : '',
    issuedFor: {
      tenantId: s.tenantId,
      clientId: s.clientId,
      authorityBaseUrl: s.authorityBaseUrl,
      graphBaseUrl: s.graphBaseUrl,
    },
  };
}

const sameSettings = (t: TokenSet, s: ConnectorSettings) =>
  t.issuedFor.tenantId === s.tenantId &&
  t.issuedFor.clientId === s.clientId &&
  t.issuedFor.authorityBaseUrl === s.authorityBaseUrl &&
  t.issuedFor.graphBaseUrl === s.graphBaseUrl;

/** Refresh a minute early, so a token does not expire on the way. */
const EARLY_MS = 60_000;

export function createAuth(deps: AuthDeps) {
  let refreshing: Promise<TokenSet> | undefined;

  /** Redeems a code the authorize endpoint issued (used by signIn; tests may call it directly). */
  async function redeemCode(code: string, verifier: string): Promise<TokenSet> {
    const s = await deps.getSettings();
    const tokens = await tokenRequest(deps, s, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: deps.redirectUri(),
      code_verifier: verifier,
    });
    await deps.store.set(tokens);
    return tokens;
  }

  async function signIn(): Promise<TokenSet> {
    const s = await deps.getSettings();
    if (!s.tenantId || !s.clientId) {
      throw new GraphError('auth', 'Enter the tenant ID and the application (client) ID first.');
    }
    const verifier = randomVerifier();
    const state = randomVerifier();
    const url = buildAuthorizeUrl(s, {
      redirectUri: deps.redirectUri(),
      state,
      challenge: await codeChallenge(verifier),
    });
    let redirect: string;
    try {
      redirect = await deps.launchWebAuthFlow(url);
    } catch (e) {
      const why = e instanceof Error ? e.message : '';
      throw new GraphError(
        'auth',
        /did not approve|cancel|closed/i.test(why)
          ? 'Sign-in was cancelled.'
          : `The sign-in window could not complete${why ? ` (${why.slice(0, 200)})` : ''}.`,
      );
    }
    return redeemCode(codeFromRedirect(redirect, state), verifier);
  }

  async function signOut(): Promise<void> {
    refreshing = undefined;
    await deps.store.clear();
  }

  /** Tokens for the current settings, or undefined when signed out. */
  async function current(): Promise<TokenSet | undefined> {
    const [t, s] = await Promise.all([deps.store.get(), deps.getSettings()]);
    return t && sameSettings(t, s) ? t : undefined;
  }

  async function getAccessToken(force = false): Promise<string> {
    const t = await current();
    if (!t)
      throw new GraphError(
        'auth',
        'You are not signed in to Microsoft Graph. Sign in in Options → Connectors.',
      );
    if (!force && t.expiresAt - EARLY_MS > deps.nowMs()) return t.accessToken;
    if (!t.refreshToken) {
      await deps.store.clear();
      throw new GraphError(
        'auth',
        'The Microsoft Graph sign-in expired. Sign in again in Options → Connectors.',
      );
    }
    const refreshToken = t.refreshToken;
    refreshing ??= (async () => {
      try {
        const s = await deps.getSettings();
        const next = await tokenRequest(deps, s, {
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        });
        const kept = { ...next, refreshToken: next.refreshToken ?? refreshToken };
        await deps.store.set(kept);
        return kept;
      } catch (e) {
        if (e instanceof GraphError && e.kind === 'auth') await deps.store.clear();
        throw e;
      } finally {
        refreshing = undefined;
      }
    })();
    return (await refreshing).accessToken;
  }

  return {
    signIn,
    signOut,
    redeemCode,
    getAccessToken,
    isSignedIn: async () => (await current()) !== undefined,
  };
}

export type Auth = ReturnType<typeof createAuth>;
