/** Alert templates: titles Defender shows, with their product, detection source, tactic and techniques. */

export type Product = 'mde' | 'mdo' | 'mdi' | 'mdca' | 'entra' | 'xdr';
export type EvidenceKind = 'device' | 'user' | 'mailbox' | 'ip' | 'file' | 'process' | 'url' | 'dc';
export type Scenario = 'endpoint' | 'phish' | 'identity' | 'activeDirectory' | 'ransomware';

export interface Template {
  title: string;
  product: Product;
  detectionSource: string;
  category: string;
  techniques: string[];
  severity: 'informational' | 'low' | 'medium' | 'high';
  evidence: EvidenceKind[];
  description: string;
  file?: { name: string; path: string };
  commandLine?: string;
  threat?: string;
}

export const PRODUCTS: Record<Product, { serviceSource: string; idPrefix: string }> = {
  mde: { serviceSource: 'microsoftDefenderForEndpoint', idPrefix: 'da' },
  mdo: { serviceSource: 'microsoftDefenderForOffice365', idPrefix: 'fa' },
  mdi: { serviceSource: 'microsoftDefenderForIdentity', idPrefix: 'aa' },
  mdca: { serviceSource: 'microsoftDefenderForCloudApps', idPrefix: 'ca' },
  entra: { serviceSource: 'azureAdIdentityProtection', idPrefix: 'ad' },
  xdr: { serviceSource: 'microsoft365Defender', idPrefix: 'ed' },
};

const T = (
  title: string,
  product: Product,
  detectionSource: string,
  category: string,
  techniques: string[],
  severity: Template['severity'],
  evidence: EvidenceKind[],
  description: string,
  extra: Partial<Template> = {},
): Template => ({
  title,
  product,
  detectionSource,
  category,
  techniques,
  severity,
  evidence,
  description,
  ...extra,
});

