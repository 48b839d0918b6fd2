/**
 * The rules of a merge (DESIGN §8), pure so the dialog says before `Merge` exactly what the merge itself will
 * refuse: which incident survives and why, and every reason the incidents can't be merged, each a sentence
 * naming the incident and the difference.
 */
import type { Incident, Profile } from '../model';
import { accessFor } from '../model/permissions';

/** Defender merges at most five incidents at a time. */
export const MAX_MERGE = 5;

export type MergeIncident = Pick<
  Incident,
  | 'id'
  | 'displayName'
  | 'status'
  | 'alertCount'
  | 'createdDateTime'
  | 'assignedTo'
  | 'classification'
  | 'determination'
  | 'scopes'
  | 'redirectIncidentId'
>;

const named = (i: Pick<Incident, 'id' | 'displayName'>) => `incident ${i.id} "${i.displayName}"`;
const Named = (i: Pick<Incident, 'id' | 'displayName'>) => `Incident ${i.id} "${i.displayName}"`;

/** Numeric ids compare as numbers (Graph's are digits), others as text. */
function compareIds(a: string, b: string): number {
  const digits = /^\d+$/;
  if (digits.test(a) && digits.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The incident that survives, as the product chooses (not the analyst): the most alerts; on a tie the oldest;
 * then the lowest id, so the choice is the same everywhere. With the reason in words.
 */
export function chooseSurvivor<I extends MergeIncident>(
  incidents: readonly I[],
): { survivor: I; reason: string } {
  if (!incidents.length) throw new Error('chooseSurvivor needs at least one incident');
  const ranked = [...incidents].sort(
    (a, b) =>
      b.alertCount - a.alertCount ||
      Date.parse(a.createdDateTime) - Date.parse(b.createdDateTime) ||
      compareIds(a.id, b.id),
  );
  const survivor = ranked[0]!;
  const tied = ranked.filter((i) => i.alertCount === survivor.alertCount);
  const alerts = `${survivor.alertCount.toLocaleString('en')} alert${survivor.alertCount === 1 ? '' : 's'}`;
  let reason: string;
  if (tied.length === 1) reason = `${Named(survivor)} survives: it has the most alerts (${alerts}).`;
  else if (tied.filter((i) => i.createdDateTime === survivor.createdDateTime).length === 1)
    reason = `${Named(survivor)} survives: it has as many alerts as the others with the most (${alerts}) and is the oldest.`;
  else
    reason = `${Named(survivor)} survives: it has as many alerts (${alerts}) and is as old as the others with the most, and has the lowest ID.`;
  return { survivor, reason };
}

/** Incidents differ on a field when two of them set it to different values (unset matches anything). */
function difference(
  incidents: readonly MergeIncident[],
  field: 'assignedTo' | 'classification' | 'determination',
  words: string,
): string | undefined {
  const set = incidents.filter((i) => typeof i[field] === 'string' && i[field] !== '');
  const first = set[0];
  const other = set.find((i) => i[field] !== first?.[field]);
  if (!first || !other) return undefined;
  return `${Named(first)} and ${named(other)} have different ${words} ("${first[field]}" and "${other[field]}"), so they can't be merged. Make them the same first.`;
}

export type MergeProblemCode = 'validation' | 'permission' | 'redirected';
export interface MergeProblem {
  code: MergeProblemCode;
  message: string;
}

/**
 * Every reason these incidents can't be merged by this analyst, as sentences (empty when the merge is allowed).
 * The dialog shows them before `Merge`; the merge refuses with the same ones.
 */
export function mergeProblems(incidents: readonly MergeIncident[], profile: Profile): MergeProblem[] {
  const out: MergeProblem[] = [];
  const add = (code: MergeProblemCode, message: string) => out.push({ code, message });
  if (incidents.length < 2) add('validation', 'Select at least two incidents to merge.');
  if (incidents.length > MAX_MERGE)
    add(
      'validation',
      `At most ${MAX_MERGE} incidents can be merged at a time, and ${incidents.length} are selected. Merge them in steps.`,
    );
  if (!profile.canViewIncidentsQueue)
    add('permission', 'You need the "View incidents queue" permission to merge incidents.');
  for (const i of incidents) {
    if (i.status === 'redirected') {
      add(
        'redirected',
        `${Named(i)} was already merged into ${i.redirectIncidentId ? `incident ${i.redirectIncidentId}` : 'another incident'}; merge that one instead.`,
      );
    } else if (i.status === 'resolved') {
      add('validation', `${Named(i)} is resolved; reopen it before merging it.`);
    }
    const limited = (i.scopes ?? []).filter((s) => accessFor(profile, s) !== 'readWrite');
    if (limited.length) {
      const none = limited.filter((s) => accessFor(profile, s) === 'none');
      add(
        'permission',
        none.length
          ? `You can't merge incident ${i.id}: you have no access to device group${none.length === 1 ? '' : 's'} ${none.map((s) => `"${s}"`).join(', ')} of its alerts.`
          : `You can't merge ${named(i)}: you have read-only access to device group${limited.length === 1 ? '' : 's'} ${limited.map((s) => `"${s}"`).join(', ')} of its alerts.`,
      );
    }
  }
  for (const [field, words] of [
    ['assignedTo', 'assignees'],
    ['classification', 'classifications'],
    ['determination', 'determinations'],
  ] as const) {
    const d = difference(incidents, field, words);
    if (d) add('validation', d);
  }
  return out;
}

/** The tags an incident shows (Graph v1.0 `customTags`, older `tags`). */
export const tagsOf = (i: Pick<Incident, 'tags' | 'customTags'>) => [
  ...new Set([...(i.customTags ?? []), ...(i.tags ?? [])]),
];

/** The system tag a merged incident gets, as in Defender. */
export const REDIRECTED_TAG = 'Redirected';
