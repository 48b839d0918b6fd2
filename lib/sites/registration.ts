/**
 * Keeps the runtime-registered content script in step with the site adapters and the host permissions the user
 * granted. Called by the background at start-up, when a permission is removed, and when the options page saves a
 * site. The APIs are passed in, so this is tested without a browser.
 */
import { effectiveAdapters, originOf, type SiteAdapter } from './adapters';

export const CONTENT_SCRIPT_ID = 'incident-mover-sites';
export const CONTENT_SCRIPT_FILE = 'content-scripts/content.js';

export interface ContentScriptRegistration {
  id: string;
  js: string[];
  matches: string[];
  runAt: 'document_idle';
  persistAcrossSessions: boolean;
  allFrames: boolean;
}

export interface RegistrationApis {
  /** `permissions.contains({ origins: [origin] })`. */
  hasOrigin(origin: string): Promise<boolean>;
  getRegistered(): Promise<{ id: string; matches?: string[] }[]>;
  register(script: ContentScriptRegistration): Promise<void>;
  update(script: ContentScriptRegistration): Promise<void>;
  unregister(ids: string[]): Promise<void>;
  readSites(): Promise<unknown>;
  writeSites(sites: SiteAdapter[]): Promise<void>;
}

/** Origins the content script should run on: granted origins of enabled adapters (no broad pattern is ever asked for). */
export async function grantedOrigins(
  adapters: readonly SiteAdapter[],
  apis: Pick<RegistrationApis, 'hasOrigin'>,
) {
  const granted: string[] = [];
  const missing: SiteAdapter[] = [];
  for (const a of adapters) {
    if (!a.enabled) continue;
    const origin = originOf(a.urlPattern);
    // The microformat adapter (`*://*/*`) rides on the sites granted for the others.
    if (!origin || origin === '*://*/*') continue;
    if (await apis.hasOrigin(origin)) {
      if (!granted.includes(origin)) granted.push(origin);
    } else missing.push(a);
  }
  return { granted, missing };
}

export async function syncRegistrations(
  apis: RegistrationApis,
): Promise<{ registered: string[]; disabled: string[] }> {
  const stored = await apis.readSites();
  const adapters = effectiveAdapters(stored);
  const { granted, missing } = await grantedOrigins(adapters, apis);

  // A user's site whose permission was revoked is switched off, and the options page says so.
  const disabled = missing.filter((a) => !a.builtIn);
  if (disabled.length) {
    const list = Array.isArray(stored) ? (stored as SiteAdapter[]) : [];
    await apis.writeSites(
      list.map((s) => (disabled.some((d) => d.id === s.id) ? { ...s, enabled: false } : s)),
    );
  }

  const existing = (await apis.getRegistered()).find((s) => s.id === CONTENT_SCRIPT_ID);
  const script: ContentScriptRegistration = {
    id: CONTENT_SCRIPT_ID,
    js: [CONTENT_SCRIPT_FILE],
    matches: granted,
    runAt: 'document_idle',
    persistAcrossSessions: true,
    allFrames: false,
  };
  if (!granted.length) {
    if (existing) await apis.unregister([CONTENT_SCRIPT_ID]);
  } else if (existing) await apis.update(script);
  else await apis.register(script);
  return { registered: granted, disabled: disabled.map((d) => d.name) };
}
