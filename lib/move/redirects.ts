/**
 * Where alerts sent to an incident land: Defender marks a merged incident `redirected` with the id of the one it
 * was merged into. One walk, used by the move (which refuses) and by the flyout's preview (which explains).
 */

import type { Incident } from '../model';
import type { MoverDB } from '../store/db';

const MAX_REDIRECTS = 32;

export type RedirectWalk =
  | { ok: true; incident: Incident; redirectedFrom?: string }
  | { ok: false; reason: 'missing' }
  /** `at` is redirected but names no incident. */
  | { ok: false; reason: 'dead-end'; at: string }
  | { ok: false; reason: 'loop'; path: string[] }
  /** `at` was merged into `next`, which the store does not have. */
  | { ok: false; reason: 'unknown-survivor'; at: string; next: string };

export async function followRedirects(db: MoverDB, id: string): Promise<RedirectWalk> {
  let incident = await db.incidents.get(id);
  if (!incident) return { ok: false, reason: 'missing' };
  const path = [incident.id];
  while (incident.status === 'redirected') {
    const next: string | null | undefined = incident.redirectIncidentId;
    if (!next) return { ok: false, reason: 'dead-end', at: incident.id };
    if (path.includes(next) || path.length > MAX_REDIRECTS)
      return { ok: false, reason: 'loop', path: [...path, next] };
    const survivor: Incident | undefined = await db.incidents.get(next);
    if (!survivor) return { ok: false, reason: 'unknown-survivor', at: incident.id, next };
    path.push(survivor.id);
    incident = survivor;
  }
  return path.length > 1 ? { ok: true, incident, redirectedFrom: id } : { ok: true, incident };
}

/**
 * Why alerts can't be sent to incident `id`, as a sentence: the move refuses with it and the flyout shows it
 * before Save, so both say the same.
 */
export function redirectProblem(id: string, walk: Extract<RedirectWalk, { ok: false }>): string {
  switch (walk.reason) {
    case 'missing':
      return `Incident ${id} does not exist.`;
    case 'dead-end':
      return `Incident ${walk.at} was merged into another incident that is not known here. Pick the incident it was merged into.`;
    case 'loop':
      return `Incident ${id} redirects in a loop (${walk.path.join(' → ')}). Pick another incident.`;
    case 'unknown-survivor':
      return `Incident ${walk.at} was merged into incident ${walk.next}, which does not exist here.`;
  }
}

/** Where alerts sent to a merged incident land: said before Save (`saved` false) and after it. */
export function redirectNote(from: string, to: string, saved: boolean): string {
  return `Incident ${from} was merged into incident ${to}, so the alerts ${saved ? 'went' : 'will go'} there.`;
}
