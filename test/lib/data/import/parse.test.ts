import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findJsonError, MAX_PROBLEMS, writeImport } from '@/lib/data/import';
import { MoverDB } from '@/lib/store/db';
import { alert, body, incident, NOW, parsed, problemsOf } from './files';

const docsExample = readFileSync(
  new URL('../../../fixtures/graph-list-incidents-example.json', import.meta.url),
  'utf8',
);

describe('parseImport: the example from Microsoft Graph docs (List incidents, $expand=alerts)', () => {
  it('imports the example as published: the alert goes in the incident it is listed under, and a note says so', () => {
    // The docs' example nests alert incidentId "28282" under incident "2972395". The list is Graph's answer
    // to "this incident's alerts", so that is where the alert is.
    const data = parsed(docsExample);
    expect(data.incidents.map((i) => i.id)).toEqual(['2972395']);
    expect(data.incidents[0]?.alerts?.map((a) => a.incidentId)).toEqual(['2972395']);
    expect(data.notes).toEqual([
      'An alert names another incident than the one it is listed under (value[0].alerts[0].incidentId is "28282"): it was put in the incident the file lists it under.',
    ]);
  });

  it('imports the example once the alert names its incident, keeping every Graph field', async () => {
    const fixed = JSON.parse(docsExample);
    fixed.value[0].alerts[0].incidentId = '2972395';
    const data = parsed(JSON.stringify(fixed));
    expect(data.incidents).toHaveLength(1);
    expect(data.notes).toBeUndefined();

    const db = new MoverDB(`t-${crypto.randomUUID()}`);
    try {
      expect(await writeImport(db, data, { now: NOW })).toEqual({ incidents: 1, alerts: 1, activity: 0 });
      const stored = await db.incidents.get('2972395');
      expect(stored).toMatchObject({
        displayName:
          'Multi-stage incident involving Initial access & Command and control on multiple endpoints reported by multiple sources',
        status: 'active',
        severity: 'medium', // Graph's value is kept, although the only alert listed is low
        classification: 'truePositive',
        determination: 'multiStagedAttack',
        tenantId: 'b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c',
        systemTags: ['Defender Experts'],
        origin: 'imported',
        version: 1,
        alertCount: 1,
        categories: ['DefenseEvasion'],
        serviceSources: ['microsoftDefenderForEndpoint'],
        detectionSources: ['antivirus'],
        scopes: ['UnassignedGroup'],
      });
      expect(stored?.assets).toEqual(expect.arrayContaining(['tempDns', 'SYSTEM']));
      expect(stored).not.toHaveProperty('alerts');
      const storedAlert = await db.alerts.get('da637551227677560813_-961444813');
      expect(storedAlert).toMatchObject({
        incidentId: '2972395',
        scope: 'UnassignedGroup',
        version: 1,
        mitreTechniques: ['T1564.001'],
        lastActivityDateTime: '2021-05-02T07:56:58.222Z',
      });
      expect(storedAlert?.evidence).toHaveLength(4);
      expect((storedAlert as Record<string, unknown> | undefined)?.recommendedActions).toContain(
        'Initiate containment & mitigation',
      );
    } finally {
      db.close();
    }
  });
});

describe('parseImport: shapes it accepts', () => {
  it('accepts several pages in one file, a bare list of incidents, and a single incident', () => {
    const pages = JSON.stringify([
      {
        value: [incident('1', [alert('a1', '1')])],
        '@odata.nextLink': 'https://graph.microsoft.com/v1.0/next',
      },
      { value: [incident('2', [alert('a2', '2')])] },
    ]);
    expect(parsed(pages).incidents.map((i) => i.id)).toEqual(['1', '2']);
    expect(parsed(pages).notes).toBeUndefined();

    const bare = JSON.stringify([incident('1', [alert('a1', '1')]), incident('2', [alert('a2', '2')])]);
    expect(parsed(bare).incidents.map((i) => i.alerts?.map((a) => a.id))).toEqual([['a1'], ['a2']]);

    const single = JSON.stringify(incident('7', [alert('a7', '7')]));
    expect(parsed(single).incidents.map((i) => i.id)).toEqual(['7']);
  });

  it('reads numeric ids as strings of digits, and strips a byte-order mark', () => {
    const data = parsed(
      `\ufeff${body([incident(2001 as unknown as string, [alert('a1', 2001 as unknown as string)])])}`,
    );
    expect(data.incidents[0]?.id).toBe('2001');
    expect(data.incidents[0]?.alerts?.[0]?.incidentId).toBe('2001');
  });

  it('notes when the file is one page of a longer list, or came without alerts', () => {
    const onePage = parsed(
      body([incident('1', [alert('a1', '1')])], { '@odata.nextLink': 'https://x/next' }),
    );
    expect(onePage.notes?.join(' ')).toContain('one page of a longer list');
    const noAlerts = parsed(
      body([{ ...incident('1', []), alerts: undefined }, incident('2', [alert('a2', '2')])]),
    );
    expect(noAlerts.notes).toEqual([
      '1 of 2 incidents came without their alerts: was the list fetched without “$expand=alerts”? Alerts already in the store were kept.',
    ]);
  });

  it('accepts unknown future enum values and keeps them as they are', () => {
    const data = parsed(
      body([
        incident('1', [alert('a1', '1', { status: 'quarantinedForReview', severity: 'critical' })], {
          status: 'unknownFutureValue',
          severity: 'catastrophic',
        }),
      ]),
    );
    expect(data.incidents[0]).toMatchObject({ status: 'unknownFutureValue', severity: 'catastrophic' });
    expect(data.incidents[0]?.alerts?.[0]).toMatchObject({
      status: 'quarantinedForReview',
      severity: 'critical',
    });
  });

  it('reads the activity list our export writes', () => {
    const entry = {
      seq: 4,
      incidentId: '1',
      at: NOW,
      actor: { displayName: 'Kai Carter', upn: 'kai@contoso.com' },
      kind: 'alertCorrelated',
      alertIds: ['a1'],
      fromIncidentIds: ['9'],
      toIncidentId: '1',
      comment: 'Same device',
      reasons: ['sameAsset'],
      names: { incidents: { '1': 'Incident 1' }, alerts: { a1: 'Alert a1' } },
    };
    expect(parsed(body([incident('1', [alert('a1', '1')])], { activity: [entry] })).activity).toEqual([
      entry,
    ]);
  });
});