const MDE = 'microsoftDefenderForEndpoint';
// biome-ignore format: a table reads best one row per line
export const TEMPLATES = {
  powershell: T('Suspicious PowerShell command line', 'mde', MDE, 'Execution', ['T1059.001', 'T1027'], 'medium', ['device', 'user', 'process'], 'A suspicious PowerShell command line was run, possibly to download or run malicious code.', { commandLine: 'powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA' }),
  hiddenFile: T('Suspicious execution of hidden file', 'mde', 'antivirus', 'DefenseEvasion', ['T1564.001'], 'low', ['device', 'file'], 'A hidden file has been launched. Attackers often hide files associated with malicious tools to evade file system inspection and defenses.', { file: { name: 'svchost32.exe', path: 'C:\\Users\\Public\\Libraries' } }),
  injection: T('Suspicious process injection observed', 'mde', MDE, 'DefenseEvasion', ['T1055', 'T1055.012'], 'medium', ['device', 'process'], 'A process injected code into another process, a technique used to run malicious code under a trusted process.', { commandLine: 'rundll32.exe C:\\ProgramData\\update.dll,Start' }),
  scheduledTask: T('Suspicious Task Scheduler activity', 'mde', MDE, 'Persistence', ['T1053.005'], 'medium', ['device', 'user', 'process'], 'A scheduled task was created or modified in a way attackers use to keep running after a restart.', { commandLine: 'schtasks.exe /create /sc minute /mo 30 /tn "OneDrive Sync" /tr C:\\ProgramData\\sync.exe' }),
  mimikatz: T('Mimikatz credential theft tool', 'mde', MDE, 'CredentialAccess', ['T1003.001', 'T1558'], 'high', ['device', 'user', 'file'], 'The Mimikatz credential theft tool was detected. It can dump credentials from memory and perform pass-the-hash and pass-the-ticket attacks.', { file: { name: 'mimikatz.exe', path: 'C:\\Windows\\Temp' }, threat: 'HackTool:Win64/Mikatz' }),
  lsass: T('Suspicious access to LSASS service', 'mde', MDE, 'CredentialAccess', ['T1003.001'], 'high', ['device', 'user', 'process'], 'A process accessed the memory of the Local Security Authority Subsystem Service, possibly to steal credentials.', { commandLine: 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 712 C:\\Windows\\Temp\\l.dmp full' }),
  exploration: T('Suspicious sequence of exploration activities', 'mde', MDE, 'Discovery', ['T1087', 'T1018', 'T1069.002'], 'medium', ['device', 'user', 'process'], 'A process ran a sequence of commands attackers use to learn about accounts, groups and computers on the network.', { commandLine: 'net.exe group "Domain Admins" /domain' }),
  networkProtection: T('Suspicious connection blocked by network protection', 'mde', 'smartScreen', 'CommandAndControl', ['T1071.001'], 'medium', ['device', 'ip'], 'Network protection blocked a connection to an address associated with command-and-control infrastructure.'),
  ransomware: T('Ransomware behavior detected in the file system', 'mde', MDE, 'Impact', ['T1486'], 'high', ['device', 'user', 'file'], 'Files were encrypted and renamed in a way that matches ransomware.', { file: { name: 'locker.exe', path: 'C:\\ProgramData\\Microsoft\\Crypto' }, threat: 'Ransom:Win32/LockBit' }),
  cobalt: T("'CobaltStrike' backdoor was prevented", 'mde', 'antivirus', 'Execution', ['T1059.003', 'T1071'], 'high', ['device', 'file'], 'Microsoft Defender Antivirus prevented a Cobalt Strike beacon from running.', { file: { name: 'beacon_x64.dll', path: 'C:\\Users\\Public\\Downloads' }, threat: 'Backdoor:Win64/CobaltStrike' }),
  remoteDrop: T('File dropped and launched from remote location', 'mde', MDE, 'LateralMovement', ['T1570', 'T1021.002'], 'medium', ['device', 'file'], 'A file was copied over the network and then launched, which may indicate lateral movement.', { file: { name: 'psexesvc.exe', path: 'C:\\Windows' } }),
  wmi: T('Suspicious WMI process creation', 'mde', MDE, 'Execution', ['T1047'], 'medium', ['device', 'process'], 'A process was started through Windows Management Instrumentation in a way attackers use to run code remotely.', { commandLine: 'wmic.exe /node:10.10.3.21 process call create "cmd.exe /c C:\\Windows\\Temp\\a.bat"' }),
  word: T('Suspicious behavior by Microsoft Word was observed', 'mde', MDE, 'Execution', ['T1204.002', 'T1566.001'], 'medium', ['device', 'user', 'process'], 'Microsoft Word started a process in a way that matches a malicious macro or exploit.', { commandLine: 'WINWORD.EXE /n "C:\\Users\\Public\\Documents\\Invoice_0427.docm"' }),
  wacatac: T("'Wacatac' malware was prevented", 'mde', 'antivirus', 'Execution', ['T1204.002'], 'informational', ['device', 'file'], 'Microsoft Defender Antivirus prevented malware from running.', { file: { name: 'setup_crack.exe', path: 'C:\\Users\\Public\\Downloads' }, threat: 'Trojan:Win32/Wacatac.B!ml' }),
  tampering: T('Tampering with Microsoft Defender for Endpoint sensor settings', 'mde', MDE, 'DefenseEvasion', ['T1562.001'], 'high', ['device', 'process'], 'An attempt was made to change sensor settings so that the device stops reporting.', { commandLine: 'reg.exe add "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat Protection" /v ForceDefenderPassiveMode /d 1' }),
  recovery: T('System recovery setting tampering', 'mde', MDE, 'Impact', ['T1490'], 'high', ['device', 'process'], 'Shadow copies or recovery settings were deleted, which ransomware does before encrypting files.', { commandLine: 'vssadmin.exe delete shadows /all /quiet' }),

  urlRemoved: T('Email messages containing malicious URL removed after delivery', 'mdo', 'microsoftDefenderForOffice365', 'InitialAccess', ['T1566.002'], 'informational', ['mailbox', 'url', 'ip'], 'Emails with a malicious URL were delivered and later removed by zero-hour auto purge.'),
  malwareRemoved: T('Email messages containing malware removed after delivery', 'mdo', 'microsoftDefenderForOffice365', 'InitialAccess', ['T1566.001'], 'informational', ['mailbox', 'file', 'ip'], 'Emails with a malicious attachment were delivered and later removed by zero-hour auto purge.', { file: { name: 'Remittance_Advice.html', path: '' } }),
  urlClick: T('A potentially malicious URL click was detected', 'mdo', 'microsoftDefenderForOffice365', 'InitialAccess', ['T1566.002'], 'high', ['mailbox', 'user', 'url'], 'A user clicked a link that Safe Links later found to be malicious.'),
  userReported: T('Email reported by user as malware or phish', 'mdo', 'microsoftDefenderForOffice365', 'InitialAccess', ['T1566'], 'low', ['mailbox', 'url'], 'A user reported an email as phishing or malware.'),
  allowPolicy: T('Phish delivered due to an IP allow policy', 'mdo', 'microsoftDefenderForOffice365', 'InitialAccess', ['T1566'], 'informational', ['mailbox', 'ip'], 'A phishing email was delivered because its sender IP is in an allow list.'),

  dcsync: T('Suspected DCSync attack (replication of directory services)', 'mdi', 'microsoftDefenderForIdentity', 'CredentialAccess', ['T1003.006'], 'high', ['dc', 'user'], 'A replication request was sent from a computer that is not a domain controller.'),
  spn: T('Suspected Kerberos SPN exposure', 'mdi', 'microsoftDefenderForIdentity', 'CredentialAccess', ['T1558.003'], 'high', ['dc', 'user'], 'Kerberos service tickets were requested for many service accounts (Kerberoasting).'),
  enumeration: T('Account enumeration reconnaissance', 'mdi', 'microsoftDefenderForIdentity', 'Discovery', ['T1087.002'], 'medium', ['dc', 'user'], 'Someone tried to guess account names in the domain.'),
  bruteForce: T('Suspected Brute Force attack (Kerberos, NTLM)', 'mdi', 'microsoftDefenderForIdentity', 'CredentialAccess', ['T1110'], 'medium', ['dc', 'user', 'ip'], 'Many failed sign-in attempts were made against domain accounts.'),
  passTheTicket: T('Suspected identity theft (pass-the-ticket)', 'mdi', 'microsoftDefenderForIdentity', 'LateralMovement', ['T1550.003'], 'high', ['dc', 'user'], 'A Kerberos ticket stolen from one computer was used on another.'),
  dnsRecon: T('Network-mapping reconnaissance (DNS)', 'mdi', 'microsoftDefenderForIdentity', 'Discovery', ['T1018'], 'low', ['dc'], 'A computer made DNS queries that map the network.'),

  impossibleTravel: T('Impossible travel activity', 'mdca', 'cloudAppSecurity', 'InitialAccess', ['T1078'], 'medium', ['user', 'ip'], 'The same user signed in from two places too far apart to travel between in the time.'),
  infrequentCountry: T('Activity from infrequent country', 'mdca', 'cloudAppSecurity', 'InitialAccess', ['T1078'], 'low', ['user', 'ip'], 'A user was active from a country no one in the organization was active from recently.'),
  inboxRule: T('Suspicious inbox manipulation rule', 'mdca', 'cloudAppSecurity', 'DefenseEvasion', ['T1564.008'], 'medium', ['user', 'mailbox', 'ip'], 'An inbox rule was created that moves or deletes messages, as attackers do to hide their activity.'),
  massDownload: T('Mass download by a single user', 'mdca', 'cloudAppSecurity', 'Exfiltration', ['T1530'], 'medium', ['user', 'ip'], 'A user downloaded an unusually large number of files from SharePoint and OneDrive.'),
  forwarding: T('Suspicious inbox forwarding', 'mdca', 'cloudAppSecurity', 'Exfiltration', ['T1114.003'], 'medium', ['user', 'mailbox'], 'A rule forwards the mailbox to an external address.'),

  unfamiliarSignIn: T('Unfamiliar sign-in properties', 'entra', 'azureAdIdentityProtection', 'InitialAccess', ['T1078'], 'low', ['user', 'ip'], 'A sign-in had properties not seen recently for this user.'),
  atypicalTravel: T('Atypical travel', 'entra', 'azureAdIdentityProtection', 'InitialAccess', ['T1078'], 'medium', ['user', 'ip'], 'Two sign-ins came from places far apart.'),
  anonymousIp: T('Anonymous IP address', 'entra', 'azureAdIdentityProtection', 'InitialAccess', ['T1090.003'], 'low', ['user', 'ip'], 'A sign-in came from an anonymous IP address such as a Tor exit node.'),
  passwordSpray: T('Password spray', 'entra', 'azureAdIdentityProtection', 'CredentialAccess', ['T1110.003'], 'high', ['user', 'ip'], 'Many accounts were tried with a few common passwords.'),
  anomalousToken: T('Anomalous token', 'entra', 'azureAdIdentityProtection', 'CredentialAccess', ['T1550.001'], 'high', ['user', 'ip'], 'A token with unusual characteristics was used, which may mean it was stolen and replayed.'),

  aitm: T('User compromised via a known AiTM phishing kit', 'xdr', 'microsoft365Defender', 'InitialAccess', ['T1557', 'T1566.002'], 'high', ['user', 'mailbox', 'ip', 'url'], 'A user signed in through an adversary-in-the-middle phishing page, and their session cookie was stolen.'),
  bec: T('Possible BEC financial fraud', 'xdr', 'microsoft365Defender', 'Collection', ['T1114.002'], 'high', ['user', 'mailbox', 'ip'], 'A compromised mailbox was used in a way that matches business email compromise fraud.'),
  ransomwareFiles: T('Possible compromised user account delivering ransomware-related files', 'xdr', 'microsoft365Defender', 'Impact', ['T1486', 'T1570'], 'high', ['user', 'device', 'file'], 'A user account copied ransomware-related files to several devices.', { file: { name: 'locker.exe', path: 'C:\\ProgramData' } }),
} satisfies Record<string, Template>;

export type TemplateName = keyof typeof TEMPLATES;
// biome-ignore format: a table reads best one row per line
export const SCENARIO_TEMPLATES: Record<Scenario, TemplateName[]> = {
  endpoint: ['powershell', 'hiddenFile', 'injection', 'scheduledTask', 'lsass', 'exploration', 'networkProtection', 'cobalt', 'wmi', 'wacatac', 'tampering', 'word'],
  phish: ['urlRemoved', 'malwareRemoved', 'urlClick', 'userReported', 'allowPolicy', 'aitm', 'word', 'powershell', 'unfamiliarSignIn'],
  identity: ['impossibleTravel', 'infrequentCountry', 'inboxRule', 'massDownload', 'forwarding', 'unfamiliarSignIn', 'atypicalTravel', 'anonymousIp', 'passwordSpray', 'anomalousToken', 'bec'],
  activeDirectory: ['dcsync', 'spn', 'enumeration', 'bruteForce', 'passTheTicket', 'dnsRecon', 'mimikatz', 'exploration'],
  ransomware: ['mimikatz', 'lsass', 'remoteDrop', 'ransomware', 'recovery', 'tampering', 'powershell', 'injection', 'dcsync', 'passTheTicket', 'ransomwareFiles'],
};
/** Most single-alert incidents in a real queue are low-severity noise like these. */
export const NOISE_TEMPLATES: Record<Scenario, TemplateName[]> = {
  endpoint: ['wacatac', 'hiddenFile'],
  phish: ['urlRemoved', 'malwareRemoved', 'userReported', 'allowPolicy'],
  identity: ['unfamiliarSignIn', 'anonymousIp', 'infrequentCountry'],
  activeDirectory: ['dnsRecon', 'enumeration'],
  ransomware: SCENARIO_TEMPLATES.ransomware,
};
export const SCENARIOS: readonly (readonly [Scenario, number])[] = [
  ['endpoint', 0.34],
  ['phish', 0.26],
  ['identity', 0.2],
  ['activeDirectory', 0.1],
  ['ransomware', 0.1],
];
export const SEVERITY_STEPS = ['informational', 'low', 'medium', 'high'] as const;
export const KILL_CHAIN_ORDER: Record<string, number> = {
  Reconnaissance: 0,
  ResourceDevelopment: 1,
  InitialAccess: 2,
  Execution: 3,
  Persistence: 4,
  PrivilegeEscalation: 5,
  DefenseEvasion: 6,
  CredentialAccess: 7,
  Discovery: 8,
  LateralMovement: 9,
  Collection: 10,
  CommandAndControl: 11,
  Exfiltration: 12,
  Impact: 13,
};
