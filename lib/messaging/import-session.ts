/**
 * One import over a port: receives a file in chunks and reads it as it comes (lib/data/import/stream.ts: small
 * files whole, large ones as a stream staged in batches), then writes it in one transaction, reporting progress.
 * Chunks are handled one at a time, in order; each is acknowledged by a 'receiving' progress message, which the
 * client waits for before sending more. A bad file, a cancel (the port closes) or a failed write writes nothing,
 * and a bad file's every problem is listed.
 */

import { createStreamImport, dropStaleStages } from '../data/import/stream';
import { loadSample } from '../data/sample';
import { isStorageFullAfter, type StorageEstimate } from '../model/errors';
import type { MoverDB } from '../store/db';
import { type ImportProgress, importPortMessage } from './protocol';

/** Files are read as a stream and never held whole, so the limit is the store's, not V8's string length. */
const MAX_FILE_GB = 4;
const MAX_FILE_CHARS = MAX_FILE_GB * 1024 * 1024 * 1024;

/** The import's words for a write refused for want of storage (lib/model/errors.ts STORAGE_FULL). */
export const IMPORT_STORAGE_FULL =
  'The browser has no room left for the extension’s data, so nothing was imported. Free disk space, or export and clear data you no longer need, then try again.';

export function createImportSession(deps: {
  db: MoverDB;
  now(): string;
  post(msg: ImportProgress): void;
  /** Names this import's staged batches; default a random id. */
  session?: string;
  /** `navigator.storage.estimate`: a write that failed for no reason we know, with little room left, is a full disk. */
  storageEstimate?(): Promise<StorageEstimate>;
}) {
  let received = 0;
  let finished = false;
  const job = createStreamImport(deps.db, {
    now: deps.now,
    session: deps.session ?? crypto.randomUUID(),
    onProgress: (p) => {
      if (p.phase !== 'receiving') deps.post({ type: 'progress', ...p });
    },
  });

  const fail = (message: string, problems: string[] = []) => {
    finished = true;
    void job.cancel().catch(() => undefined);
    deps.post({ type: 'error', message, problems });
  };

  // One message at a time, in the order they came: a chunk's staging must not overtake the one before.
  let queue: Promise<void> = Promise.resolve();
  const receive = (raw: unknown): Promise<void> => {
    queue = queue.then(() => handle(raw));
    return queue;
  };

  const handle = async (raw: unknown): Promise<void> => {
    if (finished) return;
    const parsed = importPortMessage.safeParse(raw);
    if (!parsed.success)
      return fail('The import was interrupted by a malformed message. Nothing was imported.');
    const msg = parsed.data;
    try {
      if (msg.type !== 'chunk' || received === 0) await deps.db.reopenIfOpenFailed();
      if (msg.type === 'chunk') {
        received += msg.text.length;
        if (received > MAX_FILE_CHARS)
          return fail(`The file is larger than ${MAX_FILE_GB} GB. Nothing was imported.`);
        if (received === msg.text.length)
          await deps.db.writeOnceMoreIfFull(() => dropStaleStages(deps.db, deps.now()));
        await job.write(msg.text);
        deps.post({ type: 'progress', phase: 'receiving', done: received, total: 0 });
        return;
      }
      if (msg.type === 'sample') {
        finished = true;
        const r = await loadSample(deps.db, {
          ...msg.size,
          now: deps.now(),
          onProgress: (done, total) => deps.post({ type: 'progress', phase: 'writing', done, total }),
        });
        deps.post({ type: 'done', incidents: r.incidents, alerts: r.alerts, activity: 0 });
        return;
      }
      finished = true;
      const result = await job.end();
      if (!result.ok) {
        return fail(
          `${msg.fileName ? `“${msg.fileName}”` : 'The file'} was not imported: ${result.problems.length === 1 ? 'there is 1 problem' : 'there are problems'}. Nothing was changed.`,
          result.problems,
        );
      }
      deps.post({
        type: 'done',
        incidents: result.incidents,
        alerts: result.alerts,
        activity: result.activity,
      });
    } catch (e) {
      console.error('[incident-mover] import failed', e);
      fail(
        (await isStorageFullAfter(e, deps.storageEstimate))
          ? IMPORT_STORAGE_FULL
          : 'The import failed while writing. Nothing was changed; try again.',
      );
    }
  };

  /** The port closed before the end (the analyst cancelled, the page closed): nothing is written. */
  const cancel = async () => {
    if (finished) return;
    finished = true;
    await queue.catch(() => undefined);
    await job.cancel();
  };
  return Object.assign(receive, { cancel });
}
