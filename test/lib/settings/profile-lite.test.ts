/**
 * The popup's zod-free profile check answers exactly what the schema does, for valid, near-valid and random
 * values: the popup never grants what the rest of the extension would refuse.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_PROFILE } from '@/lib/model';
import { LOCKED_PROFILE, parseProfile, profileItem, readProfile } from '@/lib/settings/profile';
import {
  checkProfile,
  DEFAULT_PROFILE_LITE,
  LOCKED_PROFILE_LITE,
  readProfileLite,
} from '@/lib/settings/profile-lite';

const access = fc.constantFrom('none', 'read', 'readWrite', 'write', '', 'READ');
const name = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.constantFrom(
    '  Ann  ',
    ' ',
    '',
    'a'.repeat(200),
    ` ${'a'.repeat(200)} `,
    'a'.repeat(201),
    'u'.repeat(321),
  ),
);
const nearProfile = fc.record(
  {
    displayName: fc.oneof(name, fc.integer()),
    upn: fc.oneof(name, fc.constant(null)),
    canViewIncidentsQueue: fc.oneof(fc.boolean(), fc.constant('true')),
    scopes: fc.oneof(
      fc.dictionary(fc.constantFrom('Servers', 'Lab', '__proto__', 'constructor', ''), access),
      fc.constant([]),
      fc.constant(null),
    ),
    defaultAccess: access,
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

describe('the popup’s profile check', () => {
  it('agrees with the profile schema', () => {
    fc.assert(
      fc.property(fc.oneof(nearProfile, fc.anything()), (value) => {
        expect(checkProfile(value)).toEqual(parseProfile(value));
      }),
      {
        numRuns: 3000,
        // Once found by the property: an own `__proto__` group holding a value that is no access level.
        examples: [
          [
            JSON.parse(
              '{"displayName":"!","upn":"  Ann  ","canViewIncidentsQueue":false,"scopes":{"__proto__":""},"defaultAccess":"none"}',
            ),
          ],
        ],
      },
    );
    expect(DEFAULT_PROFILE_LITE).toEqual(DEFAULT_PROFILE);
    expect(LOCKED_PROFILE_LITE).toEqual(LOCKED_PROFILE);
    expect(checkProfile({ ...DEFAULT_PROFILE, scopes: { Lab: 'none' } })).toEqual({
      ...DEFAULT_PROFILE,
      scopes: { Lab: 'none' },
    });
  });

  it('reads what the options page saved, and the default when nothing is saved', async () => {
    fakeBrowser.reset();
    expect(await readProfileLite()).toEqual(await readProfile());
    const saved = {
      ...DEFAULT_PROFILE,
      displayName: 'Ann',
      upn: 'ann@contoso.com',
      scopes: { Lab: 'read' as const },
    };
    await profileItem.setValue(saved);
    expect(await readProfileLite()).toEqual(saved);
    await profileItem.setValue({ ...saved, defaultAccess: 'everything' } as never);
    expect(await readProfileLite()).toEqual(LOCKED_PROFILE);
  });
});
