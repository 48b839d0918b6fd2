import { describe, expect, it } from 'vitest';
import type { Alert, Incident } from '@/lib/model';
import { summarize, tallyAlert, tallyOf, withTally } from '@/lib/model/derive';

const alert = (id: string, over: Partial<Alert> = {}): Alert =>
  ({
    id,
    incidentId: '1',
    title: id,
    severity: 'low',
    status: 'new',
    category: 'Execution',
    serviceSource: 'microsoftDefenderForEndpoint',
    detectionSource: 'antivirus',
    createdDateTime: '2026-11-01T00:00:00Z',
    lastUpdateDateTime: '2026-11-01T00:00:00Z',
    lastActivityDateTime: '2026-11-01T00:00:00Z',
    scope: 'Finance',
    version: 1,
    evidence: [
      { '@odata.type': '#microsoft.graph.security.deviceEvidence', deviceDnsName: `${id}.contoso.com` },
    ],
    ...over,
  }) as Alert;

describe('incident summaries kept as tallies', () => {
  const a = alert('a', { severity: 'high', category: 'CredentialAccess' });
  const b = alert('b', { scope: 'Servers' });
  const c = alert('c', { severity: 'medium', serviceSource: 'microsoftDefenderForIdentity' });

  it('removing and adding alerts gives the same summary as counting the alerts that remain', () => {
    const t = tallyOf([a, b, c]);
    tallyAlert(t, a, -1);
    expect(t).toEqual(tallyOf([b, c]));
    expect(summarize([b, c])).toMatchObject({
      alertCount: 2,
      severity: 'medium',
      categories: ['Execution'],
      scopes: ['Finance', 'Servers'],
      assets: ['b.contoso.com', 'c.contoso.com'],
    });
    tallyAlert(t, a, 1);
    expect(t).toEqual(tallyOf([a, b, c]));
  });

  it('an incident left with no alerts keeps its severity and shows nothing else', () => {
    const t = tallyOf([a]);
    tallyAlert(t, a, -1);
    const incident = { id: '1', severity: 'high', version: 3 } as Incident;
    const after = withTally(incident, t, '2026-11-02T00:00:00Z');
    expect(after).toMatchObject({ severity: 'high', alertCount: 0, categories: [], assets: [], version: 4 });
  });
});

describe('tallies of hostile values', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'counts a device group named %s like any other',
    (scope) => {
      const one = alert('x', { scope });
      const two = alert('y', { scope });
      const t = tallyOf([one, two]);
      expect(summarize([one, two])).toMatchObject({ alertCount: 2, scopes: [scope] });
      tallyAlert(t, one, -1);
      expect(Object.values(t.scope)).toEqual([1]);
      expect(Object.getPrototypeOf(t.scope)).toBe(Object.prototype);
    },
  );
});
