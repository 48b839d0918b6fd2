/** An alert's evidence, grouped by kind (devices, users, files, …), each item in a line of its own. Props only. */
import type { Alert } from '@/lib/model';
import { humanize } from '../labels/graph-words';

type EvidenceItem = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const at = (o: unknown, ...path: string[]): string => {
  let cur: unknown = o;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[p];
  }
  return str(cur);
};

const KINDS: { title: string; match: RegExp; describe(e: EvidenceItem): string[] }[] = [
  {
    title: 'Devices',
    match: /deviceEvidence$/,
    describe: (e) => [
      at(e, 'deviceDnsName') || at(e, 'hostName') || at(e, 'mdeDeviceId'),
      at(e, 'osPlatform') && `${at(e, 'osPlatform')} ${at(e, 'osBuild')}`.trim(),
      at(e, 'rbacGroupName') && `Device group: ${at(e, 'rbacGroupName')}`,
      at(e, 'riskScore') && `Risk: ${humanize(at(e, 'riskScore'))}`,
    ],
  },
  {
    title: 'Users',
    match: /userEvidence$/,
    describe: (e) => [
      at(e, 'userAccount', 'userPrincipalName') || at(e, 'userAccount', 'accountName'),
      at(e, 'userAccount', 'displayName'),
      at(e, 'userAccount', 'domainName') && `Domain: ${at(e, 'userAccount', 'domainName')}`,
    ],
  },
  {
    title: 'Mailboxes',
    match: /mailboxEvidence$/,
    describe: (e) => [at(e, 'primaryAddress'), at(e, 'displayName')],
  },
  {
    title: 'IP addresses',
    match: /ipEvidence$/,
    describe: (e) => [
      at(e, 'ipAddress'),
      at(e, 'countryLetterCode') && `Country: ${at(e, 'countryLetterCode')}`,
    ],
  },
  {
    title: 'Files',
    match: /fileEvidence$/,
    describe: (e) => [
      at(e, 'fileDetails', 'fileName'),
      at(e, 'fileDetails', 'filePath'),
      at(e, 'fileDetails', 'sha256') && `SHA-256: ${at(e, 'fileDetails', 'sha256')}`,
    ],
  },
  {
    title: 'Processes',
    match: /processEvidence$/,
    describe: (e) => [
      at(e, 'imageFile', 'fileName'),
      at(e, 'processCommandLine'),
      at(e, 'processId') && `PID ${at(e, 'processId')}`,
    ],
  },
  { title: 'URLs', match: /urlEvidence$/, describe: (e) => [at(e, 'url')] },
  {
    title: 'Email messages',
    match: /analyzedMessageEvidence$/,
    describe: (e) => [
      at(e, 'subject'),
      at(e, 'senderIp') && `Sender IP: ${at(e, 'senderIp')}`,
      at(e, 'internetMessageId'),
    ],
  },
];

export function AlertEvidence({ alert }: { alert: Pick<Alert, 'evidence'> }) {
  const items = (alert.evidence ?? []) as EvidenceItem[];
  if (items.length === 0) return <p class="muted">No evidence.</p>;
  const groups = new Map<string, string[][]>();
  for (const e of items) {
    const type = str(e['@odata.type']);
    const kind = KINDS.find((k) => k.match.test(type));
    const title = kind?.title ?? 'Other evidence';
    const lines = (
      kind
        ? kind.describe(e)
        : [
            humanize(type.replace(/^#?microsoft\.graph\.security\./, '').replace(/Evidence$/, '')) ||
              'Evidence',
          ]
    ).filter(Boolean);
    const verdict = str(e.verdict);
    if (verdict && verdict !== 'unknown') lines.push(`Verdict: ${humanize(verdict)}`);
    const list = groups.get(title) ?? [];
    list.push(lines);
    groups.set(title, list);
  }
  return (
    <div class="evidence">
      {[...groups].map(([title, list]) => (
        <section key={title} aria-label={title}>
          <h4>
            {title} ({list.length})
          </h4>
          <ul>
            {list.map((lines, i) => (
              <li key={i}>
                {lines[0]}
                {lines.length > 1 && <span class="muted"> — {lines.slice(1).join(' · ')}</span>}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
