// Text analytics for Persian, Arabic and English, offline: normalization, language detection, clitic
// stripping, lexicon sentiment with negation, keywords, aspects and themes, behind a provider interface.
export * from './types';
export * from './normalize';
export * from './detect';
export * from './analyzer';
export * from './themes';
export {
  segmentText,
  tokenizeText,
  type RawTextToken,
  type AnalyzedToken,
  type TokenizeOptions,
} from './tokenize';
export { analyzeWord, type StemGuide, type WordAnalysis } from './morphology';
export {
  ALL_SENTIMENT_FEATURES,
  DEFAULT_NEUTRAL_BAND,
  toSentiment,
  type SentimentFeatures,
} from './sentiment';
export { extractKeywords } from './keywords';
export { compileLexicon, type CompiledLexicon, type PhraseRole, type WordRole } from './lexicon/compile';
export { compileLexicons, defaultLexicons, LEXICON_SOURCES } from './lexicon/defaults';
export { emojiValence } from './lexicon/emoji';
export type { LexiconSource, Valence } from './lexicon/types';
