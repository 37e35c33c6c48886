import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, type Sentiment, type TextLanguage } from '../../src/text';

const sentiment = (text: string, language?: TextLanguage): Sentiment =>
  analyzeText(text, language ? { language } : undefined).sentiment;
const label = (text: string, language?: TextLanguage) => sentiment(text, language).label;
const score = (text: string, language?: TextLanguage) => sentiment(text, language).score;

describe('the failures of translated word lists, fixed', () => {
  it('scores «اصلا راضی نیستم» negative, not positive', () => {
    assert.equal(label('اصلا راضی نیستم'), 'negative');
  });

  it('scores «ممنون از پشتیبانی خوبتون» positive', () => {
    assert.equal(label('ممنون از پشتیبانی خوبتون'), 'positive');
  });

  it('scores «بد نبود» mildly: positive or neutral, never negative, well short of praise', () => {
    const s = score('بد نبود');
    assert.ok(s > 0 && s < 0.4, `score ${s}`);
  });

  it('scores «الخدمة ليست جيدة» and «لم تعجبني» negative', () => {
    assert.equal(label('الخدمة ليست جيدة'), 'negative');
    assert.equal(label('لم تعجبني'), 'negative');
  });

  it('never reads «ممنون» (thanks) as «ممنوع» (forbidden) or the reverse', () => {
    assert.equal(label('ممنون'), 'positive');
    assert.equal(label('ورود ممنوع'), 'neutral');
    assert.equal(label('ممنوع'), 'neutral');
  });
});

describe('Persian negation', () => {
  it('negates with the verb, which comes last: «راضی نیستم», «خوب نبود», «نمی‌پسندم», «دوست ندارم»', () => {
    for (const text of [
      'راضی نیستم',
      'خوب نبود',
      'نمی‌پسندم',
      'دوست ندارم',
      'کیفیتش اصلا خوب نیست',
      'جواب ندادند',
    ]) {
      assert.equal(label(text), 'negative', text);
    }
    assert.equal(label('دوست دارم'), 'positive');
  });

  it('strengthens a negation with «اصلا»', () => {
    assert.ok(score('اصلا راضی نیستم') < score('راضی نیستم'));
  });

  it('reads «هیچ» with a negated verb as one negation: «هیچ مشکلی نداشتم» is positive', () => {
    assert.equal(label('هیچ مشکلی نداشتم'), 'positive');
    assert.equal(label('بدون هیچ مشکلی رسید'), 'positive');
    assert.equal(label('هیچ پاسخی'), 'negative');
  });

  it('treats «نرسید» (did not arrive) as a complaint though «رسید» (arrived) is neutral', () => {
    assert.equal(label('سفارشم رسید'), 'neutral');
    assert.equal(label('سفارشم نرسید'), 'negative');
    assert.equal(label('هنوز پولم برنگشته'), 'negative');
  });

  it('does not carry negation across «ولی» or punctuation', () => {
    assert.equal(label('بسته دیر رسید، ولی کیفیتش عالیه'), 'positive');
    const aspects = analyzeText('قیمتش خوب بود. جنسش رو نمی‌پسندم').aspects;
    assert.deepEqual(
      aspects.map((a) => [a.aspect, a.sentiment.label]),
      [
        ['price', 'positive'],
        ['quality', 'negative'],
      ],
    );
  });

  it('matches negated verbs written with ZWNJ, with a space or joined', () => {
    const forms = ['به درد نمی‌خوره', 'به درد نمی خوره', 'به درد نمیخوره'];
    const scores = forms.map((f) => score(f));
    assert.ok(
      scores.every((s) => s === scores[0] && s < 0),
      scores.join(', '),
    );
  });

  it('reads Persian typed on an Arabic keyboard the same', () => {
    assert.equal(score('خيلي خوب بود'), score('خیلی خوب بود'));
    assert.equal(score('كيفيت عالي بود'), score('کیفیت عالی بود'));
  });
});

describe('Arabic negation', () => {
  it('negates with لا، ليس، غير، ما، لم، لن and the dialect مش، مو', () => {
    for (const text of [
      'لا أنصح به',
      'المنتج ليس جيدا',
      'غير راضي عن الخدمة',
      'ما عجبني',
      'لم يصل الطلب',
      'لن أتعامل معهم مرة أخرى لأن الخدمة سيئة',
      'الأكل مش حلو',
      'الخدمة مو زينة',
      'ماعجبنيش',
    ]) {
      assert.equal(label(text), 'negative', text);
    }
  });

  it('reads «لا بأس» as mildly positive', () => {
    const s = score('لا بأس');
    assert.ok(s > 0 && s < 0.5, `score ${s}`);
  });

  it('reads «ما قصرتوا» (you did not fall short) as thanks', () => {
    assert.equal(label('ما قصرتوا'), 'positive');
  });

  it('reads «لا توجد أي مشكلة» as positive', () => {
    assert.equal(label('لا توجد أي مشكلة'), 'positive');
  });
});

