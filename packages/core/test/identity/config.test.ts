import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_IDENTITY_CONFIG, validateIdentityConfig } from '../../src/identity/config';

/** The error of a failed validation (fails the test when validation succeeded). */
function errorOf(input: unknown): { code: string; field?: string; message: string } {
  const r = validateIdentityConfig(input);
  assert.equal(r.ok, false, 'validation fails');
  if (r.ok) throw new Error('unreachable');
  return r.error;
}

describe('DEFAULT_IDENTITY_CONFIG', () => {
  it('ranks user_id over email over phone over the weak anonymous_id', () => {
    const byType = Object.fromEntries(DEFAULT_IDENTITY_CONFIG.rules.map((r) => [r.type, r]));
    assert.deepEqual(byType.user_id, { type: 'user_id', priority: 1, limit: 1 });
    assert.deepEqual(byType.email, { type: 'email', priority: 2, limit: 5, traits: ['email'] });
    assert.deepEqual(byType.phone, { type: 'phone', priority: 3, limit: 5, traits: ['phone', 'mobile'] });
    assert.deepEqual(byType.anonymous_id, { type: 'anonymous_id', priority: 100, limit: 100, weak: true });
    assert.equal(DEFAULT_IDENTITY_CONFIG.maxIdentitiesPerProfile, 250);
    assert.equal(DEFAULT_IDENTITY_CONFIG.maxProfilesPerMerge, 10);
    assert.equal(DEFAULT_IDENTITY_CONFIG.defaultCountry, 'IR');
    assert.ok(DEFAULT_IDENTITY_CONFIG.blocklist.includes('anonymous'));
  });
});

describe('validateIdentityConfig', () => {
  it('fills every missing optional field from the defaults', () => {
    assert.deepEqual(validateIdentityConfig({}), { ok: true, value: DEFAULT_IDENTITY_CONFIG });
    assert.deepEqual(validateIdentityConfig(undefined), { ok: true, value: DEFAULT_IDENTITY_CONFIG });
    const r = validateIdentityConfig({ defaultCountry: 'AE', maxProfilesPerMerge: 3 });
    assert.ok(r.ok);
    assert.equal(r.value.defaultCountry, 'AE');
    assert.equal(r.value.maxProfilesPerMerge, 3);
    assert.equal(r.value.maxIdentitiesPerProfile, 250);
    assert.deepEqual(r.value.rules, DEFAULT_IDENTITY_CONFIG.rules);
  });

  it('returns a copy that does not share arrays with the defaults', () => {
    const r = validateIdentityConfig({});
    assert.ok(r.ok);
    assert.notEqual(r.value.rules, DEFAULT_IDENTITY_CONFIG.rules);
    assert.notEqual(r.value.blocklist, DEFAULT_IDENTITY_CONFIG.blocklist);
  });

  it('accepts a custom identifier type such as a loyalty card', () => {
    const rules = [
      ...DEFAULT_IDENTITY_CONFIG.rules,
      { type: 'loyalty_card', priority: 4, limit: 2, traits: ['loyaltyCard', 'loyalty_card'] },
    ];
    const r = validateIdentityConfig({ rules });
    assert.ok(r.ok);
    assert.deepEqual(r.value.rules[4], rules[4]);
  });

  it('names the offending field', () => {
    const rules = DEFAULT_IDENTITY_CONFIG.rules.map((r) => ({ ...r }));
    const badLimit = rules.map((r, i) => (i === 2 ? { ...r, limit: 0 } : r));
    assert.deepEqual(errorOf({ rules: badLimit }).field, 'rules[2].limit');
    assert.equal(errorOf({ rules: badLimit }).code, 'invalid_config');
    assert.equal(
      errorOf({ rules: rules.map((r, i) => (i === 1 ? { ...r, limit: 1.5 } : r)) }).field,
      'rules[1].limit',
    );
    assert.equal(
      errorOf({ rules: rules.map((r, i) => (i === 0 ? { ...r, type: 'User-Id' } : r)) }).field,
      'rules[0].type',
    );
    assert.equal(
      errorOf({ rules: rules.map((r, i) => (i === 3 ? { ...r, priority: '1' } : r)) }).field,
      'rules[3].priority',
    );
    assert.equal(
      errorOf({ rules: rules.map((r, i) => (i === 1 ? { ...r, traits: 'email' } : r)) }).field,
      'rules[1].traits',
    );
    assert.equal(
      errorOf({ rules: rules.map((r, i) => (i === 3 ? { ...r, weak: 'yes' } : r)) }).field,
      'rules[3].weak',
    );
    assert.equal(errorOf({ rules: [...rules, 'phone'] }).field, 'rules[4]');
    assert.equal(errorOf({ blocklist: ['null', 0] }).field, 'blocklist[1]');
    assert.equal(errorOf({ maxIdentitiesPerProfile: 0 }).field, 'maxIdentitiesPerProfile');
    assert.equal(errorOf({ maxProfilesPerMerge: '10' }).field, 'maxProfilesPerMerge');
  });

  it('refuses duplicate rule types', () => {
    const rules = [...DEFAULT_IDENTITY_CONFIG.rules, { type: 'email', priority: 9, limit: 1 }];
    const e = errorOf({ rules });
    assert.equal(e.field, 'rules[4].type');
    assert.match(e.message, /configured twice/);
  });

  it('requires rules for user_id and anonymous_id', () => {
    const withoutAnon = DEFAULT_IDENTITY_CONFIG.rules.filter((r) => r.type !== 'anonymous_id');
    assert.match(errorOf({ rules: withoutAnon }).message, /anonymous_id/);
    const withoutUser = DEFAULT_IDENTITY_CONFIG.rules.filter((r) => r.type !== 'user_id');
    assert.match(errorOf({ rules: withoutUser }).message, /user_id/);
  });

  it('requires defaultCountry to be two upper-case letters of a real country', () => {
    assert.equal(errorOf({ defaultCountry: 'ir' }).field, 'defaultCountry');
    assert.equal(errorOf({ defaultCountry: 'IRN' }).field, 'defaultCountry');
    assert.equal(errorOf({ defaultCountry: 'XX' }).field, 'defaultCountry');
  });

  it('refuses unknown fields so a typo does not silently keep the default', () => {
    const e = errorOf({ maxIdentityPerProfile: 10 });
    assert.equal(e.field, 'maxIdentityPerProfile');
    assert.match(e.message, /unknown/);
    const rules = DEFAULT_IDENTITY_CONFIG.rules.map((r, i) => (i === 0 ? { ...r, limt: 2 } : r));
    assert.equal(errorOf({ rules }).field, 'rules[0].limt');
  });

  it('refuses input that is not an object', () => {
    assert.equal(errorOf([]).code, 'invalid_config');
    assert.equal(errorOf('rules').code, 'invalid_config');
    assert.equal(errorOf({ rules: {} }).field, 'rules');
  });
});
