// Persian words: noun suffixes («سفارش‌هایم», «کیفیتش», «عالیه») and verb inflection with its negation
// («نمی‌پسندم», «نرسیده», «نیستم»). Stripping is guided by the lexicon: a suffix comes off only when what
// remains is a word the lexicon knows, so unknown words are left alone rather than cut into other words.
import { foldForMatch } from '../normalize';
import { plainWord, type StemGuide, type WordAnalysis } from './types';

// [infinitive, past stems, present stems]. Colloquial stems are listed beside the written ones
// («تونست», «میخوام», «میاد»). Stems after «ن»/«ب» that gain a «ی» before «آ» are listed too («نیومد»).
// A stem marked «+» only exists after a prefix: bare «ای» + «ن» is «این» ("this"), not "they come".
const VERBS: ReadonlyArray<readonly [string, string[], string[]]> = [
  ['بودن', ['بود'], ['باش']],
  ['شدن', ['شد'], ['شو', 'ش']],
  ['کردن', ['کرد'], ['کن']],
  ['داشتن', ['داشت'], ['دار']],
  ['دادن', ['داد'], ['ده', 'د']],
  ['گرفتن', ['گرفت'], ['گیر']],
  ['آمدن', ['آمد', 'اومد', '+یامد', '+یومد'], ['+آی', '+آ', '+یا']],
  ['رفتن', ['رفت'], ['رو', 'ر']],
  ['خوردن', ['خورد'], ['خور']],
  ['خواستن', ['خواست'], ['خواه', 'خوا']],
  ['توانستن', ['توانست', 'تونست'], ['توان', 'تون']],
  ['دانستن', ['دانست', 'دونست'], ['دان', 'دون']],
  ['گفتن', ['گفت'], ['گوی', 'گو', 'گ']],
  ['دیدن', ['دید'], ['بین']],
  ['رسیدن', ['رسید'], ['رس']],
  ['رساندن', ['رساند', 'رسوند'], ['رسان', 'رسون']],
  ['فرستادن', ['فرستاد'], ['فرست']],
  ['آوردن', ['آورد', 'اورد', '+یاورد'], ['آور', '+یاور', '+یار', '+ار']],
  ['زدن', ['زد'], ['زن']],
  ['کشیدن', ['کشید'], ['کش']],
  ['پسندیدن', ['پسندید'], ['پسند']],
  ['خریدن', ['خرید'], ['خر']],
  ['ارزیدن', ['ارزید'], ['ارز']],
  ['پرداختن', ['پرداخت'], ['پرداز']],
  ['گذاشتن', ['گذاشت', 'ذاشت'], ['گذار', 'ذار']],
  ['ماندن', ['ماند', 'موند'], ['مان', 'مون']],
  ['افتادن', ['افتاد'], ['افت']],
  ['ساختن', ['ساخت'], ['ساز']],
  ['شکستن', ['شکست'], ['شکن']],
  ['سوختن', ['سوخت'], ['سوز']],
  ['بستن', ['بست'], ['بند']],
  ['فهمیدن', ['فهمید'], ['فهم']],
  ['گذشتن', ['گذشت'], ['گذر']],
  ['بردن', ['برد'], ['بر']],
  ['نمودن', ['نمود'], ['نما']],
  ['شنیدن', ['شنید'], ['شنو']],
  ['یافتن', ['یافت'], ['یاب']],
  ['فروختن', ['فروخت'], ['فروش']],
  ['ترسیدن', ['ترسید'], ['ترس']],
  ['چسبیدن', ['چسبید'], ['چسب']],
  ['نوشتن', ['نوشت'], ['نویس']],
  ['خواندن', ['خواند', 'خوند'], ['خوان', 'خون']],
  ['پریدن', ['پرید'], ['پر']],
  ['ریختن', ['ریخت'], ['ریز']],
  ['بخشیدن', ['بخشید'], ['بخش']],
  ['نشستن', ['نشست'], ['نشین']],
  ['شناختن', ['شناخت'], ['شناس']],
  ['کشاندن', ['کشاند', 'کشوند'], ['کشان', 'کشون']],
  ['پرسیدن', ['پرسید'], ['پرس']],
  ['ورزیدن', ['ورزید'], ['ورز']],
  ['چرخیدن', ['چرخید'], ['چرخ']],
  ['کوشیدن', ['کوشید'], ['کوش']],
  ['انداختن', ['انداخت'], ['انداز']],
  ['رنجیدن', ['رنجید'], ['رنج']],
];

