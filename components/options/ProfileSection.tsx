import { useEffect, useState } from 'preact/hooks';
import { profileSchema } from '@/lib/model';
import { profileItem } from '@/lib/settings/profile';
import { useProfile } from '../hooks/use-profile';

/** Who the analyst is: the actor written in the activity log. */
export function ProfileSection() {
  const { profile, loaded } = useProfile();
  const [displayName, setDisplayName] = useState(profile.displayName);
  const [upn, setUpn] = useState(profile.upn);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    if (loaded) {
      setDisplayName(profile.displayName);
      setUpn(profile.upn);
    }
  }, [loaded, profile.displayName, profile.upn]);

  const save = async (e: Event) => {
    e.preventDefault();
    const next = profileSchema.safeParse({ ...profile, displayName, upn });
    if (!next.success) {
      setMessage({ ok: false, text: next.error.issues.map((i) => i.message).join(' ') });
      return;
    }
    await profileItem.setValue(next.data);
    setMessage({ ok: true, text: 'Profile saved.' });
  };

  return (
    <section aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <form onSubmit={save}>
        <label class="field">
          Display name
          <input
            value={displayName}
            onInput={(e) => setDisplayName(e.currentTarget.value)}
            required
            maxLength={200}
          />
        </label>
        <label class="field">
          User principal name
          <input value={upn} onInput={(e) => setUpn(e.currentTarget.value)} required maxLength={320} />
        </label>
        <button type="submit">Save profile</button>
        <span role="status" class={message?.ok ? 'ok' : 'error'}>
          {message?.text}
        </span>
      </form>
    </section>
  );
}
