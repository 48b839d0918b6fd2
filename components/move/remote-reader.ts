/**
 * The framed flyout's reader: the same questions as the store's reader, answered by the background
 * (`flyout.read`), each answer checked against its kind's schema: an answer of the wrong shape becomes a
 * ClientError with a sentence, never a crash further down.
 */
import type { z } from 'zod';
import { ClientError, send } from '@/lib/messaging/client';
import { flyoutReadAnswers } from '@/lib/messaging/flyout-read';
import type { FlyoutReader, IncidentChoice, IncidentList } from '@/lib/move/flyout-reader';

/** Runs `run` now, whenever the window gets focus and, with `everyMs`, every so often; returns the stop. */
export function askAgain(run: () => void, everyMs?: number): () => void {
  run();
  const timer = everyMs ? setInterval(run, everyMs) : undefined;
  addEventListener('focus', run);
  return () => {
    clearInterval(timer);
    removeEventListener('focus', run);
  };
}

/** `answer` as `schema` describes it, or a ClientError that says what could not be read. */
export function checkAnswer<T>(schema: z.ZodType<T>, what: string, answer: unknown): T {
  const parsed = schema.safeParse(answer);
  if (parsed.success) return parsed.data;
  throw new ClientError(
    'internal',
    `The extension’s background sent ${what} in a form this window can’t read. Reload the extension and try again.`,
  );
}

/** The incidents, asked once per listener and again whenever the window gets focus (the list is large). */
function askedIncidentList(ask: () => Promise<IncidentChoice[]>): IncidentList {
  let rows: readonly IncidentChoice[] | undefined;
  return {
    current: () => rows,
    subscribe(listener) {
      let stopped = false;
      const stop = askAgain(() => {
        ask().then(
          (fresh) => {
            rows = fresh;
            if (!stopped) listener(fresh);
          },
          // Not read this time: the list stays as it was; the next focus asks again.
          () => undefined,
        );
      });
      return () => {
        stopped = true;
        stop();
      };
    },
  };
}

export function remoteReader(): FlyoutReader {
  const incidents = async () =>
    checkAnswer(
      flyoutReadAnswers.incidents,
      'the incidents to choose from',
      await send({ type: 'flyout.read', query: { kind: 'incidents' } }),
    );
  const list = askedIncidentList(incidents);
  return {
    live: false,
    selection: async (ids) =>
      checkAnswer(
        flyoutReadAnswers.selection,
        'the selected alerts',
        await send({ type: 'flyout.read', query: { kind: 'selection', alertIds: [...ids] } }),
      ),
    target: async (id) =>
      checkAnswer(
        flyoutReadAnswers.target,
        'the incident to move the alerts to',
        await send({ type: 'flyout.read', query: { kind: 'target', incidentId: id } }),
      ),
    incidents,
    alerts: async (ids) =>
      checkAnswer(
        flyoutReadAnswers.alerts,
        'the selected alerts',
        await send({ type: 'flyout.read', query: { kind: 'alerts', alertIds: [...ids] } }),
      ),
    incidentList: () => list,
  };
}
