// The lexicons shipped with omnicx, compiled once on first use (compilation is pure, so caching it
// changes nothing but speed).
import type { TextLanguage } from '../types';
import { AR_LEXICON } from './ar';
import { compileLexicon, type CompiledLexicon } from './compile';
import { EN_LEXICON } from './en';
import { FA_LEXICON } from './fa';
import type { LexiconSource, Valence } from './types';

/** The written lexicons by language. */
export const LEXICON_SOURCES: Record<TextLanguage, LexiconSource> = {
  fa: FA_LEXICON,
  ar: AR_LEXICON,
  en: EN_LEXICON,
};

let compiled: Record<TextLanguage, CompiledLexicon> | null = null;

/** The default lexicons, compiled. */
export function defaultLexicons(): Record<TextLanguage, CompiledLexicon> {
  compiled ??= compileLexicons({});
  return compiled;
}

/** Compiles every language's lexicon with a workspace's extra words merged in. */
export function compileLexicons(
  extraWords: Partial<Record<TextLanguage, Record<string, Valence>>>,
): Record<TextLanguage, CompiledLexicon> {
  return {
    fa: compileLexicon(FA_LEXICON, extraWords.fa),
    ar: compileLexicon(AR_LEXICON, extraWords.ar),
    en: compileLexicon(EN_LEXICON, extraWords.en),
  };
}
