// Screening a payee's name against the OFAC SDN list (DOMAIN.md "Paying out"): both names are
// normalized (case, punctuation, diacritics, word order, legal-form suffixes such as LLC or INC) and
// compared with the Jaro–Winkler similarity (@skyra/jaro-winkler); a score at or above the threshold
// (COVERWISE_OFAC_MATCH_THRESHOLD) is a possible match that holds the payment for a person to review.
// A possible match is not a finding: most are false positives, which is why a person decides.
import { jaroWinkler } from '@skyra/jaro-winkler';

/** Words that say what kind of company it is, not who it is. */
const LEGAL_FORMS = new Set([
  'llc',
  'l l c',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'ltd',
  'limited',
  'lp',
  'llp',
  'plc',
  'pc',
  'pllc',
  'sa',
  'srl',
  'gmbh',
  'ag',
  'bv',
  'nv',
  'the',
  'and',
  'of',
]);

/**
 * The comparable form of a name: lower case ASCII letters and digits, accents removed, punctuation a
 * space (an apostrophe joins), legal forms dropped, the words sorted (so "DELGADO, Rosa" = "Rosa Delgado").
 */
export function normalizeName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    // Initials written with dots ("L.L.C.", "S.A.") arrive as single letters: join them into a word.
    .replace(/\b([a-z0-9])((?: [a-z0-9]\b)+)/g, (run) => run.replaceAll(' ', ''))
    .split(' ')
    .filter((word) => word.length > 0 && !LEGAL_FORMS.has(word));
  return words.sort().join(' ');
}

/** Similarity of two names in [0, 1] after normalization; 0 when either has no words left. */
export function nameScore(left: string, right: string): number {
  return normalizedScore(normalizeName(left), normalizeName(right));
}

/**
 * The same, for names already normalized (the SDN names are normalized once, when loaded): the better of
 * Jaro–Winkler over the whole sorted names and a word-by-word score (each word's best Jaro–Winkler
 * against the other name's words, averaged both ways), so one misspelt word that changes the sort
 * order ("Cuba" / "Kuba") still scores as one misspelt word.
 */
export function normalizedScore(left: string, right: string): number {
  if (left.length === 0 || right.length === 0) return 0;
  if (left === right) return 1;
  const leftWords = left.split(' ');
  const rightWords = right.split(' ');
  const wordByWord = (wordScore(leftWords, rightWords) + wordScore(rightWords, leftWords)) / 2;
  return Math.max(jaroWinkler(left, right), wordByWord);
}

function wordScore(words: readonly string[], others: readonly string[]): number {
  let total = 0;
  for (const word of words) {
    let best = 0;
    for (const other of others) best = Math.max(best, word === other ? 1 : jaroWinkler(word, other));
    total += best;
  }
  return total / words.length;
}

export interface SdnName {
  entNum: number;
  name: string;
  normalizedName: string;
}

export interface SdnMatch<T extends SdnName> {
  entry: T;
  score: number;
}

/** The best-scoring SDN name at or above the threshold, or null when none reaches it. */
export function bestMatch<T extends SdnName>(
  payeeName: string,
  names: readonly T[],
  threshold: number,
): SdnMatch<T> | null {
  const payee = normalizeName(payeeName);
  let best: SdnMatch<T> | null = null;
  for (const entry of names) {
    const score = normalizedScore(payee, entry.normalizedName);
    if (score >= threshold && (best === null || score > best.score)) best = { entry, score };
  }
  return best;
}