describe('parseImport: what it refuses, in words a person understands', () => {
  it('says a file is empty', () => {
    expect(problemsOf('')).toEqual(['The file is empty.']);
    expect(problemsOf('  \n ')).toEqual(['The file is empty.']);
  });

  it('says a file is not JSON, and where', () => {
    expect(problemsOf('{"value": [\n  {"id": "1"},\n]}')).toEqual([
      'The file is not valid JSON: a comma before "]" (JSON allows no trailing comma), at line 2, column 14.',
    ]);
    expect(problemsOf('{"value": [')).toEqual([
      'The file is not valid JSON: the file ends before the JSON is complete (is it cut short?), at line 1, column 12.',
    ]);
    expect(problemsOf('id,title\n1,Phish')[0]).toMatch(/^The file is not valid JSON: .*line 1, column 1\.$/);
    expect(problemsOf("{'value': []}")[0]).toContain(
      'where a property name in double quotes should be, at line 1, column 2',
    );
  });

  it('finds the first syntax error in the same places JSON.parse refuses', () => {
    for (const ok of ['{}', '[]', '{"a":[1,-2.5e3,true,false,null,"x\\n\\u00e9"]}', ' 42 ']) {
      expect(findJsonError(ok)).toBeUndefined();
    }
    for (const bad of ['{"a":1}}', '[1 2]', '{"a"}', '"\n"', '[01]', '{,}', '[,1]', 'nul']) {
      expect(() => JSON.parse(bad)).toThrow();
      expect(findJsonError(bad)).toBeDefined();
    }
  });

  it('says when the top level is not a list of incidents', () => {
    expect(problemsOf('42')[0]).toMatch(
      /^The file is not a list of incidents.*this file holds the number 42\.$/,
    );
    expect(problemsOf('{"incidents": []}')[0]).toMatch(
      /^The file is not a list of incidents or alerts\. Expected the body of Microsoft Graph “GET \/security\/incidents\?\$expand=alerts” or “GET \/security\/alerts_v2”.*; this file holds an object with the field "incidents" and no "value" list\.$/,
    );
    expect(problemsOf('{"value": {"id": "1"}}')).toEqual([
      'value: should be a list of incidents or alerts, but is an object',
    ]);
    expect(
      problemsOf('{"error": {"code": "Forbidden", "message": "Missing role SecurityIncident.Read.All"}}'),
    ).toEqual([
      'The file is a Microsoft Graph error response, not a list of incidents (Forbidden: Missing role SecurityIncident.Read.All).',
    ]);
    expect(problemsOf('[{"value": []}, 3]')).toEqual([
      '[1]: should be a page of incidents ({"value": [...]}), but is the number 3',
    ]);
    expect(problemsOf('{"value": []}')).toEqual([
      'The file has no incidents: its list of incidents is empty.',
    ]);
  });

  it('lists every wrong type and missing field with its JSON path', () => {
    const bad = incident('1', [
      alert('a1', '1', { createdDateTime: 'yesterday', severity: 3 }),
      { ...alert('a2', '1'), title: undefined, mitreTechniques: 'T1059' },
    ]) as Record<string, unknown>;
    bad.displayName = undefined;
    bad.tags = ['ok', 7];
    bad.createdDateTime = null;
    expect(problemsOf(body([incident('0', [alert('a0', '0')]), bad, 'oops']))).toEqual([
      'value[1].displayName: is missing',
      'value[1].tags[1]: should be text, but is the number 7',
      'value[1].createdDateTime: should be text, but is empty (null)',
      'value[1].alerts[0].severity: should be text, but is the number 3',
      'value[1].alerts[0].createdDateTime: is not a date and time',
      'value[1].alerts[1].title: is missing',
      'value[1].alerts[1].mitreTechniques: should be a list, but is the text "T1059"',
      'value[2]: should be an incident (an object), but is the text "oops"',
    ]);
  });

  it('reports an alert with no incident id; one that disagrees with its parent goes where it is listed', () => {
    const { incidentId: _, ...orphan } = alert('a2', '1');
    expect(problemsOf(body([incident('1', [alert('a1', '1'), orphan, alert('a3', '5')])]))).toEqual([
      'value[0].alerts[1].incidentId: is missing: every alert must name its incident (this one is listed under incident "1")',
    ]);
    const data = parsed(body([incident('1', [alert('a1', '1'), alert('a3', '5')])]));
    expect(data.incidents[0]?.alerts?.map((a) => [a.id, a.incidentId])).toEqual([
      ['a1', '1'],
      ['a3', '1'],
    ]);
    expect(data.notes?.[0]).toMatch(
      /^An alert names another incident .*value\[0\]\.alerts\[1\]\.incidentId is "5"/,
    );
  });

  it('reports duplicate incident ids and duplicate alert ids, also across pages', () => {
    const file = JSON.stringify([
      { value: [incident('1', [alert('a1', '1')]), incident('2', [alert('a2', '2')])] },
      { value: [incident('1', [alert('a3', '1')]), incident('3', [alert('a2', '3'), alert('a3', '3')])] },
    ]);
    expect(problemsOf(file)).toEqual([
      '[1].value[0].id: incident "1" is listed twice (first at [0].value[0])',
      '[1].value[1].alerts[0].id: alert "a2" is listed twice (first at [0].value[1].alerts[0])',
      '[1].value[1].alerts[1].id: alert "a3" is listed twice (first at [1].value[0].alerts[0])',
    ]);
  });

  it('reports oversize strings and ids that cannot be ids', () => {
    const long = 'x'.repeat(2_001);
    expect(
      problemsOf(
        body([incident('1 OR 1=1', [alert('a1', '1 OR 1=1', { title: long })], { displayName: long })]),
      ),
    ).toEqual([
      'value[0].id: has characters an incident id cannot have',
      'value[0].displayName: is longer than 2000 characters',
      'value[0].alerts[0].incidentId: has characters an incident id cannot have',
      'value[0].alerts[0].title: is longer than 2000 characters',
    ]);
  });

  it('validates the activity list too', () => {
    const entry = {
      incidentId: '1',
      at: 'soon',
      actor: { displayName: 'Kai' },
      kind: 'alertCorrelated',
      alertIds: [],
      names: {},
    };
    expect(problemsOf(body([incident('1', [alert('a1', '1')])], { activity: [entry, 5] }))).toEqual([
      'activity[0].at: is not a date and time',
      'activity[0].actor.upn: is missing',
      'activity[1]: should be an activity entry (an object), but is the number 5',
    ]);
    expect(problemsOf(body([incident('1', [alert('a1', '1')])], { activity: {} }))).toEqual([
      'activity: should be a list of activity entries, but is an object',
    ]);
  });

  it(`lists at most ${MAX_PROBLEMS} problems and then says how many more`, () => {
    const value = Array.from({ length: 250 }, (_, i) =>
      incident(String(i), [alert(`a${i}`, String(i))], { createdDateTime: 'n/a' }),
    );
    const problems = problemsOf(body(value));
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems[0]).toBe('value[0].createdDateTime: is not a date and time');
    expect(problems.at(-1)).toBe('…and 50 more problems');
  });
});

describe('parseImport: values nested absurdly deep', () => {
  it('refuses an alert holding a 10,000-level nested value at validation, with its path and why', () => {
    // Written as text: JSON.stringify itself would overflow on it.
    const deep = `${'{"inner":'.repeat(10_000)}"bottom"${'}'.repeat(10_000)}`;
    const file = body([
      incident('3001', [{ ...alert('da-deep-1', '3001'), evidence: [{ details: '@DEEP@' }] }]),
    ]).replace('"@DEEP@"', deep);
    const problems = problemsOf(file);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^value\[0\]\.alerts\[0\]\.evidence\[0\]\.details\.inner…: values are nested more than 64 levels deep/,
    );
  });

  it('reads records nested as deep as real Graph evidence', () => {
    let nested: unknown = { sha256: 'ab'.repeat(32) };
    for (let i = 0; i < 20; i++) nested = { parentProcess: nested };
    const file = body([incident('3002', [{ ...alert('da-deep-2', '3002'), evidence: [nested] }])]);
    const text = file;
    expect(parsed(text).incidents[0]!.alerts?.[0]?.evidence).toEqual([nested]);
  });
});
