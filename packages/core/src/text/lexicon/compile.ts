// Compiling a written lexicon into the lookup tables the analyzer uses: every entry normalized and folded
// the way text is, multiword entries analyzed into stem patterns, and the guide that clitic stripping
// trusts. Compilation is pure and deterministic; the default lexicons are compiled once, on first use.
import { analyzePersianVerb } from '../morphology/fa';
import { analyzeWord } from '../morphology';
import type { StemGuide } from '../morphology/types';
import { foldForMatch, normalizeText } from '../normalize';
import { segmentText } from '../tokenize';
import type { AspectId, TextLanguage } from '../types';
import type { LexiconSource, Valence } from './types';

/** What a multiword expression does. */
export type PhraseRole =
  | { kind: 'polar'; valence: Valence }
  | { kind: 'intensifier'; factor: number }
  | { kind: 'negator' | 'weakNegator' | 'booster' | 'contrast' | 'concessive' | 'conditional' };

/** The role of a single function word. */
export type WordRole = 'negator' | 'weakNegator' | 'booster' | 'contrast' | 'concessive' | 'conditional';

/** One word of a phrase pattern: it matches a token with the same folded form, or the same stem. */
export interface PatternToken {
  key: string;
  stem: string;
  /** The pattern word is negated («نمی‌خوره» in «به درد نمی‌خوره»): the text's word must be too. */
  negated: boolean;
  verb: boolean;
}

/** A multiword expression compiled to stem patterns. */
export interface Phrase<R> {
  tokens: PatternToken[];
  role: R;
  source: string;
}

/** A language's lexicon, ready for lookups. */
export interface CompiledLexicon {
  language: TextLanguage;
  guide: StemGuide;
  /** Polarity by folded stem. */
  polar: ReadonlyMap<string, Valence>;
  intensifiers: ReadonlyMap<string, number>;
  intensifierPosition: 'before' | 'after';
  roles: ReadonlyMap<string, WordRole>;
  /** Phrases indexed by the key and the stem of their first word, longest first. */
  phrases: ReadonlyMap<string, ReadonlyArray<Phrase<PhraseRole>>>;
  aspects: ReadonlyMap<string, AspectId>;
  aspectPhrases: ReadonlyMap<string, ReadonlyArray<Phrase<AspectId>>>;
  stopwords: ReadonlySet<string>;
  functionWords: ReadonlySet<string>;
  /** Persian compounds written with a ZWNJ («خوش‌برخورد»), and their first parts, to join spaced forms. */
  compounds: ReadonlySet<string>;
  compoundHeads: ReadonlySet<string>;
  /** The polar words exactly as written, for the naive baseline that does no normalization. */
  surface: ReadonlyMap<string, Valence>;
}

const isMultiword = (entry: string) => /\s/.test(entry.trim());

