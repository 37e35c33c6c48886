import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandContractions, foldForMatch, normalizeText, removeInvisibles, ZWNJ } from '../../src/text';

describe('normalizeText for Persian', () => {
  it('turns Arabic yeh, alef maksura and kaf into Persian ی and ک', () => {
    assert.equal(normalizeText('خيلي خوب بود، كيفيتش عالى', 'fa'), 'خیلی خوب بود، کیفیتش عالی');
  });

  it('writes ة and ۀ as ه', () => {
    assert.equal(normalizeText('مدرسة', 'fa'), 'مدرسه');
    assert.equal(normalizeText('خانۀ من', 'fa'), 'خانه من');
    assert.equal(normalizeText('خانهٔ من', 'fa'), 'خانه من');
  });

  it('removes tatweel and diacritics (harakat, tanwin, shadda, sukun)', () => {
    assert.equal(normalizeText('خـــوب', 'fa'), 'خوب');
    assert.equal(normalizeText('مُتَشَکِّرَم', 'fa'), 'متشکرم');
    assert.equal(normalizeText('واقعاً', 'fa'), 'واقعا');
  });

  it('keeps the ZWNJ inside a word and joins spaced verb prefixes and plural suffixes with it', () => {
    assert.equal(normalizeText('می‌خواهم', 'fa'), `می${ZWNJ}خواهم`);
    assert.equal(normalizeText('می خواهم', 'fa'), `می${ZWNJ}خواهم`);
    assert.equal(normalizeText('نمی خوام', 'fa'), `نمی${ZWNJ}خوام`);
    assert.equal(normalizeText('کتاب ها', 'fa'), `کتاب${ZWNJ}ها`);
    assert.equal(normalizeText('سریع تر', 'fa'), `سریع${ZWNJ}تر`);
    assert.equal(normalizeText('میخواهم', 'fa'), 'میخواهم');
  });

  it('drops a ZWNJ that joins nothing, and repeated ones', () => {
    assert.equal(normalizeText(`خوب${ZWNJ} بود${ZWNJ}`, 'fa'), 'خوب بود');
    assert.equal(normalizeText(`می${ZWNJ}${ZWNJ}خواهم`, 'fa'), `می${ZWNJ}خواهم`);
  });

  it('turns Persian and Arabic-Indic digits into ASCII', () => {
    assert.equal(normalizeText('۲۴ ساعته، ٣ روز، ۱۲٫۵٪', 'fa'), '24 ساعته، 3 روز، 12.5%');
  });

  it('shrinks elongated letters', () => {
    assert.equal(normalizeText('عاااالیییی', 'fa'), 'عالی');
  });
});

describe('normalizeText for Arabic', () => {
  it('keeps Arabic letters (ي ك ة ى) and writes Persian-keyboard ی ک as ي ك', () => {
    assert.equal(normalizeText('الخدمة كانت على ما يرام', 'ar'), 'الخدمة كانت على ما يرام');
    assert.equal(normalizeText('شکرا جزیلا', 'ar'), 'شكرا جزيلا');
  });

  it('folds presentation forms with NFKC («ﻻ» → «لا») and removes diacritics', () => {
    assert.equal(normalizeText('ﻻ أنصح به', 'ar'), 'لا أنصح به');
    assert.equal(normalizeText('شُكْرًا جَزِيلًا', 'ar'), 'شكرا جزيلا');
  });

  it('drops the ZWNJ, which Arabic does not use', () => {
    assert.equal(normalizeText(`ال${ZWNJ}خدمة`, 'ar'), 'الخدمة');
  });
});

describe('invisible characters', () => {
  it('removes bidi marks, zero-width spaces and joiners, BOM and variation selectors but not the ZWNJ', () => {
    const text = `\u200fسلام\u200e \u202bخوب\u202c\u2066!\u2069\u200b\ufeff❤\ufe0f`;
    assert.equal(removeInvisibles(text), 'سلام خوب!❤');
    assert.equal(removeInvisibles(`می${ZWNJ}خواهم`), `می${ZWNJ}خواهم`);
  });
});

describe('foldForMatch', () => {
  it('makes Arabic and Persian spellings of a word equal', () => {
    assert.equal(foldForMatch('خيلي'), foldForMatch('خیلی'));
    assert.equal(foldForMatch('كيفية'), foldForMatch('کیفیه'));
    assert.equal(foldForMatch('على'), foldForMatch('علی'));
    assert.equal(foldForMatch('الخدمة'), foldForMatch('الخدمه'));
  });

  it('folds the hamza forms of alef, and waw with hamza', () => {
    for (const alef of ['أ', 'إ', 'آ', 'ٱ']) assert.equal(foldForMatch(`${alef}كل`), foldForMatch('اکل'));
    assert.equal(foldForMatch('مؤدب'), 'مودب');
  });

  it('makes «می‌خواهم» and «میخواهم» equal', () => {
    assert.equal(foldForMatch(`می${ZWNJ}خواهم`), foldForMatch('میخواهم'));
  });

  it('never turns one word into another: «ممنون» and «ممنوع» stay different', () => {
    assert.notEqual(foldForMatch('ممنون'), foldForMatch('ممنوع'));
  });
});

describe('English', () => {
  it('lower-cases and expands contractions, including ones typed without the apostrophe', () => {
    assert.equal(
      normalizeText("I DON'T like it, it's broken and won't open", 'en'),
      'i do not like it, it is broken and will not open',
    );
    assert.equal(
      normalizeText('It doesnt work and I cant log in', 'en'),
      'it does not work and i can not log in',
    );
    assert.equal(
      normalizeText('The customer’s order wasn’t shipped', 'en'),
      "the customer's order was not shipped",
    );
    assert.equal(
      expandContractions("they've been great, we'll be back"),
      'they have been great, we will be back',
    );
  });

  it('shrinks elongation to three letters (the analyzer reads "sooo" as "so")', () => {
    assert.equal(normalizeText('Soooooo goooood', 'en'), 'sooo goood');
  });
});
