/** Small Graph-shaped files for the import tests: incidents and alerts with just the fields that matter. */
import { type ParsedImport, parseImport } from '@/lib/data/import';

export const NOW = '2026-11-20T12:00:00.000Z';

export function alert(id: string, incidentId: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    incidentId,
    title: `Alert ${id}`,
    severity: 'low',
    status: 'new',
    category: 'Execution',
    serviceSource: 'microsoftDefenderForEndpoint',
    createdDateTime: '2026-11-18T10:00:00Z',
    evidence: [
      {
        '@odata.type': '#microsoft.graph.security.deviceEvidence',
        deviceDnsName: `host-${id}.contoso.com`,
        rbacGroupName: 'Finance workstations',
      },
    ],
    ...extra,
  };
}

export function incident(id: string, alerts: unknown[], extra: Record<string, unknown> = {}) {
  return {
    id,
    displayName: `Incident ${id}`,
    status: 'active',
    severity: 'medium',
    createdDateTime: '2026-11-18T10:00:00Z',
    lastUpdateDateTime: '2026-11-18T11:00:00Z',
    alerts,
    ...extra,
  };
}

export const body = (value: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#security/incidents(alerts())',
    value,
    ...extra,
  });

export function problemsOf(text: string): string[] {
  const r = parseImport(text);
  if (r.ok) throw new Error('expected the file to be refused');
  return r.problems;
}

export function parsed(text: string): ParsedImport {
  const r = parseImport(text);
  if (!r.ok) throw new Error(`expected the file to be accepted:\n${r.problems.join('\n')}`);
  return r.data;
}
