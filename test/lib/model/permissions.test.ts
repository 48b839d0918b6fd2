import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, type Profile } from '../../../lib/model';
import {
  accessFor,
  canRead,
  canReadIncident,
  canWrite,
  movePermissionProblems,
  summarizeProblems,
} from '../../../lib/model/permissions';

const profile: Profile = {
  ...DEFAULT_PROFILE,
  scopes: { Finance: 'read', Servers: 'none', Workstations: 'readWrite' },
  defaultAccess: 'none',
};

describe('access per device group', () => {
  it.each([
    ['Finance', 'read', true, false],
    ['Servers', 'none', false, false],
    ['Workstations', 'readWrite', true, true],
    ['Unlisted', 'none', false, false],
    // Names that exist on every object must not be mistaken for a configured group.
    ['constructor', 'none', false, false],
    ['__proto__', 'none', false, false],
  ] as const)('%s → %s', (scope, access, read, write) => {
    expect(accessFor(profile, scope)).toBe(access);
    expect(canRead(profile, scope)).toBe(read);
    expect(canWrite(profile, scope)).toBe(write);
  });

  it('gives unlisted groups the default access', () => {
    expect(accessFor({ scopes: {}, defaultAccess: 'readWrite' }, 'Anything')).toBe('readWrite');
    expect(accessFor({ scopes: {}, defaultAccess: 'read' }, 'Anything')).toBe('read');
  });

  it('lets the default profile do everything', () => {
    expect(canWrite(DEFAULT_PROFILE, 'Unscoped')).toBe(true);
    expect(movePermissionProblems(DEFAULT_PROFILE, [{ id: 'da1', title: 'x', scope: 'Finance' }])).toEqual(
      [],
    );
  });
});

describe('canReadIncident', () => {
  it('needs read on at least one scope of its alerts', () => {
    expect(canReadIncident(profile, { scopes: ['Servers', 'Finance'] })).toBe(true);
    expect(canReadIncident(profile, { scopes: ['Servers', 'Unlisted'] })).toBe(false);
  });
  it('treats an incident without alerts as readable', () => {
    expect(canReadIncident(profile, { scopes: [] })).toBe(true);
  });
});

describe('movePermissionProblems', () => {
  it('names read-only alerts by title and id, and hidden alerts by id only', () => {
    const problems = movePermissionProblems(profile, [
      { id: 'da1', title: 'Mimikatz detected', scope: 'Finance' },
      { id: 'da2', title: 'Secret server alert', scope: 'Servers' },
      { id: 'da3', title: 'Fine', scope: 'Workstations' },
    ]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('"Mimikatz detected" (da1)');
    expect(problems[0]).toContain('read-only');
    expect(problems[1]).toContain('da2');
    expect(problems[1]).not.toContain('Secret server alert');
  });

  it('requires the "View incidents queue" permission', () => {
    const problems = movePermissionProblems({ ...DEFAULT_PROFILE, canViewIncidentsQueue: false }, [
      { id: 'da1', title: 'x', scope: 'Unscoped' },
    ]);
    expect(problems).toEqual([
      'You need the "View incidents queue" permission to move alerts between incidents.',
    ]);
  });

  it('refuses a target incident the analyst cannot read', () => {
    const problems = movePermissionProblems(profile, [{ id: 'da3', title: 'x', scope: 'Workstations' }], {
      id: '42',
      scopes: ['Servers'],
    });
    expect(problems).toEqual(['You have no access to incident 42.']);
  });
});

describe('summarizeProblems', () => {
  it('shows a few problems in full and counts the rest', () => {
    expect(summarizeProblems([])).toBe('');
    expect(summarizeProblems(['A.'])).toBe('A.');
    expect(summarizeProblems(['A.', 'B.', 'C.', 'D.', 'E.'])).toBe('A. B. C. And 2 more problems.');
  });
});
