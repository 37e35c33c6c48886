import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_IDENTITY_CONFIG } from '../../src/identity/config';
import {
  isBlockedValue,
  normalizeEmail,
  normalizeIdentifier,
  normalizePhone,
  toAsciiDigits,
} from '../../src/identity/normalize';

const config = DEFAULT_IDENTITY_CONFIG;

describe('toAsciiDigits', () => {
  it('turns Persian and Arabic-Indic digits into ASCII digits and leaves the rest alone', () => {
    assert.equal(toAsciiDigits('۰۱۲۳۴۵۶۷۸۹'), '0123456789');
    assert.equal(toAsciiDigits('٠١٢٣٤٥٦٧٨٩'), '0123456789');
    assert.equal(toAsciiDigits('card-۱۲3٤ abc'), 'card-1234 abc');
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases the whole address so different case matches', () => {
    assert.equal(normalizeEmail('  Sara.Ahmadi@Example.COM '), 'sara.ahmadi@example.com');
    assert.equal(normalizeEmail('SARA.AHMADI@example.com'), normalizeEmail('sara.ahmadi@EXAMPLE.com'));
  });

  it('converts Persian digits inside the address', () => {
    assert.equal(normalizeEmail('ali۱۳۷۰@example.ir'), 'ali1370@example.ir');
  });

  it('refuses values that are not shaped like an address', () => {
    for (const bad of [
      '',
      'sara',
      'sara@',
      '@example.com',
      'sara@example',
      'a@b@example.com',
      'sa ra@example.com',
      'sara@example.',
      'sara@.com',
      'sara@example..com',
    ]) {
      assert.equal(normalizeEmail(bad), null, bad);
    }
  });
});

describe('normalizePhone', () => {
  const e164 = '+989121234567';

  it('reads every common way of writing an Iranian mobile number as the same E.164', () => {
    for (const written of [
      '09121234567',
      '9121234567',
      '+989121234567',
      '00989121234567',
      '+98 912 123 4567',
      '0912-123-4567',
      '(0912) 123.4567',
      '+98 (0) 912 123 4567',
      '۰۹۱۲ ۱۲۳ ۴۵۶۷',
      '+۹۸۹۱۲۱۲۳۴۵۶۷',
      '۰۰۹۸۹۱۲۱۲۳۴۵۶۷',
      '\u200e+98 912 123 4567\u200e',
    ]) {
      assert.equal(normalizePhone(written, 'IR'), e164, written);
    }
  });

  it('reads a UAE number written in Arabic-Indic digits', () => {
    assert.equal(normalizePhone('+٩٧١ ٥٠ ١٢٣ ٤٥٦٧', 'IR'), '+971501234567');
    assert.equal(normalizePhone('+971 50 123 4567', 'IR'), '+971501234567');
    assert.equal(normalizePhone('٠٥٠١٢٣٤٥٦٧', 'AE'), '+971501234567');
  });

  it('uses the default country only for national numbers', () => {
    assert.equal(normalizePhone('0501234567', 'AE'), '+971501234567');
    assert.equal(normalizePhone('+44 20 7946 0958', 'IR'), '+442079460958');
  });

  it('returns null for text and impossible numbers', () => {
    for (const bad of ['', 'abc', '0912abc4567', '123', '+1', '+98912123456789', '0912 123 4567 ext 5']) {
      assert.equal(normalizePhone(bad, 'IR'), null, bad);
    }
  });
});

describe('isBlockedValue', () => {
  it('blocks blocklisted values case-insensitively after trimming', () => {
    assert.equal(isBlockedValue('NULL', config.blocklist), true);
    assert.equal(isBlockedValue('  Anonymous ', config.blocklist), true);
    assert.equal(isBlockedValue('Test@Test.com', config.blocklist), true);
    assert.equal(isBlockedValue('sara', config.blocklist), false);
  });

  it('always blocks empty and all-zero placeholders, even with an empty blocklist', () => {
    for (const junk of [
      '',
      '   ',
      '0',
      '0000',
      '00000000-0000-0000-0000-000000000000',
      '+00 000',
      '0.0',
      '---',
    ]) {
      assert.equal(isBlockedValue(junk, []), true, JSON.stringify(junk));
    }
    assert.equal(isBlockedValue('1000', []), false);
    assert.equal(isBlockedValue('0001', []), false);
  });
});

describe('normalizeIdentifier', () => {
  it('accepts strings and finite numbers', () => {
    assert.deepEqual(normalizeIdentifier('user_id', ' u-1 ', config), {
      ok: true,
      identifier: { type: 'user_id', value: 'u-1' },
    });
    assert.deepEqual(normalizeIdentifier('user_id', 42, config), {
      ok: true,
      identifier: { type: 'user_id', value: '42' },
    });
    assert.deepEqual(normalizeIdentifier('phone', 9121234567, config), {
      ok: true,
      identifier: { type: 'phone', value: '+989121234567' },
    });
  });

  it('refuses other JSON values as invalid with a reason', () => {
    for (const raw of [true, {}, [], Number.NaN, Number.POSITIVE_INFINITY, null]) {
      const r = normalizeIdentifier('user_id', raw, config);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.reason, 'invalid');
        assert.match(r.detail, /must be a string or a number/);
      }
    }
  });

  it('converts Persian digits in custom identifier types', () => {
    assert.deepEqual(normalizeIdentifier('loyalty_card', '۱۲۳۴-۵۶', config), {
      ok: true,
      identifier: { type: 'loyalty_card', value: '1234-56' },
    });
  });

  it('says a blocklisted value is blocked, even when it would also be an invalid email', () => {
    assert.deepEqual(normalizeIdentifier('email', 'null', config), {
      ok: false,
      reason: 'blocked',
      detail: 'email "null" is on the blocklist',
    });
    const zero = normalizeIdentifier('anonymous_id', '00000000-0000-0000-0000-000000000000', config);
    assert.equal(zero.ok, false);
    if (!zero.ok) assert.equal(zero.reason, 'blocked');
  });

  it('checks the blocklist after normalization too', () => {
    // A support line everyone types into forms: blocked in E.164, caught whatever way it is written.
    const withLine = { ...config, blocklist: [...config.blocklist, '+982100000001'] };
    const r = normalizeIdentifier('phone', '۰۲۱ ۰۰۰۰ ۰۰۰۱', withLine);
    assert.deepEqual(r, {
      ok: false,
      reason: 'blocked',
      detail: 'phone "+982100000001" is on the blocklist',
    });
    const digits = normalizeIdentifier('user_id', '۰۰۰۰', config);
    assert.equal(digits.ok, false);
    if (!digits.ok) assert.equal(digits.reason, 'blocked');
  });

  it('says why a malformed email or phone is invalid', () => {
    const email = normalizeIdentifier('email', 'sara@', config);
    assert.deepEqual(email, {
      ok: false,
      reason: 'invalid',
      detail: 'email "sara@" is not a valid email address',
    });
    const phone = normalizeIdentifier('phone', 'call me', config);
    assert.equal(phone.ok, false);
    if (!phone.ok) {
      assert.equal(phone.reason, 'invalid');
      assert.match(phone.detail, /not a possible phone number/);
    }
  });

  it('refuses absurdly long values', () => {
    const r = normalizeIdentifier('user_id', 'x'.repeat(5000), config);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.reason, 'invalid');
  });
});
