import { afterEach, describe, expect, it } from 'vitest';
import { codeChallenge, codeFromRedirect } from '@/lib/graph/auth';
import { createGraphClient, GraphError, parseRetryAfter } from '@/lib/graph/client';
import { readSyncStatus } from '@/lib/graph/state';
import {
  connectorOrigins,
  connectorSettingsSchema,
  DEFAULT_CONNECTOR_SETTINGS,
} from '@/lib/settings/connector';
import { graphHarness, REDIRECT_URI } from '../../support/graph-harness';

type Harness = Awaited<ReturnType<typeof graphHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('sign-in with the authorization code flow and PKCE', () => {
  it('signs in through the authorize and token endpoints and keeps the tokens in the session store', async () => {
    h = await graphHarness({ tenant: [1, 1] });
    await h.service.signIn();

    const authorize = new URL(h.authorizeUrls[0] ?? '');
    expect(authorize.pathname).toBe('/contoso.onmicrosoft.com/oauth2/v2.0/authorize');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(authorize.searchParams.get('scope')?.split(' ')).toEqual([
      `${h.server.url}/SecurityIncident.Read.All`,
      `${h.server.url}/SecurityAlert.Read.All`,
      `${h.server.url}/SecurityData.Manage.All`,
      'offline_access',
    ]);
    const token = h.server.requests.find((r) => r.path.endsWith('/oauth2/v2.0/token'));
    const form = token?.body as Record<string, string>;
    expect(form.grant_type).toBe('authorization_code');
    // The verifier sent to the token endpoint is the one the challenge was made from.
    expect(await codeChallenge(form.code_verifier ?? '')).toBe(authorize.searchParams.get('code_challenge'));
    expect(await h.tokens.get()).toMatchObject({ refreshToken: expect.stringMatching(/^rt-/) });
    expect((await readSyncStatus(h.db)).signedIn).toBe(true);
  });

  it('refreshes an expired access token with the refresh token, and signs out when that fails', async () => {
    h = await graphHarness({ tenant: [1, 1], tokenLifetime: 3600 });
    await h.service.signIn();
    await h.service.now();
    const first = (await h.tokens.get())?.accessToken;

    h.advance(3600_000);
    await h.service.now();
    const refresh = h.server.requests.filter(
      (r) => (r.body as { grant_type?: string })?.grant_type === 'refresh_token',
    );
    expect(refresh).toHaveLength(1);
    expect((await h.tokens.get())?.accessToken).not.toBe(first);

    // The refresh token is refused (revoked): signed out, and the status says what to do.
    await h.tokens.set({ ...(await h.tokens.get())!, refreshToken: 'rt-revoked', expiresAt: 0 });
    await expect(h.service.now()).rejects.toThrow(/Sign-in failed: AADSTS700082/);
    expect(await h.tokens.get()).toBeUndefined();
    const status = await readSyncStatus(h.db);
    expect(status.signedIn).toBe(false);
    expect(status.retryAt).toBeUndefined();
  });

  it('signs out when the tenant or app changes, and on Sign out', async () => {
    h = await graphHarness({ tenant: [1, 1] });
    await h.service.signIn();
    await h.service.now();
    h.settings.clientId = '11111111-1111-1111-1111-111111111111';
    await expect(h.service.now()).rejects.toThrow('Sign in to Microsoft Graph first');

    h.settings.clientId = '00000000-0000-0000-0000-00000000c11e';
    await h.service.signOut();
    expect(await h.tokens.get()).toBeUndefined();
    await expect(h.service.now()).rejects.toThrow('Sign in');
  });

  it('refuses an answer from the sign-in page that is not for this sign-in, or an error', () => {
    expect(() => codeFromRedirect(`${REDIRECT_URI}?code=abc&state=other`, 'mine')).toThrow('state mismatch');
    expect(() =>
      codeFromRedirect(
        `${REDIRECT_URI}?error=access_denied&error_description=AADSTS65004%3A+User+declined+to+consent.`,
        'mine',
      ),
    ).toThrow('Sign-in failed: AADSTS65004: User declined to consent.');
    expect(codeFromRedirect(`${REDIRECT_URI}?code=abc&state=mine`, 'mine')).toBe('abc');
  });

  it('says why when the sign-in window is closed', async () => {
    h = await graphHarness({ tenant: [1, 1] });
    h.deps.launchWebAuthFlow = async () => {
      throw new Error('The user did not approve access.');
    };
    await expect(h.restart().signIn()).rejects.toThrow('Sign-in was cancelled.');
    expect((await readSyncStatus(h.db)).lastError).toBe('Sign-in was cancelled.');
  });
});

