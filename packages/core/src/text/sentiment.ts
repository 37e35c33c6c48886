// Sentiment from curated lexicons with real negation, in the manner of VADER (Hutto & Gilbert, 2014) but
// with scope rules for Persian and Arabic:
// - English and Arabic negators («لا», «ليس», «لم», «ما», «مش», "not", "never") negate the first polar
//   word or expression in the next three words of their clause;
// - a Persian verb negates itself («نمی‌پسندم») or, when it has no polarity of its own («نیستم», «نبود»,
//   «نشد»), the polar words before it in its clause: Persian puts the verb last («اصلا راضی نیستم»);
// - negating a positive word gives a clear negative (× -0.9); negating a negative word only softens it
//   (× -0.5): "not bad" and «بد نبود» are mildly positive, not praise;
// - words whose negation means more than their affirmation carry both values («رسید» 0 / «نرسید» -2);
// - «هیچ», «اصلا», "at all", «أبدا» strengthen a negation and are not negations themselves;
// - intensifiers and diminishers multiply the nearest polar word; multiword expressions are matched on
//   stems before single words; "but" halves the clause before and raises the one after; "although"
//   halves its clause, "if" nearly mutes it; a question does not praise.
import type { CompiledLexicon, PhraseRole, WordRole, Phrase, PatternToken } from './lexicon/compile';
import type { Valence } from './lexicon/types';
import { emojiValence } from './lexicon/emoji';
import type { AnalyzedToken } from './tokenize';
import type { Sentiment, SentimentLabel, TextLanguage } from './types';

/** Which parts of the method are on; all are on by default. Turning them off measures what each buys. */
export interface SentimentFeatures {
  negation: boolean;
  intensifiers: boolean;
  phrases: boolean;
  emoji: boolean;
  /** "but" / "although" / "if" weighting and question damping. */
  clauses: boolean;
}

/** Every feature on. */
export const ALL_SENTIMENT_FEATURES: SentimentFeatures = {
  negation: true,
  intensifiers: true,
  phrases: true,
  emoji: true,
  clauses: true,
};

/**
 * Scores below this magnitude are neutral. 0.2 is a single mild word (valence ±1, score ±0.25) or more; on
 * the development set (test/text/dev-set.ts) any band from 0.15 to 0.25 gives the same labels.
 */
export const DEFAULT_NEUTRAL_BAND = 0.2;
// VADER's normalization constant: a sum of valences s becomes s / sqrt(s² + 15).
const ALPHA = 15;
const NEGATED_POSITIVE = -0.9;
const NEGATED_NEGATIVE = -0.5;
const FORWARD_SCOPE = 3;
const BACKWARD_SCOPE = 4;
const INTENSIFIER_REACH = 2;
const BOOST = 1.3;
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;
const CONCESSIVE = 0.5;
const CONDITIONAL = 0.3;
const QUESTION_POSITIVE = 0.3;
const EXCLAMATION = 0.25;

/** A unit of scoring: one word, one multiword expression, an emoji or a boundary. */
interface Slot {
  pos: number;
  end: number;
  kind: 'polar' | 'function' | 'word' | 'emoji' | 'boundary';
  valence: Valence | null;
  factor: number | null;
  role: WordRole | null;
  selfNegated: boolean;
  verb: boolean;
  boundary: 'clause' | 'sentence' | null;
  mark: string;
  language: TextLanguage | null;
  clause: number;
  sentence: number;
  negations: number;
  multiplier: number;
  weight: number;
  target: Slot | null;
  value: number;
  /** The value before clause weights: what the slot says about its own clause. */
  local: number;
}

/** The scored text, with what aspect sentiment needs: which clause each token is in and what each adds. */
export interface SentimentResult {
  sentiment: Sentiment;
  /** Clause index of every token. */
  clauseOf: number[];
  /** Sentence index of every token. */
  sentenceOf: number[];
  clauseValue: Map<number, number>;
  sentenceValue: Map<number, number>;
}

/** Maps a sum of valences to [-1, 1] and a label. */
export function toSentiment(sum: number, neutralBand: number): Sentiment {
  const score = sum === 0 ? 0 : sum / Math.sqrt(sum * sum + ALPHA);
  const rounded = Math.round(score * 1000) / 1000;
  const label: SentimentLabel =
    rounded >= neutralBand ? 'positive' : rounded <= -neutralBand ? 'negative' : 'neutral';
  return { label, score: rounded };
}

