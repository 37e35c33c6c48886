// The shapes of text analytics: what any provider (the lexicon one here, a model later) returns for a text.

/** A language the analyzer has lexicons for. */
export type TextLanguage = 'fa' | 'ar' | 'en';

/** What language detection may answer: a supported language, or 'unknown' when the evidence is too thin. */
export type DetectedLanguage = TextLanguage | 'unknown';

/** Polarity of a text or an aspect of it. */
export type SentimentLabel = 'positive' | 'negative' | 'neutral';

/** The customer-service aspects feedback is grouped by. */
export type AspectId = 'delivery' | 'price' | 'quality' | 'support' | 'staff' | 'app' | 'waiting' | 'refund';

/** Every aspect, in the order themes list them when counts tie. */
export const ASPECTS: readonly AspectId[] = [
  'delivery',
  'price',
  'quality',
  'support',
  'staff',
  'app',
  'waiting',
  'refund',
];

/** Polarity with a score in [-1, 1]; the label is the score read against the analyzer's neutral band. */
export interface Sentiment {
  label: SentimentLabel;
  score: number;
}

/** One token of the normalized text. */
export interface TextToken {
  /** The token as it appears in the normalized text (Persian keeps its zero-width non-joiner). */
  text: string;
  /**
   * The matching form after clitics are stripped: letter variants folded (ي/ی, ك/ک, ة/ه, أ/ا …), no
   * zero-width non-joiner, lower case. A Persian verb stems to its infinitive ("نمی‌پسندم" → "پسندیدن").
   */
  stem: string;
  kind: 'word' | 'number' | 'emoji';
  /** The word carries its own negation: a Persian verb with «ن»/«نمی», an Arabic «ما…ش» verb. */
  negated?: boolean;
}

/** A keyword of one text: `term` is readable, `stem` is what keywords are compared by. */
export interface Keyword {
  term: string;
  stem: string;
  count: number;
}

/** An aspect the text talks about, with the terms that named it and the sentiment of the clauses naming it. */
export interface AspectMention {
  aspect: AspectId;
  terms: string[];
  sentiment: Sentiment;
}

/** The result of analyzing one text. */
export interface TextAnalysis {
  language: DetectedLanguage;
  /** The text after the normalization of {@link normalizeText} for the detected language. */
  normalized: string;
  tokens: TextToken[];
  sentiment: Sentiment;
  keywords: Keyword[];
  aspects: AspectMention[];
}

/** What the caller already knows about a text. */
export interface AnalyzeHint {
  /** The language, when known (a survey answered in fa, a profile's locale); skips detection. */
  language?: TextLanguage;
}

/**
 * A text analytics provider. The lexicon analyzer answers synchronously; a model-backed provider (a local
 * ONNX model, a sidecar service) may answer with a promise, so callers holding a `TextAnalyzer` await the
 * result.
 */
export interface TextAnalyzer {
  /** A stable name stored with results, so scores from different providers are never mixed unknowingly. */
  readonly name: string;
  analyze(text: string, hint?: AnalyzeHint): TextAnalysis | Promise<TextAnalysis>;
}
