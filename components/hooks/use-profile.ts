import { useEffect, useState } from 'preact/hooks';
import { DEFAULT_PROFILE, type Profile } from '@/lib/model';
import { parseProfile, profileItem } from '@/lib/settings/profile';

/** The analyst profile, live across every open view. */
export function useProfile(): { profile: Profile; loaded: boolean } {
  const [state, setState] = useState<{ profile: Profile; loaded: boolean }>({
    profile: DEFAULT_PROFILE,
    loaded: false,
  });
  useEffect(() => {
    const apply = (value: unknown) => setState({ profile: parseProfile(value), loaded: true });
    void profileItem.getValue().then(apply);
    return profileItem.watch(apply);
  }, []);
  return state;
}