const newSlot = (pos: number, end: number, kind: Slot['kind'], language: TextLanguage | null): Slot => ({
  pos,
  end,
  kind,
  valence: null,
  factor: null,
  role: null,
  selfNegated: false,
  verb: false,
  boundary: null,
  mark: '',
  language,
  clause: 0,
  sentence: 0,
  negations: 0,
  multiplier: 1,
  weight: 1,
  target: null,
  value: 0,
  local: 0,
});

function matches(token: AnalyzedToken, p: PatternToken): boolean {
  if (token.kind !== 'word') return false;
  return token.key === p.key || (token.stem === p.stem && (!p.negated || token.negated));
}

/** The token indices a phrase covers when it matches at `start`, or null. */
function matchPhrase<R>(
  tokens: AnalyzedToken[],
  start: number,
  phrase: Phrase<R>,
  lexicon: CompiledLexicon,
): number[] | null {
  if (!matches(tokens[start]!, phrase.tokens[0]!)) return null;
  const covered = [start];
  let k = start + 1;
  let modifierGaps = 0;
  let objectGaps = 0;
  for (let p = 1; p < phrase.tokens.length; p++) {
    const want = phrase.tokens[p]!;
    for (;;) {
      const t = tokens[k];
      if (!t || (t.kind === 'punct' && t.boundary !== 'none') || t.kind !== 'word') return null;
      if (matches(t, want)) {
        covered.push(k++);
        break;
      }
      // An intensifier may sit inside an expression («کیفیت خیلی بالا»); a Persian expression ending in a
      // verb may have an object or an adverb inside it («جواب سوالم رو ندادند», «مشکلم همون روز حل شد»).
      // … and so may a determiner or possessive after a content word: "fixed my issue" (but "I would like"
      // is not "I like").
      const modifier = lexicon.intensifiers.has(t.key) || lexicon.roles.get(t.key) === 'booster';
      const determiner =
        lexicon.stopwords.has(t.key) &&
        !lexicon.roles.has(t.key) &&
        !lexicon.stopwords.has(phrase.tokens[p - 1]!.key);
      if (modifierGaps < 1 && (modifier || determiner)) {
        modifierGaps++;
        k++;
        continue;
      }
      if (lexicon.language === 'fa' && phrase.tokens[phrase.tokens.length - 1]!.verb && objectGaps < 2) {
        objectGaps++;
        k++;
        continue;
      }
      return null;
    }
  }
  return covered;
}

function findPhrase<R>(
  tokens: AnalyzedToken[],
  i: number,
  index: ReadonlyMap<string, ReadonlyArray<Phrase<R>>>,
  lexicon: CompiledLexicon,
): { phrase: Phrase<R>; covered: number[] } | null {
  const t = tokens[i]!;
  const candidates = [...(index.get(t.key) ?? []), ...(t.stem !== t.key ? (index.get(t.stem) ?? []) : [])];
  candidates.sort((a, b) => b.tokens.length - a.tokens.length);
  for (const phrase of candidates) {
    const covered = matchPhrase(tokens, i, phrase, lexicon);
    if (covered) return { phrase, covered };
  }
  return null;
}

/** Finds the multiword expressions of `index` in `tokens`: longest match first, left to right. */
export function findPhrases<R>(
  tokens: AnalyzedToken[],
  lexicons: Record<TextLanguage, CompiledLexicon>,
  pick: (lexicon: CompiledLexicon) => ReadonlyMap<string, ReadonlyArray<Phrase<R>>>,
): Array<{ phrase: Phrase<R>; covered: number[] }> {
  const found: Array<{ phrase: Phrase<R>; covered: number[] }> = [];
  const used = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (used.has(i) || t.kind !== 'word' || !t.language) continue;
    const lexicon = lexicons[t.language];
    const match = findPhrase(tokens, i, pick(lexicon), lexicon);
    if (match && !match.covered.some((k) => used.has(k))) {
      found.push(match);
      match.covered.forEach((k) => used.add(k));
    }
  }
  return found;
}

