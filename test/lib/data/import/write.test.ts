import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeImport } from '@/lib/data/import';
import type { ActivityEntry } from '@/lib/model';
import { MoverDB } from '@/lib/store/db';
import { alert, body, incident, NOW, parsed } from './files';

describe('writeImport', () => {
  let db: MoverDB;
  beforeEach(() => {
    db = new MoverDB(`t-${crypto.randomUUID()}`);
  });
  afterEach(() => db.close());

  const load = (text: string, opts: Partial<Parameters<typeof writeImport>[2]> = {}) =>
    writeImport(db, parsed(text), { now: NOW, ...opts });

  it('upserts by id and bumps the version of records it updates', async () => {
    await load(body([incident('1', [alert('a1', '1'), alert('a2', '1')])]));
    await load(
      body([incident('1', [alert('a1', '1', { status: 'inProgress' })], { displayName: 'Renamed' })]),
    );
    expect(await db.incidents.count()).toBe(1);
    expect(await db.incidents.get('1')).toMatchObject({ displayName: 'Renamed', version: 2 });
    expect(await db.alerts.get('a1')).toMatchObject({ status: 'inProgress', version: 2 });
    expect(await db.alerts.get('a2')).toMatchObject({ version: 1 });
  });

  it('keeps the version the file carries', async () => {
    await load(body([incident('1', [alert('a1', '1')])]));
    await load(body([incident('1', [alert('a1', '1', { version: 7 })], { version: 5 })]));
    expect((await db.incidents.get('1'))?.version).toBe(5);
    expect((await db.alerts.get('a1'))?.version).toBe(7);
  });

  it('derives incident fields from all its alerts, including stored ones the file does not list', async () => {
    await load(body([incident('1', [alert('a1', '1', { category: 'InitialAccess' })])]));
    await load(
      body([
        incident('1', [
          alert('a2', '1', {
            category: 'Impact',
            serviceSource: 'microsoftDefenderForIdentity',
            evidence: [{ rbacGroupName: 'Domain controllers', deviceDnsName: 'dc01.contoso.com' }],
          }),
        ]),
      ]),
    );
    expect(await db.incidents.get('1')).toMatchObject({
      alertCount: 2,
      categories: ['Impact', 'InitialAccess'],
      serviceSources: ['microsoftDefenderForEndpoint', 'microsoftDefenderForIdentity'],
      scopes: ['Domain controllers', 'Finance workstations'],
      assets: ['dc01.contoso.com', 'host-a1.contoso.com'],
      severity: 'medium',
    });
  });

  it('recomputes an incident that lost an alert to another incident through the import', async () => {
    await load(
      body([
        incident('1', [alert('a1', '1', { severity: 'high', category: 'Impact' }), alert('a2', '1')], {
          severity: 'high',
        }),
        incident('2', [alert('b1', '2')]),
      ]),
    );
    // The file moves a1 (high) into incident 2, and does not list incident 1.
    await load(
      body([
        incident('2', [alert('a1', '2', { severity: 'high', category: 'Impact' })], { severity: 'high' }),
      ]),
    );
    expect(await db.alerts.get('a1')).toMatchObject({ incidentId: '2', version: 2 });
    expect(await db.incidents.get('1')).toMatchObject({
      alertCount: 1,
      categories: ['Execution'],
      severity: 'low',
      version: 2,
      lastUpdateDateTime: NOW,
    });
    expect(await db.incidents.get('2')).toMatchObject({
      alertCount: 2,
      categories: ['Execution', 'Impact'],
      version: 2,
    });
  });

  it('keeps the incident severity given in the file', async () => {
    await load(body([incident('1', [alert('a1', '1', { severity: 'high' })], { severity: 'low' })]));
    expect((await db.incidents.get('1'))?.severity).toBe('low');
  });

  it('writes in batches and reports progress between them', async () => {
    const calls: [number, number][] = [];
    const value = Array.from({ length: 5 }, (_, i) =>
      incident(String(i), [alert(`a${i}`, String(i)), alert(`b${i}`, String(i))]),
    );
    const counts = await load(body(value), {
      batchSize: 4,
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(counts).toEqual({ incidents: 5, alerts: 10, activity: 0 });
    expect(calls).toEqual([
      [0, 15],
      [4, 15],
      [8, 15],
      [10, 15],
      [14, 15],
      [15, 15],
    ]);
  });

  it('writes all or nothing: a failure after the first batch leaves the store as it was', async () => {
    await load(body([incident('1', [alert('a1', '1')])]));
    const value = Array.from({ length: 5 }, (_, i) =>
      incident(String(i + 10), [alert(`x${i}`, String(i + 10))]),
    );
    const failing = load(body(value), {
      batchSize: 2,
      onProgress: (done) => {
        if (done > 2) throw new Error('the service worker was stopped');
      },
    });
    await expect(failing).rejects.toThrow('the service worker was stopped');
    expect(await db.incidents.count()).toBe(1);
    expect(await db.alerts.count()).toBe(1);
  });

  it('restores activity entries at their seq, and never overwrites a different entry', async () => {
    const entry = (seq: number | undefined, comment: string): ActivityEntry => ({
      ...(seq === undefined ? {} : { seq }),
      incidentId: '1',
      at: NOW,
      actor: { displayName: 'Kai Carter', upn: 'kai@contoso.com' },
      kind: 'alertCorrelated',
      alertIds: ['a1'],
      fromIncidentIds: ['2'],
      toIncidentId: '1',
      comment,
      reasons: [],
      names: { incidents: {}, alerts: {} },
    });
    const file = body([incident('1', [alert('a1', '1')])], {
      activity: [entry(3, 'first'), entry(8, 'second')],
    });
    await load(file);
    expect((await db.activity.toArray()).map((e) => [e.seq, e.comment])).toEqual([
      [3, 'first'],
      [8, 'second'],
    ]);
    // Importing the same file again changes nothing in the log.
    await load(file);
    expect(await db.activity.count()).toBe(2);
    // Another store's entry 3 is appended after the existing ones instead of replacing "first".
    await load(
      body([incident('1', [alert('a1', '1')])], {
        activity: [entry(3, 'elsewhere'), entry(undefined, 'new')],
      }),
    );
    expect((await db.activity.toArray()).map((e) => [e.seq, e.comment])).toEqual([
      [3, 'first'],
      [8, 'second'],
      [9, 'elsewhere'],
      [10, 'new'],
    ]);
  });
});
