import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseImport, writeImport } from '@/lib/data/import';
import { MoverDB } from '@/lib/store/db';

const NOW = '2026-11-27T00:00:00Z';
const file = (version: number | undefined, title: string) =>
  JSON.stringify({
    value: [
      {
        id: '7',
        displayName: 'Incident 7',
        createdDateTime: '2026-11-20T00:00:00Z',
        ...(version ? { version } : {}),
        alerts: [
          {
            id: 'da7',
            incidentId: '7',
            title,
            createdDateTime: '2026-11-20T00:00:00Z',
            ...(version ? { version } : {}),
          },
        ],
      },
    ],
  });

let db: MoverDB;
beforeEach(() => {
  db = new MoverDB(`t-${crypto.randomUUID()}`);
});
afterEach(() => db.delete());

async function load(text: string) {
  const parsed = parseImport(text);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  await writeImport(db, parsed.data, { now: NOW });
}

it('never moves a version back when an older export is imported over newer data', async () => {
  await load(file(5, 'Newer title'));
  expect((await db.alerts.get('da7'))?.version).toBe(5);
  await load(file(2, 'Older title'));
  const alert = await db.alerts.get('da7');
  expect(alert?.title).toBe('Older title');
  expect(alert?.version).toBe(6);
  expect((await db.incidents.get('7'))?.version).toBe(6);
});

it('keeps a version the file carries when it is not behind the store', async () => {
  await load(file(3, 'Same'));
  await load(file(3, 'Same'));
  expect((await db.alerts.get('da7'))?.version).toBe(3);
  await load(file(undefined, 'Renamed in Defender'));
  expect((await db.alerts.get('da7'))?.version).toBe(4);
});