// Verbs with a preverb that negation goes after: «برنگشت», «برنمی‌گردونن».
const PREVERB_VERBS: ReadonlyArray<readonly [string, string, string[], string[]]> = [
  ['برگشتن', 'بر', ['گشت'], ['گرد']],
  ['برگرداندن', 'بر', ['گرداند', 'گردوند'], ['گردان', 'گردون']],
  ['برداشتن', 'بر', ['داشت'], ['دار']],
  ['درآوردن', 'در', ['آورد', 'اورد'], ['آور', 'یار', 'ار']],
];

// Personal endings (present and past, written and colloquial), and the perfect forms that only follow a
// past stem («رفته‌ام»), without the ZWNJ: «بخش‌های» is a plural noun, not «بخش» + «های».
const ENDINGS = ['', 'م', 'ی', 'د', 'یم', 'ید', 'ند', 'ه', 'ن', 'ین'];
const PERFECT_ENDINGS = ['هام', 'های', 'هایم', 'هاید', 'هاند', 'هاست'];
// Object clitics that colloquial verbs carry: «نمی‌خوامش», «دوسش دارم».
const OBJECTS = ['', 'ش', 'م', 'ت', 'مون', 'تون', 'شون'];
const TAILS = new Set([...ENDINGS, ...PERFECT_ENDINGS].flatMap((e) => OBJECTS.map((o) => e + o)));
const PERFECT_TAILS = new Set(PERFECT_ENDINGS.flatMap((e) => OBJECTS.map((o) => e + o)));
const NEGATIVE_COPULA_TAILS = new Set(['', 'م', 'ی', 'یم', 'ید', 'ند', 'ن', 'ین', 'ش']);

// Noun and adjective suffixes: plural, indefinite/ezafe «ی», comparative, possessive clitics (written and
// colloquial), colloquial copulas («خوبه», «ساده‌ست») and the colloquial object marker «و» («سفارشمو»).
const NOUN_SUFFIXES = [
  'هایی',
  'های',
  'ها',
  'ترین',
  'تر',
  'ان',
  'یی',
  'ای',
  'ی',
  'مان',
  'تان',
  'شان',
  'مون',
  'تون',
  'شون',
  'ام',
  'ات',
  'اش',
  'م',
  'ت',
  'ش',
  'ست',
  'ه',
  'و',
].map(foldForMatch);
// Suffixes that only follow a ZWNJ; used to find the stem of a word the lexicon does not know.
const ZWNJ_SUFFIXES = new Set([
  'ها',
  'های',
  'هایی',
  'ای',
  'ام',
  'اش',
  'ات',
  'تر',
  'ترین',
  'ی',
  'هایم',
  'هایش',
  'هایت',
]);

interface VerbStem {
  infinitive: string;
  display: string;
  past: boolean;
  preverb: string;
  needsPrefix: boolean;
}

const STEMS = new Map<string, VerbStem[]>();
function addStem(stem: string, verb: Omit<VerbStem, 'needsPrefix'>): void {
  const key = foldForMatch(stem.replace('+', ''));
  STEMS.set(key, [...(STEMS.get(key) ?? []), { ...verb, needsPrefix: stem.startsWith('+') }]);
}
for (const [infinitive, past, present] of VERBS) {
  const v = { infinitive: foldForMatch(infinitive), display: infinitive, preverb: '' };
  for (const s of past) addStem(s, { ...v, past: true });
  for (const s of present) addStem(s, { ...v, past: false });
}
const PREVERB_STEMS = PREVERB_VERBS.map(([infinitive, preverb, past, present]) => ({
  preverb,
  stems: new Map<string, VerbStem>([
    ...past.map(
      (s) =>
        [
          foldForMatch(s),
          {
            infinitive: foldForMatch(infinitive),
            display: infinitive,
            past: true,
            preverb,
            needsPrefix: false,
          },
        ] as const,
    ),
    ...present.map(
      (s) =>
        [
          foldForMatch(s),
          {
            infinitive: foldForMatch(infinitive),
            display: infinitive,
            past: false,
            preverb,
            needsPrefix: false,
          },
        ] as const,
    ),
  ]),
}));

