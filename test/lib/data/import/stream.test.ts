/**
 * Streaming import (lib/data/import/stream.ts): a file read in pieces gives the store a whole read would, says
 * what is wrong with a bad file in the same words and paths, and never leaves a partial write: a problem late in
 * a large stream, a cancel or a failed commit leave every table as it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseImport, writeImport } from '@/lib/data/import';
import { createStreamImport, STAGING_TABLE } from '@/lib/data/import/stream';
import { MoverDB } from '@/lib/store/db';
import { alert, body as bodyText, incident, NOW } from './files';

const dbs: MoverDB[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});
const fresh = () => {
  const db = new MoverDB(`stream-${crypto.randomUUID()}`);
  dbs.push(db);
  return db;
};

/** Every record of every table, for "nothing changed" and "same store" checks. */
async function everything(db: MoverDB) {
  const out: Record<string, unknown[]> = {};
  for (const t of db.tables) out[t.name] = await t.toArray();
  return out;
}

/** Feeds `text` in pieces of `size` characters; forced to stream unless `wholeFileChars` says otherwise. */
async function streamed(db: MoverDB, text: string, size = 97, wholeFileChars = 0, batchSize = 7) {
  const job = createStreamImport(db, { now: () => NOW, session: 's1', wholeFileChars, batchSize });
  for (let i = 0; i < text.length; i += size) await job.write(text.slice(i, i + size));
  return { result: await job.end(), job };
}

/** A Graph body as an object (files.ts writes it as text). */
const body = (value: unknown[], extra: Record<string, unknown> = {}) => JSON.parse(bodyText(value, extra));

const tenant = (n: number, from = 0) =>
  Array.from({ length: n }, (_, k) => {
    const id = String(5000 + from + k);
    return incident(id, [alert(`da${id}a`, id), alert(`da${id}b`, id, { severity: 'high' })]);
  });

