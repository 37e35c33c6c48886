// Text analytics benchmark: polarity accuracy and macro-F1 per language on the held-out evaluation sets
// (bench/text/eval-{fa,ar,en}.jsonl), against baselines measured in the same run:
// - majority: always the most frequent label of the set;
// - naive lexicon: the same lexicons' words looked up exactly as written, on the same tokens, without
//   normalization, letter folding, clitic stripping, negation, phrases, intensifiers, clause rules or
//   emoji (what a translated word list does);
// - ablations: the full analyzer with one part switched off, to show what each part buys.
// Also: language detection accuracy and throughput (texts/s, and the ratio to the naive baseline).
//
// Run: npx tsx bench/text/run.ts            (add --markdown to print the results as a Markdown section)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  createLexiconAnalyzer,
  detectLanguage,
  type AnalyzerFeatures,
  type LexiconTextAnalyzer,
  type SentimentLabel,
  type TextLanguage,
} from '../../packages/core/src/text';

interface Example {
  text: string;
  label: SentimentLabel;
  source: 'seed' | 'written';
}

const LABELS: SentimentLabel[] = ['positive', 'negative', 'neutral'];
const LANGUAGES: TextLanguage[] = ['fa', 'ar', 'en'];
const here = new URL('.', import.meta.url).pathname;
const markdown = process.argv.includes('--markdown');

