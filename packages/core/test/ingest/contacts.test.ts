import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DomainError } from '../../src/errors';
import { contactRowToEvent, type ContactRowOptions } from '../../src/ingest/contacts';
import type { IncomingEvent } from '../../src/ingest/types';

const receivedAt = Date.UTC(2026, 10, 23, 8, 30, 0);
const opts: ContactRowOptions = {
  rowNumber: 7,
  receivedAt,
  newMessageId: () => 'imp-1',
  source: 'customers.csv',
};

/** Converts a row expected to be valid. */
function convert(row: Record<string, string>): IncomingEvent {
  const r = contactRowToEvent(row, opts);
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Converts a row expected to fail and returns the error. */
function fail(row: Record<string, string>): DomainError {
  const r = contactRowToEvent(row, opts);
  assert.equal(r.ok, false, 'expected an error');
  if (r.ok) throw new Error('unreachable');
  return r.error;
}

describe('contactRowToEvent', () => {
  it('turns a row into an identify on the import channel', () => {
    const e = convert({
      'Customer ID': ' c-100 ',
      'E-mail': 'sara@example.ir',
      Mobile: '0912 345 6789',
      'First Name': 'سارا',
      City: 'تهران',
      Notes: '',
    });
    assert.equal(e.type, 'identify');
    assert.equal(e.name, null);
    assert.equal(e.userId, 'c-100');
    assert.equal(e.anonymousId, null);
    assert.deepEqual(e.traits, {
      email: 'sara@example.ir',
      phone: '0912 345 6789',
      'First Name': 'سارا',
      City: 'تهران',
    });
    assert.equal(e.channel, 'import');
    assert.equal(e.touchpoint, 'customers.csv');
    assert.equal(e.timestamp, receivedAt);
    assert.equal(e.receivedAt, receivedAt);
    assert.equal(e.messageId, 'imp-1');
    assert.deepEqual(JSON.parse(e.json), {
      type: 'identify',
      messageId: 'imp-1',
      userId: 'c-100',
      traits: e.traits,
      context: { channel: 'import', touchpoint: 'customers.csv' },
      timestamp: '2026-11-23T08:30:00.000Z',
      receivedAt: '2026-11-23T08:30:00.000Z',
    });
    assert.ok(e.json.includes('"City":"تهران"'));
  });

  it('matches header spellings case-insensitively, ignoring spaces, _ and -', () => {
    assert.equal(convert({ USER_ID: 'u1' }).userId, 'u1');
    assert.equal(convert({ 'external id': 'u2' }).userId, 'u2');
    assert.equal(convert({ customerId: 'u3' }).userId, 'u3');
    assert.equal(convert({ 'Anonymous-Id': 'a1' }).anonymousId, 'a1');
    assert.equal(convert({ 'Email Address': 'a@b.c' }).traits.email, 'a@b.c');
    assert.equal(convert({ '\uFEFFemail': 'a@b.c' }).traits.email, 'a@b.c');
    for (const header of ['phone', 'Phone Number', 'cell_phone', 'MOBILE']) {
      assert.equal(convert({ [header]: '+989123456789' }).traits.phone, '+989123456789', header);
    }
  });

  it('accepts rows identified by email or phone only', () => {
    const e = convert({ email: 'only@example.com' });
    assert.equal(e.userId, null);
    assert.equal(e.anonymousId, null);
    assert.equal('userId' in JSON.parse(e.json), false);
    assert.equal(convert({ phone: '۰۹۱۲۳۴۵۶۷۸۹' }).traits.phone, '۰۹۱۲۳۴۵۶۷۸۹');
  });

  it('keeps a second column of the same kind as a plain trait', () => {
    const e = convert({ Phone: '021 8888 1234', Mobile: '0912 345 6789' });
    assert.deepEqual(e.traits, { phone: '021 8888 1234', Mobile: '0912 345 6789' });
  });

  it('refuses a row without any identifier', () => {
    const e = fail({ Name: 'Reza', userId: '  ', email: '' });
    assert.equal(e.code, 'missing_identity');
    assert.equal(e.field, 'row 7');
    assert.match(
      e.message,
      /^row 7 has no identifier: fill in at least one of the userId .*anonymousId, email or phone/,
    );
  });

  it('validates email cells', () => {
    for (const bad of ['sara', 'sara@', '@example.ir', 'a@b@c']) {
      const e = fail({ email: bad });
      assert.equal(e.code, 'invalid_field', bad);
      assert.equal(e.field, 'row 7: email');
      assert.match(e.message, /^row 7: column "email" must be an email address/);
    }
  });

  it('validates phone cells, counting Persian and Arabic-Indic digits', () => {
    const e = fail({ 'Phone Number': '12-34' });
    assert.equal(e.code, 'invalid_field');
    assert.equal(e.field, 'row 7: phone');
    assert.match(e.message, /^row 7: column "Phone Number" must be a phone number with at least 6 digits/);
    assert.ok(convert({ phone: '۰۹۱۲۳۴' }));
    assert.ok(convert({ phone: '٠٩١٢٣٤' }));
    assert.equal(fail({ phone: '۰۹۱۲۳' }).code, 'invalid_field');
  });

  it('refuses ids over 512 characters', () => {
    const e = fail({ userId: 'u'.repeat(513) });
    assert.equal(e.code, 'invalid_field');
    assert.equal(e.field, 'row 7: userId');
  });

  it('has no touchpoint when the source is blank', () => {
    const r = contactRowToEvent({ email: 'a@b.c' }, { ...opts, source: ' ' });
    assert.ok(r.ok);
    assert.equal(r.value.touchpoint, null);
    assert.deepEqual(r.value.context, { channel: 'import' });
  });
});
