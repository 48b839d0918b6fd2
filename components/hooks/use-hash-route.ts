import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** Path segments after `#/`, e.g. ['incidents', '2041']. */
  segments: string[];
  /** Query in the hash (`#/alerts?severity=high`): filters, sort and search live here so views can be linked. */
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { segments, params: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function hrefFor(segments: string[], params?: URLSearchParams | Record<string, string>): string {
  const p = params instanceof URLSearchParams ? params : new URLSearchParams(params);
  const qs = p.toString();
  return `#/${segments.map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`;
}

/** Replaces the query of the current route (no new history entry), keeping the path. */
export function replaceParams(params: URLSearchParams): void {
  const { segments } = parseHash(location.hash);
  history.replaceState(null, '', hrefFor(segments, params));
  dispatchEvent(new HashChangeEvent('hashchange'));
}
