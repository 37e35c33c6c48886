// The shape of a language's curated lexicon, as written by people (see fa.ts, ar.ts, en.ts).
import type { AspectId, TextLanguage } from '../types';

/**
 * Polarity of a word or expression, -4 (worst) … +4 (best). A pair gives the value when affirmative and
 * when negated, for words whose negation means more than their affirmation: «رسید» (arrived) is 0, «نرسید»
 * (did not arrive) is a complaint; "works" is 0, "doesn't work" is -2.
 */
export type Valence = number | readonly [affirmative: number, negated: number];

/** One language's lexicon. Entries are written as people write them; they are normalized when compiled. */
export interface LexiconSource {
  language: TextLanguage;
  /** Single words with a polarity. Persian verbs are written as infinitives and match every inflection. */
  words: Record<string, Valence>;
  /**
   * Multiword expressions, matched on stems so clitics and inflection vary freely («دستتون درد نکنه»,
   * "not bad at all"). An expression that contains its own negation carries the polarity it has as a whole.
   */
  phrases: Record<string, Valence>;
  /** Multipliers of the nearest polar word: > 1 intensifies ("very" 1.5), < 1 diminishes ("a bit" 0.6). */
  intensifiers: Record<string, number>;
  /** Where an intensifier usually stands relative to its word: Persian and English before, Arabic after. */
  intensifierPosition: 'before' | 'after';
  /** Words that negate the polar words after them in their clause. */
  negators: string[];
  /**
   * Negators that only negate when the clause has no negated verb; with one they merely strengthen it
   * (Persian «هیچ پاسخی» vs «هیچ پاسخی ندادند»).
   */
  weakNegators: string[];
  /** Words that strengthen a negation in their clause and mean nothing alone («اصلا», "at all", «أبدا»). */
  negationBoosters: string[];
  /** "but": the clause after it outweighs the one before. */
  contrast: string[];
  /** "although": its clause counts half. */
  concessive: string[];
  /** "if": its clause describes no actual experience and counts little. */
  conditional: string[];
  /** Function words that mark the language (used by detection, and as stopwords). */
  functionWords: string[];
  /** Words that are never keywords. */
  stopwords: string[];
  /** Neutral words of the domain: they guide clitic stripping («سفارشم» → «سفارش») and keywords. */
  vocabulary: string[];
  /** Words and phrases naming each aspect. */
  aspects: Record<AspectId, string[]>;
}
