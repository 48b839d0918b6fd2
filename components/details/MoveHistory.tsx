/** An alert's move history: one line per move, from where to where, by whom and why. Props only. */
import type { ActivityEntry } from '@/lib/model';
import { activityLabel, formatTime } from '../labels/format';
import { reasonLabel } from '../labels/graph-words';
import { incidentLink } from './ActivityLog';

/** One line per move (a move writes entries on both sides: show the destination's). */
export function MoveHistory({ entries }: { entries: (ActivityEntry & { seq: number })[] }) {
  const byMove = new Map<string, ActivityEntry & { seq: number }>();
  for (const e of entries) {
    const key = e.moveToken ?? `seq:${e.seq}`;
    const kept = byMove.get(key);
    // Prefer the destination's entry: it names where the alert went and where it came from.
    if (!kept || (e.incidentId === e.toIncidentId && kept.incidentId !== kept.toIncidentId))
      byMove.set(key, e);
  }
  const moves = [...byMove.values()].sort((x, y) => y.seq - x.seq);
  if (moves.length === 0) return <p class="muted">This alert has not been moved.</p>;
  return (
    <ol class="activity" aria-label="Move history">
      {moves.map((e) => {
        const from = e.fromIncidentIds.filter((f) => f !== e.toIncidentId);
        const others = e.alertIds.length - 1;
        return (
          <li key={e.seq} class="activity-entry">
            <h4>{activityLabel(e.kind)}</h4>
            <div class="who">
              {e.actor.displayName} · <time dateTime={e.at}>{formatTime(e.at)}</time>
            </div>
            <p>
              {from.length > 0 && (
                <>
                  From{' '}
                  {from.map((f, i) => (
                    <span key={f}>
                      {i > 0 && ', '}
                      {incidentLink(f, e.names.incidents)}
                    </span>
                  ))}{' '}
                </>
              )}
              {e.toIncidentId && <>to {incidentLink(e.toIncidentId, e.names.incidents)}</>}
              {others > 0 && ` (with ${others.toLocaleString('en')} other alert${others === 1 ? '' : 's'})`}
            </p>
            {e.comment && <blockquote aria-label="Comment">{e.comment}</blockquote>}
            {e.reasons.length > 0 && <p>Reasons: {e.reasons.map(reasonLabel).join(', ')}</p>}
          </li>
        );
      })}
    </ol>
  );
}