/** Reads one evaluation set. */
export function loadEvalSet(language: TextLanguage): Example[] {
  return readFileSync(join(here, `eval-${language}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Example);
}

interface Scores {
  accuracy: number;
  macroF1: number;
  perClass: Record<SentimentLabel, { precision: number; recall: number; f1: number; support: number }>;
  confusion: Record<SentimentLabel, Record<SentimentLabel, number>>;
}

/** Accuracy, per-class precision/recall/F1, macro-F1 and the confusion matrix (rows: gold, columns: predicted). */
export function score(gold: SentimentLabel[], predicted: SentimentLabel[]): Scores {
  const confusion = Object.fromEntries(
    LABELS.map((g) => [g, Object.fromEntries(LABELS.map((p) => [p, 0]))]),
  ) as Scores['confusion'];
  gold.forEach((g, i) => confusion[g][predicted[i]!]++);
  const perClass = {} as Scores['perClass'];
  for (const label of LABELS) {
    const tp = confusion[label][label];
    const predictedCount = LABELS.reduce((sum, g) => sum + confusion[g][label], 0);
    const support = LABELS.reduce((sum, p) => sum + confusion[label][p], 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[label] = { precision, recall, f1, support };
  }
  const correct = gold.filter((g, i) => g === predicted[i]).length;
  return {
    accuracy: correct / gold.length,
    macroF1: LABELS.reduce((sum, l) => sum + perClass[l].f1, 0) / LABELS.length,
    perClass,
    confusion,
  };
}

const OFF: AnalyzerFeatures = {
  normalization: false,
  folding: false,
  clitics: false,
  negation: false,
  phrases: false,
  intensifiers: false,
  emoji: false,
  clauses: false,
};

/** The systems compared: the full analyzer, the naive baseline and one ablation per part. */
export const SYSTEMS: Array<{ name: string; analyzer: LexiconTextAnalyzer }> = [
  { name: 'omnicx lexicon (full)', analyzer: createLexiconAnalyzer() },
  { name: 'naive lexicon baseline', analyzer: createLexiconAnalyzer({ features: OFF }) },
  { name: 'full − negation', analyzer: createLexiconAnalyzer({ features: { negation: false } }) },
  { name: 'full − clitic stripping', analyzer: createLexiconAnalyzer({ features: { clitics: false } }) },
  {
    name: 'full − text normalization',
    analyzer: createLexiconAnalyzer({ features: { normalization: false } }),
  },
  { name: 'full − phrases', analyzer: createLexiconAnalyzer({ features: { phrases: false } }) },
  { name: 'full − intensifiers', analyzer: createLexiconAnalyzer({ features: { intensifiers: false } }) },
  { name: 'full − emoji', analyzer: createLexiconAnalyzer({ features: { emoji: false } }) },
  {
    name: 'full − but/although/if/question rules',
    analyzer: createLexiconAnalyzer({ features: { clauses: false } }),
  },
];

// The failures the issue names, plus the same constructions in Arabic and English.
const CASES: Array<[string, string]> = [
  ['اصلا راضی نیستم', 'negative'],
  ['ممنون از پشتیبانی خوبتون', 'positive'],
  ['بد نبود', 'mildly positive or neutral'],
  ['دستتون درد نکنه', 'positive'],
  ['به درد نمی‌خوره', 'negative'],
  ['ممنوع', 'neutral (never «ممنون»)'],
  ['الخدمة ليست جيدة', 'negative'],
  ['لم تعجبني', 'negative'],
  ['لا بأس', 'mildly positive'],
  ["I'm not happy at all", 'negative'],
  ['not bad', 'mildly positive'],
];

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const f2 = (x: number) => x.toFixed(3);

function throughput(analyzer: LexiconTextAnalyzer, texts: string[]): number {
  for (const t of texts) analyzer.analyze(t); // warm-up
  const rounds = 5;
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const t of texts) analyzer.analyze(t);
  return (rounds * texts.length) / ((performance.now() - start) / 1000);
}

function main(): void {
  const lines: string[] = [];
  const out = (s = '') => lines.push(s);
  const summary: string[] = [];
  const full = SYSTEMS[0]!.analyzer;
  const naive = SYSTEMS[1]!.analyzer;

  for (const language of LANGUAGES) {
    const set = loadEvalSet(language);
    const gold = set.map((e) => e.label);
    const counts = LABELS.map((l) => `${gold.filter((g) => g === l).length} ${l}`).join(', ');
    const seeds = set.filter((e) => e.source === 'seed').length;
    out(`### ${language} — ${set.length} sentences (${counts}; ${seeds} from the seed articles)`);
    out();
    const majorityLabel = LABELS.reduce((best, l) =>
      gold.filter((g) => g === l).length > gold.filter((g) => g === best).length ? l : best,
    );
    const majority = score(
      gold,
      gold.map(() => majorityLabel),
    );
    out('| system | accuracy | macro-F1 |');
    out('|---|---:|---:|');
    out(`| majority class (${majorityLabel}) | ${pct(majority.accuracy)} | ${f2(majority.macroF1)} |`);
    let fullScores: Scores | null = null;
    let naiveScores: Scores | null = null;
    for (const { name, analyzer } of SYSTEMS) {
      const s = score(
        gold,
        set.map((e) => analyzer.analyze(e.text).sentiment.label),
      );
      if (analyzer === full) fullScores = s;
      if (analyzer === naive) naiveScores = s;
      out(`| ${name} | ${pct(s.accuracy)} | ${f2(s.macroF1)} |`);
    }
    out();
    const s = fullScores!;
    out('Full analyzer, per class:');
    out();
    out('| class | precision | recall | F1 | support |');
    out('|---|---:|---:|---:|---:|');
    for (const l of LABELS) {
      const c = s.perClass[l];
      out(`| ${l} | ${f2(c.precision)} | ${f2(c.recall)} | ${f2(c.f1)} | ${c.support} |`);
    }
    out();
    out('Confusion matrix (rows: gold, columns: predicted):');
    out();
    out('| gold \\ predicted | positive | negative | neutral |');
    out('|---|---:|---:|---:|');
    for (const g of LABELS) out(`| ${g} | ${LABELS.map((p) => s.confusion[g][p]).join(' | ')} |`);
    out();
    const detected = set.filter((e) => detectLanguage(e.text).language === language).length;
    const texts = set.map((e) => e.text);
    const fullRate = throughput(full, texts);
    const naiveRate = throughput(naive, texts);
    out(
      `Language detection: ${detected}/${set.length} (${pct(detected / set.length)}) detected as ${language}. ` +
        `Throughput: ${Math.round(fullRate).toLocaleString('en-US')} texts/s full, ` +
        `${Math.round(naiveRate).toLocaleString('en-US')} texts/s naive (ratio ${(fullRate / naiveRate).toFixed(2)}).`,
    );
    out();
    summary.push(
      `| ${language} | ${set.length} | ${pct(s.accuracy)} | ${f2(s.macroF1)} | ${pct(naiveScores!.accuracy)} | ${f2(naiveScores!.macroF1)} | ${pct(majority.accuracy)} | ${f2(majority.macroF1)} | ${pct(detected / set.length)} | ${Math.round(fullRate).toLocaleString('en-US')} |`,
    );
  }

  out('### The cases a translated word list gets wrong');
  out();
  out('| text | expected | omnicx | naive lexicon |');
  out('|---|---|---|---|');
  for (const [text, expected] of CASES) {
    const a = full.analyze(text).sentiment;
    const b = naive.analyze(text).sentiment;
    out(`| ${text} | ${expected} | ${a.label} (${a.score}) | ${b.label} (${b.score}) |`);
  }
  out();

  const header = [
    '| language | sentences | accuracy | macro-F1 | naive accuracy | naive macro-F1 | majority accuracy | majority macro-F1 | detection | texts/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...summary,
  ];
  const report = [...header, '', ...lines].join('\n');
  if (markdown) console.log(report);
  else console.log(report.replace(/\|---[|:-]*\n/g, ''));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
