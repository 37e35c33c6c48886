import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectLanguage } from '../../src/text';

const lang = (text: string) => detectLanguage(text).language;

describe('detectLanguage', () => {
  it('reads Persian by its function words and letters', () => {
    assert.equal(lang('این محصول خیلی خوب است'), 'fa');
    assert.equal(lang('چرا پیک نیومد؟'), 'fa');
    assert.equal(lang('گوشی رو پس میدم'), 'fa');
  });

  it('reads Arabic by its function words, ة and the article', () => {
    assert.equal(lang('الخدمة في هذا الفرع ممتازة'), 'ar');
    assert.equal(lang('لم يصل الطلب'), 'ar');
    assert.equal(lang('شكرا'), 'ar');
  });

  it('reads Persian typed on an Arabic keyboard as Persian', () => {
    assert.equal(lang('خيلي خوب بود ممنونم'), 'fa');
  });

  it('handles one-word and very short texts from the lexicons', () => {
    assert.equal(lang('ممنون'), 'fa');
    assert.equal(lang('عالیه'), 'fa');
    assert.equal(lang('راضی نیستم'), 'fa');
    assert.equal(lang('زفت'), 'ar');
    assert.equal(lang('thanks!'), 'en');
    assert.equal(lang('great'), 'en');
  });

  it('answers unknown without evidence: digits, emoji, other Latin-script languages', () => {
    assert.equal(lang('12345'), 'unknown');
    assert.equal(lang('👍👍'), 'unknown');
    assert.equal(lang('merci beaucoup'), 'unknown');
    assert.equal(lang('kheyli khoob bood'), 'unknown');
    assert.equal(lang(''), 'unknown');
  });

  it('reports mixed-script texts and picks the dominant language', () => {
    const d = detectLanguage('سرویس خیلی slow بود ولی پشتیبانی عالی بود');
    assert.equal(d.language, 'fa');
    assert.equal(d.mixed, false);
    const mixed = detectLanguage('the app خیلی کنده');
    assert.equal(mixed.mixed, true);
    assert.equal(detectLanguage('my order هنوز نرسیده و پشتیبانی جواب نمیده').language, 'fa');
  });

  it('gives a confidence between 0 and 1, higher with more evidence', () => {
    const short = detectLanguage('عالیه');
    const long = detectLanguage('این سفارش من است که هنوز نرسیده و پشتیبانی هم جواب نمی‌دهد');
    assert.ok(short.confidence >= 0 && short.confidence <= 1);
    assert.ok(long.confidence > short.confidence);
  });
});
