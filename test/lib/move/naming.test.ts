import { describe, expect, it } from 'vitest';
import {
  autoIncidentName,
  categoryLabel,
  type NamingAlert,
  orderedCategories,
} from '../../../lib/move/naming';

const device = (name: string) => ({
  '@odata.type': '#microsoft.graph.security.deviceEvidence',
  deviceDnsName: name,
});
const user = (upn: string) => ({
  '@odata.type': '#microsoft.graph.security.userEvidence',
  userAccount: { userPrincipalName: upn },
});
const mailbox = (address: string) => ({
  '@odata.type': '#microsoft.graph.security.mailboxEvidence',
  primaryAddress: address,
});

function alert(
  title: string,
  category: string | null,
  serviceSource: string | null,
  evidence: object[] = [],
): NamingAlert {
  return { title, category, serviceSource, evidence } as NamingAlert;
}
const MDE = 'microsoftDefenderForEndpoint';
const MDI = 'microsoftDefenderForIdentity';

describe('autoIncidentName', () => {
  it.each<[string, NamingAlert[], string]>([
    [
      'one alert: its title',
      [alert('Suspicious PowerShell command line', 'Execution', MDE, [device('pc1')])],
      'Suspicious PowerShell command line',
    ],
    [
      'all alerts share one title: that title',
      [
        alert('Ransomware behavior', 'Impact', MDE, [device('pc1')]),
        alert('Ransomware behavior', 'Execution', MDI, [device('pc2')]),
      ],
      'Ransomware behavior',
    ],
    [
      'titles equal up to surrounding spaces',
      [alert(' Phishing email ', 'InitialAccess', MDE), alert('Phishing email', 'InitialAccess', MDE)],
      'Phishing email',
    ],
    [
      'two categories in kill-chain order on one endpoint',
      [
        alert('b', 'CommandAndControl', MDE, [device('pc1')]),
        alert('a', 'InitialAccess', MDE, [device('pc1')]),
      ],
      'Multi-stage incident involving Initial access & Command and control on one endpoint',
    ],
    [
      'device names counted case-insensitively',
      [
        alert('a', 'Execution', MDE, [device('PC1.contoso.com')]),
        alert('b', 'Discovery', MDE, [device('pc1.contoso.com')]),
      ],
      'Multi-stage incident involving Execution & Discovery on one endpoint',
    ],
    [
      'multiple endpoints, multiple sources',
      [alert('a', 'Execution', MDE, [device('pc1')]), alert('b', 'Discovery', MDI, [device('pc2')])],
      'Multi-stage incident involving Execution & Discovery on multiple endpoints reported by multiple sources',
    ],
    [
      'at most three categories, the earliest in the kill chain',
      [
        alert('a', 'Impact', MDE, [device('pc1')]),
        alert('b', 'LateralMovement', MDE, [device('pc1')]),
        alert('c', 'CredentialAccess', MDE, [device('pc1')]),
        alert('d', 'PrivilegeEscalation', MDE, [device('pc1')]),
        alert('e', 'DefenseEvasion', MDE, [device('pc1')]),
      ],
      'Multi-stage incident involving Privilege escalation & Defense evasion & Credential access on one endpoint',
    ],
    [
      'a category repeated counts once, whatever its spelling',
      [
        alert('a', 'LateralMovement', MDE, [device('pc1')]),
        alert('b', 'Lateral movement', MDE, [device('pc1')]),
      ],
      'Multi-stage incident involving Lateral movement on one endpoint',
    ],
    [
      'categories outside the kill chain come after it, alphabetically',
      [
        alert('a', 'SuspiciousActivity', MDE, [device('pc1')]),
        alert('b', 'Malware', MDE, [device('pc1')]),
        alert('c', 'Exfiltration', MDE, [device('pc1')]),
      ],
      'Multi-stage incident involving Exfiltration & Malware & Suspicious activity on one endpoint',
    ],
    [
      'users only: one user',
      [
        alert('a', 'InitialAccess', MDI, [user('ann@contoso.com')]),
        alert('b', 'CredentialAccess', MDI, [user('ANN@contoso.com')]),
      ],
      'Multi-stage incident involving Initial access & Credential access on one user',
    ],
    [
      'users and mailboxes only: multiple users',
      [
        alert('a', 'InitialAccess', 'microsoftDefenderForOffice365', [mailbox('bob@contoso.com')]),
        alert('b', 'Collection', 'microsoftDefenderForOffice365', [user('ann@contoso.com')]),
      ],
      'Multi-stage incident involving Initial access & Collection on multiple users',
    ],
    [
      'devices win over users',
      [
        alert('a', 'Execution', MDE, [device('pc1'), user('ann@contoso.com')]),
        alert('b', 'Persistence', MDE, [user('bob@contoso.com')]),
      ],
      'Multi-stage incident involving Execution & Persistence on one endpoint',
    ],
    [
      'no device and no user: the "on …" part is left out',
      [
        alert('a', 'Exfiltration', 'microsoftDefenderForCloudApps', [
          { '@odata.type': '#microsoft.graph.security.ipEvidence' },
        ]),
        alert('b', 'Collection', 'microsoftDefenderForCloudApps'),
      ],
      'Multi-stage incident involving Collection & Exfiltration',
    ],
    [
      'no categories: the "involving …" part is left out',
      [alert('a', null, MDE, [device('pc1')]), alert('b', '  ', MDI, [device('pc2')])],
      'Multi-stage incident on multiple endpoints reported by multiple sources',
    ],
    [
      'a missing service source does not count as another source',
      [alert('a', 'Execution', MDE, [device('pc1')]), alert('b', 'Execution', null, [device('pc1')])],
      'Multi-stage incident involving Execution on one endpoint',
    ],
    [
      'blank titles are not a shared title',
      [alert('', 'Execution', MDE), alert(' ', 'Execution', MDE)],
      'Multi-stage incident involving Execution',
    ],
    ['no alerts', [], 'New incident'],
  ])('%s', (_case, alerts, expected) => {
    expect(autoIncidentName(alerts)).toBe(expected);
  });

  it('gives the same name whatever the order of the alerts', () => {
    const alerts = [
      alert('a', 'Exfiltration', MDE, [device('pc1')]),
      alert('b', 'Malware', MDI, [device('pc2')]),
      alert('c', 'InitialAccess', MDE, [device('pc1')]),
    ];
    expect(autoIncidentName([...alerts].reverse())).toBe(autoIncidentName(alerts));
  });
});

describe('categoryLabel', () => {
  it.each([
    ['InitialAccess', 'Initial access'],
    ['CredentialAccess', 'Credential access'],
    ['CommandAndControl', 'Command and control'],
    ['LateralMovement', 'Lateral movement'],
    ['DefenseEvasion', 'Defense evasion'],
    ['PrivilegeEscalation', 'Privilege escalation'],
    ['ResourceDevelopment', 'Resource development'],
    ['Impact', 'Impact'],
    ['initialAccess', 'Initial access'],
    ['DLPPolicyMatch', 'DLP policy match'],
    ['unwanted_software', 'Unwanted software'],
  ])('%s → %s', (raw, label) => {
    expect(categoryLabel(raw)).toBe(label);
  });
});

describe('orderedCategories', () => {
  it('orders the whole kill chain and drops blanks', () => {
    expect(orderedCategories(['Impact', null, 'Reconnaissance', '', 'Discovery', undefined])).toEqual([
      'Reconnaissance',
      'Discovery',
      'Impact',
    ]);
  });
});
