/**
 * The analyst profile for the toolbar popup, read without zod (the popup must load little): the same checks as
 * lib/model's `profileSchema` written out by hand, failing closed like `parseProfile` (a test feeds both the same
 * random values and expects the same answers).
 */
import { browser } from 'wxt/browser';
import type { Access, Profile } from '../model';

/** Where `profileItem` (lib/settings/profile.ts, `local:profile`) keeps the profile in extension storage. */
export const PROFILE_STORAGE_KEY = 'profile';

/** lib/model DEFAULT_PROFILE (a test checks they agree). */
export const DEFAULT_PROFILE_LITE: Profile = {
  displayName: 'Local analyst',
  upn: 'analyst@localhost',
  canViewIncidentsQueue: true,
  scopes: {},
  defaultAccess: 'readWrite',
};
/** lib/settings/profile.ts LOCKED_PROFILE: what a damaged profile grants (nothing). */
export const LOCKED_PROFILE_LITE: Profile = {
  ...DEFAULT_PROFILE_LITE,
  canViewIncidentsQueue: false,
  scopes: {},
  defaultAccess: 'none',
};

const ACCESS: readonly string[] = ['none', 'read', 'readWrite'];
const isAccess = (v: unknown): v is Access => typeof v === 'string' && ACCESS.includes(v);
const text = (v: unknown, max: number) => {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t.length >= 1 && t.length <= max ? t : undefined;
};

/** The stored profile, checked; a value that fails a check grants no rights. */
export function checkProfile(value: unknown): Profile {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return LOCKED_PROFILE_LITE;
  const v = value as Record<string, unknown>;
  const displayName = text(v.displayName, 200);
  const upn = text(v.upn, 320);
  const scopes = v.scopes;
  if (
    displayName === undefined ||
    upn === undefined ||
    typeof v.canViewIncidentsQueue !== 'boolean' ||
    !isAccess(v.defaultAccess) ||
    !scopes ||
    typeof scopes !== 'object' ||
    Array.isArray(scopes)
  )
    return LOCKED_PROFILE_LITE;
  const checked: Record<string, Access> = {};
  for (const [group, access] of Object.entries(scopes)) {
    // A `__proto__` group is dropped whatever it holds, as the schema drops it (never made the prototype).
    if (group === '__proto__') continue;
    if (!isAccess(access)) return LOCKED_PROFILE_LITE;
    checked[group] = access;
  }
  return {
    displayName,
    upn,
    canViewIncidentsQueue: v.canViewIncidentsQueue,
    scopes: checked,
    defaultAccess: v.defaultAccess,
  };
}

/** What `profileItem.getValue()` then `parseProfile` answer: the default when nothing is stored. */
export const profileFromStorage = (stored: unknown): Profile =>
  stored === undefined || stored === null ? DEFAULT_PROFILE_LITE : checkProfile(stored);

export async function readProfileLite(): Promise<Profile> {
  const got = await browser.storage.local.get(PROFILE_STORAGE_KEY);
  return profileFromStorage(got[PROFILE_STORAGE_KEY]);
}

/** Calls `onChange` with the profile whenever it is saved. */
export function watchProfileLite(onChange: (p: Profile) => void): () => void {
  const listener = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area === 'local' && Object.hasOwn(changes, PROFILE_STORAGE_KEY))
      onChange(profileFromStorage(changes[PROFILE_STORAGE_KEY]?.newValue));
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}
