// Themes: grouping a set of feedback texts by what they are about. Deterministic by construction (no
// random seeds, no iteration-order dependence): the same set always gives the same themes.
//
// 1. Aspect themes: every text naming an aspect joins that aspect's theme (a text may join several);
//    their sentiment is the aspect-level sentiment, not the whole text's.
// 2. Keyword themes, for texts naming no aspect: the stem shared by most of them (ties: alphabetical)
//    forms a theme with every remaining text containing it; repeated while a stem is shared by `minSize`.
// 3. Whatever is left is one "other" theme.
import { ASPECTS, type AspectId, type Keyword, type SentimentLabel, type TextAnalysis } from './types';

/** One text to group: its id and its analysis (from any {@link TextAnalyzer}). */
export interface ThemeItem {
  id: string;
  analysis: TextAnalysis;
}

/** Sentiment over a theme's members. */
export interface ThemeSentiment {
  /** Mean score in [-1, 1]. */
  average: number;
  positive: number;
  negative: number;
  neutral: number;
}

/** A group of texts about one thing. */
export interface Theme {
  /** `aspect:delivery`, `keyword:<stem>` or `other`. */
  id: string;
  kind: 'aspect' | 'keyword' | 'other';
  /** An English label for aspects; the keyword itself for keyword themes. */
  label: string;
  aspect?: AspectId;
  memberIds: string[];
  count: number;
  topKeywords: Keyword[];
  sentiment: ThemeSentiment;
}

/** Options of {@link groupThemes}. */
export interface ThemeOptions {
  /** Smallest keyword theme (default 2); aspect themes exist from one member. */
  minSize?: number;
  /** Keywords listed per theme (default 5). */
  topKeywords?: number;
}

/** English labels of the aspects; user interfaces translate by `aspect`. */
export const ASPECT_LABELS: Record<AspectId, string> = {
  delivery: 'Delivery and shipping',
  price: 'Price',
  quality: 'Product quality',
  support: 'Customer support',
  staff: 'Staff',
  app: 'App and website',
  waiting: 'Waiting time',
  refund: 'Refunds and returns',
};

const KIND_ORDER = { aspect: 0, keyword: 1, other: 2 };

function summarize(scores: Array<{ score: number; label: SentimentLabel }>): ThemeSentiment {
  const count = (label: SentimentLabel) => scores.filter((s) => s.label === label).length;
  const total = scores.reduce((sum, s) => sum + s.score, 0);
  return {
    average: scores.length ? Math.round((total / scores.length) * 1000) / 1000 : 0,
    positive: count('positive'),
    negative: count('negative'),
    neutral: count('neutral'),
  };
}

function topKeywords(members: ThemeItem[], limit: number): Keyword[] {
  const byStem = new Map<string, Keyword>();
  for (const { analysis } of members) {
    for (const k of analysis.keywords) {
      const entry = byStem.get(k.stem);
      if (entry) entry.count += k.count;
      else byStem.set(k.stem, { term: k.term, stem: k.stem, count: k.count });
    }
  }
  return [...byStem.values()]
    .sort((a, b) => b.count - a.count || (a.stem < b.stem ? -1 : a.stem > b.stem ? 1 : 0))
    .slice(0, limit);
}

/** Groups analyzed texts into themes, largest first ("other" last). */
export function groupThemes(items: ThemeItem[], options: ThemeOptions = {}): Theme[] {
  const minSize = options.minSize ?? 2;
  const keywordsPerTheme = options.topKeywords ?? 5;
  const themes: Theme[] = [];

  for (const aspect of ASPECTS) {
    const members = items.filter((i) => i.analysis.aspects.some((a) => a.aspect === aspect));
    if (members.length === 0) continue;
    const scores = members.map((m) => m.analysis.aspects.find((a) => a.aspect === aspect)!.sentiment);
    themes.push({
      id: `aspect:${aspect}`,
      kind: 'aspect',
      label: ASPECT_LABELS[aspect],
      aspect,
      memberIds: members.map((m) => m.id),
      count: members.length,
      topKeywords: topKeywords(members, keywordsPerTheme),
      sentiment: summarize(scores),
    });
  }

  let remaining = items.filter((i) => i.analysis.aspects.length === 0);
  for (;;) {
    const frequency = new Map<string, number>();
    for (const { analysis } of remaining) {
      for (const stem of new Set(analysis.keywords.map((k) => k.stem)))
        frequency.set(stem, (frequency.get(stem) ?? 0) + 1);
    }
    let best: [string, number] | null = null;
    for (const entry of frequency) {
      if (entry[1] < minSize) continue;
      if (!best || entry[1] > best[1] || (entry[1] === best[1] && entry[0] < best[0])) best = entry;
    }
    if (!best) break;
    const stem = best[0];
    const members = remaining.filter((i) => i.analysis.keywords.some((k) => k.stem === stem));
    remaining = remaining.filter((i) => !members.includes(i));
    const term = members[0]!.analysis.keywords.find((k) => k.stem === stem)!.term;
    themes.push({
      id: `keyword:${stem}`,
      kind: 'keyword',
      label: term,
      memberIds: members.map((m) => m.id),
      count: members.length,
      topKeywords: topKeywords(members, keywordsPerTheme),
      sentiment: summarize(members.map((m) => m.analysis.sentiment)),
    });
  }

  if (remaining.length > 0) {
    themes.push({
      id: 'other',
      kind: 'other',
      label: 'Other',
      memberIds: remaining.map((m) => m.id),
      count: remaining.length,
      topKeywords: topKeywords(remaining, keywordsPerTheme),
      sentiment: summarize(remaining.map((m) => m.analysis.sentiment)),
    });
  }
  return themes.sort(
    (a, b) =>
      (a.kind === 'other' ? 1 : 0) - (b.kind === 'other' ? 1 : 0) ||
      b.count - a.count ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
