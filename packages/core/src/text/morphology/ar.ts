// Arabic words: proclitics (و ف ب ل ك س and the article: ال وال بال لل …), enclitic pronouns and endings
// (ها هم كم نا ني ه ة ات ون ين …), imperfect person prefixes (أ ت ن ي) and the dialect negation «ما…ش»
// («ماعجبنيش»). As in Persian, a clitic comes off only when what remains is a word the lexicon knows.
import { foldForMatch } from '../normalize';
import { plainWord, type StemGuide, type WordAnalysis } from './types';

// Folded (ك → ک, ي → ی, ة → ه), longest first within each list.
const PREFIXES = [
  'وبال',
  'فبال',
  'وال',
  'بال',
  'فال',
  'کال',
  'ولل',
  'فلل',
  'هال',
  'لل',
  'ال',
  'وب',
  'ول',
  'وس',
  'فب',
  'فل',
  'فس',
  'و',
  'ف',
  'ب',
  'ل',
  'ک',
  'س',
  '',
].map(foldForMatch);
const ARTICLES = ['وال', 'بال', 'فال', 'کال', 'لل', 'ال'];
const SUFFIXES = [
  'وها',
  'وهم',
  'ونی',
  'تها',
  'تهم',
  'تنی',
  'کم',
  'کن',
  'ها',
  'هم',
  'هن',
  'نا',
  'نی',
  'لی',
  'ات',
  'ون',
  'ین',
  'ان',
  'وا',
  'تم',
  'تو',
  'تی',
  'یه',
  'وه',
  'ه',
  'ک',
  'ی',
  'ت',
  'و',
  'ش',
  // The accusative tanwin written as alef: «راضيا», «شكرا» (its diacritic is gone after normalization).
  'ا',
].map(foldForMatch);
const IMPERFECT = new Set(['ت', 'ن', 'ا', 'ی']);

/** End positions of `key` after removing up to two suffixes, longest first. */
function suffixEnds(key: string, start: number): number[] {
  const ends = new Set<number>([key.length]);
  for (const first of SUFFIXES) {
    if (!key.endsWith(first)) continue;
    // «وا» is the plural verb ending («حلوا» "they solved"), not a tanwin alef after «و» («حلو» "nice");
    // and the tanwin alef needs a real stem: «فردا» (Persian "tomorrow") is not «ف» + «رد» + «ا».
    if (first === 'ا' && (key.endsWith('وا') || key.length - 1 - start < 3)) continue;
    const end1 = key.length - first.length;
    if (end1 - start < 2) continue;
    ends.add(end1);
    for (const second of SUFFIXES) {
      const end2 = end1 - second.length;
      if (end2 - start >= 2 && key.slice(end2, end1) === second) ends.add(end2);
    }
  }
  return [...ends].sort((a, b) => b - a);
}

interface Split {
  start: number;
  end: number;
  stem: string;
}

/** The longest known stem inside `key`, trying each proclitic and up to two enclitics. */
function knownSplit(key: string, known: ReadonlySet<string>): Split | null {
  let best: Split | null = null;
  for (const prefix of PREFIXES) {
    if (!key.startsWith(prefix)) continue;
    const start = prefix.length;
    // The future «س» only comes before an imperfect verb: «سيصل», never «سرد» → «رد».
    if (prefix.endsWith('س') && !IMPERFECT.has(key[start] ?? '')) continue;
    for (const end of suffixEnds(key, start)) {
      if (best && end - start <= best.end - best.start) break;
      const stem = key.slice(start, end);
      if (stem.length < 2) continue;
      if (known.has(stem)) {
        best = { start, end, stem };
        break;
      }
      // A ta marbuta is written «ت» before a suffix: «مشكلتي» is «مشكلة» + «ي».
      if (end < key.length && stem.endsWith('ت') && known.has(`${stem.slice(0, -1)}ه`)) {
        best = { start, end, stem: `${stem.slice(0, -1)}ه` };
        break;
      }
      // Imperfect verbs: «تعجبني», «نحب», «أنصح» meet the lexicon's «يعجب», «يحب», «ينصح».
      if (stem.length >= 3 && IMPERFECT.has(stem[0]!) && known.has(`ی${stem.slice(1)}`)) {
        best = { start, end, stem: `ی${stem.slice(1)}` };
        break;
      }
    }
  }
  return best;
}

/**
 * Analyzes one Arabic word (normalized). A known word stays whole; otherwise the longest known stem after
 * clitic stripping is taken; «ما» + a known polar verb (+ «ش») is that verb negated; an unknown word only
 * loses its article.
 */
export function analyzeArabicWord(text: string, guide: StemGuide): WordAnalysis {
  const key = foldForMatch(text);
  if (guide.known.has(key)) return plainWord(key, text);
  const split = knownSplit(key, guide.known);
  if (split) return plainWord(split.stem, text.slice(split.start, split.end));

  // Dialect negation written as one word: «ماعجبني», «ماوصل», «مايشتغلش».
  if (key.startsWith('ما') && key.length >= 4) {
    const inner = key.endsWith('ش') ? key.slice(2, -1) : key.slice(2);
    const verb = knownSplit(inner, guide.polar);
    if (verb) {
      return {
        stem: verb.stem,
        display: text.slice(2 + verb.start, 2 + verb.end),
        negated: true,
        verb: true,
      };
    }
  }

  for (const article of ARTICLES) {
    if (key.startsWith(article) && key.length - article.length >= 3) {
      return plainWord(key.slice(article.length), text.slice(article.length));
    }
  }
  return plainWord(key, text);
}