// Aspect and negation prefixes, longest first; «ن» before «می» is «نمی».
const VERB_PREFIXES = ['نمی', 'می', 'ن', 'ب', ''];
const SHORT_STEMS = new Set(['ش', 'د']);
// Common nouns that happen to spell a verb form: «برند» is a brand, not «بر+ند»; «نمونه» an example, not
// «ن+مون+ه»; «مانند» means "like".
const NOT_VERBS = new Set(
  [
    'باید',
    'بیان',
    'میان',
    'روی',
    'روش',
    'گوش',
    'اندازه',
    'درباره',
    'دانش',
    'بخش',
    'نمایش',
    'پردازش',
    'بدین',
    'باری',
    'برند',
    'نمونه',
    'نشان',
    'نشون',
    'نشانه',
    'نشونه',
    'بدن',
    'مانند',
    'رسانه',
    'نامه',
    'برنده',
    'بنده',
    'دارو',
    'نرمش',
    'کشور',
    'خرده',
  ].map(foldForMatch),
);

/** The verb reading of a folded word, or null when it is not an inflected form of a listed verb. */
export function analyzePersianVerb(key: string): WordAnalysis | null {
  if (NOT_VERBS.has(key)) return null;
  const copula = negativeCopula(key);
  if (copula) return copula;
  let best: { stem: VerbStem; length: number; negated: boolean } | null = null;
  const consider = (stem: VerbStem, length: number, negated: boolean) => {
    if (!best || length > best.length) best = { stem, length, negated };
  };
  for (const prefix of VERB_PREFIXES) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    for (let len = Math.min(rest.length, 7); len >= 1; len--) {
      const tail = rest.slice(len);
      if (!TAILS.has(tail)) continue;
      for (const stem of STEMS.get(rest.slice(0, len)) ?? []) {
        if (acceptVerb(prefix, rest.slice(0, len), tail, stem)) consider(stem, len, prefix.startsWith('ن'));
      }
    }
  }
  for (const { preverb, stems } of PREVERB_STEMS) {
    if (!key.startsWith(preverb)) continue;
    const rest = key.slice(preverb.length);
    for (const prefix of VERB_PREFIXES) {
      if (!rest.startsWith(prefix)) continue;
      const inner = rest.slice(prefix.length);
      for (let len = Math.min(inner.length, 7); len >= 2; len--) {
        const stem = stems.get(inner.slice(0, len));
        if (stem && TAILS.has(inner.slice(len))) consider(stem, len + preverb.length, prefix.startsWith('ن'));
      }
    }
  }
  if (!best) return null;
  const found: { stem: VerbStem; negated: boolean } = best;
  return { stem: found.stem.infinitive, display: found.stem.display, negated: found.negated, verb: true };
}

function acceptVerb(prefix: string, stemKey: string, tail: string, stem: VerbStem): boolean {
  if (PERFECT_TAILS.has(tail) && !stem.past) return false;
  // One-letter stems («ش» of «میشه», «د» of «نمیده») are only trusted after «می», or as «نشه», «نده»
  // with an ending; «نام» must not read as «ن+آ+م».
  if (stemKey.length === 1) {
    return (
      prefix.endsWith('می') || ((prefix === 'ن' || prefix === 'ب') && tail !== '' && SHORT_STEMS.has(stemKey))
    );
  }
  if (prefix === '') return !stem.needsPrefix && (stem.past || tail !== '');
  if (prefix === 'ب') return !stem.past;
  return true;
}

