/**
 * A search for a merged incident's id finds the incident it was merged into: the queue says where it went and
 * links there (a merged incident itself has no alerts left to show).
 */
import { followRedirects } from '@/lib/move/redirects';
import { useDb } from '../hooks/db-context';
import { useLiveQuery } from '../hooks/use-live-query';

export function MergedSearchNote({ query }: { query: string }) {
  const db = useDb();
  const id = query.trim().replace(/^(?:#|id:?\s*)/i, '');
  const found = useLiveQuery(async () => {
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(id)) return undefined;
    const walk = await followRedirects(db, id);
    return walk.ok && walk.redirectedFrom ? walk.incident : undefined;
  }, [db, id]);
  const survivor = found.data;
  if (!survivor) return null;
  return (
    <p class="notice" role="note">
      Incident {id} was merged into{' '}
      <a href={`#/incidents/${encodeURIComponent(survivor.id)}`}>
        {survivor.displayName} ({survivor.id})
      </a>
      .
    </p>
  );
}