describe('English negation', () => {
  it("negates with not, n't, never, no, hardly", () => {
    for (const text of [
      'not good',
      "isn't great",
      'It never arrived',
      'no help at all',
      'hardly helpful',
      "I don't like it",
      'The app does not work',
    ]) {
      assert.equal(label(text), 'negative', text);
    }
  });

  it('reads "not bad" as mildly positive and "no problem" as positive', () => {
    const s = score('not bad');
    assert.ok(s > 0 && s < 0.5, `score ${s}`);
    assert.equal(label('no problem at all, thanks'), 'positive');
  });

  it('keeps negation inside its clause', () => {
    assert.equal(label('Not the cheapest, but the quality is excellent'), 'positive');
  });
});

describe('but-clauses', () => {
  it('weights the clause after "but" more than the one before, in every language', () => {
    assert.equal(label('The product is nice but the delivery was terrible'), 'negative');
    assert.equal(label('The delivery was terrible but the product is great'), 'positive');
    assert.equal(label('کیفیتش خوبه ولی خیلی گرونه'), 'negative');
    assert.equal(label('الجودة ممتازة لكن التوصيل سيء جدا'), 'negative');
  });
});

describe('intensifiers and diminishers', () => {
  it('strengthens with خیلی، بسیار، واقعا / جدا، للغاية / very, extremely', () => {
    assert.ok(score('خیلی خوب') > score('خوب'));
    assert.ok(score('بسیار بد') < score('بد'));
    assert.ok(score('جيد جدا') > score('جيد'));
    assert.ok(score('سيء للغاية') < score('سيء'));
    assert.ok(score('very good') > score('good'));
  });

  it('weakens with کمی / قليلا / a bit', () => {
    assert.ok(score('کمی گرونه') > score('گرونه'));
    assert.ok(score('غالي قليلا') > score('غالي'));
    assert.ok(score('a bit slow') > score('slow'));
  });
});

describe('emoji and expressions', () => {
  it('reads emoji', () => {
    assert.equal(label('😡'), 'negative');
    assert.equal(label('👍'), 'positive');
    assert.equal(label('🙏'), 'positive');
    assert.equal(label('❤️'), 'positive');
    assert.equal(label('😞'), 'negative');
    assert.equal(label('سفارش رسید 😡😡'), 'negative');
  });

  it('reads multiword expressions as wholes', () => {
    assert.equal(label('دستتون درد نکنه'), 'positive');
    assert.equal(label('دست شما درد نکنه'), 'positive');
    assert.equal(label('به درد نمی‌خوره'), 'negative');
    assert.equal(label('يعطيكم العافية'), 'positive');
    assert.equal(label('worth every penny'), 'positive');
    assert.equal(label('could not be happier'), 'positive');
  });
});

describe('what is not an opinion', () => {
  it('keeps questions and requests neutral even with a polar word in them', () => {
    assert.equal(label('آیا این محصول خوب است؟'), 'neutral');
    assert.equal(label('هل المنتج جيد؟'), 'neutral');
    assert.equal(label('Is the new model any good?'), 'neutral');
  });

  it('mutes conditional clauses', () => {
    assert.equal(label('اگر مشکلی بود با ما تماس بگیرید'), 'neutral');
    assert.equal(label('If there is any problem, call us'), 'neutral');
  });

  it('scores factual statements neutral', () => {
    assert.equal(label('سفارش ۱۲۳ امروز ارسال شد'), 'neutral');
    assert.equal(label('تم شحن الطلب اليوم'), 'neutral');
    assert.equal(label('The order shipped today.'), 'neutral');
  });
});

describe('scores', () => {
  it('stay in [-1, 1] and grow with the evidence', () => {
    const many = score('عالی عالی عالی بهترین فوق‌العاده 😍😍😍!!!');
    assert.ok(many <= 1 && many > score('عالی'));
    const worst = score('افتضاح افتضاح بدترین 😡😡😡');
    assert.ok(worst >= -1 && worst < score('افتضاح'));
  });

  it('are zero for empty and punctuation-only texts', () => {
    assert.deepEqual(sentiment(''), { label: 'neutral', score: 0 });
    assert.deepEqual(sentiment('...؟!'), { label: 'neutral', score: 0 });
  });
});