describe('streaming import', () => {
  it('gives the store a whole read gives, for a body, a list of pages, a bare list and an export with activity', async () => {
    const files = [
      JSON.stringify(body(tenant(40))),
      JSON.stringify([body(tenant(20)), body(tenant(20, 20), { '@odata.nextLink': 'https://x/next' })]),
      JSON.stringify(tenant(30)),
      JSON.stringify({
        incidentMoverExport: 1,
        value: tenant(12),
        activity: [
          {
            seq: 1,
            incidentId: '5000',
            at: NOW,
            actor: { displayName: 'A', upn: 'a@x' },
            kind: 'imported',
            alertIds: [],
            names: {},
          },
        ],
      }),
    ];
    for (const text of files) {
      const a = fresh();
      const b = fresh();
      const whole = parseImport(text);
      if (!whole.ok) throw new Error(whole.problems.join('\n'));
      const counts = await writeImport(a, whole.data, { now: NOW });
      const { result } = await streamed(b, text);
      expect(result).toEqual({ ok: true, notes: whole.data.notes ?? [], ...counts });
      expect(await everything(b)).toEqual(await everything(a));
    }
  });

  it('reads small files whole, exactly as before', async () => {
    const db = fresh();
    const text = JSON.stringify(body(tenant(3)));
    const { result, job } = await streamed(db, text, 10, 1_000_000);
    expect(result).toMatchObject({ ok: true, incidents: 3, alerts: 6 });
    expect(job.staged).toBe(0);
  });

  it('names every problem as a whole read does', async () => {
    const bad = [
      body([...tenant(10), incident('6000', [alert('dx', '6000', { severity: 42 })]), { hello: 1 }, 7]),
      [...tenant(3), incident('5001', [])],
      body(tenant(2), { incidentMoverExport: 99 }),
      [body(tenant(2)), { nope: true }],
      [alert('l1', '77'), { id: 'l2' }],
    ];
    for (const file of bad) {
      const text = JSON.stringify(file);
      const whole = parseImport(text);
      expect(whole.ok).toBe(false);
      const { result } = await streamed(fresh(), text);
      expect(result, text.slice(0, 80)).toEqual({ ok: false, problems: whole.ok ? [] : whole.problems });
    }
    const cut = await streamed(fresh(), JSON.stringify(body(tenant(5))).slice(0, -40));
    expect(cut.result.ok).toBe(false);
    expect(!cut.result.ok && cut.result.problems[0]).toMatch(/^The file is not valid JSON/);
  });

  it('leaves the store as it was when a large stream turns out bad near its end', async () => {
    const db = fresh();
    const before = parseImport(JSON.stringify(body(tenant(20, 9000))));
    if (!before.ok) throw new Error('fixture');
    await writeImport(db, before.data, { now: NOW });
    const stored = await everything(db);
    // 3,000 valid incidents (9,000 records, staged in batches as they come), then one bad alert, then more.
    const records = [
      ...tenant(3000),
      incident('9999', [alert('bad', '9999', { status: 17 })]),
      ...tenant(5, 3000),
    ];
    const text = JSON.stringify(body(records));
    const job = createStreamImport(db, {
      now: () => NOW,
      session: 'late',
      wholeFileChars: 1000,
      batchSize: 500,
    });
    for (let i = 0; i < text.length; i += 64 * 1024) await job.write(text.slice(i, i + 64 * 1024));
    expect(job.staged).toBeGreaterThan(10);
    expect(await db.table(STAGING_TABLE).count()).toBeGreaterThan(10);
    const result = await job.end();
    expect(result).toEqual({
      ok: false,
      problems: ['value[3000].alerts[0].status: should be text, but is the number 17'],
    });
    expect(await everything(db)).toEqual(stored);
    // And cut off near its end, as a failed upload would be.
    const cut = await streamed(db, JSON.stringify(body(tenant(600))).slice(0, -5), 4096, 1000, 500);
    expect(cut.result.ok).toBe(false);
    expect(await everything(db)).toEqual(stored);
  });

  it('writes nothing when cancelled, or when the commit fails', async () => {
    const db = fresh();
    const stored = await everything(db);
    const text = JSON.stringify(body(tenant(400)));
    const job = createStreamImport(db, { now: () => NOW, session: 'c', wholeFileChars: 0, batchSize: 100 });
    await job.write(text.slice(0, text.length / 2));
    expect(await db.table(STAGING_TABLE).count()).toBeGreaterThan(0);
    await job.cancel();
    expect(await everything(db)).toEqual(stored);

    // A write refused in the middle of the commit (as a full disk would): the whole commit rolls back.
    let written = 0;
    db.alerts.hook('creating', () => {
      if (++written === 500) throw new Error('QuotaExceededError: injected');
    });
    const failing = createStreamImport(db, {
      now: () => NOW,
      session: 'f',
      wholeFileChars: 0,
      batchSize: 100,
    });
    await failing.write(text);
    await expect(failing.end()).rejects.toThrow(/injected/);
    expect(written).toBeGreaterThanOrEqual(500);
    expect(await everything(db)).toEqual(stored);
  });

  it('stages a batch once more when its write was refused for want of room, once per import', async () => {
    const text = JSON.stringify(body(tenant(60)));
    const clean = fresh();
    await streamed(clean, text, 4096, 0, 20);
    const want = await everything(clean);

    // The first staged batch refused as a full disk refuses it: written again on the settled store.
    const db = fresh();
    let refusals = 1;
    let tries = 0;
    db.table(STAGING_TABLE).hook('creating', () => {
      tries++;
      if (refusals-- > 0) throw Object.assign(new Error('injected'), { name: 'QuotaExceededError' });
    });
    const { result, job } = await streamed(db, text, 4096, 0, 20);
    expect(result.ok).toBe(true);
    expect(tries).toBe(job.staged + 1);
    const got = await everything(db);
    // The same store, each batch once (the activity entries carry the time of the import).
    expect(got.alerts).toEqual(want.alerts);
    expect(got.incidents).toEqual(want.incidents);
    expect(got.staging).toEqual([]);

    // Refused again: the import fails and writes nothing.
    const full = fresh();
    const before = await everything(full);
    full.table(STAGING_TABLE).hook('creating', () => {
      throw Object.assign(new Error('injected'), { name: 'QuotaExceededError' });
    });
    await expect(streamed(full, text, 4096, 0, 20)).rejects.toThrow(/injected/);
    expect(await everything(full)).toEqual(before);
  });
});
