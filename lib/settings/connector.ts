/**
 * Settings of the Microsoft Graph connector, which keeps Microsoft Defender in step with moves made here:
 * which tenant and app registration to sign in with, and where Graph and Microsoft Entra ID live
 * (changeable for national clouds and for tests).
 * Settings are not data: a versioned WXT storage item, read by the background and the options page.
 * Tokens are NOT here: they live in `storage.session` (see entrypoints/background/graph.ts).
 */
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';
export const DEFAULT_AUTHORITY_BASE_URL = 'https://login.microsoftonline.com';

/** Delegated scopes (https://learn.microsoft.com/graph/api/security-alert-movealerts lists SecurityData.Manage.All). */
export const GRAPH_SCOPES = [
  'SecurityIncident.Read.All',
  'SecurityAlert.Read.All',
  'SecurityData.Manage.All',
] as const;

/** A base URL: http(s), no query or fragment; kept without a trailing slash. */
const baseUrl = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(500)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && !u.search && !u.hash && !u.username;
    } catch {
      return false;
    }
  }, 'is not a web address (https://…)')
  .transform((s) => s.replace(/\/+$/, ''));

/** Tenant: a GUID, a domain (contoso.onmicrosoft.com) or `organizations`. Kept to URL-path-safe characters. */
const tenantId = z
  .string()
  .trim()
  .max(200)
  .regex(/^[A-Za-z0-9.-]*$/, 'may only hold letters, digits, dots and dashes (a GUID or a domain)');
const clientId = z
  .string()
  .trim()
  .max(100)
  .regex(/^[A-Za-z0-9-]*$/, 'should be the application (client) ID, a GUID');

export const connectorSettingsSchema = z.object({
  enabled: z.boolean(),
  tenantId,
  clientId,
  graphBaseUrl: baseUrl,
  authorityBaseUrl: baseUrl,
});
export type ConnectorSettings = z.output<typeof connectorSettingsSchema>;

export const DEFAULT_CONNECTOR_SETTINGS: ConnectorSettings = {
  enabled: false,
  tenantId: '',
  clientId: '',
  graphBaseUrl: DEFAULT_GRAPH_BASE_URL,
  authorityBaseUrl: DEFAULT_AUTHORITY_BASE_URL,
};

export const connectorSettingsItem = storage.defineItem<ConnectorSettings>('local:graphConnector', {
  fallback: DEFAULT_CONNECTOR_SETTINGS,
  version: 1,
});

/** The stored settings, validated: a damaged value reads as the (disabled) defaults. */
export async function readConnectorSettings(): Promise<ConnectorSettings> {
  const parsed = connectorSettingsSchema.safeParse(await connectorSettingsItem.getValue());
  return parsed.success ? parsed.data : DEFAULT_CONNECTOR_SETTINGS;
}

/** What is missing before the connector can sign in, as sentences; empty when ready. */
export function settingsProblems(s: ConnectorSettings): string[] {
  const out: string[] = [];
  if (!s.tenantId) out.push('Enter the tenant ID.');
  if (!s.clientId) out.push('Enter the application (client) ID.');
  return out;
}

/** Match patterns of the hosts the connector talks to (Graph and the sign-in authority). */
export function connectorOrigins(s: Pick<ConnectorSettings, 'graphBaseUrl' | 'authorityBaseUrl'>): string[] {
  const patterns = new Set<string>();
  for (const url of [s.graphBaseUrl, s.authorityBaseUrl]) {
    const u = new URL(url);
    // Match patterns have no port: http://127.0.0.1:8080 is covered by http://127.0.0.1/*.
    patterns.add(`${u.protocol}//${u.hostname}/*`);
  }
  return [...patterns];
}

/**
 * Asks for the connector's host permissions. Call it first thing in a click handler (Chrome needs the
 * user gesture): nothing may be awaited before it.
 */
export function requestConnectorAccess(s: ConnectorSettings): Promise<boolean> {
  return browser.permissions.request({ origins: connectorOrigins(s) });
}

/** The redirect URI to register in the app registration (`https://<extension-id>.chromiumapp.org/`). */
export function connectorRedirectUri(): string {
  return browser.identity?.getRedirectURL?.() ?? '';
}
