// Normalization of Persian, Arabic and English text, and the folded form every lexicon lookup compares.
//
// Two forms exist on purpose. `normalizeText` is the readable form shown back to people: Persian gets
// Persian letters (ی ک), Arabic keeps Arabic letters (ي ك ة), because rewriting a customer's Arabic into
// Persian letters (or the reverse) is wrong to show. `foldForMatch` is the matching key and is never shown:
// it folds every variant to one letter (ي ى ی → ی, ك → ک, ة ۀ → ه, أ إ آ ٱ → ا, ؤ → و, ئ → ی) and drops the
// zero-width non-joiner, so «می‌خواهم», «میخواهم» and «مي‌خواهم» all meet the same lexicon entry.
import { toAsciiDigits } from '../identity/normalize';
import type { DetectedLanguage } from './types';

/** The zero-width non-joiner: part of Persian spelling («می‌خواهم», «کتاب‌ها»), so it is kept in Persian. */
export const ZWNJ = '\u200c';

// Invisible characters that carry no meaning for analysis: zero-width space and joiner, bidi marks and
// embeddings/isolates (pasted around numbers in right-to-left text), word joiner, BOM, soft hyphen, the
// Arabic letter mark and emoji variation selectors. The ZWNJ is handled separately.
const INVISIBLES =
  /[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff\u00ad]|\u200d|\ufe0e|\ufe0f/g;

// Tatweel (kashida) stretches a word for looks: «خـــوب» is «خوب».
const TATWEEL = /\u0640/g;

// Harakat, tanwin, shadda, sukun, the hamza marks written as combining characters, the superscript alef
// and the Quranic annotation marks. Customers rarely write them and lexicons never do.
const DIACRITICS = /[\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]/g;

// Letters that exist in both Persian and Arabic typing in two code points.
const TO_PERSIAN: Record<string, string> = {
  ي: 'ی',
  ى: 'ی',
  ك: 'ک',
  ۀ: 'ه',
  ة: 'ه',
  ٱ: 'ا',
  ھ: 'ه',
  ہ: 'ه',
  ۃ: 'ه',
};
const TO_ARABIC: Record<string, string> = { ی: 'ي', ک: 'ك', ٱ: 'ا', ھ: 'ه', ہ: 'ه', ۃ: 'ة' };
const FOLD: Record<string, string> = {
  ي: 'ی',
  ى: 'ی',
  ئ: 'ی',
  ك: 'ک',
  ة: 'ه',
  ۀ: 'ه',
  ھ: 'ه',
  ہ: 'ه',
  ۃ: 'ه',
  أ: 'ا',
  إ: 'ا',
  آ: 'ا',
  ٱ: 'ا',
  ٲ: 'ا',
  ٳ: 'ا',
  ؤ: 'و',
};
const PERSIAN_VARIANTS = new RegExp(`[${Object.keys(TO_PERSIAN).join('')}]`, 'g');
const ARABIC_VARIANTS = new RegExp(`[${Object.keys(TO_ARABIC).join('')}]`, 'g');

/** An Arabic-script letter (Arabic, Persian and Urdu letters; presentation forms are gone after NFKC). */
export const ARABIC_LETTER = /[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f]/;
const AL = '\\u0620-\\u064a\\u066e-\\u06d3\\u06d5\\u06fa-\\u06ff\\u0750-\\u077f';

// A ZWNJ only joins two letters of one word; next to a space, punctuation or the end of a word it is noise.
const STRAY_ZWNJ = new RegExp(`${ZWNJ}+(?![${AL}])|(?<![${AL}])${ZWNJ}+`, 'g');
const REPEATED_ZWNJ = new RegExp(`${ZWNJ}{2,}`, 'g');
// «می خواهم» and «نمی خواهم» written with a space: the verb prefix joins its verb.
const SPACED_VERB_PREFIX = new RegExp(`(^|[^${AL}${ZWNJ}])(ن?می) +(?=[${AL}])`, 'g');
// «کتاب ها», «سریع تر», «بهترین ها» written with a space: the suffix joins its word.
const SPACED_SUFFIX = new RegExp(`([${AL}]{2}) +(هایی|های|ها|ترین|تر)(?![${AL}${ZWNJ}])`, 'g');
// Elongation: «عاااالی», «خیلیییی». Arabic script never writes a letter three times in a row.
const ARABIC_ELONGATION = new RegExp(`([${AL}])\\1{2,}`, 'g');
const LATIN_ELONGATION = /([a-z])\1{3,}/g;

