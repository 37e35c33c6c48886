// Aspects: which customer-service topics a text names (delivery, price, quality, support, staff, app,
// waiting, refund), each with the sentiment of the clauses that name it, so «کیفیت عالیه ولی ارسال دیر
// بود» is praise for quality and a complaint about delivery.
import type { CompiledLexicon } from './lexicon/compile';
import { findPhrases, toSentiment, type SentimentResult } from './sentiment';
import type { AnalyzedToken } from './tokenize';
import type { AspectId, AspectMention, TextLanguage } from './types';

/** One place where the text names an aspect. */
export interface AspectHit {
  aspect: AspectId;
  /** Indices of the tokens that name it. */
  tokens: number[];
  term: string;
}

/** Finds aspect terms: multiword terms first («خدمات پس از فروش», "customer service"), then single stems. */
export function findAspectHits(
  tokens: AnalyzedToken[],
  lexicons: Record<TextLanguage, CompiledLexicon>,
): AspectHit[] {
  const hits: AspectHit[] = [];
  const covered = new Set<number>();
  for (const { phrase, covered: indices } of findPhrases(tokens, lexicons, (l) => l.aspectPhrases)) {
    hits.push({ aspect: phrase.role, tokens: indices, term: indices.map((i) => tokens[i]!.text).join(' ') });
    indices.forEach((i) => covered.add(i));
  }
  tokens.forEach((t, i) => {
    if (covered.has(i) || t.kind !== 'word' || !t.language) return;
    const lexicon = lexicons[t.language];
    const aspect = lexicon.aspects.get(t.stem) ?? lexicon.aspects.get(t.key);
    if (aspect) hits.push({ aspect, tokens: [i], term: t.display });
  });
  return hits.sort((a, b) => a.tokens[0]! - b.tokens[0]!);
}

/**
 * Groups hits by aspect and scores each from the clauses that name it; when those clauses carry no
 * polarity («ارسال ده روز طول کشید!» has it, «ارسال، ده روز» does not) the sentence decides.
 */
export function aspectMentions(
  hits: AspectHit[],
  scored: SentimentResult,
  neutralBand: number,
): AspectMention[] {
  const byAspect = new Map<AspectId, AspectHit[]>();
  for (const hit of hits) byAspect.set(hit.aspect, [...(byAspect.get(hit.aspect) ?? []), hit]);
  return [...byAspect].map(([aspect, list]) => {
    const clauses = new Set(list.map((h) => scored.clauseOf[h.tokens[0]!]!));
    const sentences = new Set(list.map((h) => scored.sentenceOf[h.tokens[0]!]!));
    let value = [...clauses].reduce((sum, c) => sum + (scored.clauseValue.get(c) ?? 0), 0);
    if (value === 0) value = [...sentences].reduce((sum, s) => sum + (scored.sentenceValue.get(s) ?? 0), 0);
    return {
      aspect,
      terms: [...new Set(list.map((h) => h.term))],
      sentiment: toSentiment(value, neutralBand),
    };
  });
}
