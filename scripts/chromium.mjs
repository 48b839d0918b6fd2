// Finds (or, as root on Debian, installs) the Chromium the project runs in: $CHROME_PATH, $CHROMIUM, or /usr/bin/chromium.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function findChromium() {
  const candidates = [
    process.env.CHROME_PATH,
    process.env.CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
  ];
  const found = candidates.find((p) => p && existsSync(p));
  if (found) return found;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log("Chromium is missing: installing Debian's chromium package…");
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
      stdio: 'inherit',
    });
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  throw new Error(
    'Chromium was not found. Install it (Debian: `sudo apt-get install chromium`) or set CHROME_PATH.',
  );
}

export function chromiumVersion(path) {
  try {
    return execSync(`"${path}" --version 2>/dev/null`).toString().trim().split('\n').pop();
  } catch {
    return 'unknown';
  }
}
