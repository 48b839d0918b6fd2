import { describe, expect, it } from 'vitest';
import { foldText } from '@/lib/model/text';

describe('text folding', () => {
  it('normalises case, accents and spaces', () => {
    expect(foldText('  Détecté   sur\tSRV-ÉCOLE ')).toBe('detecte sur srv-ecole');
    expect(foldText('İSTANBUL Ångström')).toBe('istanbul angstrom');
  });
});
