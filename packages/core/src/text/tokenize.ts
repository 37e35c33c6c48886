// Splitting normalized text into words, numbers, emoji and the punctuation that bounds clauses, then
// analyzing each word (clitics, verb negation) against the lexicon of its language.
import type { CompiledLexicon } from './lexicon/compile';
import { analyzeWord } from './morphology';
import { ARABIC_LETTER, ZWNJ, foldForMatch } from './normalize';
import type { DetectedLanguage, TextLanguage } from './types';

/** A piece of normalized text before word analysis. */
export interface RawTextToken {
  text: string;
  kind: 'word' | 'number' | 'emoji' | 'punct';
  /** For punctuation: whether it ends a sentence, a clause, or nothing ("-" inside "well-made"). */
  boundary: 'none' | 'clause' | 'sentence';
}

/** A token with its analysis. */
export interface AnalyzedToken extends RawTextToken {
  /** Folded surface form (see foldForMatch); the text as written when folding is off. */
  key: string;
  stem: string;
  display: string;
  negated: boolean;
  verb: boolean;
  /** The lexicon the word was read with (by script and the text's language); null for non-words. */
  language: TextLanguage | null;
}

const TOKEN =
  /(?<newline>\n)|(?<emoticon>(?<![\p{L}\p{N}])(?:[:;=][-']?[)(\][dp/\\|*]+|<3+|\){2,}|\({2,}))|(?<emoji>\p{Extended_Pictographic})|(?<number>\p{Nd}+(?:[.,:/]\p{Nd}+)*)|(?<word>[\p{L}\p{M}](?:[\p{L}\p{M}\u200c]|'(?=\p{L}))*)|(?<punct>[^\s\p{L}\p{N}])/gu;
const SENTENCE_END = new Set(['.', '!', '?', '؟', '…', '۔']);
const CLAUSE_END = new Set([
  ',',
  '،',
  ';',
  '؛',
  ':',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '"',
  '«',
  '»',
  '“',
  '”',
  '|',
  '/',
  '–',
  '—',
  '-',
  '•',
  '*',
]);
const PERSIAN_ONLY = /[پچژگ]/;
const ARABIC_ONLY = /[ةىيكأإؤ]/;

/** Splits normalized text into raw tokens. An emoticon counts as an emoji. */
export function segmentText(text: string): RawTextToken[] {
  const out: RawTextToken[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const g = m.groups!;
    if (g.newline) out.push({ text: '\n', kind: 'punct', boundary: 'sentence' });
    else if (g.emoticon || g.emoji) out.push({ text: m[0], kind: 'emoji', boundary: 'none' });
    else if (g.number) out.push({ text: m[0], kind: 'number', boundary: 'none' });
    else if (g.word) out.push({ text: m[0], kind: 'word', boundary: 'none' });
    else {
      const c = m[0];
      const at = m.index!;
      // A hyphen between two letters joins a word ("well-made", "after-sales"); spaced, it separates.
      const joining = c === '-' && /\p{L}/u.test(text[at - 1] ?? '') && /\p{L}/u.test(text[at + 1] ?? '');
      const boundary = joining
        ? 'none'
        : SENTENCE_END.has(c)
          ? 'sentence'
          : CLAUSE_END.has(c)
            ? 'clause'
            : 'none';
      out.push({ text: c, kind: 'punct', boundary });
    }
  }
  return out;
}

/** The lexicon an Arabic-script word is read with when the text's language does not say. */
function arabicScriptLanguage(word: string, textLanguage: DetectedLanguage): TextLanguage {
  if (textLanguage === 'fa' || textLanguage === 'ar') return textLanguage;
  if (PERSIAN_ONLY.test(word)) return 'fa';
  return ARABIC_ONLY.test(word) ? 'ar' : 'fa';
}

/** How words are analyzed: folded or exactly as written (the naive baseline), clitics stripped or not. */
export interface TokenizeOptions {
  folding: boolean;
  clitics: boolean;
}

/**
 * Tokenizes normalized text of `language`. Latin words are read as English, Arabic-script words with the
 * text's language (so mixed texts work), and Persian compounds written with a space («خوش برخورد»,
 * «بی کیفیت») are joined when the lexicon knows the compound.
 */
export function tokenizeText(
  text: string,
  language: DetectedLanguage,
  lexicons: Record<TextLanguage, CompiledLexicon>,
  options: TokenizeOptions,
): AnalyzedToken[] {
  const raw = segmentText(text);
  const tokens: AnalyzedToken[] = [];
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    if (r.kind !== 'word') {
      tokens.push({
        ...r,
        key: r.text,
        stem: r.text,
        display: r.text,
        negated: false,
        verb: false,
        language: null,
      });
      continue;
    }
    const wordLanguage = ARABIC_LETTER.test(r.text) ? arabicScriptLanguage(r.text, language) : 'en';
    const lexicon = lexicons[wordLanguage];
    if (!options.folding || !options.clitics) {
      const key = options.folding ? foldForMatch(r.text) : r.text;
      tokens.push({
        ...r,
        key,
        stem: key,
        display: r.text,
        negated: false,
        verb: false,
        language: wordLanguage,
      });
      continue;
    }
    const next = raw[i + 1];
    if (wordLanguage === 'fa' && next?.kind === 'word' && lexicon.compoundHeads.has(foldForMatch(r.text))) {
      const joined = `${r.text}${ZWNJ}${next.text}`;
      const analysis = analyzeWord(joined, 'fa', lexicon.guide);
      if (lexicon.compounds.has(analysis.stem)) {
        tokens.push({
          text: joined,
          kind: 'word',
          boundary: 'none',
          key: foldForMatch(joined),
          ...analysis,
          language: 'fa',
        });
        i++;
        continue;
      }
    }
    const analysis = analyzeWord(r.text, wordLanguage, lexicon.guide);
    tokens.push({ ...r, key: foldForMatch(r.text), ...analysis, language: wordLanguage });
  }
  return tokens;
}
