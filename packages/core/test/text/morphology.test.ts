import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeWord, defaultLexicons, normalizeText, type TextLanguage } from '../../src/text';

const lexicons = defaultLexicons();
const analyze = (word: string, language: TextLanguage) =>
  analyzeWord(normalizeText(word, language), language, lexicons[language].guide);
const stem = (word: string, language: TextLanguage) => analyze(word, language).stem;

describe('Persian clitics', () => {
  it('strips plural, possessive and colloquial copula suffixes down to a known word', () => {
    assert.equal(stem('سفارش‌هایم', 'fa'), 'سفارش');
    assert.equal(stem('سفارشام', 'fa'), 'سفارش');
    assert.equal(stem('کیفیتش', 'fa'), 'کیفیت');
    assert.equal(stem('عالیه', 'fa'), 'عالی');
    assert.equal(stem('ممنونم', 'fa'), 'ممنون');
    assert.equal(stem('خوبتون', 'fa'), 'خوب');
    assert.equal(stem('گرونه', 'fa'), 'گرون');
    assert.equal(stem('ساده‌ست', 'fa'), 'ساده');
    assert.equal(stem('سفارشمو', 'fa'), 'سفارش');
  });

  it('reads «بده» as "is bad", the polar reading, not as the verb "give"', () => {
    assert.equal(stem('بده', 'fa'), 'بد');
  });

  it('leaves words it does not know alone, and never turns «ممنون» into «ممنوع» or back', () => {
    assert.equal(stem('ممنون', 'fa'), 'ممنون');
    assert.equal(stem('ممنوع', 'fa'), 'ممنوع');
    assert.equal(stem('ممنوعه', 'fa'), 'ممنوعه');
    assert.equal(stem('ارزان', 'fa'), 'ارزان');
    assert.equal(stem('نهایت', 'fa'), 'نهایت');
  });

  it('strips a suffix written after a ZWNJ even from an unknown word', () => {
    assert.equal(stem('اکوسیستم‌ها', 'fa'), 'اکوسیستم');
  });

  it('reads verb inflection and its negation: «ن», «نمی», «نیست»', () => {
    assert.deepEqual(analyze('نمی‌پسندم', 'fa'), {
      stem: 'پسندیدن',
      display: 'پسندیدن',
      negated: true,
      verb: true,
    });
    for (const [form, lemma] of [
      ['نمیخوام', 'خواستن'],
      ['نمی خواهم', 'خواستن'],
      ['نرسیده', 'رسیدن'],
      ['نکنه', 'کردن'],
      ['نداره', 'داشتن'],
      ['نمیده', 'دادن'],
      ['نشد', 'شدن'],
      ['نیومد', 'آمدن'],
      ['نمیارید', 'آوردن'],
      ['برنگشته', 'برگشتن'],
      ['برنگردوندید', 'برگرداندن'],
      ['نیستم', 'بودن'],
      ['نیس', 'بودن'],
    ] as const) {
      const a = analyze(form, 'fa');
      assert.equal(a.stem, foldLemma(lemma), form);
      assert.equal(a.negated, true, form);
      assert.equal(a.verb, true, form);
    }
    for (const form of ['میخوام', 'رسید', 'میشه', 'میاد', 'برگشت', 'دارم']) {
      assert.equal(analyze(form, 'fa').negated, false, form);
    }
  });

  it('does not read common nouns that spell verb forms as verbs', () => {
    for (const noun of ['برند', 'نمونه', 'نشان', 'باید', 'نام', 'نان', 'نرم']) {
      const a = analyze(noun, 'fa');
      assert.equal(a.negated, false, noun);
      assert.equal(a.verb, false, noun);
    }
  });
});

// Verb lemmas are folded like every stem («آمدن» → «امدن»).
function foldLemma(lemma: string): string {
  return lemma.replace('آ', 'ا');
}

describe('Arabic clitics', () => {
  it('strips proclitics and the article', () => {
    assert.equal(stem('بالخدمة', 'ar'), stem('خدمة', 'ar'));
    assert.equal(stem('والتوصيل', 'ar'), stem('توصيل', 'ar'));
    assert.equal(stem('للموظف', 'ar'), stem('موظف', 'ar'));
    assert.equal(stem('فالمنتج', 'ar'), stem('منتج', 'ar'));
  });

  it('strips enclitic pronouns and feminine endings, restoring ة written as ت', () => {
    assert.equal(stem('جيدة', 'ar'), stem('جيد', 'ar'));
    assert.equal(stem('مشكلتي', 'ar'), stem('مشكلة', 'ar'));
    assert.equal(stem('خدمتكم', 'ar'), stem('خدمة', 'ar'));
    assert.equal(stem('منتجاتهم', 'ar'), stem('منتج', 'ar'));
  });

  it('finds imperfect verbs under the lexicon entry («تعجبني» → «يعجب»)', () => {
    assert.equal(stem('تعجبني', 'ar'), stem('يعجب', 'ar'));
    assert.equal(stem('أنصحكم', 'ar'), stem('انصح', 'ar'));
  });

  it('reads the dialect negation «ما…ش» written as one word', () => {
    const a = analyze('ماعجبنيش', 'ar');
    assert.equal(a.stem, stem('عجب', 'ar'));
    assert.equal(a.negated, true);
    assert.equal(analyze('ماوصل', 'ar').negated, true);
  });

  it('keeps unknown words whole except for the article', () => {
    assert.equal(stem('والكمبيوترات', 'ar'), stem('والكمبيوترات', 'ar'));
    assert.equal(analyze('الكمبيوتر', 'ar').display, 'كمبيوتر');
    assert.equal(stem('الان', 'ar'), stem('الان', 'ar'));
  });
});

describe('English inflection', () => {
  it('reduces inflected forms to a known stem', () => {
    assert.equal(stem('loved', 'en'), 'love');
    assert.equal(stem('deliveries', 'en'), 'delivery');
    assert.equal(stem('rudeness', 'en'), 'rude');
    assert.equal(stem('crashes', 'en'), 'crash');
    assert.equal(stem('freezing', 'en'), 'freeze');
    assert.equal(stem("customer's", 'en'), 'customer');
  });

  it('reads elongation back to the word', () => {
    assert.equal(stem(normalizeText('goooood', 'en'), 'en'), 'good');
    assert.equal(stem(normalizeText('baaaad', 'en'), 'en'), 'bad');
  });

  it('leaves unknown words as they are', () => {
    assert.equal(stem('blorbs', 'en'), 'blorbs');
  });
});