const APOSTROPHES = /[\u2019\u2018\u02bc\u00b4`]/g;

// Contractions that change meaning when split wrongly; n't is what negation handling needs most.
const CONTRACTIONS: Array<[RegExp, string]> = [
  [/\bwon't\b/g, 'will not'],
  [/\bcan't\b/g, 'can not'],
  [/\bcannot\b/g, 'can not'],
  [/\bshan't\b/g, 'shall not'],
  [/\bain't\b/g, 'is not'],
  [/\b([a-z]+)n't\b/g, '$1 not'],
  // Often typed without the apostrophe on phones.
  [/\b(do|does|did|is|was|are|were|has|have|had|would|could|should|must|need)nt\b/g, '$1 not'],
  [/\b(can|won)t\b/g, '$1 not'],
  [/\bi'm\b/g, 'i am'],
  [/\b([a-z]+)'re\b/g, '$1 are'],
  [/\b([a-z]+)'ve\b/g, '$1 have'],
  [/\b([a-z]+)'ll\b/g, '$1 will'],
  [/\b([a-z]+)'d\b/g, '$1 would'],
  [/\blet's\b/g, 'let us'],
  // "'s" is "is" only after pronouns and question words; "the customer's order" is a possessive.
  [/\b(it|that|what|there|here|he|she|who|where|how|everything|nothing|this)'s\b/g, '$1 is'],
];
// "wont" is a rare word but a common typo of "won't"; "cant" likewise.
const FIX_WON_T = /\bwon not\b/g;

/** Removes zero-width and bidirectional control characters, keeping the zero-width non-joiner. */
export function removeInvisibles(text: string): string {
  return text.replace(INVISIBLES, '');
}

/** Expands English contractions so negation is a word of its own: "don't" → "do not", "it's" → "it is". */
export function expandContractions(lowerCased: string): string {
  let s = lowerCased.replace(APOSTROPHES, "'");
  for (const [pattern, replacement] of CONTRACTIONS) s = s.replace(pattern, replacement);
  return s.replace(FIX_WON_T, 'will not');
}

/**
 * The normalized text for `language`:
 * - Unicode NFKC (Arabic presentation forms such as «ﻻ» become «لا»), invisible controls removed;
 * - tatweel and diacritics removed, Persian and Arabic-Indic digits turned into ASCII;
 * - fa: Arabic ي ى ك ة become Persian ی ک ه; the ZWNJ is kept inside words, spaced verb prefixes and
 *   plural/comparative suffixes are joined with it («می خواهم» → «می‌خواهم»);
 * - ar: Arabic letters are kept (Persian ی ک typed on a Persian keyboard become ي ك); no ZWNJ;
 * - Latin text is lower-cased with contractions expanded; elongation shrinks: an Arabic-script letter
 *   repeated three times or more to one («عاااالی» → «عالی»), a Latin one to three ("soooo" → "sooo", which
 *   the English analyzer reads as "so"; English doubles letters, so one cannot be chosen here).
 */
export function normalizeText(text: string, language: DetectedLanguage): string {
  let s = removeInvisibles(text.normalize('NFKC'))
    .replace(TATWEEL, '')
    .replace(DIACRITICS, '')
    .replace(/\u066b/g, '.')
    .replace(/\u066c/g, ',')
    .replace(/\u066a/g, '%');
  s = toAsciiDigits(s);
  if (language === 'fa') s = s.replace(PERSIAN_VARIANTS, (c) => TO_PERSIAN[c]!);
  else if (language === 'ar') s = s.replace(ARABIC_VARIANTS, (c) => TO_ARABIC[c]!);

  if (language === 'fa') {
    s = s.replace(REPEATED_ZWNJ, ZWNJ).replace(STRAY_ZWNJ, '');
    s = s.replace(SPACED_VERB_PREFIX, `$1$2${ZWNJ}`).replace(SPACED_SUFFIX, `$1${ZWNJ}$2`);
  } else {
    // Arabic and English do not use the ZWNJ; where it appears it is a keyboard artefact between letters.
    s = s.replace(new RegExp(ZWNJ, 'g'), '');
  }

  s = s.toLowerCase();
  if (/[a-z]/.test(s)) s = expandContractions(s);
  s = s.replace(ARABIC_ELONGATION, '$1').replace(LATIN_ELONGATION, '$1$1$1');
  return s
    .replace(/[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+/g, ' ')
    .replace(/ *[\r\n]+ */g, '\n')
    .trim();
}

/**
 * The matching key of a normalized word: letter variants folded to one form and the ZWNJ dropped. Every
 * lexicon entry is stored under this key, so spelling variants meet and nothing is ever fuzzy-matched.
 */
export function foldForMatch(word: string): string {
  // A loop, not two regex replacements: this runs for every word and every lexicon lookup.
  let out = '';
  for (const c of word) {
    if (c === ZWNJ) continue;
    out += FOLD[c] ?? c;
  }
  return out;
}
