// The lexicon-based analyzer: the default TextAnalyzer. It runs offline, loads nothing and answers
// synchronously: detect → normalize → tokenize (clitics, verb negation) → score → aspects → keywords.
import { aspectMentions, findAspectHits } from './aspects';
import { detectLanguage } from './detect';
import { extractKeywords } from './keywords';
import { compileLexicons, defaultLexicons } from './lexicon/defaults';
import type { CompiledLexicon } from './lexicon/compile';
import type { Valence } from './lexicon/types';
import { normalizeText } from './normalize';
import {
  ALL_SENTIMENT_FEATURES,
  DEFAULT_NEUTRAL_BAND,
  scoreTokens,
  type SentimentFeatures,
} from './sentiment';
import { tokenizeText } from './tokenize';
import type { AnalyzeHint, TextAnalysis, TextAnalyzer, TextLanguage } from './types';

/** The parts of the analysis that can be switched off (all on by default), to measure what each buys. */
export interface AnalyzerFeatures extends SentimentFeatures {
  /** Text normalization (Unicode, letter variants, diacritics, ZWNJ, digits, contractions, elongation). */
  normalization: boolean;
  /**
   * Folded matching (ي/ی, ك/ک, ة/ه, hamza forms). Off means words are looked up exactly as written, with
   * no function words or phrases either: the naive word-list baseline of the benchmark.
   */
  folding: boolean;
  /** Clitic stripping and verb analysis (and with it Persian verb negation). */
  clitics: boolean;
}

/** Options of {@link createLexiconAnalyzer}. */
export interface LexiconAnalyzerOptions {
  /** Keywords returned per text (default 8). */
  maxKeywords?: number;
  /** Scores with a smaller magnitude are neutral (default {@link DEFAULT_NEUTRAL_BAND}). */
  neutralBand?: number;
  /** A workspace's own polar words per language, e.g. `{ fa: { 'دیجی‌پلاس': 1 } }`. */
  extraWords?: Partial<Record<TextLanguage, Record<string, Valence>>>;
  features?: Partial<AnalyzerFeatures>;
}

/** The lexicon analyzer: a {@link TextAnalyzer} whose `analyze` is synchronous. */
export interface LexiconTextAnalyzer extends TextAnalyzer {
  analyze(text: string, hint?: AnalyzeHint): TextAnalysis;
}

/** Name stored with results of the lexicon analyzer; bump the version when lexicons or rules change. */
export const LEXICON_ANALYZER_NAME = 'omnicx-lexicon/1';

/**
 * Creates a lexicon analyzer.
 *
 * @example
 * const analyzer = createLexiconAnalyzer();
 * analyzer.analyze('اصلا راضی نیستم').sentiment; // { label: 'negative', score: -0.517 }
 */
export function createLexiconAnalyzer(options: LexiconAnalyzerOptions = {}): LexiconTextAnalyzer {
  // Compiled on first use (some 50 ms), so importing core costs nothing.
  let compiled: Record<TextLanguage, CompiledLexicon> | null = null;
  const lexiconsOnce = () =>
    (compiled ??= options.extraWords ? compileLexicons(options.extraWords) : defaultLexicons());
  const features: AnalyzerFeatures = {
    ...ALL_SENTIMENT_FEATURES,
    normalization: true,
    folding: true,
    clitics: true,
    ...options.features,
  };
  const neutralBand = options.neutralBand ?? DEFAULT_NEUTRAL_BAND;
  const maxKeywords = options.maxKeywords ?? 8;
  const naive = !features.folding;

  return {
    name: LEXICON_ANALYZER_NAME,
    analyze(text: string, hint?: AnalyzeHint): TextAnalysis {
      const lexicons = lexiconsOnce();
      // The hint may come from stored data; a language without a lexicon is ignored, not trusted.
      const hinted = hint?.language && hint.language in lexicons ? hint.language : null;
      const language = hinted ?? detectLanguage(text, lexicons).language;
      const normalized = features.normalization
        ? normalizeText(text, language)
        : text.toLowerCase().replace(/\s+/g, ' ').trim();
      const tokens = tokenizeText(normalized, language, lexicons, features);
      const scored = scoreTokens(tokens, lexicons, features, neutralBand, naive);
      return {
        language,
        normalized,
        tokens: tokens
          .filter((t) => t.kind !== 'punct')
          .map((t) => ({
            text: t.text,
            stem: t.stem,
            kind: t.kind as 'word' | 'number' | 'emoji',
            ...(t.negated ? { negated: true } : {}),
          })),
        sentiment: scored.sentiment,
        keywords: extractKeywords(tokens, lexicons, maxKeywords),
        aspects: aspectMentions(findAspectHits(tokens, lexicons), scored, neutralBand),
      };
    },
  };
}

/** The default analyzer (all features, default lexicons). */
export const defaultTextAnalyzer: LexiconTextAnalyzer = createLexiconAnalyzer();

/** Analyzes `text` with the default analyzer. */
export function analyzeText(text: string, hint?: AnalyzeHint): TextAnalysis {
  return defaultTextAnalyzer.analyze(text, hint);
}
