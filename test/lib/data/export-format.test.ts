import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportStore, exportToText } from '@/lib/data/export';
import { EXPORT_FORMAT_KEY, EXPORT_FORMAT_VERSION } from '@/lib/data/export-format';
import { parseImport, writeImport } from '@/lib/data/import';
import { loadSample } from '@/lib/data/sample';
import { createImportSession } from '@/lib/messaging/import-session';
import type { ImportProgress } from '@/lib/messaging/protocol';
import { MoverDB } from '@/lib/store/db';

const NOW = '2026-11-20T12:00:00.000Z';

async function snapshot(db: MoverDB) {
  return {
    incidents: await db.incidents.toArray(),
    alerts: await db.alerts.toArray(),
    activity: await db.activity.toArray(),
  };
}

/** Imports `text` the way the options page does: in chunks over the import port, then "end". */
async function importThroughSession(db: MoverDB, text: string): Promise<ImportProgress[]> {
  const posted: ImportProgress[] = [];
  const receive = createImportSession({ db, now: () => NOW, post: (msg) => posted.push(msg) });
  await receive({ type: 'chunk', text });
  await receive({ type: 'end', fileName: 'export.json' });
  return posted;
}

describe('export format version', () => {
  let db: MoverDB;
  beforeEach(async () => {
    db = new MoverDB(`t-${crypto.randomUUID()}`);
    await loadSample(db, { now: NOW, incidents: 6, alerts: 15 });
  });
  afterEach(() => db.delete());

  it('is written at the top of every export, next to value and activity', async () => {
    expect(EXPORT_FORMAT_KEY).toBe('incidentMoverExport');
    const body = await exportStore(db);
    expect(body[EXPORT_FORMAT_KEY]).toBe(EXPORT_FORMAT_VERSION);
    const file = JSON.parse(exportToText(body));
    expect(Object.keys(file)).toEqual(['@odata.context', 'incidentMoverExport', 'value', 'activity']);
    expect(file.incidentMoverExport).toBe(1);
  });

  it('survives export → clear → import: the store and the next export hold the same', async () => {
    const before = await snapshot(db);
    const text = exportToText(await exportStore(db));
    await db.transaction('rw', [db.incidents, db.alerts, db.activity], async () => {
      await Promise.all([db.incidents.clear(), db.alerts.clear(), db.activity.clear()]);
    });

    const parsed = parseImport(text);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    await writeImport(db, parsed.data, { now: '2030-01-01T00:00:00.000Z' });
    expect(await snapshot(db)).toEqual(before);
    expect(JSON.parse(exportToText(await exportStore(db)))).toEqual(JSON.parse(text));
  });

  it('refuses a file from a newer format, naming both versions, and writes nothing', async () => {
    const file = JSON.parse(exportToText(await exportStore(db)));
    const before = await snapshot(db);
    file.incidentMoverExport = 2;
    file.value[0].displayName = 'Renamed by a newer build';
    file.value.push({ id: '9999', displayName: 'New in the newer file', alerts: [] });

    expect(parseImport(JSON.stringify(file))).toEqual({
      ok: false,
      problems: [
        'The file is an Incident Mover export in format version 2, but this version of the extension reads format version 1: update the extension to import it.',
      ],
    });
    const posted = await importThroughSession(db, JSON.stringify(file));
    expect(posted.at(-1)).toMatchObject({ type: 'error', problems: [expect.stringContaining('version 2')] });
    expect(posted.some((m) => m.type === 'done' || (m.type === 'progress' && m.phase === 'writing'))).toBe(
      false,
    );
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses a version it does not know, and reads a file without one as a plain Graph body', () => {
    const graphBody = {
      value: [{ id: '7', displayName: 'Incident 7', createdDateTime: '2026-11-20T00:00:00Z', alerts: [] }],
    };
    expect(parseImport(JSON.stringify({ ...graphBody, incidentMoverExport: 'one' }))).toEqual({
      ok: false,
      problems: [
        'The file says it is an Incident Mover export in format version the text "one", which this version of the extension does not know: it reads format version 1.',
      ],
    });
    expect(parseImport(JSON.stringify([{ ...graphBody, incidentMoverExport: 0 }])).ok).toBe(false);
    expect(parseImport(JSON.stringify(graphBody)).ok).toBe(true);
  });
});