function polarOf(t: AnalyzedToken, lexicon: CompiledLexicon, naive: boolean): Valence | null {
  if (naive) return lexicon.surface.get(t.key) ?? null;
  return lexicon.polar.get(t.stem) ?? lexicon.polar.get(t.key) ?? null;
}

function buildSlots(
  tokens: AnalyzedToken[],
  lexicons: Record<TextLanguage, CompiledLexicon>,
  features: SentimentFeatures,
  naive: boolean,
): Slot[] {
  const slots: Slot[] = [];
  const inPhrase = new Set<number>();
  if (features.phrases && !naive) {
    for (const { phrase, covered } of findPhrases(tokens, lexicons, (l) => l.phrases)) {
      const role: PhraseRole = phrase.role;
      const first = tokens[covered[0]!]!;
      const slot = newSlot(covered[0]!, covered[covered.length - 1]! + 1, 'function', first.language);
      if (role.kind === 'polar') {
        slot.kind = 'polar';
        slot.valence = role.valence;
        // An expression that spells its own negation («به درد نمی‌خوره») already has its polarity; one
        // written affirmative («دوست دارم») is negated by a negated word of the text («دوست ندارم»).
        const absorbs = phrase.tokens.some((p) => p.negated);
        slot.selfNegated = !absorbs && covered.some((k) => tokens[k]!.negated);
      } else if (role.kind === 'intensifier') slot.factor = role.factor;
      else slot.role = role.kind;
      slot.verb = covered.some((k) => tokens[k]!.verb);
      slots.push(slot);
      covered.forEach((k) => inPhrase.add(k));
    }
  }
  tokens.forEach((t, i) => {
    if (inPhrase.has(i)) return;
    if (t.kind === 'punct') {
      if (t.boundary === 'none' && t.text !== '!') return;
      const slot = newSlot(i, i + 1, 'boundary', null);
      slot.boundary = t.boundary === 'none' ? null : t.boundary;
      slot.mark = t.text;
      slots.push(slot);
      return;
    }
    if (t.kind === 'emoji') {
      const valence = features.emoji ? emojiValence(t.text) : undefined;
      const slot = newSlot(i, i + 1, valence === undefined ? 'word' : 'emoji', null);
      slot.valence = valence ?? null;
      slots.push(slot);
      return;
    }
    const lexicon = t.language ? lexicons[t.language] : null;
    const slot = newSlot(i, i + 1, 'word', t.language);
    slot.verb = t.verb;
    slot.selfNegated = t.negated;
    if (lexicon && t.kind === 'word') {
      const valence = polarOf(t, lexicon, naive);
      if (!naive) {
        slot.role = lexicon.roles.get(t.key) ?? lexicon.roles.get(t.stem) ?? null;
        // Intensifiers match as written: «مرتين» ("twice") is not «مرة» ("very"), «چقدره» ("how much is
        // it") is not «چقدر» ("how").
        slot.factor = lexicon.intensifiers.get(t.key) ?? null;
      }
      if (valence !== null && !slot.role) {
        slot.kind = 'polar';
        slot.valence = valence;
      } else if (slot.role || slot.factor !== null) slot.kind = 'function';
    }
    slots.push(slot);
  });
  return slots.sort((a, b) => a.pos - b.pos || b.end - a.end);
}

/** Assigns clause and sentence numbers; connectives («ولی», "although", «إذا») open a new clause. */
function assignClauses(slots: Slot[], features: SentimentFeatures): Map<number, string> {
  const marks = new Map<number, string>();
  let clause = 0;
  let sentence = 0;
  for (const s of slots) {
    const connective = s.role === 'contrast' || s.role === 'concessive' || s.role === 'conditional';
    if (connective && features.clauses) clause++;
    s.clause = clause;
    s.sentence = sentence;
    if (s.boundary === 'sentence') {
      marks.set(sentence, s.mark);
      sentence++;
      clause++;
    } else if (s.boundary === 'clause') clause++;
  }
  return marks;
}

function groupBy(slots: Slot[], key: (s: Slot) => number): Map<number, Slot[]> {
  const groups = new Map<number, Slot[]>();
  for (const s of slots) {
    const k = key(s);
    const group = groups.get(k);
    if (group) group.push(s);
    else groups.set(k, [s]);
  }
  return groups;
}

