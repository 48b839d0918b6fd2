/** Text folding for search: one rule for the flyout's incident search and the queues' search box. */

const NON_ASCII = /[^\x20-\x7e]/;
/** Combining marks of every script (what NFD splits off accented letters, and vowel signs and the like). */
const MARKS = /\p{M}+/gu;
const ODD_SPACE = /[^\S ]| {2}/;
const SPACES = /\s+/g;

/**
 * Case- and accent-insensitive form: lower-cased, NFD, combining marks dropped, whitespace collapsed to
 * single spaces, trimmed. "  Détecté   sur\tSRV-ÉCOLE " → "detecte sur srv-ecole".
 */
export function foldText(text: string): string {
  // The fast paths matter at 40,000 names: most are plain ASCII with single spaces.
  // Lower-case first: some capitals lower-case to a letter plus a combining mark ("İ" → "i̇").
  let out = text.toLowerCase();
  if (NON_ASCII.test(out)) out = out.normalize('NFD').replace(MARKS, '');
  if (ODD_SPACE.test(out)) out = out.replace(SPACES, ' ');
  return out.trim();
}
