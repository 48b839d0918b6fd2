/**
 * One import over a port: receives a file in chunks, then parses, validates and writes it in one
 * transaction, reporting progress. A bad file writes nothing and lists every problem.
 */

import { parseImport, writeImport } from '../data/import';
import { loadSample } from '../data/sample';
import { isStorageFull, STORAGE_FULL } from '../model/errors';
import type { MoverDB } from '../store/db';
import { type ImportProgress, importPortMessage } from './protocol';

const MAX_FILE_CHARS = 512 * 1024 * 1024;

export function createImportSession(deps: { db: MoverDB; now(): string; post(msg: ImportProgress): void }) {
  const chunks: string[] = [];
  let received = 0;
  let finished = false;

  const fail = (message: string, problems: string[] = []) => {
    finished = true;
    chunks.length = 0;
    deps.post({ type: 'error', message, problems });
  };

  return async function receive(raw: unknown): Promise<void> {
    if (finished) return;
    const parsed = importPortMessage.safeParse(raw);
    if (!parsed.success)
      return fail('The import was interrupted by a malformed message. Nothing was imported.');
    const msg = parsed.data;
    try {
      if (msg.type === 'chunk') {
        received += msg.text.length;
        if (received > MAX_FILE_CHARS) return fail('The file is larger than 512 MB. Nothing was imported.');
        chunks.push(msg.text);
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
      const text = chunks.join('');
      chunks.length = 0;
      deps.post({ type: 'progress', phase: 'validating', done: 0, total: 1 });
      const result = parseImport(text);
      if (!result.ok) {
        return fail(
          `${msg.fileName ? `“${msg.fileName}”` : 'The file'} was not imported: ${result.problems.length === 1 ? 'there is 1 problem' : 'there are problems'}. Nothing was changed.`,
          result.problems,
        );
      }
      const r = await writeImport(deps.db, result.data, {
        now: deps.now(),
        onProgress: (done, total) => deps.post({ type: 'progress', phase: 'writing', done, total }),
      });
      deps.post({ type: 'done', ...r });
    } catch (e) {
      console.error('[incident-mover] import failed', e);
      fail(
        isStorageFull(e) ? STORAGE_FULL : 'The import failed while writing. Nothing was changed; try again.',
      );
    }
  };
}