// Each connective only looks at its own sentence or clause, so long transcripts stay linear.
function applyClauseWeights(slots: Slot[]): void {
  const bySentence = groupBy(slots, (s) => s.sentence);
  const byClause = groupBy(slots, (s) => s.clause);
  for (const c of slots) {
    if (c.role === 'contrast') {
      for (const s of bySentence.get(c.sentence)!) {
        if (s.pos < c.pos) s.weight *= BEFORE_CONTRAST;
        else if (s.pos > c.pos) s.weight *= AFTER_CONTRAST;
      }
    } else if (c.role === 'concessive' || c.role === 'conditional') {
      const factor = c.role === 'concessive' ? CONCESSIVE : CONDITIONAL;
      for (const s of byClause.get(c.clause)!) if (s.pos >= c.pos) s.weight *= factor;
    }
  }
}

const stops = (s: Slot, clause: number) => s.kind === 'boundary' || s.clause !== clause;

function applyNegation(slots: Slot[]): void {
  const negatedVerbIn = new Set(slots.filter((s) => s.selfNegated && s.verb).map((s) => s.clause));
  const firstNegatorIn = new Map<number, number>();
  for (const s of slots) {
    if (s.role === 'negator' && !firstNegatorIn.has(s.clause)) firstNegatorIn.set(s.clause, s.pos);
  }
  slots.forEach((s, k) => {
    let role = s.role;
    // «هیچ» negates only when nothing else does: «هیچ پاسخی» is a complaint, «هیچ پاسخی ندادند» one
    // negation, and «بدون هیچ مشکلی» one negation too.
    if (role === 'weakNegator') {
      const earlierNegator = (firstNegatorIn.get(s.clause) ?? Infinity) < s.pos;
      role = negatedVerbIn.has(s.clause) || earlierNegator ? 'booster' : 'negator';
      s.role = role;
    }
    // A negator before its words negates the first polar word or expression within three words: «بدون
    // هیچ مشکلی رسید» negates the problem, not the arrival.
    if (role === 'negator') {
      let words = 0;
      for (let m = k + 1; m < slots.length && words < FORWARD_SCOPE; m++) {
        const o = slots[m]!;
        if (stops(o, s.clause)) break;
        if (o.kind === 'polar') {
          o.negations++;
          break;
        }
        words += o.end - o.pos;
      }
    }
    if (!s.selfNegated) return;
    if (s.kind === 'polar') s.negations++;
    else if (s.language === 'fa' && s.verb) {
      let words = 0;
      for (let m = k - 1; m >= 0 && words < BACKWARD_SCOPE; m--) {
        const o = slots[m]!;
        if (stops(o, s.clause)) break;
        // A finite verb ends the clause before; the participle right before («داده نشده») is this verb.
        if (o.verb && m !== k - 1) break;
        if (o.kind === 'polar') o.negations++;
        words += o.end - o.pos;
      }
    }
  });
  const byClause = groupBy(slots, (s) => s.clause);
  for (const b of slots) {
    if (b.role !== 'booster') continue;
    let best: Slot | null = null;
    for (const o of byClause.get(b.clause)!) {
      if (o.kind !== 'polar' || o.negations % 2 === 0) continue;
      if (!best || Math.abs(o.pos - b.pos) < Math.abs(best.pos - b.pos)) best = o;
    }
    if (best) best.multiplier *= BOOST;
  }
}

// A word whose affirmative value is zero («رسید», "arrived") and that is not negated says nothing an
// intensifier could strengthen: «خیلی سریع رسید» praises the speed, not the arrival.
const silent = (s: Slot) => Array.isArray(s.valence) && s.valence[0] === 0 && !s.selfNegated;

function findTarget(slots: Slot[], k: number, direction: 1 | -1): Slot | null {
  const from = slots[k]!;
  let words = 0;
  for (let m = k + direction; m >= 0 && m < slots.length && words < INTENSIFIER_REACH; m += direction) {
    const o = slots[m]!;
    if (stops(o, from.clause)) return null;
    if (o.valence !== null && o.kind !== 'emoji' && !silent(o)) return o;
    if (o.factor === null && o.role !== 'booster') words += o.end - o.pos;
  }
  return null;
}

