import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, filtersToParams, parseFilters, timeBounds } from '@/lib/store/queue/filters';
import { NOW } from './fixtures';

describe('filters in the URL', () => {
  it('reads the issue defaults when the hash has no params', () => {
    const inc = parseFilters('incidents', new URLSearchParams());
    expect(inc.status).toEqual(['active', 'inProgress']);
    expect(inc.severity).toEqual(['high', 'medium', 'low']);
    expect(inc.range).toBe('6m');
    expect(inc.sort).toBe('lastUpdate');
    expect(inc.dir).toBe('desc');
    const al = parseFilters('alerts', new URLSearchParams());
    expect(al.status).toEqual(['new', 'inProgress']);
    expect(al.range).toBe('7d');
    expect(al.sort).toBe('lastActivity');
  });

  it('writes only what differs from the defaults, and reads it back', () => {
    const f = {
      ...DEFAULT_FILTERS.incidents,
      severity: [],
      group: ['Servers, EU'],
      q: 'ransom',
      dir: 'asc' as const,
    };
    const params = filtersToParams('incidents', f);
    expect(params.toString()).toBe('severity=&group=Servers%2C+EU&q=ransom&dir=asc');
    expect(parseFilters('incidents', params)).toEqual(f);
    expect(filtersToParams('incidents', DEFAULT_FILTERS.incidents).toString()).toBe('');
  });

  it('falls back to defaults for malformed values instead of failing', () => {
    const f = parseFilters(
      'alerts',
      new URLSearchParams('range=forever&sort=__proto__&dir=sideways&from=yesterday'),
    );
    expect(f.range).toBe('7d');
    expect(f.sort).toBe('lastActivity');
    expect(f.dir).toBe('desc');
    expect(f.from).toBe('');
    // A custom range without dates is no range at all: back to the default.
    expect(parseFilters('alerts', new URLSearchParams('range=custom')).range).toBe('7d');
  });

  it('ignores filters that do not apply to the queue', () => {
    expect(parseFilters('alerts', new URLSearchParams('tag=x')).tag).toEqual([]);
    expect(parseFilters('incidents', new URLSearchParams('detection=x')).detection).toEqual([]);
  });

  it('turns time ranges into ISO bounds', () => {
    expect(timeBounds({ range: '1d', from: '', to: '' }, NOW).since).toBe('2026-11-29T12:00:00.000Z');
    expect(timeBounds({ range: '6m', from: '', to: '' }, NOW).since).toBe('2026-05-30T12:00:00.000Z');
    expect(timeBounds({ range: 'custom', from: '2026-01-02', to: '2026-01-03' }, NOW)).toEqual({
      since: '2026-01-02T00:00:00.000Z',
      until: '2026-01-03T23:59:59.999Z',
    });
  });
});
