import { SCAN_CAP } from '@/lib/store/queue';
import { plural } from '../labels/graph-words';
import type { QueueView } from './use-queue';

/** What the status line says about a queue: its count, or how counting is going, or why it stopped. */
export function QueueStatus({ view, noun }: { view: QueueView<unknown>; noun: [string, string] }) {
  const [one, many] = noun;
  if (view.error) {
    return (
      <p role="alert" class="error">
        The {many} could not be read. Close and reopen the panel; if it happens again, reload the extension.
      </p>
    );
  }
  const c = view.count;
  return (
    <div class="queue-status">
      <span role="status">{c ? plural(c.total, one, many) : view.loading ? `Loading ${many}…` : ''}</span>
      {!c && !view.loading && (
        <span class="muted">
          {' '}
          Counting…
          {view.progress &&
            (view.plan.match
              ? ` ${plural(view.progress.matched, one, many)} found so far in ${view.progress.examined.toLocaleString('en')} checked.`
              : ` ${view.progress.matched.toLocaleString('en')} so far.`)}
        </span>
      )}
      {c?.capped && (
        <span class="warn">
          {' '}
          Only the first {SCAN_CAP.toLocaleString('en')} {many} in this time range were searched; narrow the
          time range to see the rest.
        </span>
      )}
    </div>
  );
}
