// English words: inflectional suffixes removed only when the lexicon knows the result ("loved" → "love",
// "deliveries" → "delivery", "rudeness" → "rude"); possessive "'s" dropped.
import { plainWord, type StemGuide, type WordAnalysis } from './types';

// [suffix, replacements]: the first known candidate wins, in this order.
const RULES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['iest', ['y']],
  ['ies', ['y']],
  ['ied', ['y']],
  ['ier', ['y']],
  ['ily', ['y']],
  ['ness', ['']],
  ['ing', ['', 'e']],
  ['ed', ['', 'e']],
  ['est', ['', 'e']],
  ['er', ['', 'e']],
  ['ly', ['', 'le']],
  ['es', ['']],
  ['s', ['']],
];

/** Candidate stems of `key` by the suffix rules, including undoubled consonants ("stopped" → "stop"). */
function candidates(key: string): string[] {
  const out: string[] = [];
  for (const [suffix, replacements] of RULES) {
    if (!key.endsWith(suffix) || key.length - suffix.length < 2) continue;
    const base = key.slice(0, -suffix.length);
    for (const r of replacements) out.push(base + r);
    if (base.length >= 3 && base[base.length - 1] === base[base.length - 2]) out.push(base.slice(0, -1));
  }
  return out;
}

/** Analyzes one English word (lower-case, contractions already expanded). */
export function analyzeEnglishWord(text: string, guide: StemGuide): WordAnalysis {
  const key = text.replace(/'s?$/, '');
  if (guide.known.has(key)) return plainWord(key, key);
  for (const candidate of candidates(key)) {
    if (guide.known.has(candidate)) return plainWord(candidate, candidate);
  }
  // Elongation («sooo goood», kept as three letters by normalization): try two letters, then one. Only
  // letters written three times are touched, so "loose" never becomes "lose".
  if (/(.)\1\1/.test(key)) {
    for (const shrunk of [key.replace(/(.)\1\1/g, '$1$1'), key.replace(/(.)\1\1/g, '$1')]) {
      const found = analyzeEnglishWord(shrunk, guide);
      if (guide.known.has(found.stem)) return found;
    }
  }
  return plainWord(key, key);
}
