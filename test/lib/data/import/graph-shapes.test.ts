// Microsoft's published example bodies (test/fixtures/graph-*-example.json, reconstructed from the Graph
// v1.0 docs: List incidents, List alerts_v2 with its Sentinel example, Get alert, Get incident) and the older
// documented shapes, imported as a user would import them: parsed, then written to a store.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseImport, writeImport } from '@/lib/data/import';
import { MoverDB } from '@/lib/store/db';
import { alert, body, incident, NOW, parsed, problemsOf } from './files';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url), 'utf8');

let db: MoverDB;
beforeEach(() => {
  db = new MoverDB(`t-${crypto.randomUUID()}`);
});
afterEach(() => db.close());

const load = (text: string) => writeImport(db, parsed(text), { now: NOW });

describe("Microsoft's example bodies import as they are", () => {
  it('List incidents ($expand=alerts)', async () => {
    expect(await load(fixture('graph-list-incidents-example.json'))).toEqual({
      incidents: 1,
      alerts: 1,
      activity: 0,
    });
    expect(await db.incidents.get('2972395')).toMatchObject({ status: 'active', alertCount: 1 });
    expect((await db.alerts.get('da637551227677560813_-961444813'))?.incidentId).toBe('2972395');
  });

  it('List alerts_v2: the alert goes into a placeholder for its incident, which says so', async () => {
    const data = parsed(fixture('graph-list-alerts-v2-example.json'));
    expect(data.incidents).toEqual([]);
    expect(data.alerts?.map((a) => a.id)).toEqual(['da637551227677560813_-961444813']);
    expect(data.notes).toEqual([
      'The alert was listed without its incident: it goes into incident 28282 by its incidentId; an incident not in the store yet is kept as a placeholder until an import of incidents or a sync brings it.',
    ]);
    expect(await writeImport(db, data, { now: NOW })).toEqual({ incidents: 1, alerts: 1, activity: 0 });
    expect(await db.incidents.get('28282')).toMatchObject({
      displayName: 'Incident 28282',
      placeholder: true,
      status: 'active',
      severity: 'low',
      alertCount: 1,
      categories: ['DefenseEvasion'],
      scopes: ['UnassignedGroup'],
      createdDateTime: '2021-04-27T12:19:27.7211305Z',
    });
    expect(await db.alerts.get('da637551227677560813_-961444813')).toMatchObject({
      incidentId: '28282',
      title: 'Suspicious execution of hidden file',
      scope: 'UnassignedGroup',
    });
  });

  it("List alerts_v2, the Sentinel example: Graph's evolvable values are kept as they are", async () => {
    await load(fixture('graph-list-alerts-v2-sentinel-example.json'));
    expect(await db.alerts.get('da637878227677560813_-334257894')).toMatchObject({
      incidentId: '33',
      serviceSource: 'microsoftSentinel',
      detectionSource: 'scheduledAlerts',
      severity: 'high',
      evidence: [],
    });
    expect(await db.incidents.get('33')).toMatchObject({
      placeholder: true,
      severity: 'high',
      serviceSources: ['microsoftSentinel'],
      detectionSources: ['scheduledAlerts'],
    });
  });

  it('Get alert: one alert on its own', async () => {
    expect(await load(fixture('graph-get-alert-example.json'))).toEqual({
      incidents: 1,
      alerts: 1,
      activity: 0,
    });
    expect((await db.alerts.get('da637578995287051192_756343937'))?.incidentId).toBe('28282');
  });

  it('Get incident: one incident, its PascalCase values (Active, Medium, TruePositive) read as Graph’s', async () => {
    const data = parsed(fixture('graph-get-incident-example.json'));
    expect(await writeImport(db, data, { now: NOW })).toEqual({ incidents: 1, alerts: 0, activity: 0 });
    expect(await db.incidents.get('2972395')).toMatchObject({
      status: 'active',
      severity: 'medium',
      classification: 'truePositive',
      determination: 'multiStagedAttack',
      customTags: ['Demo'],
      alertCount: 0,
    });
  });

  it('an incidents import fills in the placeholder an alerts import made, keeping its alerts', async () => {
    await load(fixture('graph-list-alerts-v2-example.json'));
    await load(fixture('graph-get-alert-example.json'));
    expect((await db.incidents.get('28282'))?.alertCount).toBe(2);

    const real = JSON.parse(fixture('graph-get-incident-example.json'));
    real.id = '28282';
    real.displayName = 'Hidden file execution on tempDns';
    await load(JSON.stringify(real));

    const filled = await db.incidents.get('28282');
    expect(filled).toMatchObject({
      displayName: 'Hidden file execution on tempDns',
      status: 'active',
      assignedTo: 'KaiC@contoso.onmicrosoft.com',
      alertCount: 2,
      version: 3,
    });
    expect(filled).not.toHaveProperty('placeholder');
    expect(await db.incidents.count()).toBe(1);
  });

  it('alerts for an incident already in the store join it; the incident keeps its own fields', async () => {
    await load(
      body([
        incident('28282', [alert('a1', '28282', { severity: 'informational' })], { displayName: 'Known' }),
      ]),
    );
    await load(fixture('graph-list-alerts-v2-example.json'));
    expect(await db.incidents.get('28282')).toMatchObject({
      displayName: 'Known',
      alertCount: 2,
      version: 2,
    });
    expect(await db.incidents.get('28282')).not.toHaveProperty('placeholder');
  });

  it('an alert moved to another incident since the last import is moved here too, both incidents recomputed', async () => {
    await load(
      body([incident('1', [alert('a1', '1'), alert('a2', '1')]), incident('2', [alert('a3', '2')])]),
    );
    await load(JSON.stringify({ value: [alert('a2', '2', { severity: 'high' })] }));
    expect((await db.alerts.get('a2'))?.incidentId).toBe('2');
    expect(await db.incidents.get('1')).toMatchObject({ alertCount: 1 });
    expect(await db.incidents.get('2')).toMatchObject({ alertCount: 2 });
  });
});

