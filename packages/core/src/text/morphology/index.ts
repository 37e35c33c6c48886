// One entry point for the word analyzers of every language.
import type { TextLanguage } from '../types';
import { analyzeArabicWord } from './ar';
import { analyzeEnglishWord } from './en';
import { analyzePersianWord } from './fa';
import type { StemGuide, WordAnalysis } from './types';

export type { StemGuide, WordAnalysis } from './types';

/** Analyzes one normalized word of `language`, stripping clitics as far as `guide` confirms them. */
export function analyzeWord(text: string, language: TextLanguage, guide: StemGuide): WordAnalysis {
  if (language === 'fa') return analyzePersianWord(text, guide);
  if (language === 'ar') return analyzeArabicWord(text, guide);
  return analyzeEnglishWord(text, guide);
}
