import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, groupThemes, type ThemeItem } from '../../src/text';

const keywords = (text: string) => analyzeText(text).keywords.map((k) => k.stem);

describe('keywords', () => {
  it('drops stopwords and function words and keeps stems after clitic stripping', () => {
    const found = analyzeText('کیفیت پارچه‌هاش خیلی خوب بود ولی رنگش با عکس فرق داشت').keywords;
    const stems = found.map((k) => k.stem);
    assert.ok(stems.includes('کیفیت') && stems.includes('پارچه') && stems.includes('رنگ'), stems.join(' '));
    for (const stop of ['خیلی', 'ولی', 'با', 'بود']) assert.ok(!stems.includes(stop), stop);
    assert.equal(found.find((k) => k.stem === 'پارچه')!.term, 'پارچه');
  });

  it('ranks aspect terms before opinion words and counts repeats', () => {
    const found = analyzeText('The delivery was slow, the second delivery was slow too').keywords;
    assert.equal(found[0]!.stem, 'delivery');
    assert.equal(found[0]!.count, 2);
    assert.ok(!found.some((k) => ['the', 'was', 'too'].includes(k.stem)));
  });

  it('reads Arabic keywords without their clitics', () => {
    const stems = keywords('التوصيل بطيء والموظفين ما يردون على الاتصالات');
    assert.ok(stems.includes(analyzeText('توصيل').keywords[0]!.stem), stems.join(' '));
    assert.ok(!stems.includes('ما') && !stems.includes('علی'));
  });

  it('returns at most the configured number of keywords', () => {
    assert.ok(
      analyzeText('one two three four five six seven eight nine ten eleven twelve product').keywords.length <=
        8,
    );
  });
});

describe('aspects', () => {
  it('names each aspect with the sentiment of its own clause', () => {
    const aspects = analyzeText('کیفیت عالیه ولی ارسال خیلی دیر بود').aspects;
    const byAspect = Object.fromEntries(aspects.map((a) => [a.aspect, a.sentiment.label]));
    assert.equal(byAspect.quality, 'positive');
    assert.equal(byAspect.delivery, 'negative');
    assert.equal(byAspect.waiting, 'negative');
  });

  it('finds multiword aspect terms', () => {
    const aspects = analyzeText('خدمة العملاء ممتازة').aspects;
    assert.deepEqual(
      aspects.map((a) => [a.aspect, a.terms, a.sentiment.label]),
      [['support', ['خدمة العملاء'], 'positive']],
    );
    assert.equal(analyzeText('Customer service was rude').aspects[0]!.aspect, 'support');
  });
});

const FEEDBACK: Array<[string, string]> = [
  ['d1', 'ارسال خیلی دیر بود'],
  ['d2', 'The courier was late again'],
  ['d3', 'التوصيل سريع جدا، شكرا'],
  ['p1', 'قیمت‌ها خیلی گرونه'],
  ['p2', 'Overpriced for what you get'],
  ['s1', 'پشتیبانی جواب نمیده'],
  ['k1', 'رنگ کیف با عکس فرق داشت'],
  ['k2', 'رنگ کیف قرمز نبود'],
  ['o1', 'سلام'],
];
const items: ThemeItem[] = FEEDBACK.map(([id, text]) => ({ id, analysis: analyzeText(text) }));

describe('groupThemes', () => {
  it('groups by aspect with member ids, counts, keywords and the aspect-level sentiment', () => {
    const themes = groupThemes(items);
    const delivery = themes.find((t) => t.id === 'aspect:delivery')!;
    assert.deepEqual(delivery.memberIds, ['d1', 'd2', 'd3']);
    assert.equal(delivery.count, 3);
    assert.equal(delivery.kind, 'aspect');
    assert.equal(delivery.sentiment.negative, 2);
    assert.equal(delivery.sentiment.positive, 1);
    assert.ok(delivery.sentiment.average < 0);
    const price = themes.find((t) => t.id === 'aspect:price')!;
    assert.deepEqual(price.memberIds, ['p1', 'p2']);
    assert.equal(price.sentiment.negative, 2);
    assert.ok(price.topKeywords.length > 0);
    assert.deepEqual(themes.find((t) => t.id === 'aspect:support')!.memberIds, ['s1']);
  });

  it('groups texts naming no aspect by their most shared keyword, and leaves the rest as "other"', () => {
    const themes = groupThemes(items);
    const keyword = themes.find((t) => t.kind === 'keyword')!;
    assert.equal(keyword.id, 'keyword:رنگ');
    assert.deepEqual(keyword.memberIds, ['k1', 'k2']);
    const other = themes[themes.length - 1]!;
    assert.equal(other.id, 'other');
    assert.deepEqual(other.memberIds, ['o1']);
  });

  it('orders themes by size, largest first, with "other" last', () => {
    const counts = groupThemes(items)
      .filter((t) => t.kind !== 'other')
      .map((t) => t.count);
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => b - a),
    );
  });

  it('is deterministic: the same set in any order gives the same themes', () => {
    const normalize = (list: ThemeItem[]) =>
      groupThemes(list).map((t) => ({ ...t, memberIds: [...t.memberIds].sort() }));
    assert.deepEqual(normalize(items), normalize([...items].reverse()));
    assert.deepEqual(groupThemes(items), groupThemes(items));
  });

  it('returns nothing for nothing', () => {
    assert.deepEqual(groupThemes([]), []);
  });
});