describe('older documented shapes', () => {
  it('PascalCase enum values, tags instead of customTags, null classification, no @odata.type, categories', async () => {
    const old = {
      value: [
        {
          id: '501',
          displayName: 'Older export',
          status: 'InProgress',
          severity: 'High',
          classification: null,
          determination: null,
          tags: ['Legacy'],
          createdDateTime: '2022-01-01T00:00:00Z',
          alerts: [
            {
              id: 'da501_1',
              incidentId: '501',
              title: 'Old alert',
              status: 'New',
              severity: 'Medium',
              serviceSource: 'MicrosoftDefenderForEndpoint',
              categories: ['Execution', 'Persistence'],
              createdDateTime: '2022-01-01T00:00:00Z',
            },
            { ...alert('da501_2', '501'), category: 'Discovery', categories: ['Discovery'] },
          ],
        },
      ],
    };
    await load(JSON.stringify(old));
    expect(await db.incidents.get('501')).toMatchObject({
      status: 'inProgress',
      severity: 'high',
      classification: null,
      customTags: ['Legacy'],
      tags: ['Legacy'],
    });
    expect([...((await db.incidents.get('501'))?.categories ?? [])].sort()).toEqual([
      'Discovery',
      'Execution',
    ]);
    expect(await db.alerts.get('da501_1')).toMatchObject({
      status: 'new',
      severity: 'medium',
      serviceSource: 'microsoftDefenderForEndpoint',
      category: 'Execution',
    });
    expect((await db.alerts.get('da501_2'))?.category).toBe('Discovery');
  });
});

describe('a file that really is wrong says what it looks like and what was expected', () => {
  it('a list of records that are neither incidents nor alerts', () => {
    expect(problemsOf(JSON.stringify({ value: [{ id: '1', name: 'x', machineId: 'm' }] }))).toEqual([
      'value[0]: is neither an incident nor an alert: it has the fields "id", "name", "machineId", where an incident has "id", "displayName" and "createdDateTime" (Microsoft Graph “GET /security/incidents”) and an alert has "id", "incidentId", "title" and "createdDateTime" (“GET /security/alerts_v2”)',
    ]);
  });

  it('an alerts_v2 body whose alert lost its incidentId, or its title', () => {
    const list = JSON.parse(fixture('graph-list-alerts-v2-example.json'));
    const [a] = list.value;
    const { incidentId: _i, ...noIncident } = a;
    const { title: _t, ...noTitle } = a;
    expect(problemsOf(JSON.stringify({ value: [noIncident, { ...noTitle, id: 'da2' }] }))).toEqual([
      'value[0].incidentId: is missing: an alert listed on its own must name its incident, so it can be put in it',
      'value[1].title: is missing',
    ]);
  });

  it('the same alert twice, once on its own and once in its incident', () => {
    const text = JSON.stringify([
      { value: [incident('1', [alert('a1', '1')])] },
      { value: [alert('a1', '1')] },
    ]);
    expect(problemsOf(text)).toEqual([
      '[1].value[0].id: alert "a1" is listed twice (first at [0].value[0].alerts[0])',
    ]);
  });

  it('alerts on their own whose incident the file also lists go into it', () => {
    const r = parseImport(
      JSON.stringify([{ value: [incident('1', [alert('a1', '1')])] }, { value: [alert('a2', '1')] }]),
    );
    expect(r.ok && r.data.incidents[0]?.alerts?.map((a) => a.id)).toEqual(['a1', 'a2']);
    expect(r.ok && r.data.alerts).toBeUndefined();
  });
});
