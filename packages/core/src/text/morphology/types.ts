// What the word analyzers of each language return, and what they are guided by.

/** A word after clitic stripping. */
export interface WordAnalysis {
  /** Matching form (folded, see foldForMatch); a Persian verb's is its infinitive. */
  stem: string;
  /** Readable form of the stem, in the text's own letters. */
  display: string;
  /** The word negates itself: Persian «ن»/«نمی» verbs, «نیست», Arabic «ما…ش». */
  negated: boolean;
  /** The word is a verb (Persian verbs end clauses, which bounds negation scope). */
  verb: boolean;
}

/**
 * The lexicon's view that stripping needs. Stripping is accepted only when what remains is a word these
 * sets know, so an unknown word is never cut into a different known one («ممنون» stays «ممنون»).
 */
export interface StemGuide {
  /** Words that carry polarity or a function (negators, intensifiers…): checked before verb analysis. */
  polar: ReadonlySet<string>;
  /** Every word the lexicon knows: polar words, vocabulary, stopwords, aspect terms, phrase words. */
  known: ReadonlySet<string>;
}

/** A word that is kept as it is. */
export const plainWord = (key: string, display: string): WordAnalysis => ({
  stem: key,
  display,
  negated: false,
  verb: false,
});
