// Language detection for Persian, Arabic and English, built for short customer messages where n-gram
// models guess. Evidence, in order of weight:
// - function words only one of the languages has (fa: است را که این نیست …; ar: في على الذي هذا ليس …);
// - letters only Persian writes (پ چ ژ گ) or only Arabic (ة at a word's end), and the article «ال»;
// - the keyboard: Persian keyboards type ی ک, Arabic ones ي ك ى (weak evidence);
// - words only one language's lexicon knows («ممنون», «خیلی» are Persian; «شكرا», «جدا» Arabic), and
//   Persian verb inflection («نمی‌خوام», «نیستم»).
// Letter variants are folded first, so Persian typed on an Arabic keyboard («خيلي خوب») still reads as
// Persian. English is any Latin-script text with English words; Latin text without any (Finglish, French)
// is 'unknown', as is Arabic-script text without evidence either way.
import { defaultLexicons } from './lexicon/defaults';
import { analyzeWord } from './morphology';
import { analyzePersianVerb } from './morphology/fa';
import type { CompiledLexicon } from './lexicon/compile';
import { ARABIC_LETTER, foldForMatch, normalizeText } from './normalize';
import { segmentText } from './tokenize';
import type { DetectedLanguage, TextLanguage } from './types';

/** The detected language with the evidence behind it. */
export interface LanguageDetection {
  language: DetectedLanguage;
  /** 0 … 1: how clearly the evidence points one way. */
  confidence: number;
  /** Evidence per language (weighted counts). */
  scores: Record<TextLanguage, number>;
  /** Both Latin and Arabic script make up at least a fifth of the letters each. */
  mixed: boolean;
}

const FUNCTION_WORD = 2;
// Weak: Persian borrows many Arabic words («خالص», «نصاب») that only the Arabic lexicon lists.
const LEXICON_WORD = 0.5;
const VERB_FORM = 1;
const PERSIAN_LETTER = 1.5;
const TA_MARBUTA = 1.5;
const ARTICLE = 0.5;
const KEYBOARD = 0.3;

/** True when the lexicon knows the word, as written or after its own clitic stripping («عالیه» → «عالی»). */
function knows(lexicon: CompiledLexicon, word: string): boolean {
  return lexicon.guide.known.has(analyzeWord(word, lexicon.language, lexicon.guide).stem);
}

/** Detects the language of `text` (fa, ar, en, or unknown). */
export function detectLanguage(
  text: string,
  lexicons: Record<TextLanguage, CompiledLexicon> = defaultLexicons(),
): LanguageDetection {
  const scores: Record<TextLanguage, number> = { fa: 0, ar: 0, en: 0 };
  let latinLetters = 0;
  let arabicLetters = 0;
  for (const token of segmentText(normalizeText(text, 'unknown'))) {
    if (token.kind !== 'word') continue;
    const word = token.text;
    const key = foldForMatch(word);
    if (!ARABIC_LETTER.test(word)) {
      latinLetters += word.length;
      if (lexicons.en.functionWords.has(key)) scores.en += FUNCTION_WORD;
      else if (knows(lexicons.en, word)) scores.en += LEXICON_WORD;
      continue;
    }
    arabicLetters += word.length;
    const fa = lexicons.fa.functionWords.has(key);
    const ar = lexicons.ar.functionWords.has(key);
    if (fa !== ar) scores[fa ? 'fa' : 'ar'] += FUNCTION_WORD;
    else if (!fa) {
      const faKnown = knows(lexicons.fa, word);
      const arKnown = knows(lexicons.ar, word);
      if (faKnown !== arKnown) scores[faKnown ? 'fa' : 'ar'] += LEXICON_WORD;
      // Persian verb inflection: «نمی‌خوام», «میشه», «نیستم».
      else if (!arKnown && /^(ن?می|نیس)/.test(key) && analyzePersianVerb(key)) scores.fa += VERB_FORM;
    }
    // Which keyboard typed it: Persian keyboards write ی ک, Arabic ones ي ك ى. Weak, since people switch.
    if (/[یک]/.test(word)) scores.fa += KEYBOARD;
    if (/[يكى]/.test(word)) scores.ar += KEYBOARD;
    if (/[پچژگ]/.test(word)) scores.fa += PERSIAN_LETTER;
    if (/ة$/.test(word)) scores.ar += TA_MARBUTA;
    if (key.startsWith('ال') && key.length >= 4) scores.ar += ARTICLE;
  }

  const letters = latinLetters + arabicLetters;
  const mixed = letters > 0 && Math.min(latinLetters, arabicLetters) / letters >= 0.2;
  const round = (n: number) => Math.round(n * 100) / 100;
  if (letters === 0) return { language: 'unknown', confidence: 0, scores, mixed };
  if (arabicLetters >= latinLetters) {
    const evidence = scores.fa + scores.ar;
    if (scores.fa === scores.ar) return { language: 'unknown', confidence: 0, scores, mixed };
    const margin = Math.abs(scores.fa - scores.ar) / evidence;
    const confidence = round(margin * Math.min(1, evidence / 4));
    return { language: scores.fa > scores.ar ? 'fa' : 'ar', confidence, scores, mixed };
  }
  if (scores.en === 0) return { language: 'unknown', confidence: 0, scores, mixed };
  return { language: 'en', confidence: round(Math.min(1, scores.en / 4)), scores, mixed };
}