/** Compiles `source`; `extraWords` (a workspace's own vocabulary, e.g. product names) are merged in. */
export function compileLexicon(
  source: LexiconSource,
  extraWords: Record<string, Valence> = {},
): CompiledLexicon {
  const language = source.language;
  const normalize = (s: string) => normalizeText(s, language);
  const fold = (s: string) => foldForMatch(normalize(s));
  const words = { ...source.words, ...extraWords };

  const polarWords = new Map<string, Valence>();
  const phraseSources: Array<[string, PhraseRole]> = [];
  const surface = new Map<string, Valence>();
  const compounds = new Set<string>();
  const compoundHeads = new Set<string>();
  for (const [entry, valence] of Object.entries(words)) {
    surface.set(entry.normalize('NFC').toLowerCase(), valence);
    if (isMultiword(entry)) phraseSources.push([entry, { kind: 'polar', valence }]);
    else {
      polarWords.set(fold(entry), valence);
      const [head, ...rest] = normalize(entry).split('\u200c');
      if (rest.length > 0) {
        compounds.add(fold(entry));
        compoundHeads.add(foldForMatch(head!));
      }
    }
  }

  const intensifiers = new Map<string, number>();
  for (const [entry, factor] of Object.entries(source.intensifiers)) {
    if (isMultiword(entry)) phraseSources.push([entry, { kind: 'intensifier', factor }]);
    else intensifiers.set(fold(entry), factor);
  }
  const roles = new Map<string, WordRole>();
  const roleLists: Array<[WordRole, string[]]> = [
    ['conditional', source.conditional],
    ['concessive', source.concessive],
    ['contrast', source.contrast],
    ['booster', source.negationBoosters],
    ['weakNegator', source.weakNegators],
    ['negator', source.negators],
  ];
  for (const [role, list] of roleLists) {
    for (const entry of list) {
      if (isMultiword(entry)) phraseSources.push([entry, { kind: role }]);
      else roles.set(fold(entry), role);
    }
  }
  for (const [entry, valence] of Object.entries(source.phrases))
    phraseSources.push([entry, { kind: 'polar', valence }]);

  // Stripping may land on a polar word or an intensifier («خوبه» → «خوب»), never on a function word:
  // «نهایت» must not become the negator «نه».
  const polar = new Set([...polarWords.keys(), ...intensifiers.keys()]);
  const known = new Set([...polar, ...roles.keys()]);
  const addKnown = (entry: string) => {
    for (const w of normalize(entry).split(/\s+/)) {
      const key = foldForMatch(w);
      // Persian verb forms are read by verb analysis, never as fixed words: «نکنه» must stay «کردن».
      if (key && !(language === 'fa' && analyzePersianVerb(key))) known.add(key);
    }
  };
  [...source.stopwords, ...source.functionWords, ...source.vocabulary].forEach(addKnown);
  Object.values(source.aspects).flat().forEach(addKnown);
  const guide: StemGuide = { polar, known };
  // Words of phrases become known in their analyzed form, so a listed inflection ("fixed" in "problem
  // fixed") still reduces to its stem and meets the other forms.
  for (const [entry] of phraseSources) {
    for (const w of normalize(entry).split(/\s+/)) {
      const a = analyzeWord(w, language, guide);
      if (w && !a.verb) known.add(a.stem);
    }
  }

  const pattern = (entry: string): PatternToken[] =>
    segmentText(normalize(entry))
      .filter((t) => t.kind === 'word')
      .map((t) => {
        const a = analyzeWord(t.text, language, guide);
        return { key: foldForMatch(t.text), stem: a.stem, negated: a.negated, verb: a.verb };
      });
  const stemOf = (entry: string) => pattern(entry)[0]?.stem ?? fold(entry);

  const phrases = indexPhrases(
    phraseSources.map(([source, role]) => ({ tokens: pattern(source), role, source })),
  );
  const aspects = new Map<string, AspectId>();
  const aspectPhraseList: Array<Phrase<AspectId>> = [];
  for (const [aspect, terms] of Object.entries(source.aspects) as Array<[AspectId, string[]]>) {
    for (const term of terms) {
      if (isMultiword(term)) aspectPhraseList.push({ tokens: pattern(term), role: aspect, source: term });
      else if (!aspects.has(stemOf(term))) aspects.set(stemOf(term), aspect);
    }
  }

  const stopwords = new Set<string>();
  for (const entry of [...source.stopwords, ...source.functionWords]) {
    stopwords.add(fold(entry));
    stopwords.add(stemOf(entry));
  }
  return {
    language,
    guide,
    polar: polarWords,
    intensifiers,
    intensifierPosition: source.intensifierPosition,
    roles,
    phrases,
    aspects,
    aspectPhrases: indexPhrases(aspectPhraseList),
    stopwords,
    functionWords: new Set(source.functionWords.map(fold)),
    compounds,
    compoundHeads,
    surface,
  };
}

function indexPhrases<R>(list: Array<Phrase<R>>): Map<string, Array<Phrase<R>>> {
  const index = new Map<string, Array<Phrase<R>>>();
  for (const phrase of list) {
    const first = phrase.tokens[0];
    if (!first || phrase.tokens.length < 2) continue;
    for (const k of new Set([first.key, first.stem])) index.set(k, [...(index.get(k) ?? []), phrase]);
  }
  for (const entries of index.values()) entries.sort((a, b) => b.tokens.length - a.tokens.length);
  return index;
}
