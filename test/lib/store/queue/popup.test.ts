import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '@/lib/model';
import { openIncidentsBySeverity } from '@/lib/store/queue/popup';
import { deleteDbs, freshDb, seed } from './fixtures';

afterEach(deleteDbs);

describe('queue pages', () => {
  it('counts open incidents by severity for the popup', async () => {
    const db = freshDb();
    const { incidents } = await seed(db, 200);
    const counts = await openIncidentsBySeverity(db, DEFAULT_PROFILE);
    const want: Record<string, number> = {};
    for (const i of incidents) {
      if (['active', 'inProgress', 'awaitingAction'].includes(i.status))
        want[i.severity] = (want[i.severity] ?? 0) + 1;
    }
    expect(counts).toEqual(want);
  });
});
