/** Small preferences (not data): kept in extension storage with versions, read by every context. */
import { storage } from 'wxt/utils/storage';
import { DEFAULT_PROFILE, type Profile, profileSchema } from './model';

export const profileItem = storage.defineItem<Profile>('local:profile', {
  fallback: DEFAULT_PROFILE,
  version: 1,
});

/** The stored profile, validated: a damaged value falls back to the default rather than breaking a move. */
export async function readProfile(): Promise<Profile> {
  const parsed = profileSchema.safeParse(await profileItem.getValue());
  return parsed.success ? parsed.data : DEFAULT_PROFILE;
}

/** Draft comments of the move flyout, so a comment survives the panel being closed by accident. */
export const flyoutDraftItem = storage.defineItem<Record<string, { comment: string; savedAt: string }>>(
  'local:flyoutDrafts',
  { fallback: {}, version: 1 },
);
