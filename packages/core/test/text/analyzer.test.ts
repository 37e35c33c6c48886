import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  analyzeText,
  createLexiconAnalyzer,
  DEFAULT_NEUTRAL_BAND,
  groupThemes,
  LEXICON_ANALYZER_NAME,
  type TextAnalysis,
  type TextAnalyzer,
} from '../../src/text';

describe('the TextAnalyzer interface', () => {
  it('is implemented by the lexicon analyzer, which answers synchronously', async () => {
    const provider: TextAnalyzer = createLexiconAnalyzer();
    assert.equal(provider.name, LEXICON_ANALYZER_NAME);
    const result = await provider.analyze('کیفیتش عالی بود');
    assert.equal(result.language, 'fa');
    assert.equal(result.sentiment.label, 'positive');
  });

  it('lets a model-backed provider be plugged in: themes work on any provider’s analyses', async () => {
    const lexicon = createLexiconAnalyzer();
    const model: TextAnalyzer = {
      name: 'test-model/1',
      async analyze(text): Promise<TextAnalysis> {
        // A stand-in for a model: the lexicon's analysis with the model's own sentiment.
        return { ...lexicon.analyze(text), sentiment: { label: 'negative', score: -0.9 } };
      },
    };
    const texts = ['ارسال دیر بود', 'Delivery was quick'];
    const analyses = await Promise.all(texts.map((t) => model.analyze(t)));
    const themes = groupThemes(analyses.map((analysis, i) => ({ id: String(i), analysis })));
    assert.equal(themes[0]!.id, 'aspect:delivery');
    assert.equal(themes[0]!.count, 2);
  });

  it('returns the normalized text, tokens without punctuation, and negation on tokens', () => {
    const result = analyzeText('نمی خوامش!');
    assert.equal(result.normalized, 'نمی\u200cخوامش!');
    assert.deepEqual(result.tokens, [
      { text: 'نمی\u200cخوامش', stem: 'خواستن', kind: 'word', negated: true },
    ]);
  });
});

describe('options', () => {
  it('uses the hinted language instead of detecting one', () => {
    assert.equal(analyzeText('عالی', { language: 'ar' }).language, 'ar');
    assert.equal(analyzeText('عالی').language, 'fa');
  });

  it('takes a workspace’s own polar words', () => {
    const custom = createLexiconAnalyzer({ extraWords: { fa: { سوپرپلاس: 2 }, en: { meh: 0 } } });
    assert.equal(analyzeText('سوپرپلاس').sentiment.label, 'neutral');
    assert.equal(custom.analyze('سوپرپلاس').sentiment.label, 'positive');
    assert.equal(custom.analyze('meh', { language: 'en' }).sentiment.label, 'neutral');
  });

  it('switches parts off for measurement: without negation «راضی نیستم» reads as praise', () => {
    const noNegation = createLexiconAnalyzer({ features: { negation: false } });
    assert.equal(noNegation.analyze('راضی نیستم').sentiment.label, 'positive');
    const naive = createLexiconAnalyzer({
      features: { normalization: false, folding: false, clitics: false, negation: false, phrases: false },
    });
    // The lexicon writes «عالی» with a Persian yeh; typed with an Arabic one it is not found without folding.
    assert.equal(naive.analyze('عالي', { language: 'fa' }).sentiment.label, 'neutral');
    assert.equal(naive.analyze('عالی', { language: 'fa' }).sentiment.label, 'positive');
  });

  it('widens or narrows the neutral band', () => {
    assert.equal(createLexiconAnalyzer({ neutralBand: 0.9 }).analyze('good').sentiment.label, 'neutral');
    assert.ok(DEFAULT_NEUTRAL_BAND > 0 && DEFAULT_NEUTRAL_BAND < 0.5);
  });
});

// Any text: Persian and Arabic letters, ZWNJ, bidi marks, digits, emoji, Latin, punctuation.
const characters = [..."ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةىأإآؤئءـًٌٍَُِّْ‌‏‎۰۱۲٣٤abcdeno t'.,!?؟،😡👍🙏❤️ ﻻ"];
const anyText = fc.array(fc.constantFrom(...characters), { maxLength: 60 }).map((chars) => chars.join(''));

describe('any input', () => {
  it('gives a score in [-1, 1] whose label agrees with the neutral band, deterministically', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const a = analyzeText(text);
        const b = analyzeText(text);
        assert.deepEqual(a, b);
        const { score, label } = a.sentiment;
        assert.ok(score >= -1 && score <= 1);
        if (label === 'positive') assert.ok(score >= DEFAULT_NEUTRAL_BAND);
        else if (label === 'negative') assert.ok(score <= -DEFAULT_NEUTRAL_BAND);
        else assert.ok(Math.abs(score) < DEFAULT_NEUTRAL_BAND);
      }),
      { numRuns: 300 },
    );
  });

  it('ignores invisible characters: bidi marks and zero-width spaces change nothing', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.constantFrom('\u200f', '\u200e', '\u200b', '\u2066', '\ufeff'),
        (text, mark) => {
          const marked = [...text].join(mark);
          assert.deepEqual(analyzeText(marked).sentiment, analyzeText(text).sentiment);
        },
      ),
      { numRuns: 200 },
    );
  });
});