describe('connector settings', () => {
  it('accepts national-cloud and test addresses and rejects what is not one', () => {
    const ok = connectorSettingsSchema.safeParse({
      ...DEFAULT_CONNECTOR_SETTINGS,
      tenantId: 'contoso.onmicrosoft.us',
      graphBaseUrl: 'https://graph.microsoft.us/',
      authorityBaseUrl: 'http://127.0.0.1:8080',
    });
    expect(ok.success && ok.data.graphBaseUrl).toBe('https://graph.microsoft.us');
    const bad = connectorSettingsSchema.safeParse({
      ...DEFAULT_CONNECTOR_SETTINGS,
      graphBaseUrl: 'javascript:alert(1)',
      tenantId: 'a/b',
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['graphBaseUrl', 'tenantId']);
    expect(
      connectorOrigins({
        graphBaseUrl: 'http://127.0.0.1:8080',
        authorityBaseUrl: 'https://login.microsoftonline.com',
      }),
    ).toEqual(['http://127.0.0.1/*', 'https://login.microsoftonline.com/*']);
  });
});

describe('Graph client', () => {
  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', Date.parse('2026-10-21T07:28:00Z'))).toBe(5000);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });

  it('does not send a POST again after a 5xx (it may have been applied), but does after a 429', async () => {
    h = await graphHarness({ tenant: [1, 2] });
    const token = h.server.issueToken();
    const client = createGraphClient({
      baseUrl: h.server.url,
      getToken: async () => token,
      fetch: (i, init) => fetch(i, init),
      sleep: async () => {},
    });
    const body = { alertIds: ['da63850_0'], incidentId: null };
    h.server.failNext({ path: /moveAlerts$/ }, 502);
    const error = await client
      .request('POST', '/security/alerts_v2/moveAlerts', { body })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect((error as GraphError).kind).toBe('server');
    expect(h.server.moveCalls()).toHaveLength(1);

    h.server.failNext({ path: /moveAlerts$/ }, 429, { 'Retry-After': '1' });
    await expect(client.request('POST', '/security/alerts_v2/moveAlerts', { body })).resolves.toMatchObject({
      targetIncidentId: '1002',
    });
    expect(h.server.moveCalls().map((c) => c.status)).toEqual([502, 429, 200]);
  });

  it('an access token Graph says has expired is refreshed once, and the sync goes on without a word', async () => {
    h = await graphHarness({ tenant: [2, 1] });
    await h.service.signIn();
    await h.service.now();
    const before = (await h.tokens.get())?.accessToken;
    h.server.expireAccessTokens();
    h.server.requests.length = 0;

    await expect(h.service.now()).resolves.toMatchObject({ pushed: 0 });
    const first = h.server.requests.find((r) => r.path.startsWith('/v1.0/'));
    expect(first?.status).toBe(401);
    expect(h.server.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token'))).toHaveLength(1);
    expect((await h.tokens.get())?.accessToken).not.toBe(before);
    expect((await readSyncStatus(h.db)).lastError).toBeUndefined();
  });

  it('when the refreshed token is refused too, says to sign in again instead of retrying for ever', async () => {
    h = await graphHarness({ tenant: [1, 1] });
    await h.service.signIn();
    // Every token the server issues from now on is already expired.
    const real = (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init);
    h.setFetch(async (input, init) => {
      const res = await real(input, init);
      if (String(input).endsWith('/oauth2/v2.0/token')) h!.server.expireAccessTokens();
      return res;
    });
    h.server.expireAccessTokens();
    await expect(h.service.now()).rejects.toThrow(
      'Microsoft Graph no longer accepts the sign-in. Sign in again in Options → Connectors.',
    );
    expect(h.server.requests.filter((r) => r.status === 401)).toHaveLength(2);
  });
});

describe("the test Graph server keeps to Microsoft's documentation", () => {
  const get = (url: string, token?: string) =>
    fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  it("401: Graph's error body and a WWW-Authenticate challenge, saying whether the token expired", async () => {
    h = await graphHarness({ tenant: [1, 1] });
    const token = h.server.issueToken();
    const none = await get(`${h.server.url}/v1.0/security/incidents`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const body = (await none.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token is empty.',
    });
    expect(body.error.innerError).toMatchObject({
      'request-id': expect.any(String),
      date: expect.any(String),
    });
    h.server.expireAccessTokens();
    const expired = await get(`${h.server.url}/v1.0/security/incidents`, token);
    expect(((await expired.json()) as { error: { message: string } }).error.message).toBe(
      'Access token has expired or is not yet valid.',
    );
  });

  it('$top over 50 on incidents is refused; the pull never asks for more', async () => {
    h = await graphHarness({ tenant: [3, 1] });
    const token = h.server.issueToken();
    const over = await get(`${h.server.url}/v1.0/security/incidents?$top=51`, token);
    expect(over.status).toBe(400);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('BadRequest');
    await h.service.signIn();
    await h.service.now();
    const tops = h.server.requests
      .filter((r) => r.path === '/v1.0/security/incidents' && r.status === 200)
      .map((r) => Number(r.query.get('$top')));
    expect(tops.length).toBeGreaterThan(0);
    expect(tops.every((t) => t >= 1 && t <= 50)).toBe(true);
  });

  it('429 always says Retry-After, in a Graph error body, and the client waits that long', async () => {
    h = await graphHarness({ tenant: [1, 1] });
    const token = h.server.issueToken();
    h.server.failNext({ path: /incidents$/ }, 429);
    const res = await get(`${h.server.url}/v1.0/security/incidents`, token);
    expect(res.headers.get('retry-after')).toBe('10');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TooManyRequests');

    await h.service.signIn();
    h.server.failNext({ path: /incidents$/ }, 429);
    await h.service.now();
    expect(h.sleeps).toContain(10_000);
  });
});
