/** A small tenant and the wiring the workspace component tests share (not a test file itself). */
import { render } from '@testing-library/preact';
import type { ComponentChildren } from 'preact';
import { vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DbContext } from '@/components/hooks/db-context';
import { StoreNameContext } from '@/components/hooks/use-store-query';
import { createRouter } from '@/lib/messaging/router';
import { type Alert, DEFAULT_PROFILE, type Incident, type Profile } from '@/lib/model';
import { summarize, toStoredAlert, toStoredIncident } from '@/lib/model/derive';
import { profileItem, readProfile } from '@/lib/settings/profile';
import { MoverDB } from '@/lib/store/db';

export const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

export interface AlertSpec {
  id: string;
  title: string;
  severity?: string;
  status?: string;
  group?: string;
  /** Hours since its last activity. */
  age?: number;
  user?: string;
}
export interface IncidentSpec {
  id: string;
  name: string;
  status?: string;
  age?: number;
  redirectIncidentId?: string;
  tags?: string[];
  alerts: AlertSpec[];
}

export const TENANT: IncidentSpec[] = [
  {
    id: '2041',
    name: 'Ransomware activity on one endpoint',
    age: 1,
    tags: ['Ransomware'],
    alerts: [
      { id: 'da1', title: 'Suspicious PowerShell', severity: 'medium', age: 2 },
      { id: 'da2', title: 'Ransom note dropped', severity: 'high', age: 1, status: 'inProgress' },
      { id: 'da9', title: 'Old resolved alert', status: 'resolved', age: 3 },
    ],
  },
  {
    id: '2042',
    name: 'Sign-in from Zürich',
    age: 5,
    alerts: [{ id: 'da3', title: 'Impossible travel', severity: 'low', age: 5, user: 'ana@contoso.com' }],
  },
  {
    id: '3100',
    name: 'Phishing campaign targeting Finance',
    age: 24 * 20,
    status: 'inProgress',
    alerts: [{ id: 'da4', title: 'Phish delivered', severity: 'medium', age: 24 * 20 }],
  },
  {
    id: '3101',
    name: 'Old duplicate of phishing',
    status: 'redirected',
    redirectIncidentId: '3100',
    alerts: [],
  },
  {
    id: '3200',
    name: 'Lab devices',
    age: 3,
    alerts: [{ id: 'da5', title: 'Lab alert', severity: 'high', group: 'Lab', age: 4 }],
  },
];

export async function seed(db: MoverDB, tenant = TENANT) {
  const incidents: Incident[] = [];
  const alerts: Alert[] = [];
  for (const spec of tenant) {
    const own = spec.alerts.map((a) =>
      toStoredAlert(
        {
          id: a.id,
          incidentId: spec.id,
          title: a.title,
          severity: a.severity ?? 'low',
          status: a.status ?? 'new',
          category: 'Execution',
          serviceSource: 'microsoftDefenderForEndpoint',
          detectionSource: 'antivirus',
          evidence: [
            {
              '@odata.type': '#microsoft.graph.security.deviceEvidence',
              deviceDnsName: `pc-${a.id}`,
              rbacGroupName: a.group ?? 'Servers',
            },
            ...(a.user
              ? [
                  {
                    '@odata.type': '#microsoft.graph.security.userEvidence',
                    userAccount: { userPrincipalName: a.user },
                  },
                ]
              : []),
          ],
          createdDateTime: hoursAgo((a.age ?? 1) + 1),
          firstActivityDateTime: hoursAgo((a.age ?? 1) + 1),
          lastActivityDateTime: hoursAgo(a.age ?? 1),
        },
        hoursAgo(0),
      ),
    );
    alerts.push(...own);
    incidents.push(
      toStoredIncident(
        {
          id: spec.id,
          displayName: spec.name,
          status: spec.status ?? 'active',
          severity: summarize(own).severity ?? 'low',
          redirectIncidentId: spec.redirectIncidentId ?? null,
          tags: spec.tags ?? [],
          createdDateTime: hoursAgo((spec.age ?? 1) + 1),
          lastUpdateDateTime: hoursAgo(spec.age ?? 1),
        },
        own,
        hoursAgo(0),
      ),
    );
  }
  await db.incidents.bulkAdd(incidents);
  await db.alerts.bulkAdd(alerts);
}

const EXT = `chrome-extension://${fakeBrowser.runtime.id}/`;

/** A fresh store with the tenant, the profile, and `browser.runtime.sendMessage` reaching the real router. */
export async function setup(profile: Profile = DEFAULT_PROFILE) {
  fakeBrowser.reset();
  await profileItem.setValue(profile);
  const db = new MoverDB(`t-${crypto.randomUUID()}`);
  await seed(db);
  let tokens = 0;
  const handle = createRouter({
    db,
    extensionId: fakeBrowser.runtime.id,
    extensionOrigin: EXT,
    getProfile: readProfile,
    now: () => new Date().toISOString(),
    newToken: () => `token-${++tokens}`,
    session: { get: async () => undefined, set: async () => undefined, remove: async () => undefined },
  });
  const send = (message: unknown) =>
    handle(message, { id: fakeBrowser.runtime.id, url: `${EXT}sidepanel.html` });
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(send as never);
  const wrap = (ui: ComponentChildren) => (
    <DbContext.Provider value={db}>
      <StoreNameContext.Provider value={db.name}>{ui}</StoreNameContext.Provider>
    </DbContext.Provider>
  );
  const show = (ui: ComponentChildren) => {
    const view = render(wrap(ui));
    return { ...view, rerender: (next: ComponentChildren) => view.rerender(wrap(next)) };
  };
  return { db, send, show };
}

/** The ids of the alert rows in a container, in order. */
export const alertIds = (root: ParentNode) =>
  [...root.querySelectorAll('tr[data-alert-id]')].map((r) => r.getAttribute('data-alert-id'));
