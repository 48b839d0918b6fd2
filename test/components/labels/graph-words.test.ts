import { describe, expect, it } from 'vitest';
import { REASON_ORDER, reasonLabel } from '@/components/labels/graph-words';
import { CORRELATION_REASONS } from '@/lib/model';

describe('reason words', () => {
  it('names every Graph correlationReason member in words, and lists only those', () => {
    expect([...REASON_ORDER].sort()).toEqual([...CORRELATION_REASONS].sort());
    expect(reasonLabel('similarTTPsOrBehavior')).toBe('Similar TTPs or behavior');
    expect(reasonLabel('lateralMovementPath')).toBe('Lateral movement path');
    expect(reasonLabel('eventCasualSequence')).toBe('Causal event sequence');
  });

  it('still says in words the reasons older entries hold that Graph does not know', () => {
    // Moves made before the flyout offered only Graph's members, and imported logs.
    expect(
      ['sameEntity', 'lateralMovement', 'sameOrganizationWide', 'multiStageAttack'].map(reasonLabel),
    ).toEqual(['Same entity', 'Lateral movement', 'Same organization-wide activity', 'Multi-stage attack']);
    // Anything else is shown as it is, made readable; never as raw markup.
    expect(reasonLabel('someFutureReason')).toBe('Some future reason');
    expect(reasonLabel('__proto__')).toBe('__proto__');
  });
});
