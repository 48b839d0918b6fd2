/**
 * Chrome match patterns (`<scheme>://<host>[:<port>]<path>`), parsed and matched the way Chrome does it:
 * https://developer.chrome.com/docs/extensions/develop/concepts/match-patterns
 *
 * Only web pages are in scope (`http`, `https`, `*` = either); `file://` pages are refused because content
 * scripts there need a separate user opt-in. A missing port means any port; the path is matched against
 * the URL's path and query (not the fragment).
 */

export interface MatchPatternParts {
  /** `http`, `https` or `*` (either). */
  scheme: 'http' | 'https' | '*';
  /** `*`, `*.example.com` (the domain and its subdomains) or an exact host name, lower case. */
  host: string;
  /** A port number as text, `*`, or undefined (any port). */
  port: string | undefined;
  /** Starts with `/`; `*` matches any run of characters. */
  path: string;
}

export type ParsedMatchPattern = { ok: true; parts: MatchPatternParts } | { ok: false; problem: string };

const MAX_PATTERN_LENGTH = 2_000;
const HOST_CHARS = /^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/;

/** Parses a match pattern; every problem is a sentence, nothing throws. */
export function parseMatchPattern(input: unknown): ParsedMatchPattern {
  if (typeof input !== 'string' || input.trim() === '')
    return { ok: false, problem: 'The URL pattern is empty.' };
  const pattern = input.trim();
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, problem: `The URL pattern is longer than ${MAX_PATTERN_LENGTH} characters.` };
  }
  // `<all_urls>` also covers file:// and more; for web pages it means the same as `*://*/*`.
  if (pattern === '<all_urls>')
    return { ok: true, parts: { scheme: '*', host: '*', port: undefined, path: '/*' } };
  const m = /^([^:/]+):\/\/([^/]*)(\/.*)?$/.exec(pattern);
  if (!m) {
    return {
      ok: false,
      problem: `The URL pattern "${pattern.slice(0, 100)}" is not a match pattern: write it like https://portal.example.com/*.`,
    };
  }
  const scheme = (m[1] ?? '').toLowerCase();
  const authority = (m[2] ?? '').toLowerCase();
  const path = m[3];
  if (scheme !== 'http' && scheme !== 'https' && scheme !== '*') {
    return {
      ok: false,
      problem: `The URL pattern's scheme "${scheme.slice(0, 20)}" is not supported: use https, http or *.`,
    };
  }
  if (path === undefined) {
    return {
      ok: false,
      problem: 'The URL pattern needs a path after the host: add /* to match every page of the site.',
    };
  }
  let host = authority;
  let port: string | undefined;
  const portMatch = /^(.*?):(\d{1,5}|\*)$/.exec(authority);
  if (portMatch && !authority.endsWith(']')) {
    host = portMatch[1] ?? '';
    port = portMatch[2];
    if (port !== '*' && Number(port) > 65_535)
      return { ok: false, problem: `The URL pattern's port ${port} is not a port number.` };
  }
  if (host === '')
    return { ok: false, problem: 'The URL pattern has no host: write it like https://portal.example.com/*.' };
  if (host !== '*') {
    const bare = host.startsWith('*.') ? host.slice(2) : host;
    if (bare.includes('*')) {
      return {
        ok: false,
        problem: "In the URL pattern's host a * may only come first, followed by a dot (like *.example.com).",
      };
    }
    if (!HOST_CHARS.test(bare) || bare.startsWith('.') || bare.endsWith('.') || bare.includes('..')) {
      return { ok: false, problem: `The URL pattern's host "${host.slice(0, 100)}" is not a host name.` };
    }
  }
  return { ok: true, parts: { scheme: scheme as MatchPatternParts['scheme'], host, port, path } };
}

/**
 * Whether `text` matches `glob`, where `*` is any run of characters. A two-pointer walk that backtracks only to
 * the last `*`: time grows with text × pattern at worst, never exponentially (a page controls the URL, and a
 * regular expression of chained `.*` could be made to stall the worker).
 */
export function globMatches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (g < glob.length && glob[g] !== '*' && glob[g] === text[t]) {
      g++;
      t++;
    } else if (g < glob.length && glob[g] === '*') {
      star = g++;
      mark = t;
    } else if (star >= 0) {
      g = star + 1;
      t = ++mark;
    } else return false;
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}

function defaultPort(scheme: string): string {
  return scheme === 'https:' ? '443' : '80';
}

/** Whether `url` is one of the pages `pattern` names. An invalid pattern or URL matches nothing. */
export function matchesUrl(pattern: string, url: string | URL): boolean {
  const parsed = parseMatchPattern(pattern);
  if (!parsed.ok) return false;
  let u: URL;
  try {
    u = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return false;
  }
  const { scheme, host, port, path } = parsed.parts;
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  if (scheme !== '*' && `${scheme}:` !== u.protocol) return false;
  const hostname = u.hostname.toLowerCase();
  if (host !== '*') {
    if (host.startsWith('*.')) {
      const domain = host.slice(2);
      if (hostname !== domain && !hostname.endsWith(`.${domain}`)) return false;
    } else if (hostname !== host) {
      return false;
    }
  }
  if (port !== undefined && port !== '*' && (u.port || defaultPort(u.protocol)) !== port) return false;
  return globMatches(path, u.pathname + u.search);
}

/**
 * The host permission to request for a pattern: its scheme and host, every path (`https://host/*`).
 * The port is dropped: Firefox refuses ports in permissions, and in Chrome a host's permission covers its ports.
 * Undefined for an invalid pattern.
 */
export function originOf(pattern: string): string | undefined {
  const parsed = parseMatchPattern(pattern);
  if (!parsed.ok) return undefined;
  return `${parsed.parts.scheme}://${parsed.parts.host}/*`;
}
