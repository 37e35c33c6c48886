// Keywords of one text: the stems it repeats or that name an aspect, without stopwords and function words.
import type { CompiledLexicon } from './lexicon/compile';
import type { AnalyzedToken } from './tokenize';
import type { Keyword, TextLanguage } from './types';

// Topic words matter more than opinion words for grouping feedback: "delivery" says what a complaint is
// about, "terrible" only how it feels.
const ASPECT_WEIGHT = 2;
const POLAR_WEIGHT = 0.5;
const VERB_WEIGHT = 0.5;

/** True when `t` can be a keyword: a content word of at least two letters (three in Latin script). */
export function isKeywordToken(t: AnalyzedToken, lexicon: CompiledLexicon): boolean {
  if (t.kind !== 'word') return false;
  if (lexicon.stopwords.has(t.key) || lexicon.stopwords.has(t.stem)) return false;
  if (lexicon.roles.has(t.key) || lexicon.roles.has(t.stem) || lexicon.intensifiers.has(t.stem)) return false;
  return t.stem.length >= (t.language === 'en' ? 3 : 2);
}

/** The `limit` best keywords of a text, best first; ties go to the earlier word. */
export function extractKeywords(
  tokens: AnalyzedToken[],
  lexicons: Record<TextLanguage, CompiledLexicon>,
  limit: number,
): Keyword[] {
  const found = new Map<string, { term: string; count: number; weight: number; first: number }>();
  tokens.forEach((t, i) => {
    if (!t.language) return;
    const lexicon = lexicons[t.language];
    if (!isKeywordToken(t, lexicon)) return;
    const weight = lexicon.aspects.has(t.stem)
      ? ASPECT_WEIGHT
      : lexicon.polar.has(t.stem)
        ? POLAR_WEIGHT
        : t.verb
          ? VERB_WEIGHT
          : 1;
    const entry = found.get(t.stem);
    if (entry) entry.count++;
    else found.set(t.stem, { term: t.display, count: 1, weight, first: i });
  });
  return [...found]
    .sort(([, a], [, b]) => b.count * b.weight - a.count * a.weight || a.first - b.first)
    .slice(0, limit)
    .map(([stem, { term, count }]) => ({ term, stem, count }));
}
