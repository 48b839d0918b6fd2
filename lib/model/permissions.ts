/**
 * The analyst's rights (DESIGN §3 "Permissions", the seed's prerequisites): "View incidents queue",
 * and per device group (an alert's `scope`) `none | read | readWrite`. Pure: the profile is an argument.
 */
import type { Access, Alert, Incident, Profile } from './';

export function accessFor(profile: Pick<Profile, 'scopes' | 'defaultAccess'>, scope: string): Access {
  // `scopes` comes from a parsed record, but an own-property check keeps names like "constructor" honest.
  return Object.hasOwn(profile.scopes, scope)
    ? (profile.scopes[scope] ?? profile.defaultAccess)
    : profile.defaultAccess;
}

export function canRead(profile: Pick<Profile, 'scopes' | 'defaultAccess'>, scope: string): boolean {
  return accessFor(profile, scope) !== 'none';
}

export function canWrite(profile: Pick<Profile, 'scopes' | 'defaultAccess'>, scope: string): boolean {
  return accessFor(profile, scope) === 'readWrite';
}

/**
 * An incident is readable when the profile can read at least one of its alerts' scopes, or it has no
 * alerts (then nothing in it is hidden from anyone).
 */
export function canReadIncident(
  profile: Pick<Profile, 'scopes' | 'defaultAccess'>,
  incident: Pick<Incident, 'scopes'>,
): boolean {
  const scopes = incident.scopes ?? [];
  return scopes.length === 0 || scopes.some((s) => canRead(profile, s));
}

export type PermissionAlert = Pick<Alert, 'id' | 'title' | 'scope'>;

/**
 * Every reason the profile may not move these alerts into the target, as sentences for the user
 * (empty when the move is allowed). Shared by the move and its preview so the two never disagree.
 * Alerts the analyst can't read at all are named by id only: their titles are hidden from them elsewhere too.
 */
export function movePermissionProblems(
  profile: Profile,
  alerts: readonly PermissionAlert[],
  target?: Pick<Incident, 'id' | 'scopes'>,
): string[] {
  const problems: string[] = [];
  if (!profile.canViewIncidentsQueue) {
    problems.push('You need the "View incidents queue" permission to move alerts between incidents.');
  }
  for (const a of alerts) {
    const access = accessFor(profile, a.scope);
    if (access === 'none') {
      problems.push(`You have no access to alert ${a.id} (device group "${a.scope}").`);
    } else if (access === 'read') {
      problems.push(
        `You can't move "${a.title}" (${a.id}): you have read-only access to its device group "${a.scope}".`,
      );
    }
  }
  if (target && !canReadIncident(profile, target)) {
    problems.push(`You have no access to incident ${target.id}.`);
  }
  return problems;
}

/** One sentence for a list of problems: the first few in full, then how many more. */
export function summarizeProblems(problems: readonly string[], shown = 3): string {
  if (problems.length <= 1) return problems[0] ?? '';
  const head = problems.slice(0, shown).join(' ');
  const rest = problems.length - shown;
  return rest > 0 ? `${head} And ${rest} more problem${rest === 1 ? '' : 's'}.` : head;
}