function applyIntensifiers(slots: Slot[], lexicons: Record<TextLanguage, CompiledLexicon>): void {
  slots.forEach((s, k) => {
    if (s.factor === null || !s.language) return;
    const before = lexicons[s.language].intensifierPosition === 'before';
    s.target = findTarget(slots, k, before ? 1 : -1) ?? findTarget(slots, k, before ? -1 : 1);
    // A word that is both («فوق‌العاده», "super") intensifies when it has a polar neighbour, else is polar.
    if (s.target && s.kind === 'polar') s.kind = 'function';
  });
  for (const s of slots) {
    let target = s.target;
    const seen = new Set<Slot>();
    while (target && target.kind === 'function' && target.target && !seen.has(target)) {
      seen.add(target);
      target = target.target;
    }
    if (target && target.kind === 'polar' && s.factor !== null && s.kind === 'function')
      target.multiplier *= s.factor;
  }
}

/** The slot's value in its clause: valence, negated if it is, multiplied by its intensifiers. */
function localValue(s: Slot, question: boolean): number {
  const v = s.valence!;
  if (s.kind === 'emoji') return v as number;
  const base = typeof v === 'number' ? v : v[0];
  let value = base;
  if (s.negations % 2 === 1)
    value = typeof v === 'number' ? base * (base > 0 ? NEGATED_POSITIVE : NEGATED_NEGATIVE) : v[1];
  value *= s.multiplier;
  return question && value > 0 ? value * QUESTION_POSITIVE : value;
}

/** Scores tokens; `naive`: words looked up exactly as written, with no function words or phrases. */
export function scoreTokens(
  tokens: AnalyzedToken[],
  lexicons: Record<TextLanguage, CompiledLexicon>,
  features: SentimentFeatures,
  neutralBand: number,
  naive = false,
): SentimentResult {
  const slots = buildSlots(tokens, lexicons, features, naive);
  const marks = assignClauses(slots, features);
  if (features.clauses) applyClauseWeights(slots);
  // Intensifiers first: a word that is both polar and an intensifier («فوق‌العاده خوب», "super nice")
  // must be settled before negation picks the polar word it negates.
  if (features.intensifiers) applyIntensifiers(slots, lexicons);
  if (features.negation) applyNegation(slots);

  let sum = 0;
  let exclamations = 0;
  const clauseValue = new Map<number, number>();
  const sentenceValue = new Map<number, number>();
  for (const s of slots) {
    if (s.kind === 'boundary' && s.mark === '!') exclamations++;
    if (s.kind !== 'polar' && s.kind !== 'emoji') continue;
    const mark = marks.get(s.sentence) ?? '';
    const question = features.clauses && s.kind === 'polar' && (mark === '?' || mark === '؟');
    s.local = localValue(s, question);
    s.value = s.kind === 'emoji' ? s.local : s.local * s.weight;
    sum += s.value;
    // Aspects are judged by what their own clause says, without the weight "but" gives the text as a whole.
    clauseValue.set(s.clause, (clauseValue.get(s.clause) ?? 0) + s.local);
    sentenceValue.set(s.sentence, (sentenceValue.get(s.sentence) ?? 0) + s.local);
  }
  if (sum !== 0 && features.intensifiers) sum += Math.sign(sum) * EXCLAMATION * Math.min(exclamations, 3);

  // Tokens without a slot of their own (punctuation inside a word, gaps of a phrase) take the clause of
  // the token before them.
  const clauseOf = new Array<number>(tokens.length).fill(-1);
  const sentenceOf = new Array<number>(tokens.length).fill(0);
  for (const s of slots) {
    for (let i = s.pos; i < s.end; i++) {
      if (clauseOf[i] !== -1 && i !== s.pos) continue;
      clauseOf[i] = s.clause;
      sentenceOf[i] = s.sentence;
    }
  }
  for (let i = 0; i < tokens.length; i++) {
    if (clauseOf[i] === -1) {
      clauseOf[i] = i > 0 ? clauseOf[i - 1]! : 0;
      sentenceOf[i] = i > 0 ? sentenceOf[i - 1]! : 0;
    }
  }
  return { sentiment: toSentiment(sum, neutralBand), clauseOf, sentenceOf, clauseValue, sentenceValue };
}
