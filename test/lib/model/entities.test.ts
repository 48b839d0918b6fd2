import { describe, expect, it } from 'vitest';
import type { Alert, GraphAlert } from '@/lib/model';
import { summarize, tallyAlert, tallyOf, toStoredAlert } from '@/lib/model/derive';
import { entitiesOf, entityKeysOf, MAX_KEYS_PER_ALERT } from '@/lib/model/entities';

const T = (type: string) => `#microsoft.graph.security.${type}`;
const alertWith = (evidence: unknown[]): Pick<GraphAlert, 'evidence'> =>
  ({ evidence }) as Pick<GraphAlert, 'evidence'>;

describe('entity keys from Graph evidence', () => {
  it.each([
    [
      'device by mdeDeviceId',
      {
        '@odata.type': T('deviceEvidence'),
        mdeDeviceId: 'ABC123',
        deviceDnsName: 'FIN-WS-0303.corp.contoso.com',
      },
      ['device:abc123'],
      ['fin-ws-0303'],
    ],
    [
      'device by DNS name when there is no id',
      { '@odata.type': T('deviceEvidence'), deviceDnsName: 'Fin-WS-0303.corp' },
      ['device:fin-ws-0303.corp'],
      ['fin-ws-0303'],
    ],
    [
      'user by UPN, lower-cased',
      {
        '@odata.type': T('userEvidence'),
        userAccount: { userPrincipalName: 'Ann@Contoso.com', accountName: 'ann', domainName: 'CONTOSO' },
      },
      ['user:ann@contoso.com'],
      ['ann@contoso.com'],
    ],
    [
      'user by DOMAIN\\account',
      { '@odata.type': T('userEvidence'), userAccount: { accountName: 'Ann', domainName: 'CONTOSO' } },
      ['user:contoso\\ann'],
      ['contoso\\ann'],
    ],
    [
      'user by Entra id',
      { '@odata.type': T('userEvidence'), userAccount: { azureAdUserId: 'A-B' } },
      ['user:a-b'],
      ['a-b'],
    ],
    [
      'IP address',
      { '@odata.type': T('ipEvidence'), ipAddress: ' 203.0.113.7 ' },
      ['ip:203.0.113.7'],
      ['203.0.113.7'],
    ],
    [
      'file by sha256',
      { '@odata.type': T('fileEvidence'), fileDetails: { sha256: '3A7F00000000000000C2', sha1: 'ffff' } },
      ['file:3a7f00000000000000c2'],
      ['3a7f…c2'],
    ],
    [
      'file by sha1 when there is no sha256',
      { '@odata.type': T('fileEvidence'), fileDetails: { sha1: 'ABCD' } },
      ['file:abcd'],
      ['abcd'],
    ],
    [
      'URL by host and path',
      { '@odata.type': T('urlEvidence'), url: 'HTTPS://Evil.Example/Login?x=1#y' },
      ['url:evil.example/login'],
      ['evil.example/login'],
    ],
    [
      'mailbox by address',
      { '@odata.type': T('mailboxEvidence'), primaryAddress: 'Ann@Contoso.com' },
      ['mailbox:ann@contoso.com'],
      ['ann@contoso.com'],
    ],
    [
      'cloud app by appId',
      { '@odata.type': T('cloudApplicationEvidence'), appId: 11161, displayName: 'Office 365' },
      ['app:11161'],
      ['Office 365'],
    ],
    [
      'process by image hash',
      { '@odata.type': T('processEvidence'), imageFile: { fileName: 'x.exe', sha256: 'AB'.repeat(32) } },
      [`process:${'ab'.repeat(32)}`],
      ['x.exe (abab…ab)'],
    ],
    [
      'process without an image hash: no key',
      { '@odata.type': T('processEvidence'), imageFile: { fileName: 'x.exe' } },
      [],
      [],
    ],
    [
      'unknown evidence type: no key',
      { '@odata.type': T('somethingNewEvidence'), ipAddress: '1.2.3.4' },
      [],
      [],
    ],
    ['fields of the wrong type: no key', { '@odata.type': T('ipEvidence'), ipAddress: 42 }, [], []],
  ])('%s', (_, evidence, keys, labels) => {
    const alert = alertWith([evidence]);
    expect(entityKeysOf(alert)).toEqual(keys);
    expect(entitiesOf(alert).map((e) => e.label)).toEqual(labels);
  });

  it('the same thing from two sources is one key', () => {
    const a = alertWith([
      { '@odata.type': T('userEvidence'), userAccount: { userPrincipalName: 'ANN@contoso.com' } },
    ]);
    const b = alertWith([
      { '@odata.type': T('userEvidence'), userAccount: { userPrincipalName: 'ann@CONTOSO.com' } },
    ]);
    expect(entityKeysOf(a)).toEqual(entityKeysOf(b));
  });

  it('no evidence, null evidence, garbage in the list: no keys, no crash', () => {
    expect(entityKeysOf({ evidence: null })).toEqual([]);
    expect(entityKeysOf({})).toEqual([]);
    expect(entityKeysOf(alertWith([null, 1, 'x', [], { '@odata.type': 7 }]))).toEqual([]);
  });

  it(`keeps at most ${MAX_KEYS_PER_ALERT} keys of an alert with 10,000 evidence entities, quickly`, () => {
    const evidence = Array.from({ length: 10_000 }, (_, i) => ({
      '@odata.type': T('ipEvidence'),
      ipAddress: `10.0.${i >> 8}.${i & 255}`,
    }));
    const started = performance.now();
    const keys = entityKeysOf(alertWith(evidence));
    expect(performance.now() - started).toBeLessThan(200);
    expect(keys).toHaveLength(MAX_KEYS_PER_ALERT);
    expect(keys[0]).toBe('ip:10.0.0.0');
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('entity keys on alerts and incidents', () => {
  const now = '2026-01-01T00:00:00.000Z';
  const make = (id: string, ip: string) =>
    toStoredAlert(
      {
        id,
        incidentId: '1',
        title: id,
        severity: 'low',
        status: 'new',
        createdDateTime: now,
        evidence: [{ '@odata.type': T('ipEvidence'), ipAddress: ip }],
      } as GraphAlert,
      now,
    );

  it('a stored alert carries its keys, computed from the evidence, not taken from the file', () => {
    const stored = toStoredAlert({ ...make('a', '1.1.1.1'), entities: ['device:forged'] } as GraphAlert, now);
    expect(stored.entities).toEqual(['ip:1.1.1.1']);
  });

  it('an incident’s entities are its alerts’ keys, counted, so removing one alert keeps a key others hold', () => {
    const a = make('a', '1.1.1.1');
    const b = make('b', '1.1.1.1');
    const c = make('c', '2.2.2.2');
    expect(summarize([a, b, c]).entities).toEqual(['ip:1.1.1.1', 'ip:2.2.2.2']);
    const t = tallyOf([a, b, c]);
    tallyAlert(t, a, -1);
    tallyAlert(t, c, -1);
    expect(t).toEqual(tallyOf([b]));
    const old = { ...a } as Alert;
    delete old.entities;
    expect(tallyOf([old])).toEqual(tallyOf([a]));
  });
});
