/** Small preferences (not data): kept in extension storage with versions, read by every context. */
import { storage } from 'wxt/utils/storage';
import { DEFAULT_PROFILE, type Profile, profileSchema } from '../model';

export const profileItem = storage.defineItem<Profile>('local:profile', {
  fallback: DEFAULT_PROFILE,
  version: 1,
});

/** What a damaged stored profile grants: nothing (fail closed), until the analyst saves the profile again. */
export const LOCKED_PROFILE: Profile = {
  ...DEFAULT_PROFILE,
  canViewIncidentsQueue: false,
  scopes: {},
  defaultAccess: 'none',
};

/** The stored profile, validated; a value that fails validation grants no rights. */
export function parseProfile(value: unknown): Profile {
  const parsed = profileSchema.safeParse(value);
  return parsed.success ? parsed.data : LOCKED_PROFILE;
}

export async function readProfile(): Promise<Profile> {
  return parseProfile(await profileItem.getValue());
}

/** Draft comments of the move flyout, so a comment survives the panel being closed by accident. */
export const flyoutDraftItem = storage.defineItem<Record<string, { comment: string; savedAt: string }>>(
  'local:flyoutDrafts',
  { fallback: {}, version: 1 },
);