// «نیست», «نیستم», «نیستن» and the colloquial «نیس»: the negated copula of «بودن».
function negativeCopula(key: string): WordAnalysis | null {
  if (key === 'نیس' || (key.startsWith('نیست') && NEGATIVE_COPULA_TAILS.has(key.slice(4)))) {
    return { stem: 'بودن', display: 'بودن', negated: true, verb: true };
  }
  return null;
}

/** Candidate stems of a word by removing up to three noun suffixes, longest stem first. */
function nounStems(key: string): number[] {
  const lengths = new Set<number>();
  const walk = (end: number, depth: number) => {
    if (depth === 3) return;
    for (const suffix of NOUN_SUFFIXES) {
      const stemEnd = end - suffix.length;
      // «ان» as a plural needs a real stem («کارمندان»), never «ارزان» → «ارز».
      const minimum = suffix === 'ان' ? 3 : 2;
      if (stemEnd >= minimum && key.slice(stemEnd, end) === suffix) {
        lengths.add(stemEnd);
        walk(stemEnd, depth + 1);
      }
    }
  };
  walk(key.length, 0);
  return [...lengths].sort((a, b) => b - a);
}

// Two-letter polar stems («بد», «گم») only take the suffixes that really follow them: «بده», «بدی», «بدم»
// are "bad", «بدست» is not.
const SHORT_STEM_SUFFIXES = new Set(['ه', 'ی', 'م', 'ت', 'ش', 'و', 'مون', 'تون', 'شون', 'یم', 'ید', 'ین']);
function safePolarStrip(key: string, end: number): boolean {
  return end >= 3 || SHORT_STEM_SUFFIXES.has(key.slice(end));
}

/**
 * Analyzes one Persian word (normalized; `text` may contain the ZWNJ). Order matters: a word the lexicon
 * knows stays whole («هنگام» is not «هنگ» + «ام»); then a word that strips to a polar stem («بده» is «بد»,
 * "bad", not «ب+ده», "give"); then verb inflection; then any known stem. An unknown word keeps its form
 * except for suffixes written after a ZWNJ.
 */
export function analyzePersianWord(text: string, guide: StemGuide): WordAnalysis {
  const plain = text.replace(/\u200c/g, '');
  const key = foldForMatch(plain);
  if (guide.polar.has(key) || guide.known.has(key)) return plainWord(key, plain);
  const stems = nounStems(key);
  for (const end of stems) {
    if (guide.polar.has(key.slice(0, end)) && safePolarStrip(key, end)) {
      return plainWord(key.slice(0, end), plain.slice(0, end));
    }
  }
  const verb = analyzePersianVerb(key);
  if (verb) return verb;
  // A neutral stem must have three letters: two-letter function words («نه», «با», «که») would otherwise
  // swallow real words («نهایت» is not «نه» + «ایت»).
  for (const end of stems) {
    if (end >= 3 && guide.known.has(key.slice(0, end)))
      return plainWord(key.slice(0, end), plain.slice(0, end));
  }
  return unknownWord(text, key, plain);
}

// A word the lexicon does not know: a «نمی» form is still a negated verb (its negation must not be lost),
// and a suffix after a ZWNJ is still a suffix («اپلیکیشن‌ها» → «اپلیکیشن»).
function unknownWord(text: string, key: string, plain: string): WordAnalysis {
  if (key.startsWith('نمی') && key.length >= 5) {
    return { stem: key.slice(3), display: plain.slice(3), negated: true, verb: true };
  }
  const parts = text.split('\u200c');
  while (parts.length > 1 && ZWNJ_SUFFIXES.has(foldForMatch(parts[parts.length - 1]!))) parts.pop();
  if (parts[0] === 'می' || parts[0] === 'نمی') {
    const rest = parts.slice(1).join('');
    if (rest.length >= 2)
      return { stem: foldForMatch(rest), display: rest, negated: parts[0] === 'نمی', verb: true };
  }
  const kept = parts.join('');
  return plainWord(foldForMatch(kept), kept);
}
